"""Results of a ledger scoring: per unit its figures and the lines that make them (API / CLI shape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Line:
    rule: str
    text: str
    points: Decimal
    kind: str = "points"  # points | bonus | deduction


@dataclass(frozen=True)
class Flag:
    flag: str
    rule: str
    text: str


@dataclass
class UnitResult:
    unit: str
    group: str
    lines: list[Line] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    missing: int = 0
    rank: int | None = None
    advanced: bool | None = None
    completion: Decimal | None = None
    assessment: dict[str, Any] | None = None
    quotas: list[dict[str, Any]] = field(default_factory=list)
    submitted: bool = False
    disqualified: bool = False
    deemed_not_completed: bool = False
    bundled_into: str = ""
    group_name: str = ""

    def _sum(self, kind: str) -> Decimal:
        return sum((line.points for line in self.lines if line.kind == kind), Decimal(0))

    @property
    def points(self) -> Decimal:
        return self._sum("points")

    @property
    def bonus(self) -> Decimal:
        return self._sum("bonus")

    @property
    def deductions(self) -> Decimal:
        return self._sum("deduction")

    @property
    def total(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal(0))

    def flag(self, flag: str, rule: str, text: str) -> None:
        if not any(f.flag == flag and f.text == text for f in self.flags):
            self.flags.append(Flag(flag, rule, text))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "unit": self.unit,
            "group": self.group_name or self.group,
            "group_id": self.group,
            "points": number(self.points),
            "bonus": number(self.bonus),
            "deductions": number(self.deductions),
            "total": number(self.total),
            "missing": self.missing,
            "rank": self.rank,
            "advanced": self.advanced,
            "flags": [{"flag": f.flag, "rule": f.rule, "text": f.text} for f in self.flags],
            "lines": [{"rule": ln.rule, "text": ln.text, "points": number(ln.points)} for ln in self.lines],
        }
        if self.completion is not None:
            out["completion"] = number(self.completion.quantize(Decimal("0.0001")))
        if self.assessment is not None:
            out["assessment"] = self.assessment
        if self.quotas:
            out["quotas"] = self.quotas
        return out


@dataclass
class LedgerResult:
    period: str
    period_text: str
    currency: str
    units: list[UnitResult]
    zero_submission: list[str] = field(default_factory=list)
    last_place: list[str] = field(default_factory=list)
    advanced: list[dict[str, Any]] = field(default_factory=list)
    partial: bool = False

    def unit(self, name: str) -> UnitResult:
        return next(u for u in self.units if u.unit == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "period_text": self.period_text,
            "currency": self.currency,
            "partial": self.partial,
            "units": [u.to_dict() for u in self.units],
            "zero_submission": self.zero_submission,
            "last_place": self.last_place,
            "advanced": self.advanced,
        }


def number(value: Decimal) -> int | float:
    """JSON number: 20 not 20.00, 0.5 stays 0.5."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text
