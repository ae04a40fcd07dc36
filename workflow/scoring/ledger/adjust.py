"""Quota shortfalls, excess bonuses, incidents and unit bonuses of one scoring → a unit's bonus and deduction lines."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from workflow.scoring.ledger.errors import LedgerError
from workflow.scoring.ledger.period import Period, month_index
from workflow.scoring.ledger.records import Records
from workflow.scoring.ledger.result import Line, UnitResult, fmt
from workflow.scoring.ledger.scheme import LedgerScheme

if TYPE_CHECKING:
    from workflow.scoring.ledger.engine import _State

_ZERO = Decimal(0)
_LENGTH = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def round_to(value: Decimal, quantum: Decimal) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def quota_lines(scheme: LedgerScheme, state: _State, unit: str, result: UnitResult, period: Period) -> None:
    for index, quota in state.quotas_by_group.get(state.groups[unit], ()):
        window_kind = quota.aggregate_over or quota.period
        factor = _LENGTH
        times = factor[window_kind] // factor[quota.period]
        for window in period.windows(window_kind):
            counts = [
                state.counts.get((unit, index, window.first, c), 0) for c in range(len(quota.categories))
            ]
            credited = [0] * len(quota.categories)
            if scheme.credits.recommended_ratio:
                for c, category in enumerate(quota.categories):
                    if category.source != "articles":
                        continue
                    recommended = state.recommended.get((unit, index, window.first), {})
                    for klass_id, n in recommended.items():
                        if category.classes and klass_id not in category.classes:
                            continue
                        # GAP-5: every `ratio` adopted = 1; the remainder does not carry over
                        credited[c] += n // scheme.credits.recommended_ratio
            done = [a + b for a, b in zip(counts, credited, strict=True)]
            required = [cat.required * times for cat in quota.categories]
            if quota.mode == "nested":
                missing = max(0, *(r - d for r, d in zip(required, done, strict=True)))
            else:
                missing = sum(max(0, r - d) for r, d in zip(required, done, strict=True))
            detail = "；".join(
                f"{cat.name}{r}篇，完成{d}篇" + (f"（含折算{c}篇）" if c else "")
                for cat, r, d, c in zip(quota.categories, required, done, credited, strict=True)
            )
            result.quotas.append(
                {
                    "quota": quota.name,
                    "rule": quota.rule,
                    "period": window.label,
                    "categories": [
                        {"name": cat.name, "required": r, "done": d, "credited": c}
                        for cat, r, d, c in zip(quota.categories, required, done, credited, strict=True)
                    ],
                    "missing": missing,
                }
            )
            result.missing += missing
            if missing and quota.deduct:
                points = -round_to(quota.deduct * missing, scheme.precision)
                text = f"{window.chinese}{quota.name}缺{missing}篇（{detail}）：每缺一篇扣{fmt(quota.deduct)}{scheme.currency}"
                result.lines.append(Line(quota.deduct_rule or quota.rule, text, points, "deduction"))


def excess_lines(scheme: LedgerScheme, state: _State, unit: str, result: UnitResult, period: Period) -> None:
    excess = scheme.excess
    if excess is None or state.groups[unit] not in excess.groups:
        return
    for window in period.windows("year"):
        remaining = {pub: state.excess.get((unit, window.first, pub), 0) for pub in excess.bonus}
        task = excess.task
        for pub in excess.consumes:  # GAP-7: the task takes its article from P2 first (switch: P1 first)
            used = min(task, remaining.get(pub, 0))
            remaining[pub] = remaining.get(pub, 0) - used
            task -= used
        for pub, count in remaining.items():
            if count > 0:
                bonus = excess.bonus[pub]
                name = state.pubs[pub].name
                text = f"{window.chinese}在{name}超额完成任务{count}篇：每篇加{fmt(bonus)}{scheme.currency}"
                result.lines.append(
                    Line(excess.rule, text, round_to(bonus * count, scheme.precision), "bonus")
                )


def _check_known(
    row: int | None, unit: str, units: Mapping[str, Any], kind: str, kinds: Mapping[str, Any]
) -> None:
    """An incident or claim names a unit of the roster and a kind of the scheme; else the row's error."""
    if unit not in units:
        raise LedgerError("ledger.input.unknown_unit", row=row, column="单位", value=unit)
    if kind not in kinds:
        raise LedgerError(
            "ledger.input.unknown_kind", row=row, value=kind, choices=[k.name for k in kinds.values()]
        )


def incidents(
    scheme: LedgerScheme,
    records: Records,
    units: dict[str, UnitResult],
    bases: dict[str, Decimal | None],
    period: Period,
) -> None:
    kinds = {k.id: k for k in scheme.incidents}
    for incident in sorted(records.incidents, key=lambda i: (i.unit, i.day, i.kind, i.serious)):
        _check_known(incident.row, incident.unit, units, incident.kind, kinds)
        if month_index(incident.day) not in period:
            continue
        kind, result, base = kinds[incident.kind], units[incident.unit], bases[incident.unit]
        points = kind.points
        text = f"{incident.day.isoformat()} {kind.name}"
        if kind.share_of_base:
            if base is None:  # INF GAP-11: no base, no share-of-base deduction
                result.flag("no_base", kind.rule, f"{kind.name}：本单位无信息基础分，按基础分比例扣分不适用")
                points = _ZERO
            else:
                points = -kind.share_of_base * base
                text += f"：扣信息基础分{fmt(base)}的{fmt(kind.share_of_base * 100)}%"
        if points:
            result.lines.append(Line(kind.rule, text, round_to(points, scheme.precision), "deduction"))
        if kind.notice:
            result.flag("notice", kind.rule, f"{incident.day.isoformat()} {kind.name}（通报）")
        if kind.disqualifies:
            result.disqualified = True
            result.flag("disqualified", kind.rule, f"{kind.name}，取消当年评先资格")
        if kind.deems_not_completed:
            result.deemed_not_completed = True
            result.flag("deemed_not_completed", kind.rule, f"{kind.name}，视同未完成年度信息基础分")
        if incident.serious and kind.serious_rule:
            result.disqualified = True
            result.flag(
                "disqualified", kind.serious_rule, f"{kind.name}性质严重：全市通报批评，取消当年评先资格"
            )


def claims(
    scheme: LedgerScheme,
    records: Records,
    units: dict[str, UnitResult],
    bases: dict[str, Decimal | None],
    period: Period,
) -> None:
    kinds = {k.id: k for k in scheme.bonuses}
    seen: set[tuple[str, str, int]] = set()
    for claim in sorted(records.claims, key=lambda c: (c.unit, c.kind, c.day)):
        _check_known(claim.row, claim.unit, units, claim.kind, kinds)
        if month_index(claim.day) not in period:
            continue
        kind, result, base = kinds[claim.kind], units[claim.unit], bases[claim.unit]
        if kind.once_per_year:
            key = (claim.unit, claim.kind, claim.day.year)
            if key in seen:
                result.flag("once_per_year", kind.rule, f"{kind.name}每年只计一次")
                continue
            seen.add(key)
        points, text = kind.points, kind.name
        if kind.share_of_base:
            if base is None:
                result.flag("no_base", kind.rule, f"{kind.name}：本单位无信息基础分，按基础分比例加分不适用")
                continue
            points = kind.share_of_base * base
            text += f"：加信息基础分{fmt(base)}的{fmt(kind.share_of_base * 100)}%"
        result.lines.append(Line(kind.rule, text, round_to(points, scheme.precision), "bonus"))
