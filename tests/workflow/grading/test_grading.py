"""The case state machine (digest §5.1, CT-01…CT-20): table, guards and their reasons, examples, diagram."""

from __future__ import annotations

from collections import deque
from datetime import date

import pytest

from workflow.errors import GuardRefused, InvalidTransition, NotAllowed
from workflow.grading import (
    CASE_STATES,
    EVENTS,
    MACHINE,
    STATE_LABELS,
    TERMINAL_STATES,
    TRANSITIONS,
    allowed_events,
    blocked_events,
    check,
    fire,
    mermaid,
    open_case,
)

from ..conftest import actor, all_preconditions, graded_organ, with_switches

APPLICANT, FORWARDER, PLANNER = actor("applicant"), actor("forwarder"), actor("planner")
PRECHECKER, ORGANIZER, PANEL, APPROVER = (
    actor("prechecker"),
    actor("organizer"),
    actor("panel"),
    actor("approver"),
)
ACCEPTANCE = {"application_form", "self_check_sheet", "acceptance_report"}
ALL_ATTACHMENTS = ACCEPTANCE | {"integrity_notice"}


def example_a_case(hubei):
    """Example A: a county-direct organ with 二级 since 2020-03-15 seeks 一级 at the start of 2022."""
    organ = graded_organ("county_direct", "second", date(2020, 3, 15), date(2023, 3, 14))
    return open_case(hubei, organ, "first", "evaluation", all_preconditions(hubei))


def advance_to(case, state, ruleset, notice_start=date(2022, 4, 1)):
    """Drive an Example A style case to `state` along the main path."""
    steps = [
        ("applied", "apply", APPLICANT, date(2022, 1, 10)),
        ("planned", "plan", PLANNER, date(2022, 2, 1)),
        ("acceptance_requested", "request_acceptance", APPLICANT, date(2022, 3, 1)),
        ("prechecking", "start_precheck", PRECHECKER, date(2022, 3, 10)),
        ("in_notice", "pass_precheck", PRECHECKER, notice_start),
        ("in_review", "close_notice", ORGANIZER, date(2022, 4, 20)),
        ("awaiting_approval", "conclude_review", PANEL, date(2022, 5, 10)),
        ("approved", "approve", APPROVER, date(2022, 6, 1)),
    ]
    case.attachments |= ALL_ATTACHMENTS
    case.panel_size, case.total_score = 5, 92.0
    for dest, event, who, day in steps:
        if case.state == state:
            return case
        fire(case, event, who, day, ruleset)
        assert case.state == dest
    return case


# -- the table ------------------------------------------------------------------------------------------------


def test_every_row_names_its_ct_id_rule_and_actor():
    assert {row.id for row in TRANSITIONS} == {f"CT-{n:02d}" for n in range(1, 21)}
    for row in TRANSITIONS:
        assert row.rule.startswith(("ARC-", "GAP-")) and row.actors and row.event in EVENTS


def test_every_event_is_used_and_every_state_is_reachable_from_draft():
    """Graph search over TRANSITIONS."""
    assert {row.event for row in TRANSITIONS} == set(EVENTS)
    reached, queue = {"draft"}, deque(["draft"])
    while queue:
        state = queue.popleft()
        for row in TRANSITIONS:
            if state in row.source and row.target not in reached:
                reached.add(row.target)
                queue.append(row.target)
    assert reached == set(CASE_STATES)


def test_terminal_states_have_no_way_out():
    for row in TRANSITIONS:
        assert not TERMINAL_STATES & set(row.source), row.id


def test_side_effects_are_declared_on_the_rows_that_cause_them():
    """CT-19 grants the grade (ARC-10.5.2, ARC-9.3/9.5); CT-14/15/16 close the objections (GAP-9); every row into a
    terminal state records the decision day; CT-08 starts the notice on the day typed (ARC-10.3.1)."""
    effects = {(row.id, row.target): {(e.kind, e.field) for e in row.effects} for row in TRANSITIONS}
    assert ("grant_grade", "") in effects[("CT-19", "approved")]
    assert [row.id for row in TRANSITIONS if ("grant_grade", "") in effects[(row.id, row.target)]] == [
        "CT-19"
    ]
    assert {("CT-14", "in_notice"), ("CT-14", "in_review"), ("CT-15", "returned"), ("CT-16", "rejected")} == {
        key for key, kinds in effects.items() if any(kind == "close_objections" for kind, _ in kinds)
    }
    for row in TRANSITIONS:
        assert (("set_date", "decided_on") in effects[(row.id, row.target)]) == (
            row.target in TERMINAL_STATES
        )
    pass_precheck = next(row for row in TRANSITIONS if row.id == "CT-08")
    assert [(e.kind, e.field, e.source) for e in pass_precheck.effects] == [
        ("set_date", "notice_start", "notice_start"),
        ("clear", "notice_closed_on", ""),
    ]


