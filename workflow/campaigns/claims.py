"""Performance bonus and faults from declared and verified claims (ORG-6.2–6.4, ORG-PR.1/2, GAP-9).

A unit declares its performance and faults at year-end and the office verifies them (ORG-PR.1). Only verified
claims count. Performance: several bonuses for the same content count once, the highest (ORG-6.3); the total is
capped at 50 (ORG-6.2); a district major innovation project is worth 20, an innovation project 10 (ORG-6.4);
other kinds (ORG-6.5: recognition at national/provincial/city level — the values are lost) carry the points the
office enters. Faults: a general fault deducts its points; one the unit did not declare and the office found
counts double (ORG-PR.2, GAP-9); a veto-class fault vetoes, declared or not (the veto applies anyway, GAP-9).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

BONUS_CAP = Decimal(50)

#: ORG-6.4: named kinds with their points; any other kind needs the points entered (ORG-6.5 is truncated).
NAMED_KINDS: dict[str, Decimal] = {"major_innovation": Decimal(20), "innovation": Decimal(10)}
KIND_NAMES = {"major_innovation": "重大创新项目", "innovation": "创新项目", "other": "其他业绩"}
FAULT_KINDS = ("general", "veto")


@dataclass(frozen=True)
class Claim:
    #: What the performance is about; claims with the same content count once (ORG-6.3).
    content: str
    kind: str
    #: Required for kinds not in NAMED_KINDS; ignored for the named ones (their value is the rule's).
    points: Decimal | None = None
    verified: bool = False

    @property
    def value(self) -> Decimal:
        if self.kind in NAMED_KINDS:
            return NAMED_KINDS[self.kind]
        if self.points is None or self.points < 0:
            raise ValueError(f"claim {self.content!r} of kind {self.kind!r} needs non-negative points")
        return self.points


@dataclass(frozen=True)
class ContentBonus:
    content: str
    #: the claim that counts (the highest), then the ones that do not (ORG-6.3)
    counted: Claim
    dropped: tuple[Claim, ...]
    points: Decimal


@dataclass(frozen=True)
class Bonus:
    contents: tuple[ContentBonus, ...]
    #: sum of the counted claims, before the cap
    raw: Decimal
    #: min(raw, cap) (ORG-6.2)
    total: Decimal
    capped: bool


def performance_bonus(claims: Iterable[Claim], cap: Decimal = BONUS_CAP) -> Bonus:
    """ORG-6.2/6.3 (Example 5): the highest verified claim per content, summed, capped at `cap`."""
    by_content: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.verified:
            by_content.setdefault(claim.content, []).append(claim)
    lines = []
    for content, group in by_content.items():
        best = max(group, key=lambda c: c.value)  # first of equal values keeps
        lines.append(ContentBonus(content, best, tuple(c for c in group if c is not best), best.value))
    raw = sum((line.points for line in lines), Decimal(0))
    return Bonus(tuple(lines), raw, min(raw, cap), raw > cap)


@dataclass(frozen=True)
class Fault:
    description: str
    kind: str  # general | veto
    points: Decimal = Decimal(0)
    #: declared by the unit (ORG-PR.1); False = found by the office (ORG-PR.2)
    declared: bool = True
    verified: bool = False

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, got {self.kind!r}")
        if self.points < 0:
            raise ValueError("fault points must not be negative")


@dataclass(frozen=True)
class FaultLine:
    fault: Fault
    #: what it costs: points, doubled when undeclared (GAP-9); 0 for a veto-class fault
    deduction: Decimal
    doubled: bool


@dataclass(frozen=True)
class Faults:
    lines: tuple[FaultLine, ...]
    deduction: Decimal
    vetoed: bool
    #: the rule that decided each effect ("ORG-PR.2" when something was doubled or an undeclared fault vetoed)
    rules: tuple[str, ...]


def faults(items: Iterable[Fault]) -> Faults:
    """ORG-PR.2, GAP-9: verified general faults deduct (double when undeclared); a veto-class fault vetoes."""
    lines: list[FaultLine] = []
    vetoed = False
    rules: set[str] = set()
    for fault in items:
        if not fault.verified:
            continue
        if fault.kind == "veto":
            vetoed = True
            rules.add("ORG-12.3")
            if not fault.declared:
                rules.add("ORG-PR.2")
            lines.append(FaultLine(fault, Decimal(0), False))
            continue
        doubled = not fault.declared
        if doubled:
            rules.add("ORG-PR.2")
        lines.append(FaultLine(fault, fault.points * (2 if doubled else 1), doubled))
    total = sum((line.deduction for line in lines), Decimal(0))
    return Faults(tuple(lines), total, vetoed, tuple(sorted(rules)))
