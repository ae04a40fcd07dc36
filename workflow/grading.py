"""The grading case state machine (digest §5.1, CT-01…CT-20): 申报 → 预检 → 公示 → 评审 → 审批.

`TRANSITIONS` is the one table: each row names its CT id, the rule it implements, the case functions that may
fire it (actor column), its guards and, where one event has two outcomes, the branch that picks the target.
`MACHINE` is a single class-level `transitions.Machine` built from it and shared by every case; `fire` checks
(state → actor → guards) before triggering it, so a refusal always says why.

Guards are pure functions ``(case, actor, today, ruleset) -> Refusal | None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from transitions import Machine

from workflow import calendar
from workflow.authority import Assignment, assignment
from workflow.eligibility import (
    OrganFacts,
    check_application,
    incident_refusals,
    promotion_refusals,
)
from workflow.errors import GuardRefused, InvalidTransition, NotAllowed, Refusal
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

#: Case functions a user can hold in one case; the web layer derives them from role × jurisdiction.
FUNCTIONS = frozenset(
    {
        "applicant",
        "lodged_with",
        "forwarder",
        "planner",
        "prechecker",
        "organizer",
        "approver",
        "panel",
        "public",
    }
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


@dataclass(frozen=True)
class Actor:
    """The functions the acting user holds in this case (``applicant``, ``organizer``…)."""

    functions: frozenset[str]

    def __post_init__(self) -> None:
        unknown = self.functions - FUNCTIONS
        if unknown:
            raise ValueError(f"unknown case functions: {', '.join(sorted(unknown))}")


@dataclass
class CaseFacts:
    """What the guards need to know about one case. `fire` changes `state` and records the dates it sets."""

    level: str
    kind: str
    #: Applicant tier.
    tier: str
    #: The ruleset the case started with and keeps to the end.
    ruleset_id: str
    assignment: Assignment
    organ: OrganFacts
    state: str = "draft"
    #: The applicant's confirmations of ARC-5.1…5.6, keyed by rule ID.
    preconditions: dict[str, bool] = field(default_factory=dict)
    #: Year of the evaluation plan (set on apply: applications are made at the start of the plan year).
    plan_year: int | None = None
    applied_on: date | None = None
    forwarded_on: date | None = None
    #: First day of the public notice (set when the pre-check passes, ARC-10.3.1).
    notice_start: date | None = None
    #: Day the notice was closed (a basis document, 公示结果).
    notice_closed_on: date | None = None
    #: Objections received and not yet decided; the service layer keeps this count (GAP-9).
    open_objections: int = 0
    #: Number of review panel members (ARC-10.4.2–10.4.4).
    panel_size: int | None = None
    #: Kinds of the attachments present (``application_form``…).
    attachments: set[str] = field(default_factory=set)
    #: Agreed panel total for scored levels (GAP-12).
    total_score: float | None = None
    #: ``pass`` or ``fail`` for unscored levels (GAP-11).
    conclusion: str | None = None
    #: Day the case reached a terminal state.
    decided_on: date | None = None


def open_case(
    ruleset: Ruleset,
    organ: OrganFacts,
    level: str,
    kind: str,
    preconditions: Mapping[str, bool] | None = None,
) -> CaseFacts:
    """A new draft case; raises `NotACandidate` for combinations nobody may apply for (ARC-4.2, GAP-20)."""
    return CaseFacts(
        level=level,
        kind=kind,
        tier=organ.tier,
        ruleset_id=ruleset.id,
        assignment=assignment(ruleset, level, kind, organ.tier),
        organ=organ,
        preconditions=dict(preconditions or {}),
    )


@dataclass(frozen=True)
class TransitionRecord:
    """What `fire` did, for the audit log."""

    event: str
    source: str
    dest: str
    #: Rule ID of the row that fired.
    rule: str
    #: CT id of the row that fired.
    transition_id: str = ""


Guard = Callable[[CaseFacts, Actor, date, Ruleset], Refusal | None]
Branch = Callable[[CaseFacts, date, Ruleset], bool]


# -- guards ----------------------------------------------------------------------------------------------------


def in_application_window(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-10.1.1 「年初」: the application window from the ruleset (our interpretation)."""
    if calendar.in_application_window(ruleset, today):
        return None
    start, end = calendar.application_window(ruleset, today.year)
    detail = f"申报期为每年{start:%m-%d}至{end:%m-%d}，今天是{today}"
    return ruleset.refusal("outside_application_window", "application_window", detail)


