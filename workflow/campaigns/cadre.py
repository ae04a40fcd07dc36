"""CAD-7.1: the half-year work-ranking bonus for cadres, read from a campaign's ranking.

Ranks 1–5: +3 each to L (主要领导), D (分管副职) and M (主要作用人); ranks 6–10: +2. The value for ranks 11–20
and any rule beyond 20 are truncated in the source (GAP-10): those units get no value (None) and a note saying
so — nothing is invented. Ranks are competition ranks, so units tied at the 5th place all take +3.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

#: the three recipient tiers (CAD-2.2)
RECIPIENTS = ("L", "D", "M")
RECIPIENT_NAMES = {"L": "主要领导", "D": "分管副职", "M": "主要作用人"}
#: (first rank, last rank, points or None when the source is truncated)
BANDS: tuple[tuple[int, int, Decimal | None], ...] = (
    (1, 5, Decimal(3)),
    (6, 10, Decimal(2)),
    (11, 20, None),
)


@dataclass(frozen=True)
class CadreBonus:
    unit: str
    rank: int
    #: points to each of L, D and M; None when the source does not give the value
    points: Decimal | None
    recipients: tuple[str, ...]
    #: Chinese
    note: str


def ranking_bonus(ranked: Iterable[tuple[str, int]]) -> tuple[CadreBonus, ...]:
    """Each (unit, rank) of a half-year ranking → its CAD-7.1 bonus to L, D and M."""
    out = []
    for unit, rank in ranked:
        if rank < 1:
            raise ValueError(f"rank must be at least 1, got {rank}")
        for first, last, points in BANDS:
            if first <= rank <= last:
                if points is None:
                    note = f"第{first}—{last}名的分值原文缺失（办法原文在此截断），不计分"
                else:
                    note = f"第{first}—{last}名，主要领导、分管副职和主要作用人各加{points}分"
                break
        else:
            points = None
            note = "第20名以后的规定原文缺失（办法原文在此截断），不计分"
        out.append(CadreBonus(unit, rank, points, RECIPIENTS if points is not None else (), note))
    return tuple(out)
