"""An organ's grade over time (digest §5.2, GT-01…GT-09): derived from stored dates, never from a timer.

`grade_status` answers "what does this organ hold today?"; `grade_after_approval` and
`grade_after_failed_recheck` give the grade a decided case leaves behind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from workflow import calendar
from workflow.ruleset import Ruleset


class GradeState(StrEnum):
    UNGRADED = "ungraded"  # G0
    GRADED = "graded"  # G1
    RECHECK_PENDING = "recheck_pending"  # G2
    LAPSED = "lapsed"  # G3: behaves as ungraded for new applications
    SUPERSEDED = "superseded"  # replaced by a higher level (GT-03/GT-04, GAP-22)


#: States in which the grade is in force (holds for promotion, rewards, recheck).
IN_FORCE = frozenset({GradeState.GRADED, GradeState.RECHECK_PENDING})


@dataclass(frozen=True)
class Grade:
    """A certificate: the level held and its validity (GAP-3: from the certificate date, 3 years − 1 day)."""

    level: str
    valid_from: date
    #: Last valid day, inclusive.
    valid_to: date
    #: Kind id of the case that produced the certificate (a recheck gives a recheck-pass certificate, ARC-11.4).
    certificate_kind: str
    #: Day a higher grade replaced this one (GAP-22); None while it stands on its own.
    superseded_on: date | None = None


@dataclass(frozen=True)
class GradeStatus:
    """What an organ holds on a given day, with the derived flags of §5.2."""

    state: GradeState
    level: str | None
    valid_from: date | None
    valid_to: date | None
    #: First day the grade is no longer in force; None while a pending recheck keeps it open (GAP-4).
    expires_on: date | None
    #: Calendar year in which the recheck must be applied for (ARC-11.2).
    recheck_due_year: int | None
    #: The recheck application is due this year and not yet lodged.
    recheck_due: bool
    #: First day the organ may seek the next level (ARC-3.2); None at the top level or without a grade.
    promotion_eligible_from: date | None
    #: The wait has passed and the grade is in force (the organ's own eligibility, ARC-4.2, is separate).
    promotion_eligible: bool
    #: May receive the reward policy for advanced units (ARC-14.1).
    reward_policy: bool

    @property
    def in_force(self) -> bool:
        return self.state in IN_FORCE


UNGRADED_STATUS = GradeStatus(GradeState.UNGRADED, None, None, None, None, None, False, None, False, False)


def grade_status(grade: Grade | None, today: date, recheck_open: bool, ruleset: Ruleset) -> GradeStatus:
    """The organ's grade state on `today`; `recheck_open` = a recheck case for this grade is between C1 and C10."""
    if grade is None:
        return UNGRADED_STATUS
    day_after = calendar.shift(grade.valid_to, timedelta(days=1))  # a stored 9999-12-31 must not overflow
    expires_on: date | None
    if grade.superseded_on is not None and today >= grade.superseded_on:
        state, expires_on = GradeState.SUPERSEDED, grade.superseded_on
    elif today <= grade.valid_to:
        # GT-05: an open recheck application makes the grade "pending", still in force.
        state = GradeState.RECHECK_PENDING if recheck_open else GradeState.GRADED
        expires_on = None if recheck_open and ruleset.switches.gap4_pending_recheck_keeps_grade else day_after
    elif recheck_open and ruleset.switches.gap4_pending_recheck_keeps_grade:
        state, expires_on = GradeState.RECHECK_PENDING, None  # GT-09, GAP-4: kept in force until decided
    else:
        state, expires_on = GradeState.LAPSED, day_after  # GT-08 (ARC-11.5), GT-07 after a failed recheck

    in_force = state in IN_FORCE
    due_year = calendar.recheck_year(ruleset, grade.valid_to)
    has_next_level = ruleset.level_above(grade.level) is not None
    eligible_from = calendar.promotion_eligible_from(ruleset, grade.valid_from) if has_next_level else None
    return GradeStatus(
        state=state,
        level=grade.level,
        valid_from=grade.valid_from,
        valid_to=grade.valid_to,
        expires_on=expires_on,
        recheck_due_year=due_year,
        recheck_due=state is GradeState.GRADED and today.year == due_year,
        promotion_eligible_from=eligible_from,
        promotion_eligible=in_force and eligible_from is not None and today >= eligible_from,
        reward_policy=in_force and ruleset.level(grade.level).reward_policy,
    )


def grade_after_approval(
    ruleset: Ruleset, previous: Grade | None, level: str, kind: str, certificate_date: date
) -> Grade:
    """The grade an approved case grants (GT-01, GT-03, GT-04, GT-06).

    A granting kind (evaluation) starts a new validity at `level` from the certificate date; mark `previous`
    superseded with `superseded(previous, certificate_date)` (GAP-22). A renewing kind (recheck) keeps the
    level; its validity starts on the certificate date, or the day after the previous expiry (GAP-6 switch).
    """
    ruleset.level(level)  # unknown level → KeyError
    if ruleset.kind(kind).renews:
        if previous is None or previous.level != level:
            raise ValueError("a recheck renews the level the organ holds")
        if ruleset.switches.gap6_recheck_validity_from == "previous_expiry":
            valid_from = calendar.shift(previous.valid_to, timedelta(days=1))
        else:
            valid_from = certificate_date
    else:
        valid_from = certificate_date
    return Grade(level, valid_from, calendar.validity_end(ruleset, valid_from), kind)


def superseded(grade: Grade, on: date) -> Grade:
    """`grade` replaced by a higher level from `on` (GT-03/GT-04, GAP-22: no recheck of the lower level needed)."""
    return replace(grade, superseded_on=on)


def grade_after_failed_recheck(
    ruleset: Ruleset, previous: Grade, total_score: float | None, decided_on: date
) -> Grade | None:
    """GAP-5: a failed recheck renews nothing, so None — unless the downgrade switch is on and the total clears
    the next lower level's pass line, in which case that lower level starts from the decision date."""
    if not ruleset.switches.gap5_downgrade_on_failed_recheck or total_score is None:
        return None
    lower = ruleset.level_below(previous.level)
    if lower is None or lower.pass_line is None or total_score < lower.pass_line:
        return None
    renewing_kind = next(kind.id for kind in ruleset.kinds if kind.renews)
    return Grade(lower.id, decided_on, calendar.validity_end(ruleset, decided_on), renewing_kind)
