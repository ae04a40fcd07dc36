"""The campaign procedure's table (workflow/campaigns/table.py): 筹备 → 自评 → 考评 → 审定 → 审批 → 通报.

Each test names the rule the row or guard implements; the guards' refusals quote it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from workflow import campaigns as domain
from workflow.campaigns import PROCEDURE, Actor, CampaignFacts
from workflow.errors import WorkflowError

STAFF = Actor(frozenset({"staff"}))
HEAD = Actor(frozenset({"head"}))
UNIT = Actor(frozenset({"unit"}))
LEAD = Actor(frozenset({"assessor", "lead"}))
TODAY = date(2026, 12, 1)


def ready(**changes: object) -> CampaignFacts:
    """A draft a STA-style campaign could open with: 11 units, a team of three with one lead, deadlines in order."""
    facts = CampaignFacts(
        units=11,
        assessors=3,
        leads=1,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        self_due=date(2026, 12, 10),
        materials_due=date(2026, 12, 15),
        inspection_from=date(2026, 12, 16),
        inspection_to=date(2026, 12, 25),
        results_due=date(2027, 1, 10),
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def test_every_row_cites_a_rule_and_only_the_office_moves_the_campaign():
    """LRN-4.1 / ORG-PR.8: the steps are the office's; no row is fired by a unit or an assessor."""
    for row in PROCEDURE.rows:
        assert row.rule, row.id
        assert set(row.actors) <= {"staff", "head"}, row.id


def test_a_campaign_opens_when_units_team_and_deadlines_are_set_sta_4_2():
    facts = ready()
    assert domain.check(facts, "open", STAFF, TODAY) is None
    domain.fire(facts, "open", STAFF, TODAY)
    assert facts.state == "self_assessment" and facts.opened_on == TODAY


@pytest.mark.parametrize(
    ("changes", "code", "rule"),
    [
        ({"units": 0}, "no_units", "STA-1.1"),
        ({"leads": 0}, "no_team", "SAF-3.2"),
        ({"leads": 2}, "no_team", "SAF-3.2"),
        ({"assessors": 0, "leads": 0}, "no_team", "SAF-3.2"),
        ({"units_without_group": 2}, "unit_without_group", "ORG-PR.9"),
        ({"scheme_frame": True}, "scheme_frame", "SAF-2.1"),
        ({"results_due": date(2026, 12, 20)}, "deadline_order", "STA-4.2"),
        ({"self_due": date(2025, 12, 1)}, "deadline_before_period", "STA-4.2"),
        (
            {
                "self_due": None,
                "materials_due": None,
                "inspection_from": None,
                "inspection_to": None,
                "results_due": None,
            },
            "no_deadlines",
            "STA-4.2",
        ),
    ],
)
def test_opening_is_refused_with_the_rule_quoted(changes, code, rule):
    refusal = domain.check(ready(**changes), "open", STAFF, TODAY)
    assert refusal is not None and refusal.code == code and refusal.rule == rule
    assert f"· {rule}" in refusal.message and "依据" in refusal.message


def test_an_org_month_may_overlap_the_declarations_with_the_first_week_of_scoring_org_pr_3():
    """ORG-PR.3 / PR.6: the team scores in days 1–7 of the next month, results by the 10th; units may still
    declare until the 3rd — the windows overlap and the campaign opens."""
    facts = ready(
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        self_due=date(2026, 12, 3),
        materials_due=date(2026, 12, 3),
        inspection_from=date(2026, 12, 1),
        inspection_to=date(2026, 12, 7),
        results_due=date(2026, 12, 10),
    )
    assert domain.check(facts, "open", STAFF, TODAY) is None
    refusal = domain.check(replace(facts, inspection_to=date(2026, 12, 11)), "open", STAFF, TODAY)
    assert refusal is not None and "实地考评结束日不能晚于结果报送截止日" in refusal.message


def test_a_units_person_cannot_open_or_approve_anything():
    facts = ready()
    assert domain.check(facts, "open", UNIT, TODAY).code in ("forbidden", "not_allowed")  # type: ignore[union-attr]
    with pytest.raises(WorkflowError):
        domain.fire(facts, "open", LEAD, TODAY)
    assert facts.state == "draft"


def test_assessment_waits_for_every_self_assessment_or_the_deadline_lrn_4_1():
    facts = ready(state="self_assessment", self_submitted=9)
    refusal = domain.check(facts, "start_assessment", STAFF, date(2026, 12, 10))
    assert refusal is not None and refusal.rule == "LRN-4.1" and "2个单位未提交自评" in refusal.message
    assert domain.check(facts, "start_assessment", STAFF, date(2026, 12, 11)) is None
    assert (
        domain.check(replace(facts, self_submitted=11), "start_assessment", STAFF, date(2026, 12, 2)) is None
    )


def test_moderation_needs_every_agreed_sheet_and_every_claim_decided():
    """STA-4.3: the office scores every unit; ORG-PR.1: declared performance and faults are verified first."""
    facts = ready(state="assessment", self_submitted=11, agreed_submitted=10)
    refusal = domain.check(facts, "start_moderation", STAFF, TODAY)
    assert refusal is not None and refusal.code == "agreed_missing" and refusal.rule == "STA-4.3"
    facts = replace(facts, agreed_submitted=11, claims_pending=2)
    refusal = domain.check(facts, "start_moderation", STAFF, TODAY)
    assert refusal is not None and refusal.code == "claims_pending" and refusal.rule == "ORG-PR.1"
    assert domain.check(replace(facts, claims_pending=0), "start_moderation", STAFF, TODAY) is None


def test_results_go_to_the_head_only_while_the_quotas_hold_sta_4_1():
    message = "优秀最多3名，您选择了4名。依据…优秀2-3名、良好3-4名 · STA-4.1"
    facts = ready(state="moderation", quota_problem=message)
    refusal = domain.check(facts, "submit_results", STAFF, TODAY)
    assert refusal is not None and refusal.message == message and refusal.rule == "STA-4.1"
    facts = replace(facts, quota_problem=None)
    record = domain.fire(facts, "submit_results", STAFF, TODAY)
    assert facts.state == "approval" and record.rule == "ORG-PR.8"


def test_only_the_head_approves_or_returns_and_a_return_needs_a_reason_org_pr_8():
    facts = ready(state="approval")
    assert domain.check(facts, "approve", STAFF, TODAY) is not None
    refusal = domain.check(facts, "return_results", HEAD, TODAY, reason="改")
    assert refusal is not None and refusal.code == "reason_missing" and "ORG-PR.8" in refusal.message
    record = domain.fire(facts, "return_results", HEAD, TODAY, reason="优秀名额请按自然分差确定")
    assert facts.state == "moderation" and [e.kind for e in record.effects] == ["clear_result"]
    facts.state = "approval"
    record = domain.fire(facts, "approve", HEAD, TODAY)
    assert facts.state == "approved" and facts.approved_on == TODAY
    assert "freeze_result" in [e.kind for e in record.effects]


def test_publishing_is_the_last_step_and_then_nothing_moves():
    facts = ready(state="approved")
    domain.fire(facts, "publish", STAFF, TODAY)
    assert facts.state == "published" and facts.published_on == TODAY
    assert domain.allowed_events(facts, Actor(frozenset({"staff", "head"})), TODAY) == []


def test_only_a_draft_can_be_cancelled():
    assert domain.check(ready(), "cancel", STAFF, TODAY) is None
    assert domain.check(ready(state="self_assessment"), "cancel", STAFF, TODAY) is not None
