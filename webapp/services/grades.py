"""An organ's grade as the applying unit sees it, and the idempotent `kaoping tick` timer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from webapp.models import Case, Organisation, User
from workflow.errors import Refusal
from workflow.grade import GradeStatus


@dataclass(frozen=True)
class ApplyOption:
    """One (level, kind) the organ might apply for now, with the reasons it may not (ARC-3.2, ARC-5, ARC-11.2)."""

    level: str
    kind: str
    label: str
    refusals: tuple[Refusal, ...]

    @property
    def allowed(self) -> bool:
        return not self.refusals


@dataclass
class OrganOverview:
    organ: Organisation
    status: GradeStatus
    options: list[ApplyOption]
    cases: list[Case] = field(default_factory=list)


def organ_overview(user: User, *, today: date | None = None) -> OrganOverview:
    """For a unit user: grade status (level, valid until, recheck due year, earliest promotion) and options."""
    raise NotImplementedError


@dataclass
class TickReport:
    lapsed: list[int] = field(default_factory=list)
    recheck_due: list[int] = field(default_factory=list)


def tick(*, today: date | None = None) -> TickReport:
    """Advance what is due (ARC-11.5 lapse without a recheck application; GAP-4 keeps pending rechecks in force;
    flag recheck-due organs). Idempotent; never closes anything that needs a human."""
    raise NotImplementedError
