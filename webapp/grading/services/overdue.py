"""Overdue work in the worklists and the count in the navigation bar.

`workflow.grading.deadlines` decides whether a case is late and by how many days; this module asks it per row (no
query) and turns the same ruleset limits into one SQL condition so a page counts overdue work in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from config.rulesets import available_rulesets, load_ruleset
from webapp.core.rulesets import selected_ruleset
from webapp.grading.models import Case
from webapp.grading.services.case_rows import CaseRecord
from workflow.errors import RulesetError
from workflow.grading import STATE_LABELS, deadlines
from workflow.grading.deadlines import Overdue
from workflow.ruleset import Ruleset

#: states where the applying unit acts next (its own overdue work)
APPLICANT_STATES = ("planned", "returned")


@dataclass(frozen=True)
class OverdueFlag:
    """What a list shows for a late case: the words, the days, and the rule behind the limit (tooltip)."""

    overdue: Overdue
    text: str

    @property
    def days(self) -> int:
        return self.overdue.days

    @property
    def rule(self) -> str:
        return self.overdue.rule


def awaits_forwarding(case: Case | CaseRecord) -> bool:
    return case.state == "applied" and case.forwarder_id is not None and case.forwarded_on is None


def flag_for(case: Case, today: date) -> OverdueFlag | None:
    """The case's lateness in its current state, or None (pure: no query)."""
    try:
        rules = load_ruleset(case.ruleset_id)
    except Exception:  # noqa: BLE001 - a case of a ruleset no longer shipped is simply not flagged
        return None
    late = deadlines.case_overdue(
        rules,
        state=case.state,
        state_since=case.state_since,
        notice_start=case.notice_start,
        applied_on=case.applied_on,
        awaits_forwarding=awaits_forwarding(case),
        today=today,
    )
    if late is None:
        return None
    if late.kind == deadlines.NOTICE_NOT_CLOSED:
        text = f"公示期满未结束公示，已超期{late.days}天"
    elif late.kind == deadlines.NOT_FORWARDED:
        text = f"第一季度内未报送省档案局，已超期{late.days}天"
    else:
        limit = rules.deadlines.waits[case.state].days
        text = f"{STATE_LABELS.get(case.state, case.state)}超过{limit}天，已超期{late.days}天"
    return OverdueFlag(late, text)


#: `overdue_condition` by (day, the rulesets it was built from, by identity): it is part of every bureau page (the
#: navigation bar's count) and building it again each time cost more than the count itself; the rulesets are
#: kept with it, so an id in the key is never another object's
_CONDITIONS: dict[tuple[date, tuple[int, ...]], tuple[tuple[Ruleset, ...], sa.ColumnElement[bool]]] = {}
_CONDITIONS_KEPT = 8


def _rulesets() -> list[Ruleset]:
    rulesets = []
    for ruleset_id in available_rulesets():
        try:
            rulesets.append(load_ruleset(ruleset_id))
        except (
            RulesetError
        ):  # a registered file edited by hand since: its cases are not flagged (admin page says)
            continue
    return rulesets


def overdue_basis(today: date) -> tuple[date, tuple[str, ...]]:
    """What `overdue_condition` is made of besides the cases: the day and the rulesets it read, by id (a
    registered id never changes content), for a count kept under it (`case_revision.kept`)."""
    return today, tuple(rules.id for rules in _rulesets())


def overdue_condition(today: date) -> sa.ColumnElement[bool]:
    """SQL: the case is overdue today (same answer as `flag_for`, proven by tests/workflow/test_deadlines.py)."""
    rulesets = _rulesets()
    key = (today, tuple(id(rules) for rules in rulesets))
    kept = _CONDITIONS.get(key)
    if kept is None:
        if len(_CONDITIONS) >= _CONDITIONS_KEPT:
            _CONDITIONS.clear()
        kept = _CONDITIONS[key] = (tuple(rulesets), _build_overdue_condition(today, rulesets))
    return kept[1]


def _build_overdue_condition(today: date, rulesets: list[Ruleset]) -> sa.ColumnElement[bool]:
    per_ruleset = []
    for rules in rulesets:
        forwarding_year = deadlines.forwarding_overdue_year(rules, today)
        parts: list[sa.ColumnElement[bool]] = [
            sa.and_(Case.state == "in_notice", Case.notice_start < deadlines.notice_cutoff(rules, today)),
            sa.and_(
                Case.state == "applied",
                Case.forwarder_id.is_not(None),
                Case.forwarded_on.is_(None),
                Case.applied_on < date(forwarding_year, 1, 1),
            ),
        ]
        for state, cutoff in deadlines.wait_cutoffs(rules, today).items():
            waiting = sa.and_(Case.state == state, Case.state_since < cutoff)
            if state == "applied":  # an application still to be forwarded is late by the Q1 rule instead
                waiting = sa.and_(
                    waiting, sa.or_(Case.forwarder_id.is_(None), Case.forwarded_on.is_not(None))
                )
            parts.append(waiting)
        per_ruleset.append(sa.and_(Case.ruleset_id == rules.id, sa.or_(*parts)))
    return sa.or_(*per_ruleset)


def summary_years_due(today: date) -> list[int]:
    """Years whose summary is past its deadline today: last year's always, this year's after its deadline
    (12月19日 in hubei-2011)."""
    rules = selected_ruleset()
    years = [today.year - 1]
    if deadlines.summary_overdue(rules, today.year, submitted_on=None, today=today) is not None:
        years.append(today.year)
    return years
