"""Why something may not happen: a reason code, a Chinese message quoting the rule, and the rule ID.

Every refusal the domain gives is a `Refusal`; the exceptions below carry one, so the web layer can show
`exc.refusal.message` and log `exc.refusal.code` without knowing which check failed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """A reason why an action is refused."""

    #: Stable snake_case reason code for programs and tests, e.g. ``notice_period_not_elapsed``.
    code: str
    #: Simplified-Chinese message for people; names and quotes the rule it applies.
    message: str
    #: Rule ID from the digest (``ARC-10.3.2``), or None for refusals that are not about a rule.
    rule: str | None


class WorkflowError(Exception):
    """An action was refused; ``refusal`` says why."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        #: The reason, for the UI (message) and for programs (code).
        self.refusal = refusal

    @property
    def code(self) -> str:
        return self.refusal.code


class InvalidTransition(WorkflowError):
    """The event is not defined for the case's current state (code ``invalid_transition``)."""


class NotAllowed(WorkflowError):
    """The actor does not hold the case function that may fire the event (code ``forbidden``)."""


class GuardRefused(WorkflowError):
    """The event is defined and the actor may fire it, but a rule forbids it now."""


class NotACandidate(GuardRefused):
    """The (level, kind, applicant tier) combination has no competent bureau: the organ is not a candidate."""


class RulesetError(ValueError):
    """A ruleset file is malformed; the message names the file and the field path."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"{source}: {field}: {problem}" if field else f"{source}: {problem}")
        #: File name (or other origin) of the ruleset data.
        self.source = source
        #: Dotted/indexed path of the offending field, e.g. ``authority[14].panel``.
        self.field = field
        #: What is wrong with it.
        self.problem = problem