def test_approval_hands_the_grant_to_the_service_without_granting_anything_itself(hubei):
    """ARC-10.5.2: the pure domain records the decision day; the grade is the service's effect to apply."""
    case = advance_to(example_a_case(hubei), "awaiting_approval", hubei)
    record = fire(case, "approve", APPROVER, date(2022, 6, 1), hubei)
    assert [e.kind for e in record.effects if not e.on_facts] == ["grant_grade"]
    assert case.decided_on == date(2022, 6, 1)


def test_one_shared_machine_serves_every_case(hubei):
    """ARCHITECTURE: one class-level machine, no per-case Machine and no to_<state> back doors."""
    first, second = example_a_case(hubei), example_a_case(hubei)
    fire(first, "apply", APPLICANT, date(2022, 1, 10), hubei)
    assert (first.state, second.state) == ("applied", "draft")
    assert MACHINE.models == [] and "to_approved" not in MACHINE.events
    assert not hasattr(first, "trigger")


# -- examples -------------------------------------------------------------------------------------------------


def test_example_a_runs_from_application_to_approval(hubei):
    """Example A: K receives, C plans, pre-checks, publishes, reviews with 5–7 and approves (ARC-9.2, ARC-10.x)."""
    case = example_a_case(hubei)
    records = []
    case.attachments |= ALL_ATTACHMENTS
    case.panel_size, case.total_score = 5, 90.0  # 90.0 reaches the line exactly (GAP-12)
    for event, who, day in [
        ("apply", APPLICANT, date(2022, 1, 10)),
        ("plan", PLANNER, date(2022, 2, 1)),
        ("request_acceptance", APPLICANT, date(2022, 3, 1)),
        ("start_precheck", PRECHECKER, date(2022, 3, 10)),
        ("pass_precheck", PRECHECKER, date(2022, 4, 1)),
        ("close_notice", ORGANIZER, date(2022, 4, 8)),
        ("conclude_review", PANEL, date(2022, 5, 10)),
        ("approve", APPROVER, date(2022, 6, 1)),
    ]:
        records.append(fire(case, event, who, day, hubei))
    assert [record.transition_id for record in records] == [
        "CT-01",
        "CT-04",
        "CT-06",
        "CT-07",
        "CT-08",
        "CT-12",
        "CT-17",
        "CT-19",
    ]
    assert records[-1].rule == "ARC-10.5.2" and case.state == "approved"
    assert (case.plan_year, case.notice_start, case.notice_closed_on) == (
        2022,
        date(2022, 4, 1),
        date(2022, 4, 8),
    )
    assert case.decided_on == date(2022, 6, 1)


def test_example_a_score_below_the_line_fails_the_review(hubei):
    """Example A / ARC-7.2: 89.5 < 90 → rejected (CT-18)."""
    case = advance_to(example_a_case(hubei), "in_review", hubei)
    case.total_score = 89.5
    record = fire(case, "conclude_review", PANEL, date(2022, 5, 10), hubei)
    assert (record.transition_id, record.rule, case.state) == ("CT-18", "ARC-7.2", "rejected")


