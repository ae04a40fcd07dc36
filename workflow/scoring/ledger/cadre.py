"""Cadre merit points (CAD): unit events shared by recipient tiers, each tier capped in persons (CAD-2.2).

The result has one entry per person (in `units`, so the JSON shape is the ledger's). The CAD source is
truncated: a value the text does not give (ranks 11–20 of CAD-7.1) is never invented — the event is flagged
and scores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from workflow.scoring.ledger.errors import LedgerError
from workflow.scoring.ledger.period import Period, month_index
from workflow.scoring.ledger.records import CadreEvent
from workflow.scoring.ledger.result import LedgerResult, Line, UnitResult, fmt
from workflow.scoring.ledger.scheme import CadreEventKind, LedgerScheme


def event_points(kind: CadreEventKind, event: CadreEvent) -> tuple[Decimal | None, str]:
    """Points each recipient of `event` gets (None: the source gives no value) and the words for it."""
    if kind.bands:
        rank = event.rank or 0
        for low, high, points in kind.bands:
            if low <= rank <= high:
                return points, f"第{low}—{high}名"
        return Decimal(0), f"第{rank}名（不在计分名次内）"
    value = kind.values.get(event.level)
    if value is None:
        return None, event.level
    if kind.rank_share:  # CAD-3.3 / GAP-5: k = ⌊share·N⌋; top = rank ≤ k, bottom = rank ≥ N − k + 1
        n, rank = event.n or 0, event.rank or 0
        if not 1 <= rank <= n:
            raise LedgerError("ledger.input.bad_rank", row=event.row, rank=rank, n=n)
        k = int((kind.rank_share * n).to_integral_value(rounding=ROUND_FLOOR))
        if k and rank <= k:
            return value, f"{n}个单位中排名第{rank}（前{k}名）"
        if k and rank >= n - k + 1:
            return -value, f"{n}个单位中排名第{rank}（后{k}名）"
        return Decimal(0), f"{n}个单位中排名第{rank}（不在前后20%）"
    return (-value if kind.negative else value), ""


def score_cadre(scheme: LedgerScheme, events: Sequence[CadreEvent], period: Period) -> LedgerResult:
    cadre = scheme.cadre
    if cadre is None:
        return LedgerResult(period.label, period.chinese, scheme.currency, [], partial=scheme.partial)
    kinds = {k.id: k for k in cadre.events}
    tiers = {t.id: t for t in cadre.tiers}
    levels = {lv.id: lv.name for lv in cadre.levels}
    people: dict[str, UnitResult] = {}
    for event in sorted(events, key=lambda e: (e.day, e.kind, e.row or 0)):
        kind = kinds.get(event.kind)
        if kind is None:
            raise LedgerError(
                "ledger.input.unknown_kind",
                row=event.row,
                value=event.kind,
                choices=[k.name for k in cadre.events],
            )
        for tier_id, persons in event.persons.items():
            tier = tiers.get(tier_id)
            if tier is None or tier_id not in kind.recipients:
                raise LedgerError(
                    "ledger.input.unknown_kind",
                    row=event.row,
                    value=tier_id,
                    choices=[tiers[t].name for t in kind.recipients],
                )
            if tier.cap and len(persons) > tier.cap and not event.override_cap:
                raise LedgerError(
                    "ledger.input.tier_cap", row=event.row, tier=tier.name, cap=tier.cap, count=len(persons)
                )
        if month_index(event.day) not in period:
            continue
        points, detail = event_points(kind, event)
        what = f"{event.day.isoformat()} {levels.get(event.level, '')}{kind.name}{('（' + detail + '）') if detail else ''}"
        seen: set[str] = set()  # GAP-4: a person receives at most one share per event
        for tier_id in kind.recipients:
            for person in event.persons.get(tier_id, ()):
                result = people.setdefault(person, UnitResult(person, ""))
                result.submitted = True
                if person in seen:
                    result.flag("one_share", cadre.rule, f"{what}：同一事项只计一次")
                    continue
                seen.add(person)
                if points is None:
                    result.flag(
                        "value_missing", kind.rule, f"{what}：原文此处缺失分值，未计分，待补全办法后计入"
                    )
                    continue
                if points:
                    kind_name = "bonus" if points > 0 else "deduction"
                    text = f"{what}，{tiers[tier_id].name}：{'+' if points > 0 else ''}{fmt(points)}分"
                    result.lines.append(Line(kind.rule, text, points.quantize(scheme.precision), kind_name))
        if event.override_cap:
            for person in {p for ps in event.persons.values() for p in ps}:
                people[person].flag("cap_override", "CAD-2.2", f"{what}：超过每个层次人数原则，经认定")
    return LedgerResult(
        period.label, period.chinese, scheme.currency, list(people.values()), partial=scheme.partial
    )