def applicant_eligible(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-3.2, ARC-4.2–4.4, ARC-5.1–5.6, ARC-11.2 (first reason; `check_application` lists them all)."""
    refusals = check_application(ruleset, case.organ, case.level, case.kind, case.preconditions, today)
    return refusals[0] if refusals else None


def forwarding_applies(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-10.1.2: only applications that are aggregated and sent up (特级 from city level or below)."""
    if case.assignment.forwarded_via:
        return None
    return ruleset.refusal("wrong_bureau", "forwarding", "本申请无需汇总报送，由计划下达机关直接下达考评计划")


def before_forwarding_deadline(
    case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset
) -> Refusal | None:
    """ARC-10.1.2: forwarded within the first quarter of the plan year."""
    deadline = calendar.forwarding_deadline(ruleset, case.plan_year or today.year)
    if today <= deadline:
        return None
    detail = f"{deadline.year}年的汇总报送截止日为{deadline}，今天是{today}"
    return ruleset.refusal("forwarding_deadline_passed", "forwarding", detail)


def not_awaiting_forwarding(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-10.1.2: a plan for an application that must be forwarded waits for the forwarding (CT-04 vs CT-02)."""
    if not case.assignment.forwarded_via:
        return None
    via = "、".join(ruleset.tier_name(tier) for tier in case.assignment.forwarded_via)
    return ruleset.refusal("forwarding_required", "forwarding", f"须先由{via}汇总报送后方可下达考评计划")


def acceptance_attachments_present(
    case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset
) -> Refusal | None:
    """ARC-10.1.4: Annex 4 form, self-check table and the acceptance application report."""
    missing = [kind for kind in ruleset.procedure.acceptance_attachments if kind not in case.attachments]
    if not missing:
        return None
    names = "、".join(ruleset.attachment_name(kind) for kind in missing)
    return ruleset.refusal("attachments_missing", "acceptance", f"缺少：{names}")


def within_plan_year(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> Refusal | None:
    """GAP-8: a returned case is resubmitted within its plan year."""
    if not ruleset.switches.gap8_resubmit_within_plan_year or case.plan_year in (None, today.year):
        return None
    detail = f"退回补充的申请须在考评计划年度（{case.plan_year}年）内重新提交"
    return ruleset.refusal("plan_year_ended", "plan", detail)


def delegated_precheck_documented(
    case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset
) -> Refusal | None:
    """ARC-10.2.2: a delegated pre-check sends its result in writing to the organizer."""
    kind = ruleset.procedure.delegated_precheck_attachment
    if not case.assignment.precheck_delegated or kind in case.attachments:
        return None
    detail = f"委托预检须报送{ruleset.attachment_name(kind)}"
    return ruleset.refusal("precheck_opinion_missing", ruleset.procedure.delegated_precheck_rule, detail)


def notice_period_elapsed(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-10.3.2, GAP-10: the notice ran its minimum number of calendar days."""
    if case.notice_start is None:
        return ruleset.refusal("notice_period_not_elapsed", "notice_period", "尚未发布公示")
    may_close = calendar.notice_may_close_on(ruleset, case.notice_start)
    if today >= may_close:
        return None
    detail = f"公示自{case.notice_start}起，最早可于{may_close}结束"
    return ruleset.refusal("notice_period_not_elapsed", "notice_period", detail)


def no_open_objection(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> Refusal | None:
    """GAP-9: every objection is verified before the notice closes."""
    if case.open_objections <= 0:
        return None
    detail = f"尚有{case.open_objections}件异议未核实"
    return ruleset.refusal("objection_open", "notice_publication", detail)


def review_result_recorded(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-10.4.5: the panel's conclusion — a total for scored levels (ARC-7.2), pass/fail otherwise (GAP-11)."""
    level = ruleset.level(case.level)
    if level.scored and case.total_score is None:
        return ruleset.refusal("review_result_missing", "review_result", "尚未录入评审总分")
    if not level.scored and case.conclusion not in ("pass", "fail"):
        return ruleset.refusal("review_result_missing", "review_result", "尚未录入评审结论（达标/不达标）")
    return None


def panel_size_in_range(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-10.4.2–10.4.4 (GAP-14): the panel size of the case's authority row."""
    low, high = case.assignment.panel
    if case.panel_size is not None and low <= case.panel_size <= high:
        return None
    actual = "未录入评审组人数" if case.panel_size is None else f"实际{case.panel_size}人"
    return ruleset.refusal(
        "panel_size_out_of_range", case.assignment.panel_rule, f"评审组应为{low}–{high}人，{actual}"
    )


def basis_documents_present(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-10.5.1: the five approval basis documents, each satisfied by the evidence the ruleset names."""
    facts = {
        "review_result": review_result_recorded(case, actor, today, ruleset) is None,
        "notice_closed": case.notice_closed_on is not None,
    }
    missing = [
        document.name
        for document in ruleset.basis_documents
        if not all(kind in case.attachments for kind in document.attachments)
        or not all(facts[fact] for fact in document.facts)
    ]
    if not missing:
        return None
    return ruleset.refusal("basis_documents_missing", ruleset.basis_rule, f"缺少：{'、'.join(missing)}")


def no_incident_since_application(
    case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset
) -> Refusal | None:
    """GAP-21: the incident window is checked again at approval."""
    if not ruleset.switches.gap21_recheck_incidents_at_approval:
        return None
    for precondition in ruleset.preconditions:
        if precondition.from_incidents:
            refusals = incident_refusals(ruleset, case.organ, today, precondition.id)
            if refusals:
                return refusals[0]
    return None


def promotion_wait_by_approval(
    case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset
) -> Refusal | None:
    """GAP-2 alternative: with the switch on ``approval``, the ARC-3.2 year must have passed by approval."""
    if ruleset.switches.gap2_promotion_wait_measured_at != "approval" or ruleset.kind(case.kind).renews:
        return None
    refusals = promotion_refusals(ruleset, case.organ, case.level, today, check_wait=True)
    return refusals[0] if refusals else None


# -- branches (which target an event with two outcomes goes to) -------------------------------------------------


def review_passed(case: CaseFacts, today: date, ruleset: Ruleset) -> bool:
    """ARC-7.2 (reaching the line passes, GAP-12) or the panel's conclusion for unscored levels (GAP-11).

    A scored review also fails whatever its total when the panel's conclusion is ``fail``: a score sheet with a
    veto (一票否决) or a section below its minimum (the service records both the total and the conclusion).
    """
    level = ruleset.level(case.level)
    if level.scored:
        return (
            case.total_score is not None
            and level.pass_line is not None
            and case.total_score >= level.pass_line
            and case.conclusion != "fail"
        )
    return case.conclusion == "pass"


def review_failed(case: CaseFacts, today: date, ruleset: Ruleset) -> bool:
    return not review_passed(case, today, ruleset)


def notice_still_running(case: CaseFacts, today: date, ruleset: Ruleset) -> bool:
    return case.notice_start is None or not calendar.notice_elapsed(ruleset, case.notice_start, today)


def notice_run_out(case: CaseFacts, today: date, ruleset: Ruleset) -> bool:
    return not notice_still_running(case, today, ruleset)


# -- the table --------------------------------------------------------------------------------------------------

#: One row per transition of digest §5.1. ``actor`` = case functions that may fire it; ``guards`` refuse with a
#: reason; ``when`` picks the target for events with two outcomes (CT-14, CT-17/18).
# One row per transition, kept on two or three lines each so it reads side by side with the digest's table.
# fmt: off
TRANSITIONS: list[dict[str, Any]] = [
    {"id": "CT-01", "event": "apply", "source": ("draft",), "dest": "applied",
     "actor": ("applicant",), "rule": "ARC-10.1.1", "guards": (in_application_window, applicant_eligible)},
    {"id": "CT-02", "event": "forward", "source": ("applied",), "dest": "forwarded",
     "actor": ("forwarder",), "rule": "ARC-10.1.2", "guards": (forwarding_applies, before_forwarding_deadline)},
    {"id": "CT-03", "event": "plan", "source": ("forwarded",), "dest": "planned",
     "actor": ("planner",), "rule": "ARC-10.1.2", "guards": ()},
    {"id": "CT-04", "event": "plan", "source": ("applied",), "dest": "planned",
     "actor": ("planner",), "rule": "ARC-10.1.3", "guards": (not_awaiting_forwarding,)},
    {"id": "CT-05", "event": "decline", "source": ("applied", "forwarded"), "dest": "rejected",
     "actor": ("planner",), "rule": "ARC-10.1.3", "guards": (), "note": "[INTERPRETATION] text silent"},
    {"id": "CT-06", "event": "request_acceptance", "source": ("planned",), "dest": "acceptance_requested",
     "actor": ("applicant",), "rule": "ARC-10.1.4", "guards": (acceptance_attachments_present,)},
    {"id": "CT-07", "event": "start_precheck", "source": ("acceptance_requested",), "dest": "prechecking",
     "actor": ("prechecker",), "rule": "ARC-10.2.1", "guards": ()},
    {"id": "CT-08", "event": "pass_precheck", "source": ("prechecking",), "dest": "in_notice",
     "actor": ("prechecker",), "rule": "ARC-10.3.1", "guards": (delegated_precheck_documented,)},
    {"id": "CT-09", "event": "return_for_completion", "source": ("prechecking",), "dest": "returned",
     "actor": ("prechecker",), "rule": "GAP-8", "guards": ()},
    {"id": "CT-10", "event": "resubmit", "source": ("returned",), "dest": "acceptance_requested",
     "actor": ("applicant",), "rule": "GAP-8", "guards": (within_plan_year, acceptance_attachments_present)},
    {"id": "CT-11", "event": "withdraw", "source": OPEN_STATES, "dest": "withdrawn",
     "actor": ("applicant",), "rule": "ARC-3.1", "guards": (), "note": "[INTERPRETATION] GAP-8, voluntary"},
    {"id": "CT-12", "event": "close_notice", "source": ("in_notice",), "dest": "in_review",
     "actor": ("organizer",), "rule": "ARC-10.3.2", "guards": (notice_period_elapsed, no_open_objection)},
    {"id": "CT-13", "event": "object", "source": ("in_notice",), "dest": "objection_review",
     "actor": ("public", "organizer"), "rule": "GAP-9", "guards": ()},
    {"id": "CT-14", "event": "dismiss_objection", "source": ("objection_review",), "dest": "in_notice",
     "actor": ("organizer",), "rule": "GAP-9", "guards": (), "when": notice_still_running},
    {"id": "CT-14", "event": "dismiss_objection", "source": ("objection_review",), "dest": "in_review",
     "actor": ("organizer",), "rule": "GAP-9", "guards": (), "when": notice_run_out},
    {"id": "CT-15", "event": "uphold_objection", "source": ("objection_review",), "dest": "returned",
     "actor": ("organizer",), "rule": "GAP-9", "guards": ()},
    {"id": "CT-16", "event": "reject_on_objection", "source": ("objection_review",), "dest": "rejected",
     "actor": ("organizer",), "rule": "GAP-9", "guards": ()},
    {"id": "CT-17", "event": "conclude_review", "source": ("in_review",), "dest": "awaiting_approval",
     "actor": ("panel",), "rule": "ARC-10.4.5", "guards": (review_result_recorded, panel_size_in_range),
     "when": review_passed},
    {"id": "CT-18", "event": "conclude_review", "source": ("in_review",), "dest": "rejected",
     "actor": ("panel",), "rule": "ARC-7.2", "guards": (review_result_recorded, panel_size_in_range),
     "when": review_failed},
    {"id": "CT-19", "event": "approve", "source": ("awaiting_approval",), "dest": "approved",
     "actor": ("approver",), "rule": "ARC-10.5.2",
     "guards": (basis_documents_present, no_incident_since_application, promotion_wait_by_approval)},
    {"id": "CT-20", "event": "refuse", "source": ("awaiting_approval",), "dest": "rejected",
     "actor": ("approver",), "rule": "ARC-10.5.2", "guards": (), "note": "[INTERPRETATION]"},
]
# fmt: on


def _rows_for(event: str, state: str) -> list[dict[str, Any]]:
    return [row for row in TRANSITIONS if row["event"] == event and state in row["source"]]


def _machine_condition(function: Guard | Branch, is_guard: bool) -> Callable[[Any], bool]:
    """Adapt a guard or branch to a `transitions` condition (send_event=True passes an EventData)."""

    def condition(event_data: Any) -> bool:
        kwargs = event_data.kwargs
        if is_guard:
            return function(event_data.model, kwargs["actor"], kwargs["today"], kwargs["ruleset"]) is None  # type: ignore[call-arg]
        return bool(function(event_data.model, kwargs["today"], kwargs["ruleset"]))  # type: ignore[call-arg]

    condition.__name__ = function.__name__
    return condition


def machine_transitions() -> list[dict[str, Any]]:
    """`TRANSITIONS` in the shape `transitions.Machine` takes (trigger/source/dest/conditions)."""
    return [
        {
            "trigger": row["event"],
            "source": list(row["source"]),
            "dest": row["dest"],
            "conditions": [_machine_condition(guard, True) for guard in row["guards"]]
            + ([_machine_condition(row["when"], False)] if "when" in row else []),
        }
        for row in TRANSITIONS
    ]


def _check_table() -> None:
    """Rows sharing (event, source) are branches of one event: they must agree on actor and guards."""
    for row in TRANSITIONS:
        assert row["event"] in EVENTS and row["dest"] in CASE_STATES, row["id"]
        assert set(row["actor"]) <= FUNCTIONS, row["id"]
        for source in row["source"]:
            siblings = _rows_for(row["event"], source)
            assert all(s["actor"] == row["actor"] and s["guards"] == row["guards"] for s in siblings), row[
                "id"
            ]
            assert len(siblings) == 1 or all("when" in s for s in siblings), row["id"]


_check_table()

#: The one machine every case shares; fire with ``MACHINE.events[name].trigger(case, actor=…, today=…, ruleset=…)``.
MACHINE = Machine(
    model=None,
    states=list(CASE_STATES),
    transitions=machine_transitions(),
    initial=None,
    auto_transitions=False,
    send_event=True,
)


# -- checking and firing ----------------------------------------------------------------------------------------

#: Events that need the pre-checker's written opinion (ARC-10.2.1: 提出完善意见): passing and returning.
OPINION_EVENTS = frozenset({"pass_precheck", "return_for_completion"})

#: Keyword context `fire` accepts per event. ``opinion`` is checked when given (the service always gives it);
#: listing the events a person could take leaves it out, so the buttons show before anything is typed.
CONTEXT_KEYS: Mapping[str, frozenset[str]] = {
    "pass_precheck": frozenset({"notice_start", "opinion"}),
    "return_for_completion": frozenset({"opinion"}),
}


#: Guards on what the person firing supplies with the event (the panel's result, ARC-10.4.5), not on the case
#: as it stands. Asking whether the event is possible (``check(..., asking=True)``, e.g. to show the button)
#: skips them — nothing is made up to ask — and they run on the real input when the event is fired.
INPUT_GUARDS: frozenset[Guard] = frozenset({review_result_recorded})


def check(
    case: CaseFacts,
    event: str,
    actor: Actor,
    today: date,
    ruleset: Ruleset,
    *,
    asking: bool = False,
    **ctx: Any,
) -> Refusal | None:
    """Why `actor` may not fire `event` on `case` today, or None. Order: transition → actor → guards.

    ``asking``: only asking whether the event is possible, before its input is given: `INPUT_GUARDS` wait for it.
    """
    if case.ruleset_id != ruleset.id:
        raise ValueError(f"case runs on ruleset {case.ruleset_id!r}, not {ruleset.id!r}")
    unknown = set(ctx) - CONTEXT_KEYS.get(event, frozenset())
    if unknown:
        raise TypeError(f"unexpected context for {event}: {', '.join(sorted(unknown))}")
    rows = _rows_for(event, case.state) if event in EVENTS else []
    if not rows:
        state_label = STATE_LABELS.get(case.state, case.state)
        event_label = EVENT_LABELS.get(event, event)
        return Refusal("invalid_transition", f"案件当前状态为“{state_label}”，不能“{event_label}”", None)
    row = rows[0]
    if not actor.functions & set(row["actor"]):
        event_label = EVENT_LABELS[event]
        return Refusal("forbidden", f"您在本案件中没有“{event_label}”的职权", row["rule"])
    for guard in row["guards"]:
        if asking and guard in INPUT_GUARDS:
            continue
        refusal: Refusal | None = guard(case, actor, today, ruleset)
        if refusal is not None:
            return refusal
    if "opinion" in ctx and not str(ctx["opinion"] or "").strip():
        detail = "请填写书面预检意见"
        return ruleset.refusal("precheck_opinion_required", "precheck", detail)
    notice_start = ctx.get("notice_start")
    if notice_start is not None:
        return notice_start_refusal(notice_start, today, ruleset)
    return None


def notice_start_refusal(notice_start: date, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-10.3.1 (ours): a notice starts today or a few days later, within the ruleset's
    ``calendar.notice_start_max_days_ahead`` — never earlier (backdating) and never far ahead (a typing error
    such as 9999-12-31 would otherwise freeze the case in its notice)."""
    if notice_start < today:
        return ruleset.refusal(
            "notice_start_in_past", "notice_publication", f"公示开始日期{notice_start}早于今天{today}"
        )
    days = ruleset.calendar.notice_start_max_days_ahead
    latest = calendar.shift(today, timedelta(days=days))
    if notice_start > latest:
        detail = f"公示开始日期须在今天（{today}）至{days}天后（{latest}）之间，填写的是{notice_start}"
        return ruleset.refusal("notice_start_too_far", "notice_publication", detail)
    return None


def fire(
    case: CaseFacts, event: str, actor: Actor, today: date, ruleset: Ruleset, **ctx: Any
) -> TransitionRecord:
    """Apply `event` to `case` through the shared machine; raises InvalidTransition / NotAllowed / GuardRefused.

    Context: ``pass_precheck`` takes ``notice_start`` (defaults to today), the first day of the public notice.
    """
    refusal = check(case, event, actor, today, ruleset, **ctx)
    if refusal is not None:
        if refusal.code == "invalid_transition":
            raise InvalidTransition(refusal)
        if refusal.code == "forbidden":
            raise NotAllowed(refusal)
        raise GuardRefused(refusal)
    source = case.state
    if not MACHINE.events[event].trigger(case, actor=actor, today=today, ruleset=ruleset):
        # Unreachable while `check` and the machine conditions agree; kept so a mismatch fails loudly.
        raise GuardRefused(Refusal("guard_refused", "规则检查未通过", None))
    row = next(r for r in _rows_for(event, source) if r["dest"] == case.state)
    _record(case, event, today, ctx)
    return TransitionRecord(event, source, case.state, row["rule"], row["id"])


def _record(case: CaseFacts, event: str, today: date, ctx: Mapping[str, Any]) -> None:
    """Dates the procedure needs later (plan year, notice start/close, decision day)."""
    if event == "apply":
        case.applied_on, case.plan_year = today, today.year
    elif event == "forward":
        case.forwarded_on = today
    elif event == "pass_precheck":
        case.notice_start, case.notice_closed_on = ctx.get("notice_start") or today, None
    elif case.state == "in_review" and event in ("close_notice", "dismiss_objection"):
        case.notice_closed_on = today
    if case.state in TERMINAL_STATES:
        case.decided_on = today


def allowed_events(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> list[str]:
    """Events `actor` may fire on `case` today, in table order."""
    return [event for event in EVENTS if check(case, event, actor, today, ruleset) is None]


def blocked_events(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> list[tuple[str, Refusal]]:
    """Events defined for the state and open to `actor` but refused by a guard: show them disabled, with why."""
    blocked = []
    for event in EVENTS:
        refusal = check(case, event, actor, today, ruleset)
        if refusal is not None and refusal.code not in ("invalid_transition", "forbidden"):
            blocked.append((event, refusal))
    return blocked


def mermaid(ruleset: Ruleset | None = None, highlight: str | None = None) -> str:
    """Mermaid source of the case machine (via `GraphMachine(graph_engine="mermaid")`), `highlight` marked active.

    Drawn for people: states and events carry their Chinese labels, the diagram starts at ``draft`` whatever is
    highlighted, and the eleven withdraw edges (CT-11: any open state) are drawn once with a note, so the
    procedure's main path stays readable on a page.
    """
    from transitions.extensions.diagrams import GraphMachine

    class _Holder:
        state: str

    if highlight is not None and highlight not in CASE_STATES:
        raise ValueError(f"unknown state {highlight!r}")
    holder = _Holder()
    GraphMachine(
        model=holder,
        states=list(CASE_STATES),
        transitions=[
            {"trigger": row["event"], "source": list(row["source"]), "dest": row["dest"]}
            for row in TRANSITIONS
        ],
        initial=highlight or "draft",
        auto_transitions=False,
        graph_engine="mermaid",
        title=ruleset.name if ruleset else "考评案件",
    )
    source: str = holder.get_graph().draw(None)  # type: ignore[attr-defined]
    if highlight is None:
        # The graph marks the model's state active; with nothing to highlight, draw every state alike.
        source = source.replace("Class draft s_active", "Class draft s_default")
    return _label_for_people(source)


def procedure_edges() -> list[tuple[str, str, str]]:
    """(source, dest, label) of every arrow a diagram for people draws, in table order: Chinese labels, the
    two-outcome events named by outcome, and withdrawal (CT-11, from any open state) left out — a diagram says
    it once in words (`WITHDRAW_NOTE`) instead of eleven arrows."""
    edges: list[tuple[str, str, str]] = []
    for row in TRANSITIONS:
        if row["event"] == "withdraw":
            continue
        label = _BRANCH_LABELS.get((row["event"], row["dest"])) or EVENT_LABELS[row["event"]]
        edges += [(source, row["dest"], label) for source in row["source"]]
    return edges


#: Said once beside the withdrawn state instead of an arrow from each open state (CT-11).
WITHDRAW_NOTE = "申报后、办结前任一环节均可撤回"

#: Edge labels for the events with two outcomes (CT-14, CT-17/18), so the two arrows say which is which.
_BRANCH_LABELS: Mapping[tuple[str, str], str] = {
    ("conclude_review", "awaiting_approval"): "评审达标",
    ("conclude_review", "rejected"): "评审未达标",
    ("dismiss_objection", "in_notice"): "异议不成立（公示继续）",
    ("dismiss_objection", "in_review"): "异议不成立（公示期已满）",
}
_STATE_LINE = re.compile(r'^(\s*)state "(\w+)" as (\w+)$')
_EDGE_LINE = re.compile(r"^(\s*)(\w+) --> (\w+): (\w+)$")
_START_LINE = re.compile(r"^(\s*)\[\*\] --> \w+$")


def _label_for_people(source: str) -> str:
    lines: list[str] = []
    withdraw_drawn = False
    for line in source.splitlines():
        if match := _STATE_LINE.match(line):
            indent, state, alias = match.groups()
            line = f'{indent}state "{STATE_LABELS.get(state, state)}" as {alias}'
        elif match := _EDGE_LINE.match(line):
            indent, source_state, dest, event = match.groups()
            if event == "withdraw":
                if withdraw_drawn:
                    continue
                withdraw_drawn = True
                lines.append(f"{indent}{source_state} --> {dest}: {EVENT_LABELS[event]}")
                lines.append(f"{indent}note right of {dest}: {WITHDRAW_NOTE}")
                continue
            label = _BRANCH_LABELS.get((event, dest)) or EVENT_LABELS.get(event, event)
            line = f"{indent}{source_state} --> {dest}: {label}"
        elif match := _START_LINE.match(line):
            # transitions points the start marker at the model's (highlighted) state; the procedure starts here.
            line = f"{match.group(1)}[*] --> draft"
        lines.append(line.replace("  Class ", "  class "))
    return "\n".join(lines) + "\n"
