"""The grading case procedure (digest §5.1, CT-01…CT-20): 申报 → 预检 → 公示 → 评审 → 审批, as one table.

Each row names its CT id, the rule it implements, the case functions that may fire it, its guards, the inputs a
person types with it, its side effects and, where one event has two outcomes, the branch that picks the row.
`PROCEDURE` builds the one shared machine from it (`workflow.procedure`).
"""

from __future__ import annotations

from collections.abc import Mapping

from workflow.grading.facts import FUNCTIONS, CaseFacts
from workflow.grading.guards import (
    acceptance_attachments_present,
    applicant_eligible,
    basis_documents_present,
    before_forwarding_deadline,
    delegated_precheck_documented,
    forwarding_applies,
    in_application_window,
    no_incident_since_application,
    no_open_objection,
    not_awaiting_forwarding,
    notice_period_elapsed,
    notice_run_out,
    notice_start_refusal,
    notice_still_running,
    panel_size_in_range,
    promotion_wait_by_approval,
    review_failed,
    review_passed,
    review_result_recorded,
    within_plan_year,
    written_opinion,
)
from workflow.procedure import Effect, Input, Procedure, Row, clear, service_effect, set_date, set_year
from workflow.ruleset import Ruleset

CASE_STATES: tuple[str, ...] = (
    "draft",  # C0
    "applied",  # C1
    "forwarded",  # C2
    "planned",  # C3
    "acceptance_requested",  # C4
    "prechecking",  # C5
    "returned",  # C6
    "in_notice",  # C7
    "objection_review",  # C8
    "in_review",  # C9
    "awaiting_approval",  # C10
    "approved",  # C11
    "rejected",  # C12
    "withdrawn",  # C13
)
TERMINAL_STATES = frozenset({"approved", "rejected", "withdrawn"})
#: States an applicant may withdraw from (CT-11: C1–C10).
OPEN_STATES = tuple(state for state in CASE_STATES if state not in TERMINAL_STATES and state != "draft")

EVENTS: tuple[str, ...] = (
    "apply",
    "forward",
    "plan",
    "decline",
    "request_acceptance",
    "start_precheck",
    "pass_precheck",
    "return_for_completion",
    "resubmit",
    "withdraw",
    "object",
    "dismiss_objection",
    "uphold_objection",
    "reject_on_objection",
    "close_notice",
    "conclude_review",
    "approve",
    "refuse",
)

STATE_LABELS: Mapping[str, str] = {
    "draft": "草稿",
    "applied": "已申报",
    "forwarded": "已汇总报送",
    "planned": "已列入考评计划",
    "acceptance_requested": "已申请验收",
    "prechecking": "预检中",
    "returned": "退回补充",
    "in_notice": "公示中",
    "objection_review": "异议核实中",
    "in_review": "评审中",
    "awaiting_approval": "待审批",
    "approved": "已批准",
    "rejected": "未通过",
    "withdrawn": "已撤回",
}

EVENT_LABELS: Mapping[str, str] = {
    "apply": "提交申报",
    "forward": "汇总报送",
    "plan": "下达考评计划",
    "decline": "不列入计划",
    "request_acceptance": "提出验收申请",
    "start_precheck": "开始预检",
    "pass_precheck": "预检通过并公示",
    "return_for_completion": "退回补充",
    "resubmit": "补充后重新提交",
    "withdraw": "撤回申请",
    "object": "提出异议",
    "dismiss_objection": "异议不成立",
    "uphold_objection": "异议成立，退回补充",
    "reject_on_objection": "异议成立，终止考评",
    "close_notice": "结束公示",
    "conclude_review": "形成评审结论",
    "approve": "审批通过",
    "refuse": "不予批准",
}

#: Said once beside the withdrawn state instead of an arrow from each open state (CT-11).
WITHDRAW_NOTE = "申报后、办结前任一环节均可撤回"

# -- side effects (applied after the state changed: dates by the core, the rest by the grading services) --------

#: The day the case reached a terminal state.
DECIDED = set_date("decided_on")
#: ARC-9.3/9.5, ARC-10.5.4/10.5.5: the grade, its certificate and letter numbers, the filings.
GRANT_GRADE = service_effect("grant_grade")


def close_objections(status: str) -> Effect:
    """GAP-9: every open objection of the case is decided with ``status``."""
    return service_effect("close_objections", status)


# -- inputs a person types --------------------------------------------------------------------------------------

#: ARC-10.3.1: the first day of the notice (default: the day the pre-check passes).
NOTICE_START = Input("notice_start", notice_start_refusal)
#: ARC-10.2.1: the pre-checker's written opinion.
OPINION = Input("opinion", written_opinion)

