"""Firing an event through the services: facts gathered once, each guard once, the fired row's declared effects
applied in one place (`cases.apply_effects`)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import TODAY
from tests.walk import case as get
from tests.walk import events_of, user
from tests.webapp.services.flow import APPROVAL_DAY, drive
from webapp.core.extensions import db
from webapp.grading.models import Grade, Objection
from webapp.grading.services import case_facts, cases, errors, objection_filing
from workflow import grading


@pytest.fixture
def counted(monkeypatch):
    """Counts of `facts_for` (database reads of one case's facts) and of the domain's check (guards)."""
    counts = {"facts": 0, "check": 0}
    facts_for, check = case_facts.facts_for, grading.PROCEDURE.check

    def counting_facts(*args, **kwargs):
        counts["facts"] += 1
        return facts_for(*args, **kwargs)

    def counting_check(*args, **kwargs):
        counts["check"] += 1
        return check(*args, **kwargs)

    monkeypatch.setattr(case_facts, "facts_for", counting_facts)
    monkeypatch.setattr(cases, "facts_for", counting_facts)
    monkeypatch.setattr(grading.PROCEDURE, "check", counting_check)
    return counts


def test_every_effect_kind_declared_on_the_grading_table_has_its_one_handler():
    kinds = {effect.kind for row in grading.TRANSITIONS for effect in row.effects if not effect.on_facts}
    assert kinds == set(cases.EFFECT_HANDLERS) == {"grant_grade", "close_objections"}


def test_firing_gathers_the_facts_once_and_runs_the_guards_once_arc_10_5_2(ctx, counted):
    """ARC-10.5.2: approving a case reads its facts and checks its guards once (before: three guard runs)."""
    case_id = drive("unit-county", to="awaiting_approval")
    counted.update(facts=0, check=0)
    cases.fire_event(user("county-head"), case_id, "approve", today=APPROVAL_DAY)
    assert counted == {"facts": 1, "check": 1}
    assert get(case_id).state == "approved"


def test_a_batch_fires_each_case_once_and_a_refusal_rolls_every_case_back_arc_10_1_3(ctx, counted):
    """ARC-10.1.3: the year's plan issued for two applications; one refused, nothing is written."""
    first, second = drive("unit-county"), drive("unit-town", to="draft")
    counted.update(facts=0, check=0)
    with pytest.raises(errors.BatchRefused) as refused:
        cases.batch_fire(user("county-staff"), [first, second], "plan", today=TODAY)
    assert set(refused.value.refusals) == {second} and counted["check"] <= 2
    assert (get(first).state, get(second).state) == ("applied", "draft")
    counted.update(facts=0, check=0)
    cases.batch_fire(user("county-staff"), [first], "plan", today=TODAY)
    assert counted == {"facts": 1, "check": 1} and get(first).state == "planned"


def test_approval_grants_the_grade_through_the_rows_declared_effect_arc_10_5_2(ctx):
    """ARC-10.5.2, ARC-10.5.5: the grade and its certificate come from CT-19's grant_grade effect."""
    case_id = drive("unit-county", to="awaiting_approval")
    cases.fire_event(user("county-head"), case_id, "approve", today=APPROVAL_DAY)
    case = get(case_id)
    grade = db.session.scalar(sa.select(Grade).where(Grade.case_id == case_id))
    assert grade is not None and grade.certificate_no == case.certificate_no
    assert case.decided_on == APPROVAL_DAY  # a date effect, set by the domain and copied onto the row


def test_firing_an_objection_event_closes_every_open_objection_and_names_them_in_the_trail_gap_9(ctx):
    """GAP-9: CT-16's close_objections effect decides all open objections with the event's status."""
    case_id = drive("unit-county", to="in_notice")
    a = objection_filing.submit_objection(case_id, content="一", today=TODAY)
    b = objection_filing.submit_objection(case_id, content="二", today=TODAY)
    cases.fire_event(user("county-staff"), case_id, "reject_on_objection", comment="材料造假", today=TODAY)
    statuses = {o.reference: (o.status, o.handling_note) for o in db.session.scalars(sa.select(Objection))}
    assert statuses == {
        a.reference: ("rejected_case", "材料造假"),
        b.reference: ("rejected_case", "材料造假"),
    }
    last = events_of(case_id)[-1]
    assert (last.event, last.to_state) == ("reject_on_objection", "rejected")
    assert last.comment == f"材料造假；异议 {a.reference}、{b.reference} 成立"


def test_handling_the_last_objection_lets_the_event_close_it_gap_9(ctx):
    """GAP-9: the organizer's decision on the last open objection fires CT-14, whose effect closes it."""
    case_id = drive("unit-county", to="in_notice")
    objection = objection_filing.submit_objection(case_id, content="档案室面积不达标", today=TODAY)
    objection_filing.handle_objection(
        user("county-staff"), objection.id, "dismiss", note="经核实不成立", today=TODAY
    )
    closed = db.session.get(Objection, objection.id)
    assert (closed.status, closed.handling_note) == ("dismissed", "经核实不成立")
    last = events_of(case_id)[-1]
    assert last.comment == f"核实意见：经核实不成立；异议 {objection.reference} 不成立"
    assert get(case_id).state == "in_notice"
