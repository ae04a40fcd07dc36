"""The guards' facts from rows other than the case's (ARC-5.5 incidents, GAP-4 a running recheck, the current grade,
open objections, ARC-10.1.4 the self-check sheet) read in the statement that reads the case for its page
(`case_facts.with_stored_facts`), and still on their own after the lock before an event (issue 12)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from tests.walk import user
from tests.webapp.services.flow import APPROVAL_DAY, drive
from tests.webapp.sql_count import count_statements
from webapp.core.extensions import db
from webapp.core.models import GENESIS_HASH
from webapp.core.services.audit import trail_of, verify_chain
from webapp.grading.models import Case, Objection, SecurityIncident
from webapp.grading.services import case_facts, case_page, cases
from workflow.grading import CaseFacts


def _read_with_the_case(case_id: int) -> case_facts.StoredFacts:
    """The case page's statement: the case, its eager loads and the stored facts after it."""
    query = case_facts.with_stored_facts(
        sa.select(Case).where(Case.id == case_id).options(*case_page.PAGE_LOADS)
    )
    rows = db.session.execute(query).unique().all()
    assert rows and rows[0][0].id == case_id
    return case_facts.stored_from(rows, start=1)


def test_the_facts_read_with_the_case_are_the_facts_read_alone_for_every_case_arc_5_5(ctx):
    """ARC-5.5: two incidents of one organ on the same day are two incidents, however many rows the case's
    panel, filings and spot checks join to them; every other stored fact the same as read on its own."""
    drive("unit-town", to="applied")
    widest_id = drive("unit-county", to="awaiting_approval")
    widest = db.session.get(Case, widest_id)
    assert len(widest.panel) >= 3  # the joined rows multiply: what the reading must not count twice
    day = date(2026, 3, 2)
    db.session.add_all(
        SecurityIncident(organ_id=widest.organ_id, occurred_on=day, description=f"档案受潮 {n}")
        for n in (1, 2)
    )
    db.session.add(Objection(case_id=widest_id, reference="GS-2099-0001", content="材料不实", status="open"))
    db.session.commit()
    ids = list(db.session.scalars(sa.select(Case.id).order_by(Case.id)))
    assert len(ids) >= 2
    for case_id in ids:
        db.session.expunge_all()
        together = _read_with_the_case(case_id)
        alone = case_facts.stored_facts(db.session.get(Case, case_id))
        # the event's read has the case's last audit row besides; the page's does not need it
        assert together == replace(alone, last_row=None), case_id
        last = trail_of("case", case_id)[-1] if trail_of("case", case_id) else None
        assert alone.last_row == ((last.seq, last.hash) if last else (0, GENESIS_HASH)), case_id
    db.session.expunge_all()
    widest_facts = _read_with_the_case(widest_id)
    assert widest_facts.incidents.count(day) == 2 and widest_facts.open_objections >= 1


def test_the_case_page_reads_no_stored_facts_of_its_own_and_decides_as_the_guards_would(ctx, monkeypatch):
    """The page's allowed and refused events come from the facts read with the case: the same `CaseFacts` as
    `facts_for` reads on its own, without its separate statement."""
    case_id = drive("unit-county", to="awaiting_approval")
    head = user("county-head")
    expected = case_facts.facts_for(db.session.get(Case, case_id))
    seen: list[CaseFacts] = []
    original = case_page.facts_for

    def page_facts(*args, **kwargs):  # noqa: ANN202
        facts = original(*args, **kwargs)
        seen.append(facts)
        return facts

    def refused(case):  # noqa: ANN001, ANN202
        raise AssertionError("the case page read the stored facts in a statement of their own")

    monkeypatch.setattr(case_page, "facts_for", page_facts)
    monkeypatch.setattr(case_facts, "stored_facts", refused)
    view = case_page.case_view(head, case_id)
    assert seen == [expected]
    assert "approve" in {action.event for action in view.actions if action.allowed}


def test_an_event_reads_its_facts_after_the_lock_in_a_statement_of_their_own(ctx, monkeypatch):
    """Not with the locking statement: PostgreSQL evaluates a statement's subqueries with the snapshot it took
    before waiting for the lock, so an event that waited would decide on facts from before the change it waited
    for. One read of them, after the case row is locked."""
    case_id = drive("unit-county", to="awaiting_approval")
    reads: list[int] = []
    original = case_facts.stored_facts

    def counted(case):  # noqa: ANN001, ANN202
        reads.append(case.id)
        return original(case)

    monkeypatch.setattr(case_facts, "stored_facts", counted)
    cases.fire_event(user("county-head"), case_id, "approve", today=APPROVAL_DAY)
    assert reads == [case_id]


def test_an_events_row_chains_to_the_last_row_read_with_its_facts_arc_10_5_2(ctx):
    """The event's audit row follows the case's last row as read with the guards' facts (after the lock), in no
    statement of its own (issue 12: seven statements for an event through the API, from eight); the trail still
    verifies."""
    case_id = drive("unit-county", to="awaiting_approval")
    before = trail_of("case", case_id)[-1]
    with count_statements(ctx) as counted:
        cases.fire_event(user("county-head"), case_id, "approve", today=APPROVAL_DAY)
    alone = [s for s in counted.sql if s.lstrip().upper().startswith("SELECT AUDIT_EVENTS.SEQ")]
    assert not alone, alone
    rows = trail_of("case", case_id)
    assert (rows[-1].event, rows[-1].prev_hash) == ("approve", before.hash)
    assert verify_chain("case", case_id).ok


@pytest.mark.parametrize("start", [0, 1])
def test_stored_from_reads_its_columns_where_they_start(start):
    """A row of the facts alone (start 0) or after the case (start 1): the same reading."""
    grade = object()
    lead = ("case",) if start else ()
    rows = [
        (*lead, True, 2, grade, 7, date(2026, 5, 1), "self_check_sheet,notice", False),
        (*lead, True, 2, grade, 3, date(2025, 1, 9), "self_check_sheet,notice", False),
        (
            *lead,
            True,
            2,
            grade,
            7,
            date(2026, 5, 1),
            "self_check_sheet,notice",
            False,
        ),  # incident 7 joined twice
    ]
    stored = case_facts.stored_from(rows, start=start)
    assert stored == case_facts.StoredFacts(
        other_recheck_running=True,
        open_objections=2,
        grade=grade,  # type: ignore[arg-type]
        incidents=(date(2025, 1, 9), date(2026, 5, 1)),
        attachment_kinds=frozenset({"self_check_sheet", "notice"}),
        self_check_submitted=False,
    )
