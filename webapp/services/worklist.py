"""Bureau worklists: the cases on which the user's bureau acts next, with filters and counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from webapp.models import Case, User


@dataclass(frozen=True)
class WorklistRow:
    case: Case
    #: functions the user's bureau holds in the case
    functions: frozenset[str]
    #: events the bureau could fire next (labels resolved by the template)
    next_events: tuple[str, ...]


@dataclass
class Worklist:
    rows: list[WorklistRow]
    #: counts per state over the unfiltered worklist, for the filter chips
    counts: dict[str, int] = field(default_factory=dict)
    #: cases of lower bureaus the user may read (ARC-9.6) — separate tab, read-only
    supervised: list[Case] = field(default_factory=list)
    #: cases filed with this bureau (备案, ARC-9.3/9.5)
    filed: list[Case] = field(default_factory=list)


def worklist(
    user: User,
    *,
    today: date | None = None,
    state: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    tier: str | None = None,
    year: int | None = None,
) -> Worklist:
    raise NotImplementedError
