"""How each measured or claimed rule kind turns an entry into points and reasons (see docs/schemes.md).

Each function returns (points before the item's bounds and rounding, reasons, missing). Reasons are Chinese and
end with the item id, so a reader can find the line of the table that took the points.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from workflow.scoring.errors import SheetError
from workflow.scoring.numbers import fmt_points
from workflow.scoring.scheme import Item, Scheme
from workflow.scoring.table.entries import ItemEntry
from workflow.scoring.table.results import ZERO

#: (points, reasons, missing) for one leaf item.
Outcome = tuple[Decimal, list[str], bool]


def is_percent(item: Item, key: str) -> bool:
    """Whether the item reads `key` as a rate in percent (a unit of %, or a ratio band's own rate)."""
    if any(c.measure == key and c.unit == "%" for c in item.conditions):
        return True
    if any(key in (s.measure, s.threshold_measure) and s.unit == "%" for s in item.shortfalls):
        return True
    band = item.ratio
    return band is not None and band.of is None and band.measure == key


def threshold(item: Item, m: Mapping[str, Decimal]) -> Outcome:
    """`threshold`: full points when every measured condition is met, else 0."""
    reasons = []
    for c in item.conditions:
        value = m[c.measure]
        if value < c.at_least:
            reasons.append(
                f"{c.text or c.measure}{fmt_points(value)}{c.unit}，未达到{fmt_points(c.at_least)}{c.unit}，"
                f"本项不得分（{item.id}）"
            )
    return (ZERO if reasons else item.max), reasons, False


def shortfall(item: Item, m: Mapping[str, Decimal]) -> Outcome:
    """`shortfall`: points lost per unit below a threshold (the item floors at 0)."""
    lost, reasons = ZERO, []
    for s in item.shortfalls:
        value = m[s.measure]
        target = s.threshold if s.threshold is not None else m[s.threshold_measure or ""]
        gap = target - value
        if gap <= 0:
            continue
        units = gap / s.per
        if s.whole_units:
            units = units.to_integral_value(ROUND_FLOOR)
        amount = units * s.points
        lost += amount
        gap_unit = "个百分点" if s.unit == "%" else s.unit
        per = "" if s.per == 1 else fmt_points(s.per)
        reasons.append(
            f"{s.text or s.measure}{fmt_points(value)}{s.unit}，低于标准{fmt_points(target)}{s.unit}"
            f"共{fmt_points(gap)}{gap_unit}，每{per}{gap_unit or '单位'}扣{fmt_points(s.points)}分，"
            f"扣{fmt_points(amount)}分（{item.id}）"
        )
    if lost > item.max:
        reasons.append(f"扣完为止，本项得0分（{item.id}）")
    return item.max - lost, reasons, False


def ratio_band(scheme: Scheme, item: Item, m: Mapping[str, Decimal], where: Mapping[str, Any]) -> Outcome:
    """`ratio_band`: max × completion ratio inside the band, full at/above the top, 0 below the bottom."""
    band = item.ratio
    assert band is not None
    value = m[band.measure]
    if band.of is not None:
        whole = m[band.of]
        if whole <= 0:
            source_item = scheme.item(item.measures_from) if item.measures_from else item
            raise SheetError(
                "sheet.whole_positive",
                whole_label=scheme.measure_label(source_item, band.of),
                value=whole,
                field=f"measures.{band.of}",
                **where,
            )
        ratio = value / whole * 100
    else:
        ratio = value
    shown = fmt_points(ratio.quantize(Decimal("0.01"), ROUND_HALF_UP))
    label = band.text or "完成率"
    if ratio >= band.full_at:
        return item.max, [], False
    if ratio < band.zero_below:
        return (
            ZERO,
            [f"{label}{shown}%，低于{fmt_points(band.zero_below)}%，本项不得分（{item.id}）"],
            False,
        )
    score = item.max * ratio / 100
    rounded = score.quantize(scheme.precision, ROUND_HALF_UP)
    coefficient = fmt_points((ratio / 100).quantize(Decimal("0.0001"), ROUND_HALF_UP))
    return (
        score,
        [
            f"{label}{shown}%，按系数{coefficient}计{fmt_points(item.max)}×{coefficient}="
            f"{fmt_points(rounded)}分（{item.id}）"
        ],
        False,
    )


def excess(item: Item, m: Mapping[str, Decimal]) -> Outcome:
    """`excess`: points per unit above a target (bonus items), capped by the item's max later."""
    e = item.excess
    assert e is not None
    value = m[e.measure]
    target = e.threshold if e.threshold is not None else m[e.threshold_measure or ""]
    extra = value - target
    if extra <= 0:
        return ZERO, [], False
    units = (extra / e.per).to_integral_value(ROUND_FLOOR)
    gain = units * e.points
    reasons = [
        f"{e.text or e.measure}超过目标{fmt_points(extra)}{e.unit}，每{e.unit or '单位'}加{fmt_points(e.points)}分，"
        f"加{fmt_points(gain)}分（{item.id}）"
    ]
    if gain > item.max:
        reasons.append(f"本项加分以{fmt_points(item.max)}分为限（{item.id}）")
    return gain, reasons, False


def claims(item: Item, entry: ItemEntry, dropped: Mapping[int, str]) -> Outcome:
    """`claims`: fixed points per claim; `dropped` are claims a bonus group counts elsewhere (ORG-6.3)."""
    assert item.points is not None
    reasons = [
        dropped.get(n) or f"「{c.content}」加{fmt_points(item.points)}分（{item.id}）"
        for n, c in enumerate(entry.claims)
    ]
    gain = item.points * (len(entry.claims) - len(dropped))
    if gain > item.max:
        reasons.append(f"本项加分以{fmt_points(item.max)}分为限（{item.id}）")
    return gain, reasons, False


def check_minimums(item: Item, source: ItemEntry) -> list[str]:
    """Reasons for every minimum (`checks`) the measured values in `source` miss; points are not touched."""
    out = []
    for c in item.checks:
        if c.measure not in source.measures:
            continue
        if c.at_least is not None:
            required = c.at_least
        elif c.at_least_measure is not None and c.at_least_measure in source.measures:
            required = source.measures[c.at_least_measure] * c.times
        else:
            continue
        value = source.measures[c.measure]
        if value < required:
            out.append(
                f"未达要求：{c.text or c.measure}{fmt_points(value)}，少于{fmt_points(required)}（{item.id}）"
            )
    return out
