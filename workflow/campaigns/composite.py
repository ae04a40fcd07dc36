"""Composites across periods: SAF's annual composite weighted 20 % (SAF-4.1, GAP-3) and ORG's year-end
aggregate of targets + performance bonus − faults + recognition (ORG-PR.7, GAP-2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from workflow.campaigns.claims import Bonus, Faults

#: mean (default: SAF GAP-3, ORG GAP-2) | sum | last (the last period assessed)
COMPOSITE_METHODS = ("mean", "sum", "last")
_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Composite:
    #: None when no period was assessed
    value: Decimal | None
    #: weight × value (SAF-4.1: 0.20 × composite); None without a value
    contribution: Decimal | None
    #: how many periods were assessed and counted
    counted: int


def _round(value: Decimal) -> Decimal:
    """Two decimals, half up: a mean of three quarters must not print 28 digits."""
    return value.quantize(_PLACES, rounding=ROUND_HALF_UP)


def composite(
    scores: Sequence[Decimal | None], method: str = "mean", weight: Decimal = Decimal(1)
) -> Composite:
    """SAF-4.1, GAP-3: the composite of the periods actually assessed (None = not assessed) and its weighted
    contribution. Example 1: 92, 88, 95, 85 → 90, × 0.20 = 18. Example 2: 80, 90, 85, None → 85 → 17."""
    if method not in COMPOSITE_METHODS:
        raise ValueError(f"method must be one of {COMPOSITE_METHODS}, got {method!r}")
    assessed = [s for s in scores if s is not None]
    if not assessed:
        return Composite(None, None, 0)
    if method == "mean":
        value = _round(sum(assessed, Decimal(0)) / len(assessed))
    elif method == "sum":
        value = sum(assessed, Decimal(0))
    else:
        value = assessed[-1]
    return Composite(value, _round(value * weight), len(assessed))


@dataclass(frozen=True)
class Line:
    #: Chinese, as the bulletin shows it
    label: str
    #: signed: faults are negative; None when not available (e.g. recognition not yet evaluated)
    value: Decimal | None
    rule: str


@dataclass(frozen=True)
class Annual:
    lines: tuple[Line, ...]
    total: Decimal
    vetoed: bool
    #: monthly scores counted for the target line
    counted: int


def org_annual(
    monthly: Sequence[Decimal | None],
    bonus: Bonus,
    faults: Faults,
    recognition: Decimal | None = None,
    method: str = "mean",
) -> Annual:
    """ORG-PR.7, GAP-2: target score (mean of the monthly scores; switch sum | last) + performance bonus
    (capped, ORG-6.2) − fault deductions (ORG-PR.2) + recognition. The recognition method is lost (GAP-1):
    None counts 0 and the line says so. A vetoed unit keeps its total (GAP-10); `vetoed` flags it."""
    target = composite(monthly, method).value
    lines = (
        Line("责任目标考核成绩", target, "ORG-PR.7"),
        Line("业绩加分", bonus.total, "ORG-6.2"),
        Line("过错扣分", -faults.deduction, "ORG-PR.2"),
        Line("公认度评价得分", recognition, "ORG-PR.7"),
    )
    total = sum((line.value for line in lines if line.value is not None), Decimal(0))
    return Annual(lines, total, faults.vetoed, composite(monthly, method).counted)
