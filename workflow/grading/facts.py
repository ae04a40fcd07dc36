"""What grading's guards read about one case (`CaseFacts`), who acts (`Actor`) and how a case starts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from workflow import procedure
from workflow.grading.authority import Assignment, assignment
from workflow.grading.eligibility import OrganFacts
from workflow.ruleset import Ruleset

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


@dataclass(frozen=True)
class Actor(procedure.Actor):
    """The functions the acting user holds in this case (``applicant``, ``organizer``…)."""

    def __post_init__(self) -> None:
        unknown = self.functions - FUNCTIONS
        if unknown:
            raise ValueError(f"unknown case functions: {', '.join(sorted(unknown))}")


@dataclass
class CaseFacts:
    """What the guards need to know about one case, gathered once per request. `fire` changes `state` and sets
    the dates the fired row's effects name."""

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