def test_example_c_special_promotion_is_forwarded_and_prechecked_in_writing(hubei):
    """Example C: C forwards by 2023-03-31 (ARC-10.1.2), C's pre-check needs a written result (ARC-10.2.2),
    the notice from 2023-06-05 may close on 2023-06-12 (GAP-10), panel 5–7 (ARC-10.4.3), conclusion pass (GAP-11)."""
    organ = graded_organ("city_direct", "first", date(2021, 11, 20), date(2024, 11, 19), guidance=True)
    case = open_case(hubei, organ, "special", "evaluation", all_preconditions(hubei))
    fire(case, "apply", APPLICANT, date(2023, 1, 10), hubei)
    refusal = check(case, "plan", PLANNER, date(2023, 2, 1), hubei)
    assert refusal.code == "forwarding_required" and refusal.rule == "ARC-10.1.2"
    assert check(case, "forward", FORWARDER, date(2023, 4, 1), hubei).code == "forwarding_deadline_passed"
    fire(case, "forward", FORWARDER, date(2023, 3, 31), hubei)
    assert fire(case, "plan", PLANNER, date(2023, 4, 10), hubei).transition_id == "CT-03"
    case.attachments |= ACCEPTANCE
    fire(case, "request_acceptance", APPLICANT, date(2023, 5, 1), hubei)
    fire(case, "start_precheck", PRECHECKER, date(2023, 5, 10), hubei)
    refusal = check(case, "pass_precheck", PRECHECKER, date(2023, 6, 5), hubei)
    assert refusal.code == "precheck_opinion_missing" and refusal.rule == "ARC-10.2.2"
    case.attachments.add("precheck_opinion")
    fire(case, "pass_precheck", PRECHECKER, date(2023, 6, 5), hubei)
    refusal = check(case, "close_notice", ORGANIZER, date(2023, 6, 11), hubei)
    assert refusal.code == "notice_period_not_elapsed"
    assert (
        refusal.message
        == "依据第十条：公示时间不少于7天 · ARC-10.3.2（公示自2023-06-05起，最早可于2023-06-12结束）"
    )
    fire(case, "close_notice", ORGANIZER, date(2023, 6, 12), hubei)
    case.panel_size, case.conclusion = 5, "pass"
    assert fire(case, "conclude_review", PANEL, date(2023, 6, 20), hubei).dest == "awaiting_approval"


def test_example_c_county_direct_applicant_needs_a_panel_of_seven_to_nine(hubei):
    """ARC-10.4.4: P's 特级 review of a county-direct organ."""
    organ = graded_organ("county_direct", "first", date(2021, 11, 20), date(2024, 11, 19), guidance=True)
    case = open_case(hubei, organ, "special", "evaluation", all_preconditions(hubei))
    case.state, case.panel_size, case.conclusion = "in_review", 6, "pass"
    refusal = check(case, "conclude_review", PANEL, date(2023, 6, 20), hubei)
    assert (
        refusal.code == "panel_size_out_of_range"
        and refusal.rule == "ARC-10.4.4"
        and "7–9" in refusal.message
    )


def test_example_d_special_recheck_is_forwarded_then_organized_by_the_city(hubei):
    """Example D: 特级 recheck of a county-direct organ in its expiry year 2023 (ARC-9.2, ARC-10.1.2, ARC-11.2)."""
    organ = graded_organ("county_direct", "special", date(2020, 9, 1), date(2023, 8, 31), guidance=True)
    case = open_case(hubei, organ, "special", "recheck", all_preconditions(hubei))
    fire(case, "apply", APPLICANT, date(2023, 1, 10), hubei)
    fire(case, "forward", FORWARDER, date(2023, 3, 1), hubei)
    fire(case, "plan", PLANNER, date(2023, 3, 20), hubei)
    assert case.assignment.organizer == "city" and case.assignment.filings == ("province",)
    assert case.assignment.panel == (5, 7) and not case.assignment.precheck_delegated


def test_example_e_township_recheck_panel_and_failure(hubei):
    """Example E: K organizes the township 一级 recheck with 5–7; a total of 86 < 90 fails (ARC-7.2, GAP-5)."""
    organ = graded_organ("township", "first", date(2019, 12, 1), date(2022, 11, 30))
    case = open_case(hubei, organ, "first", "recheck", all_preconditions(hubei))
    assert case.assignment.organizer == "county" and case.assignment.filings == ("city",)
    case.state, case.panel_size, case.total_score = "in_review", 5, 86.0
    assert fire(case, "conclude_review", PANEL, date(2022, 9, 1), hubei).dest == "rejected"


def test_example_f_incident_blocks_the_application(hubei):
    """Example F: the CT-01 guard refuses with ARC-5.5."""
    organ = graded_organ("county_direct", None, incidents=(date(2022, 8, 15),))
    case = open_case(hubei, organ, "second", "evaluation", all_preconditions(hubei))
    with pytest.raises(GuardRefused) as raised:
        fire(case, "apply", APPLICANT, date(2024, 1, 10), hubei)
    assert raised.value.code == "security_incident_within_window" and case.state == "draft"


# -- refusals: order and reasons ------------------------------------------------------------------------------


