"""The ledger's plain-data inputs: the roster and the records of the submission flow.

Records carry scheme ids (publication, class, form, level, kind), not the names people type: `rows.py` turns
imported rows into records and names the row and column of anything it cannot place. `row` is kept so that
the engine's own refusals (a combination without a value) can still point at the line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    group: str
    base: Decimal | None = None  # annual base score (INF-1); None: scored on actual points (INF-1.9)


@dataclass(frozen=True, slots=True)
class Adoption:
    """One adoption (采用/录用) of an article by one publication."""

    unit: str
    article: str
    publication: str
    klass: str
    form: str
    day: date
    title: str = ""
    credit: str = ""  # "" | material (ZG-2.8) | recommended (ZG-2.9)
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Instruction:
    """A leader's written instruction (批示) on an article."""

    unit: str
    article: str
    level: str
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Submission:
    """Items a unit submitted (报送) on a day: information items or research articles (PUB-3.1, PUB-3.5)."""

    unit: str
    day: date
    count: int = 1
    kind: str = "information"
    klass: str = ""
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    """A deduction event (ZG-4.9/4.10, INF-3.7 …); `serious` is the office's ZG-4.11 mark."""

    unit: str
    kind: str
    day: date
    serious: bool = False
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A unit bonus claimed and verified (INF-2.9 … 2.11)."""

    unit: str
    kind: str
    day: date
    row: int | None = None


@dataclass(frozen=True, slots=True)
class CadreEvent:
    """A CAD event: its kind and level, the persons named per tier, and for rankings the rank among n."""

    kind: str
    day: date
    level: str = ""
    persons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rank: int | None = None
    n: int | None = None
    override_cap: bool = False  # CAD-2.2 「原则上」: the assessor may exceed the 1/2/3 limits
    row: int | None = None


@dataclass(frozen=True)
class Records:
    adoptions: tuple[Adoption, ...] = ()
    instructions: tuple[Instruction, ...] = ()
    submissions: tuple[Submission, ...] = ()
    incidents: tuple[Incident, ...] = ()
    claims: tuple[Claim, ...] = ()
    cadre_events: tuple[CadreEvent, ...] = ()
