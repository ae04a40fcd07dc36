"""Archive grading (机关档案工作目标管理等级考评, e.g. ruleset hubei-2011, and its kin): the case procedure and its rules.

`table` holds the procedure's rows (`PROCEDURE`), `guards` the checks they name, `facts` what the guards read;
`authority` says who does what, `eligibility` who may apply, `grade` an organ's grade over time, `deadlines`
when a case is late, `next_step` who acts next. This module is the procedure's front: `check` and `fire` for
one case on its own ruleset, and the diagram.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.errors import Refusal
from workflow.grading.facts import FUNCTIONS, Actor, CaseFacts, open_case
from workflow.grading.guards import notice_start_refusal, review_passed, review_result_recorded
from workflow.grading.table import (
    CASE_STATES,
    EVENT_LABELS,
    EVENTS,
    MACHINE,
    OPEN_STATES,
    PROCEDURE,
    STATE_LABELS,
    TERMINAL_STATES,
    TRANSITIONS,
    WITHDRAW_NOTE,
)
from workflow.procedure import TransitionRecord, Verdict
from workflow.ruleset import Ruleset

__all__ = [
    "CASE_STATES",
    "EVENTS",
    "EVENT_LABELS",
    "FUNCTIONS",
    "MACHINE",
    "OPEN_STATES",
    "PROCEDURE",
    "STATE_LABELS",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "WITHDRAW_NOTE",
    "Actor",
    "CaseFacts",
    "TransitionRecord",
    "allowed_events",
    "blocked_events",
    "check",
    "fire",
    "mermaid",
    "notice_start_refusal",
    "open_case",
    "procedure_edges",
    "reasons",
    "review_passed",
    "review_result_recorded",
]


def _same_ruleset(case: CaseFacts, ruleset: Ruleset) -> None:
    if case.ruleset_id != ruleset.id:
        raise ValueError(f"case runs on ruleset {case.ruleset_id!r}, not {ruleset.id!r}")


#: Guards on what the person firing supplies with the event (the panel's result, ARC-10.4.5), not on the case
#: as it stands. Asking whether the event is possible (``asking=True``, e.g. to show the button) skips them —
#: nothing is made up to ask — and they run on the real input when the event is fired.
INPUT_GUARDS = frozenset({review_result_recorded})


def reasons(
    case: CaseFacts,
    event: str,
    actor: Actor,
    today: date,
    ruleset: Ruleset,
    *,
    asking: bool = False,
    **inputs: Any,
) -> Verdict:
    """Every reason `actor` may not fire `event` on `case` today (state → actor → guards, then inputs);
    ``asking``: only whether it is possible, before its input is given (`INPUT_GUARDS` wait for it)."""
    _same_ruleset(case, ruleset)
    return PROCEDURE.check(
        case, event, actor, today, ruleset, inputs, awaiting=INPUT_GUARDS if asking else ()
    )


def check(
    case: CaseFacts,
    event: str,
    actor: Actor,
    today: date,
    ruleset: Ruleset,
    *,
    asking: bool = False,
    **inputs: Any,
) -> Refusal | None:
    """The first reason `actor` may not fire `event` on `case` today, or None.

    Inputs: ``pass_precheck`` takes ``notice_start`` and ``opinion``, ``return_for_completion`` ``opinion``;
    an input left out (or None) is not checked, so the buttons show before anything is typed."""
    return reasons(case, event, actor, today, ruleset, asking=asking, **inputs).first


def fire(
    case: CaseFacts, event: str, actor: Actor, today: date, ruleset: Ruleset, **inputs: Any
) -> TransitionRecord:
    """Apply `event` to `case` through the shared machine; raises InvalidTransition / NotAllowed / GuardRefused.

    ``pass_precheck`` takes ``notice_start`` (defaults to today), the first day of the public notice. The
    record carries the fired row's effects; those outside the facts (grant a grade, close objections) are the
    caller's to apply."""
    _same_ruleset(case, ruleset)
    return PROCEDURE.fire(case, event, actor, today, ruleset, inputs)


def allowed_events(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> list[str]:
    """Events `actor` may fire on `case` today, in table order."""
    _same_ruleset(case, ruleset)
    return PROCEDURE.allowed_events(case, actor, today, ruleset)


def blocked_events(case: CaseFacts, actor: Actor, today: date, ruleset: Ruleset) -> list[tuple[str, Refusal]]:
    """Events defined for the state and open to `actor` but refused by a guard: show them disabled, with why."""
    _same_ruleset(case, ruleset)
    return PROCEDURE.blocked_events(case, actor, today, ruleset)


def mermaid(ruleset: Ruleset | None = None, highlight: str | None = None) -> str:
    """Mermaid source of the case procedure for people, titled with the ruleset's name, `highlight` active."""
    return PROCEDURE.mermaid(highlight, ruleset.name if ruleset else None)


def procedure_edges() -> list[tuple[str, str, str]]:
    """(source, dest, label) of every arrow a diagram for people draws (withdrawal said once, see WITHDRAW_NOTE)."""
    return PROCEDURE.edges()
