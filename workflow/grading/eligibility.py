"""May this organ apply for this level and kind on this day? (ARC-3.2, ARC-4.2–4.4, ARC-5, ARC-11.2, GAP-1/2/20/21)

`check_application` lists every reason against, so the unit sees all it must fix at once; an empty list means
eligible. The application window (ARC-10.1.1) is a property of the date, not the organ: `grading` checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from workflow import calendar
from workflow.errors import Refusal
from workflow.grading.grade import Grade, GradeStatus, grade_status
from workflow.ruleset import Ruleset


@dataclass(frozen=True)
class OrganFacts:
    """What eligibility needs to know about the applicant organ."""

    #: Applicant tier id (``county_direct``).
    tier: str
    #: The organ guides archive work in its system (ARC-4.2).
    has_system_guidance: bool
    #: Its current grade (the latest certificate not superseded), or None.
    grade: Grade | None
    #: Dates of archive security incidents (ARC-5.5).
    incidents: tuple[date, ...] = ()
    #: Manual "mainly" override admitting an organ without a system-guidance task (GAP-20).
    special_candidate_override: bool = False
    #: A recheck case for its grade is open (keeps the grade in force past validity, GAP-4).
    recheck_open: bool = False


def organ_grade_status(ruleset: Ruleset, organ: OrganFacts, on: date) -> GradeStatus:
    return grade_status(organ.grade, on, organ.recheck_open, ruleset)


def check_application(
    ruleset: Ruleset,
    organ: OrganFacts,
    level: str,
    kind: str,
    preconditions: Mapping[str, bool] | None,
    on: date,
) -> list[Refusal]:
    """Every reason the organ may not apply for (level, kind) on `on`; empty = eligible.

    `preconditions` maps ``"ARC-5.1"``…``"ARC-5.6"`` to the applicant's confirmation; None skips the
    confirmations (for "what may I apply for" overviews) but still checks recorded incidents.
    """
    refusals = candidate_refusals(ruleset, organ, level, kind)
    if ruleset.kind(kind).renews:
        refusals += recheck_refusals(ruleset, organ, level, on)
    else:
        refusals += promotion_refusals(
            ruleset, organ, level, on, check_wait=_wait_checked_at(ruleset, "application")
        )
    for precondition in ruleset.preconditions:
        if preconditions is not None and not preconditions.get(precondition.id, False):
            refusals.append(
                ruleset.refusal(
                    "preconditions_not_met", precondition.id, f"申请单位未确认：{precondition.text}"
                )
            )
        if precondition.from_incidents:
            refusals += incident_refusals(ruleset, organ, on, precondition.id)
    return refusals


def eligible_options(
    ruleset: Ruleset, organ: OrganFacts, on: date, preconditions: Mapping[str, bool] | None = None
) -> list[tuple[str, str, list[Refusal]]]:
    """(level, kind, refusals) for every level (lowest first) and kind: the unit's "what may I apply for now"."""
    return [
        (level.id, kind.id, check_application(ruleset, organ, level.id, kind.id, preconditions, on))
        for level in ruleset.levels
        for kind in ruleset.kinds
    ]


def _wait_checked_at(ruleset: Ruleset, moment: str) -> bool:
    return ruleset.switches.gap2_promotion_wait_measured_at == moment


def candidate_refusals(ruleset: Ruleset, organ: OrganFacts, level: str, kind: str) -> list[Refusal]:
    """ARC-4.2–4.4, GAP-20: is the organ's tier a candidate at all, and does it guide a system if required?"""
    row = ruleset.authority_row(level, kind, organ.tier)
    level_rules = ruleset.level(level)
    tier_name = next(tier.name for tier in ruleset.tiers if tier.id == organ.tier)
    if not row.candidate:
        # The gap id (row.gap) is ours, not the regulation's: people read the article, never GAP-n.
        detail = f"{tier_name}不是{level_rules.name}{ruleset.kind(kind).name}对象"
        return [ruleset.refusal("not_a_candidate", row.rule, detail)]
    override = organ.special_candidate_override and ruleset.switches.gap20_candidate_override_allowed
    if level_rules.requires_system_guidance and not organ.has_system_guidance and not override:
        return [ruleset.refusal("not_a_candidate", level_rules.rule, "本机关没有系统档案工作指导任务")]
    return []


def recheck_refusals(ruleset: Ruleset, organ: OrganFacts, level: str, on: date) -> list[Refusal]:
    """ARC-11.2: a recheck is for the level held, applied for in the calendar year the certificate expires."""
    status = organ_grade_status(ruleset, organ, on)
    level_name = ruleset.level(level).name
    if not status.in_force or status.level != level:
        return [
            ruleset.refusal(
                "not_eligible", "recheck_year", f"本机关未持有有效的{level_name}证书，不能申请复查"
            )
        ]
    if on.year != status.recheck_due_year:
        return [
            ruleset.refusal(
                "recheck_not_due",
                "recheck_year",
                f"证书有效期至{status.valid_to}，应在{status.recheck_due_year}年提出复查申请",
            )
        ]
    return []


def promotion_refusals(
    ruleset: Ruleset, organ: OrganFacts, level: str, on: date, check_wait: bool = True
) -> list[Refusal]:
    """ARC-3.1/3.2, GAP-1, GAP-2: step-by-step promotion from a grade held for the waiting period."""
    status = organ_grade_status(ruleset, organ, on)
    rank = ruleset.level_rank(level)
    held_rank = ruleset.level_rank(status.level) if status.in_force and status.level else None
    if held_rank is not None and held_rank >= rank:
        held = ruleset.level(status.level or "")
        return [
            ruleset.refusal(
                "not_eligible",
                "step_by_step",
                f"本机关已持有{held.name}（有效期至{status.valid_to}），应申请复查或晋升",
            )
        ]
    if rank == 0:
        return []
    needed = ruleset.levels[rank - 1]
    if held_rank != rank - 1:
        if not ruleset.switches.gap1_entry_at_lowest_level:
            return []
        wait = ruleset.calendar.promotion_wait_years
        return [
            ruleset.refusal(
                "not_eligible", "step_by_step", f"逐级晋升：须持有有效的{needed.name}证书满{wait}年"
            )
        ]
    if check_wait and status.promotion_eligible_from and on < status.promotion_eligible_from:
        return [
            ruleset.refusal(
                "promotion_wait_not_elapsed",
                "promotion_wait",
                f"{needed.name}证书日期{status.valid_from}，{status.promotion_eligible_from}起方可申请晋升",
            )
        ]
    return []


def incident_refusals(ruleset: Ruleset, organ: OrganFacts, on: date, rule: str) -> list[Refusal]:
    """ARC-5.5, GAP-21: no security incident in the window ending on `on`."""
    inside = calendar.incidents_in_window(ruleset, organ.incidents, on)
    if not inside:
        return []
    last = inside[-1]
    free_from = calendar.incident_free_from(ruleset, last)
    detail = f"{last}发生档案安全事故，{free_from}起方可申报"
    return [ruleset.refusal("security_incident_within_window", rule, detail)]
