"""The bureaus' cases revision (issue 12): a bureau's kept counts (worklist tabs, overdue work, list totals) are keyed
by a counter that moves at every commit changing a case the bureau or a bureau below it names, a filing, or its
yearly summary — and with nothing else: a rolled-back change, or a change under another city, leaves it. What the
counts mean is ARC-9.4–9.6 (who acts, who supervises, who holds a filing); this file checks they never go stale."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import TODAY
from tests.walk import case as get
from tests.walk import fire, org, user
from tests.webapp.services.flow import drive
from webapp.core.extensions import db
from webapp.grading.models import CaseFiling
from webapp.grading.services import case_revision, summary

BUREAUS = ("hb", "wh", "wh-ja", "yc", "yc-yl", "yc-xl", "snj")


def revisions() -> dict[str, int]:
    return {code: case_revision.current(db.session, org(code).id) for code in BUREAUS}


def moved(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {code for code in BUREAUS if after[code] != before[code]}


def test_an_application_moves_its_county_and_every_bureau_above_and_no_other_arc_9_4(ctx):
    before = revisions()
    drive(
        "unit-county", to="applied"
    )  # 夷陵区财政局 applies to 夷陵区档案局 (yc-yl), under 宜昌 (yc) and 湖北 (hb)
    assert moved(before, revisions()) == {"yc-yl", "yc", "hb"}


def test_a_transition_moves_them_once_per_commit(ctx):
    case_id = drive("unit-county", to="applied")
    before = revisions()
    fire("county-staff", case_id, "plan")
    after = revisions()
    assert moved(before, after) == {"yc-yl", "yc", "hb"}
    assert all(after[code] == before[code] + 1 for code in ("yc-yl", "yc", "hb"))


def test_a_rolled_back_change_leaves_the_revisions(ctx):
    case_id = drive("unit-county", to="applied")
    before = revisions()
    with pytest.raises(RuntimeError), db.session.begin_nested():
        get(case_id).letter_no = "夷档〔2027〕1号"
        db.session.flush()
        raise RuntimeError("the caller's transaction fails")
    db.session.rollback()
    db.session.commit()  # nothing left to write
    assert revisions() == before


def test_a_bureau_taken_off_a_case_moves_with_the_one_put_on_it(ctx):
    """The old value of a function column counts too: the case leaves the first bureau's counts. The column is
    not loaded when it is set (an expired case), as after a commit in a service."""
    case_id = drive("unit-county", to="applied")
    case = get(case_id)
    db.session.expire(case)
    before = revisions()
    case.planner_id = org("yc-xl").id  # 夷陵区 → 西陵区: both counties' worklists change
    db.session.commit()
    assert moved(before, revisions()) == {"yc-yl", "yc-xl", "yc", "hb"}


def test_a_filing_moves_the_bureau_it_is_filed_with_arc_9_5(ctx):
    case_id = drive("unit-county", to="applied")
    before = revisions()
    db.session.add(CaseFiling(case_id=case_id, bureau_id=org("wh").id, rule_id="ARC-9.5", filed_on=TODAY))
    db.session.commit()
    # the filing bureau and those above it (its filed tab), and the case's own (their summaries name it)
    assert moved(before, revisions()) == {"wh", "yc-yl", "yc", "hb"}


def test_the_yearly_summary_moves_the_city_that_submits_it_arc_10_5_3(ctx):
    drive("unit-county", to="approved")
    before = revisions()
    summary.submit_summary(user("city-staff"), 2027, today=date(2027, 12, 10))
    assert {"yc", "hb"} <= moved(before, revisions()) <= {"yc", "hb", "yc-yl"}
    assert "wh" not in moved(before, revisions())


def test_a_raise_is_one_statement_whatever_the_commit_changed(ctx):
    """The owners are found by the INSERT … SELECT itself: a transition's commit sends one statement more than
    before, not one per kind of row it changed."""
    case_id = drive("unit-county", to="applied")
    sent: list[str] = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        fire("county-staff", case_id, "plan")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    raises = [s for s in sent if "bureau_cases_revisions" in s]
    assert len(raises) == 1 and raises[0].lstrip().upper().startswith("INSERT")


def test_a_bureau_page_reads_its_revision_with_the_person_and_still_sees_a_change_made_since(
    demo, client, auth
):
    """ARC-9.4: the county's overdue count and worklist totals are kept under its revision, which now comes with
    the signed-in person (no statement of its own); a case applied for by another request since is counted."""
    from tests.webapp.sql_count import count_statements

    auth.login("county-staff")
    assert client.get("/bureau/").status_code == 200
    with count_statements(client.application) as counted:
        before = client.get("/bureau/").get_data(as_text=True)
    assert not [sql for sql in counted.sql if "bureau_cases_revisions" in sql and "users" not in sql]
    with demo.app_context():
        drive("unit-county", to="applied")  # a new application lodged with 夷陵区档案局: its revision moves
    after = client.get("/bureau/").get_data(as_text=True)
    assert _act_total(after) == _act_total(before) + 1


def _act_total(page: str) -> int:
    import re

    found = re.search(r'data-testid="tab-act"[^>]*>.*?<span[^>]*>(\d+)</span>', page, re.DOTALL)
    assert found, "the 本局待办 tab shows its total"
    return int(found.group(1))
