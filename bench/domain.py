"""Domain and scoring subjects: pure code, no database."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from config.rulesets import load_ruleset
from config.schemes import load_scheme
from workflow.grading import Actor, check, fire, open_case
from workflow.grading.authority import assignment
from workflow.grading.eligibility import OrganFacts, check_application
from workflow.grading.grade import Grade
from workflow.scoring.table import ItemEntry, score_sheet

RULESET = load_ruleset("hubei-2011")
ALL_DOCS = {"application_form", "self_check_sheet", "acceptance_report", "integrity_notice"}
PRECONDITIONS = {p.id: True for p in RULESET.preconditions}
ORGAN = OrganFacts(
    tier="county_direct",
    has_system_guidance=False,
    grade=Grade("second", date(2020, 3, 15), date(2023, 3, 14), "evaluation"),
)
#: Example A's main path (digest §4): event, acting function, date.
WALK = [
    ("apply", "applicant", date(2022, 1, 10)),
    ("plan", "planner", date(2022, 2, 1)),
    ("request_acceptance", "applicant", date(2022, 3, 1)),
    ("start_precheck", "prechecker", date(2022, 3, 10)),
    ("pass_precheck", "prechecker", date(2022, 4, 1)),
    ("close_notice", "organizer", date(2022, 4, 8)),
    ("conclude_review", "panel", date(2022, 5, 10)),
    ("approve", "approver", date(2022, 6, 1)),
]


@dataclass
class _Point:
    x: int
    y: int


def baseline() -> object:
    return _Point(1, 2)


def _fresh_case():
    case = open_case(RULESET, ORGAN, "first", "evaluation", PRECONDITIONS)
    case.attachments |= ALL_DOCS
    case.panel_size, case.total_score = 5, 92.0
    return case


def _walk() -> None:
    case = _fresh_case()
    for event, function, day in WALK:
        fire(case, event, Actor(frozenset({function})), day, RULESET)


def _case_in_notice():
    case = _fresh_case()
    for event, function, day in WALK[:5]:
        fire(case, event, Actor(frozenset({function})), day, RULESET)
    return case


def ledger_subjects() -> dict[str, tuple[Callable[[], object], int]]:
    """Issue 10: a province-year under ledger-zg (600,000 articles, 700,000 adoptions, 3,000 units); target < 5 s.

    The records are generated once (bench/ledger_data.py), outside the timed call."""
    from bench.ledger_data import ADOPTIONS, ARTICLES, UNITS, province_year
    from config.ledger_schemes import load_ledger_scheme
    from workflow.scoring.ledger import parse_period, score_ledger

    zg = load_ledger_scheme("ledger-zg")
    roster, records = province_year(zg)
    year = parse_period("2020")
    name = f"ledger: province-year ZG ({ARTICLES:,} articles, {ADOPTIONS:,} adoptions, {UNITS:,} units)"
    return {name: (lambda: score_ledger(zg, roster, records, year), 1)}


def subjects() -> dict[str, tuple[Callable[[], object], int]]:
    in_notice = _case_in_notice()
    organizer = Actor(frozenset({"organizer"}))
    sta = load_scheme("sta-2017")
    sample = load_scheme("hubei-archive-sample")
    sample_entries = {
        "HBS-5.1": ItemEntry(awarded=Decimal(10)),
        "HBS-5.2": ItemEntry(measures={"entry_rate": Decimal(100)}),
        "HBS-3.1": ItemEntry(defects={"missing_file": 3}),
    }
    sta_entries = {item.id: ItemEntry() for item in sta.leaf_items()}
    return {
        "authority.assignment (one §6 row)": (
            lambda: assignment(RULESET, "first", "recheck", "county_direct"),
            2000,
        ),
        "eligibility.check_application": (
            lambda: check_application(
                RULESET, ORGAN, "first", "evaluation", PRECONDITIONS, date(2022, 1, 10)
            ),
            2000,
        ),
        "grading.check close_notice (guards)": (
            lambda: check(in_notice, "close_notice", organizer, date(2022, 4, 8), RULESET),
            2000,
        ),
        "grading: open + 8 transitions (Example A)": (_walk, 200),
        "scoring: Hubei sample sheet": (lambda: score_sheet(sample, sample_entries, level="first"), 200),
        "scoring: STA-2017 sheet (all items)": (lambda: score_sheet(sta, copy.copy(sta_entries)), 100),
    }