def test_an_event_undefined_for_the_state_is_an_invalid_transition(hubei):
    case = example_a_case(hubei)
    with pytest.raises(InvalidTransition) as raised:
        fire(case, "approve", APPROVER, date(2022, 1, 10), hubei)
    assert raised.value.code == "invalid_transition" and case.state == "draft"
    assert check(case, "no_such_event", APPLICANT, date(2022, 1, 10), hubei).code == "invalid_transition"


def test_an_actor_without_the_function_is_forbidden_before_guards_run(hubei):
    """Order: transition → actor → guards (the date here would also fail the window guard)."""
    case = example_a_case(hubei)
    with pytest.raises(NotAllowed) as raised:
        fire(case, "apply", ORGANIZER, date(2022, 8, 1), hubei)
    assert raised.value.code == "forbidden"


def guard_case(hubei, state, **facts):
    case = example_a_case(hubei)
    case.state, case.plan_year = state, 2022
    for name, value in facts.items():
        setattr(case, name, value)
    return case


GUARD_REFUSALS = [
    # (state, event, who, day, facts, code, rule)
    ("draft", "apply", APPLICANT, date(2022, 5, 1), {}, "outside_application_window", "ARC-10.1.1"),
    (
        "draft",
        "apply",
        APPLICANT,
        date(2022, 1, 10),
        {"preconditions": {}},
        "preconditions_not_met",
        "ARC-5.1",
    ),
    ("applied", "forward", FORWARDER, date(2022, 2, 1), {}, "wrong_bureau", "ARC-10.1.2"),
    ("planned", "request_acceptance", APPLICANT, date(2022, 3, 1), {}, "attachments_missing", "ARC-10.1.4"),
    (
        "returned",
        "resubmit",
        APPLICANT,
        date(2023, 1, 5),
        {"attachments": set(ACCEPTANCE)},
        "plan_year_ended",
        "ARC-10.1.3",
    ),
    (
        "in_notice",
        "close_notice",
        ORGANIZER,
        date(2022, 4, 3),
        {"notice_start": date(2022, 4, 1)},
        "notice_period_not_elapsed",
        "ARC-10.3.2",
    ),
    (
        "in_notice",
        "close_notice",
        ORGANIZER,
        date(2022, 4, 20),
        {"notice_start": date(2022, 4, 1), "open_objections": 1},
        "objection_open",
        "ARC-10.3.1",
    ),
    (
        "in_review",
        "conclude_review",
        PANEL,
        date(2022, 5, 1),
        {"panel_size": 5},
        "review_result_missing",
        "ARC-10.4.5",
    ),
    (
        "in_review",
        "conclude_review",
        PANEL,
        date(2022, 5, 1),
        {"panel_size": 3, "total_score": 95.0},
        "panel_size_out_of_range",
        "ARC-10.4.3",
    ),
    (
        "in_review",
        "conclude_review",
        PANEL,
        date(2022, 5, 1),
        {"total_score": 95.0},
        "panel_size_out_of_range",
        "ARC-10.4.3",
    ),
    (
        "awaiting_approval",
        "approve",
        APPROVER,
        date(2022, 6, 1),
        {"total_score": 95.0, "notice_closed_on": date(2022, 4, 20)},
        "basis_documents_missing",
        "ARC-10.5.1",
    ),
]


@pytest.mark.parametrize(
    ("state", "event", "who", "day", "facts", "code", "rule"),
    GUARD_REFUSALS,
    ids=[g[5] + "-" + str(i) for i, g in enumerate(GUARD_REFUSALS)],
)
def test_each_guard_refuses_with_its_code_and_cites_its_rule(
    hubei, state, event, who, day, facts, code, rule
):
    case = guard_case(hubei, state, **facts)
    refusal = check(case, event, who, day, hubei)
    assert (refusal.code, refusal.rule) == (code, rule)
    text = hubei.rule_texts[rule]
    assert refusal.message.startswith(f"依据{text.article}：{text.quote} · {rule}")
    with pytest.raises(GuardRefused):
        fire(case, event, who, day, hubei)
    assert case.state == state


def test_asking_whether_the_review_can_be_concluded_needs_no_made_up_total_arc_10_4_5(hubei):
    """ARC-10.4.5: the panel's total is input given with the conclusion. Asking before it is given skips only
    that check (the lead is offered the action, nothing invented), every other guard still answers, and
    firing without a total is refused."""
    case = guard_case(hubei, "in_review", panel_size=5)
    assert check(case, "conclude_review", PANEL, date(2022, 5, 1), hubei, asking=True) is None
    assert case.total_score is None  # asking wrote nothing into the facts
    assert check(case, "conclude_review", PANEL, date(2022, 5, 1), hubei).code == "review_result_missing"
    small_panel = guard_case(hubei, "in_review", panel_size=3)
    refusal = check(small_panel, "conclude_review", PANEL, date(2022, 5, 1), hubei, asking=True)
    assert refusal.code == "panel_size_out_of_range"
    with pytest.raises(GuardRefused):
        fire(case, "conclude_review", PANEL, date(2022, 5, 1), hubei)


