"""The one place that decides who may do what: role × jurisdiction × state. Deny by default.

Every view and API endpoint that touches a case asks here (directly or through the services in cases.py);
nothing else in webapp/ compares organisation ids or role names to decide access.

- *Role × jurisdiction* → the case functions a user holds (``applicant``, ``forwarder``, ``planner``,
  ``prechecker``, ``organizer``, ``approver``, ``panel``): a bureau user (``bureau_staff``/``bureau_head``) holds
  a function when their organisation is the bureau resolved for it on the case; an organ user
  (``unit_applicant``/``unit_leader``) is the ``applicant`` of their own organ's cases; the panel lead holds
  ``panel``. Approval (``approver``) needs ``bureau_head``.
- *State* (and every other guard) is the domain's: ``workflow.grading.check``.
- Reading is wider than acting: bureaus above a case's bureaus may read it and mark a spot-check (ARC-9.6), and
  filing recipients (备案, ARC-9.3/9.5) may read it, but neither may act in the lower bureau's place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from webapp.models import Case, User
from workflow.errors import Refusal


@dataclass(frozen=True)
class Decision:
    """An answer with its reason: ``code`` is stable for the API, ``message`` Chinese for people (quoting the
    rule where one applies), ``rule`` the rule ID (e.g. ``ARC-10.3.2``)."""

    allowed: bool
    code: str = "ok"
    message: str = ""
    rule: str | None = None

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def from_refusal(cls, refusal: Refusal | None) -> Decision:
        if refusal is None:
            return ALLOWED
        return cls(False, refusal.code, refusal.message, refusal.rule)


ALLOWED = Decision(True)

#: Non-transition verbs asked through `can`.
VERBS = (
    "view",
    "upload",  # attachments (per kind: the applicant uploads its materials, the pre-checker its opinion)
    "set_panel",  # organizer, while the case is in notice / objection review / review (ARC-10.4)
    "spot_check",  # an upper bureau (ARC-9.6)
    "handle_objection",  # organizer (GAP-9)
    "download_letter",  # 确认函, once approved (ARC-10.5.4)
    "download_certificate",  # 证书, once approved (ARC-10.5.5)
)


def case_functions(user: User, case: Case) -> frozenset[str]:
    """Case functions ``user`` holds in ``case`` (role × jurisdiction); empty for onlookers."""
    raise NotImplementedError


def can_view(user: User, case: Case) -> Decision:
    """Applicant organ users, bureaus holding a function or a filing, their upper bureaus, panel members."""
    raise NotImplementedError


def can_fire(user: User, case: Case, event: str, today: date, **ctx: object) -> Decision:
    """Functions from `case_functions`, then the domain's transition/actor/guard check."""
    raise NotImplementedError


def can(user: User, verb: str, case: Case, today: date, *, kind: str | None = None) -> Decision:
    """Non-transition verbs (see `VERBS`); ``kind`` is the attachment kind for ``upload``."""
    raise NotImplementedError


def visible_cases(user: User) -> sa.Select[tuple[Case]]:
    """A SELECT of the cases ``user`` may read (for lists and the API); same rule as `can_view`."""
    raise NotImplementedError
