"""A county-direct 省二级 evaluation walked through the real services to the point the sheet tests need.

夷陵区财政局 (``unit-county``) applies; 夷陵区档案局 (``county-staff``/``county-head``) organises it (§6 row 19); the
panel is reviewer-7 (lead), reviewer-8 and reviewer-4 — none from the organ (ARC-10.4.2). The scheme is the
shipped Hubei sample (省二级 line 80, ARC-7.2): 100 points in five parts, a security-incident veto (HBS-4.2).
Never sets ``.state``: every step is a service call (`tests.walk`), so guards and audit rows are the real ones.
"""

from __future__ import annotations

from tests.factories import TODAY
from tests.walk import NOTICE_OVER, PRECONDITIONS, case, declare_all, fire, upload, user
from tests.webapp.views.case_walk import PANEL, walk
from webapp.grading.services import panel
from webapp.scoring.models import ScoreSheet
from webapp.scoring.services.scoresheets import operations
from webapp.scoring.services.scoresheets.operations import JsonInput

__all__ = ["NOTICE_OVER", "PRECONDITIONS", "TODAY", "case", "fire", "upload", "user"]

LEAD = PANEL[0]
UNIT = "unit-county"
STAFF, HEAD = "county-staff", "county-head"

#: the unit's self-check: 98 (HBS-5.1 awarded 9 of 10, one rule missing under HBS-1.3)
SELF_CHECK = {
    "HBS-5.1": {"awarded": "9", "reason": "编研成果较少"},
    "HBS-5.3": {"measures": {"entry_rate": "85"}},
    "HBS-1.3": {"defects": {"missing_rule": 1}},
}


def fill(username: str, case_id: int, kind: str, entries: dict, *, submit: bool = True) -> ScoreSheet:
    sheet = operations.open_sheet(user(username), case_id, kind)
    assert sheet is not None
    operations.save_sheet(user(username), sheet.id, JsonInput(entries), submit=submit)
    return sheet


def planned_case(unit: str = UNIT) -> int:
    """Open, apply and plan: the unit may now fill its self-check (ARC-10.1.4)."""
    return walk(unit, to="planned")


def review_case(*, self_check: dict | None = SELF_CHECK, unit: str = UNIT) -> int:
    """A case in review with its panel formed; the self-check sheet (not an uploaded file) is its 自查评分表."""
    case_id = planned_case(unit)
    if self_check is not None:
        fill(unit, case_id, "self", self_check)
    else:
        upload(unit, case_id, "self_check_sheet")
    upload(unit, case_id, "acceptance_report")
    upload(unit, case_id, "integrity_notice")
    fire(unit, case_id, "request_acceptance")
    fire(STAFF, case_id, "start_precheck")
    fire(STAFF, case_id, "pass_precheck", notice_start=TODAY, opinion="材料齐全，同意公示。")
    fire(STAFF, case_id, "close_notice", today=NOTICE_OVER)
    panel.set_panel(user(STAFF), case_id, PANEL, lead=LEAD, today=NOTICE_OVER)
    declare_all(case_id, today=NOTICE_OVER)
    return case_id


#: three reviewers' on-site sheets: totals 92, 89, 96; the item medians make an agreed 92
REVIEWS = {
    "reviewer-7": {
        "HBS-5.1": {"awarded": "8", "reason": "编研不足"},
        "HBS-5.3": {"measures": {"entry_rate": "82"}},
        "HBS-3.1": {"defects": {"missing_file": 3}, "note": "抽查2026年文书档案"},
        "HBS-1.3": {"defects": {"missing_rule": 1}},
        "HBS-2.2": {"defects": {"missing_protection": 2}},
    },
    "reviewer-8": {
        "HBS-5.1": {"awarded": "7", "reason": "编研成果少"},
        "HBS-5.3": {"measures": {"entry_rate": "82"}},
        "HBS-3.1": {"defects": {"missing_file": 4}},
        "HBS-1.3": {"defects": {"missing_rule": 1}},
        "HBS-2.2": {"defects": {"missing_protection": 3}},
    },
    "reviewer-4": {
        "HBS-5.1": {"awarded": "9", "reason": "编研尚可"},
        "HBS-5.3": {"measures": {"entry_rate": "90"}},
        "HBS-3.1": {"defects": {"missing_file": 2}},
        "HBS-1.3": {"defects": {"missing_rule": 1}},
    },
}


def reviewed_case(reviews: dict | None = None) -> int:
    """In review, every panel member's sheet submitted."""
    case_id = review_case()
    for username, entries in (reviews or REVIEWS).items():
        fill(username, case_id, "reviewer", entries)
    return case_id