def test_basis_documents_message_lists_what_is_missing(hubei):
    """ARC-10.5.1: 公示结果 needs a closed notice, 廉政告知书 an attachment."""
    case = guard_case(hubei, "awaiting_approval", total_score=95.0, attachments=set(ACCEPTANCE))
    refusal = check(case, "approve", APPROVER, date(2022, 6, 1), hubei)
    assert refusal.message.endswith("（缺少：公示结果、廉政告知书）")


def test_approval_rechecks_the_incident_window(hubei):
    """GAP-21: an incident after the application blocks approval."""
    case = advance_to(example_a_case(hubei), "awaiting_approval", hubei)
    case.organ = graded_organ(
        "county_direct", "second", date(2020, 3, 15), date(2023, 3, 14), incidents=(date(2022, 5, 20),)
    )
    refusal = check(case, "approve", APPROVER, date(2022, 6, 1), hubei)
    assert refusal.code == "security_incident_within_window" and refusal.rule == "ARC-5.5"


def test_gap2_alternative_checks_the_promotion_wait_at_approval(hubei):
    """Example B under the switch: the 2022 application passes, approval waits until 2022-05-10."""
    ruleset = with_switches(hubei, gap2_promotion_wait_measured_at="approval")
    organ = graded_organ("county_direct", "second", date(2021, 5, 10), date(2024, 5, 9))
    case = open_case(ruleset, organ, "first", "evaluation", all_preconditions(hubei))
    case = advance_to(case, "awaiting_approval", ruleset)
    assert check(case, "approve", APPROVER, date(2022, 5, 9), ruleset).code == "promotion_wait_not_elapsed"
    assert check(case, "approve", APPROVER, date(2022, 5, 10), ruleset) is None


def test_dismissed_objection_returns_to_the_notice_or_goes_on_to_review(hubei):
    """CT-14, GAP-9: notice days already run are not restarted."""
    case = advance_to(example_a_case(hubei), "in_notice", hubei)
    fire(case, "object", actor("public"), date(2022, 4, 3), hubei)
    assert fire(case, "dismiss_objection", ORGANIZER, date(2022, 4, 5), hubei).dest == "in_notice"
    assert case.notice_start == date(2022, 4, 1)
    fire(case, "object", actor("public"), date(2022, 4, 6), hubei)
    assert fire(case, "dismiss_objection", ORGANIZER, date(2022, 4, 9), hubei).dest == "in_review"
    assert case.notice_closed_on == date(2022, 4, 9)


def test_substantiated_objections_return_or_reject_the_case(hubei):
    """CT-15, CT-16, GAP-9."""
    returned = advance_to(example_a_case(hubei), "in_notice", hubei)
    fire(returned, "object", actor("public"), date(2022, 4, 3), hubei)
    assert fire(returned, "uphold_objection", ORGANIZER, date(2022, 4, 5), hubei).dest == "returned"
    assert fire(returned, "resubmit", APPLICANT, date(2022, 4, 10), hubei).dest == "acceptance_requested"
    rejected = advance_to(example_a_case(hubei), "in_notice", hubei)
    fire(rejected, "object", actor("public"), date(2022, 4, 3), hubei)
    assert fire(rejected, "reject_on_objection", ORGANIZER, date(2022, 4, 5), hubei).dest == "rejected"


@pytest.mark.parametrize(
    "state", ["applied", "planned", "prechecking", "in_notice", "in_review", "awaiting_approval"]
)
def test_the_applicant_may_withdraw_until_approval(hubei, state):
    """CT-11, ARC-3.1 voluntary application, GAP-8."""
    case = advance_to(example_a_case(hubei), state, hubei)
    assert fire(case, "withdraw", APPLICANT, date(2022, 5, 1), hubei).dest == "withdrawn"