# One row per transition, kept on two or three lines each so it reads side by side with the digest's table.
# fmt: off
TRANSITIONS: tuple[Row[CaseFacts, Ruleset], ...] = (
    Row("CT-01", "apply", ("draft",), "applied", ("applicant",), "ARC-10.1.1",
        guards=(in_application_window, applicant_eligible),
        effects=(set_date("applied_on"), set_year("plan_year"))),
    Row("CT-02", "forward", ("applied",), "forwarded", ("forwarder",), "ARC-10.1.2",
        guards=(forwarding_applies, before_forwarding_deadline), effects=(set_date("forwarded_on"),)),
    Row("CT-03", "plan", ("forwarded",), "planned", ("planner",), "ARC-10.1.2"),
    Row("CT-04", "plan", ("applied",), "planned", ("planner",), "ARC-10.1.3", guards=(not_awaiting_forwarding,)),
    Row("CT-05", "decline", ("applied", "forwarded"), "rejected", ("planner",), "ARC-10.1.3",
        effects=(DECIDED,), note="[INTERPRETATION] text silent"),
    Row("CT-06", "request_acceptance", ("planned",), "acceptance_requested", ("applicant",), "ARC-10.1.4",
        guards=(acceptance_attachments_present,)),
    Row("CT-07", "start_precheck", ("acceptance_requested",), "prechecking", ("prechecker",), "ARC-10.2.1"),
    Row("CT-08", "pass_precheck", ("prechecking",), "in_notice", ("prechecker",), "ARC-10.3.1",
        guards=(delegated_precheck_documented,), inputs=(OPINION, NOTICE_START),
        effects=(set_date("notice_start", from_input="notice_start"), clear("notice_closed_on"))),
    Row("CT-09", "return_for_completion", ("prechecking",), "returned", ("prechecker",), "GAP-8",
        inputs=(OPINION,)),
    Row("CT-10", "resubmit", ("returned",), "acceptance_requested", ("applicant",), "GAP-8",
        guards=(within_plan_year, acceptance_attachments_present)),
    Row("CT-11", "withdraw", OPEN_STATES, "withdrawn", ("applicant",), "ARC-3.1",
        effects=(DECIDED,), note="[INTERPRETATION] GAP-8, voluntary"),
    Row("CT-12", "close_notice", ("in_notice",), "in_review", ("organizer",), "ARC-10.3.2",
        guards=(notice_period_elapsed, no_open_objection), effects=(set_date("notice_closed_on"),)),
    Row("CT-13", "object", ("in_notice",), "objection_review", ("public", "organizer"), "GAP-9"),
    Row("CT-14", "dismiss_objection", ("objection_review",), "in_notice", ("organizer",), "GAP-9",
        when=notice_still_running, outcome="异议不成立（公示继续）",
        effects=(close_objections("dismissed"),)),
    Row("CT-14", "dismiss_objection", ("objection_review",), "in_review", ("organizer",), "GAP-9",
        when=notice_run_out, outcome="异议不成立（公示期已满）",
        effects=(close_objections("dismissed"), set_date("notice_closed_on"))),
    Row("CT-15", "uphold_objection", ("objection_review",), "returned", ("organizer",), "GAP-9",
        effects=(close_objections("upheld"),)),
    Row("CT-16", "reject_on_objection", ("objection_review",), "rejected", ("organizer",), "GAP-9",
        effects=(close_objections("rejected_case"), DECIDED)),
    Row("CT-17", "conclude_review", ("in_review",), "awaiting_approval", ("panel",), "ARC-10.4.5",
        guards=(review_result_recorded, panel_size_in_range), when=review_passed, outcome="评审达标"),
    Row("CT-18", "conclude_review", ("in_review",), "rejected", ("panel",), "ARC-7.2",
        guards=(review_result_recorded, panel_size_in_range), when=review_failed, outcome="评审未达标",
        effects=(DECIDED,)),
    Row("CT-19", "approve", ("awaiting_approval",), "approved", ("approver",), "ARC-10.5.2",
        guards=(basis_documents_present, no_incident_since_application, promotion_wait_by_approval),
        effects=(DECIDED, GRANT_GRADE)),
    Row("CT-20", "refuse", ("awaiting_approval",), "rejected", ("approver",), "ARC-10.5.2",
        effects=(DECIDED,), note="[INTERPRETATION]"),
)
# fmt: on

#: The grading procedure: the one shared machine, check/fire, labels and diagram.
PROCEDURE: Procedure[CaseFacts, Ruleset] = Procedure(
    name="grading",
    title="考评案件",
    subject="案件",
    states=CASE_STATES,
    initial="draft",
    terminal=TERMINAL_STATES,
    events=EVENTS,
    functions=FUNCTIONS,
    rows=TRANSITIONS,
    state_labels=STATE_LABELS,
    event_labels=EVENT_LABELS,
    drawn_once={"withdraw": WITHDRAW_NOTE},
)
#: The one machine every case shares (`PROCEDURE.fire` triggers it).
MACHINE = PROCEDURE.machine
