"""Grading's guards, branches and input checks: pure functions of the case facts, the actor, the day and the
ruleset. A guard returns None or a `Refusal` that names and quotes its rule; the table (`table.py`) says which
rows run which.

Guards: ``(case, actor, today, ruleset) -> Refusal | None``; branches: ``(case, today, ruleset) -> bool``;
input checks: ``(value, today, ruleset) -> Refusal | None``.
"""

from __future__ import annotations

from datetime import date, timedelta

from workflow import calendar
from workflow.errors import Refusal
from workflow.grading.eligibility import check_application, incident_refusals, promotion_refusals
from workflow.grading.facts import CaseFacts
from workflow.procedure import Actor
from workflow.ruleset import Ruleset

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


# -- inputs a person types (checked when given) -----------------------------------------------------------------


def written_opinion(opinion: object, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-10.2.1 (提出完善意见): the pre-checker passes or returns a case with a written opinion."""
    if str(opinion or "").strip():
        return None
    return ruleset.refusal("precheck_opinion_required", "precheck", "请填写书面预检意见")


def notice_start_refusal(notice_start: date | None, today: date, ruleset: Ruleset) -> Refusal | None:
    """ARC-10.3.1 (ours): a notice starts today or a few days later, within the ruleset's
    ``calendar.notice_start_max_days_ahead`` — never earlier (backdating) and never far ahead (a typing error
    such as 9999-12-31 would otherwise freeze the case in its notice). None: the notice starts today."""
    if notice_start is None:
        return None
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