def test_allowed_and_blocked_events_for_the_ui(hubei):
    case = advance_to(example_a_case(hubei), "in_notice", hubei)
    organizer_events = allowed_events(case, ORGANIZER, date(2022, 4, 3), hubei)
    assert organizer_events == ["object"]
    blocked = blocked_events(case, ORGANIZER, date(2022, 4, 3), hubei)
    assert [(event, refusal.code) for event, refusal in blocked] == [
        ("close_notice", "notice_period_not_elapsed")
    ]
    assert "close_notice" in allowed_events(case, ORGANIZER, date(2022, 4, 8), hubei)
    assert allowed_events(case, APPLICANT, date(2022, 4, 3), hubei) == ["withdraw"]


def test_notice_start_may_be_scheduled_but_not_backdated(hubei):
    case = advance_to(example_a_case(hubei), "prechecking", hubei)
    assert (
        check(case, "pass_precheck", PRECHECKER, date(2022, 4, 1), hubei, notice_start=date(2022, 3, 30)).code
        == "notice_start_in_past"
    )
    fire(case, "pass_precheck", PRECHECKER, date(2022, 4, 1), hubei, notice_start=date(2022, 4, 2))
    assert case.notice_start == date(2022, 4, 2)
    with pytest.raises(TypeError):
        check(case, "close_notice", ORGANIZER, date(2022, 4, 20), hubei, notice_start=date(2022, 4, 2))


def test_a_case_keeps_its_ruleset(hubei, testprov):
    with pytest.raises(ValueError, match="hubei-2011"):
        check(example_a_case(hubei), "apply", APPLICANT, date(2022, 1, 10), testprov)


# -- another province -----------------------------------------------------------------------------------------


def test_the_test_province_runs_with_its_own_days_lines_panels_and_documents(testprov):
    """Nothing is wired to Hubei: 5-day notice not counting publication, pass line 70, panel 4–6, own citations."""
    organ = graded_organ("local", None)
    case = open_case(testprov, organ, "bronze", "assessment", all_preconditions(testprov))
    assert check(case, "apply", APPLICANT, date(2030, 1, 15), testprov).rule == "TP-5"
    fire(case, "apply", APPLICANT, date(2030, 2, 15), testprov)
    fire(case, "plan", PLANNER, date(2030, 3, 1), testprov)
    case.attachments |= {"form", "selfcheck"}
    fire(case, "request_acceptance", APPLICANT, date(2030, 3, 5), testprov)
    fire(case, "start_precheck", PRECHECKER, date(2030, 3, 6), testprov)
    fire(case, "pass_precheck", PRECHECKER, date(2030, 3, 10), testprov)
    refusal = check(case, "close_notice", ORGANIZER, date(2030, 3, 15), testprov)
    assert refusal.rule == "TP-6" and "2030-03-16" in refusal.message
    fire(case, "close_notice", ORGANIZER, date(2030, 3, 16), testprov)
    case.total_score, case.panel_size = 70.0, 7
    assert check(case, "conclude_review", PANEL, date(2030, 4, 1), testprov).rule == "TP-8"
    case.panel_size = 4
    fire(case, "conclude_review", PANEL, date(2030, 4, 1), testprov)
    assert check(case, "approve", APPROVER, date(2030, 4, 2), testprov).rule == "TP-9"
    case.attachments.add("report")
    assert fire(case, "approve", APPROVER, date(2030, 4, 2), testprov).dest == "approved"


# -- diagram --------------------------------------------------------------------------------------------------


def test_mermaid_diagram_lists_every_state_in_chinese_and_highlights_the_current_one():
    source = mermaid(highlight="in_notice")
    assert "stateDiagram-v2" in source
    for state in CASE_STATES:
        assert f'state "{STATE_LABELS[state]}" as {state}' in source
    assert "class in_notice s_active" in source and "class draft s_active" not in source
    assert "in_notice --> in_review: 结束公示" in source
    assert "[*] --> draft" in source and "[*] --> in_notice" not in source
    assert "s_active\n" not in mermaid().split("classDef")[-1]


def test_mermaid_draws_withdrawal_once_with_a_note_instead_of_eleven_edges():
    """CT-11: every open state may be withdrawn; the diagram says so once."""
    source = mermaid()
    assert source.count("--> withdrawn") == 1
    assert (
        "in_review --> rejected: 评审未达标" in source
        and "in_review --> awaiting_approval: 评审达标" in source
    )
    assert "note right of withdrawn" in source


def test_mermaid_rejects_an_unknown_state():
    with pytest.raises(ValueError):
        mermaid(highlight="limbo")
