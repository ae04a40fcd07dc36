"""Case use cases: open, fire an event (alone or in a batch), attachments, panel, objections, spot-checks.

Each public function is one transaction (commits whole or not at all) and, for every change, writes the audit
row (who, which organisation, when, from → to, event, comment, rule, ruleset). Refusals raise `Refused` with
the domain's reason code and Chinese message quoting the rule; views show it, the API returns it as JSON.
`today` defaults to `webapp.clock.today()`; tests pass it explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from werkzeug.datastructures import FileStorage

from webapp.models import Attachment, Case, CaseEvent, Objection, User
from webapp.services import ServiceError
from webapp.services.permissions import Decision


class Refused(ServiceError):
    """The domain or the permission check said no. ``status``: 403 forbidden, 409 guard/state refusal."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.message, code=decision.code)
        self.rule = decision.rule
        self.status = 403 if decision.code == "forbidden" else 409


class BatchRefused(ServiceError):
    """A batch action where some cases were refused: nothing was written. ``refusals`` maps case id → Decision."""

    status = 409

    def __init__(self, refusals: dict[int, Decision]) -> None:
        super().__init__(f"{len(refusals)} 个案件不能办理，本次批量操作未执行。", code="batch_refused")
        self.refusals = refusals


@dataclass(frozen=True)
class Action:
    """One button on the case page: an event this user could fire now, or one shown disabled with why."""

    event: str
    label: str
    allowed: bool
    #: refusal reason (Chinese, quoting the rule) when not allowed
    reason: str = ""
    rule: str | None = None


@dataclass(frozen=True)
class BasisDocument:
    """One of the five approval basis documents (ARC-10.5.1) and whether the case has it."""

    id: str
    name: str
    present: bool


@dataclass
class CaseView:
    """Everything the case page and the API detail show, computed once per request."""

    case: Case
    #: case functions the viewer holds (empty for onlookers such as upper bureaus)
    functions: frozenset[str]
    actions: list[Action]
    timeline: list[CaseEvent]
    attachments: list[Attachment]
    objections: list[Objection]
    basis_documents: list[BasisDocument]
    #: notice facts when a notice was published: start, last day, may close on, elapsed
    notice: dict[str, Any] | None
    #: Mermaid source of the procedure with the current state highlighted
    diagram: str
    #: what the viewer may do besides events: {"upload": [...kinds], "set_panel": bool, "spot_check": bool, ...}
    abilities: dict[str, Any] = field(default_factory=dict)
    read_only_reason: str = ""


def open_case(
    user: User, *, level: str, kind: str, preconditions: dict[str, bool], today: date | None = None
) -> Case:
    """A draft case for the user's organ: resolves the authority row and the concrete bureaus (ARC-9, §6).
    Raises `Refused` for combinations nobody may apply for (ARC-4.2, GAP-20)."""
    raise NotImplementedError


def fire_event(
    user: User,
    case_id: int,
    event: str,
    *,
    comment: str = "",
    today: date | None = None,
    expected_version: int | None = None,
    notice_start: date | None = None,
    opinion: str | None = None,
    total_score: Decimal | float | None = None,
    conclusion: str | None = None,
) -> Case:
    """Fire ``event``: permission → domain guards → state change → side effects → audit row → commit.

    Event-specific input: ``pass_precheck`` takes ``notice_start`` (default today) and ``opinion``;
    ``return_for_completion`` takes ``opinion``; ``conclude_review`` takes ``total_score`` (scored levels) or
    ``conclusion`` ``pass``/``fail`` (unscored, e.g. 省特级). ``approve`` creates the grade (superseding a lower
    one), numbers the letter and certificate and records the filings (ARC-9.3/9.5). ``expected_version`` guards
    against two people acting on the same case at once (409 ``stale``).
    """
    raise NotImplementedError


def batch_fire(
    user: User,
    case_ids: list[int],
    event: str,
    *,
    comment: str = "",
    today: date | None = None,
    notice_start: date | None = None,
) -> list[Case]:
    """The same event on several cases (issue the year's plan, forward 特级 applications, publish a notice
    list): all or nothing — raises `BatchRefused` listing every refusal and writes nothing."""
    raise NotImplementedError


def upload_attachment(
    user: User, case_id: int, kind: str, file: FileStorage, *, today: date | None = None
) -> Attachment:
    """Store a file under instance/uploads (content-addressed name), record it, audit it."""
    raise NotImplementedError


def set_panel(
    user: User, case_id: int, usernames: list[str], *, lead: str | None = None, today: date | None = None
) -> Case:
    """Form the review panel (organizer): reviewers with the ``reviewer`` role, none from the applicant organ,
    size within the case's range (ARC-10.4.2–10.4.4); the lead (default the first) concludes the review."""
    raise NotImplementedError


def submit_objection(
    case_id: int, *, content: str, name: str = "", contact: str = "", today: date | None = None
) -> Objection:
    """Public objection during the notice (GAP-9): returns the objection with its reference number; moves the
    case to ``objection_review`` (or just records it when already there)."""
    raise NotImplementedError


def handle_objection(
    user: User, objection_id: int, outcome: str, *, note: str, today: date | None = None
) -> Case:
    """Organizer decides an objection: ``dismiss`` / ``uphold`` (return for completion) / ``reject``."""
    raise NotImplementedError


def mark_spot_check(user: User, case_id: int, *, note: str = "", today: date | None = None) -> Case:
    """An upper bureau marks the case for spot-check (ARC-9.6); audit row, no state change."""
    raise NotImplementedError


def case_view(user: User, case_id: int, *, today: date | None = None) -> CaseView:
    """The case page's data; raises NotFound when ``user`` may not see the case (no existence leak)."""
    raise NotImplementedError
