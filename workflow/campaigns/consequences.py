"""Monthly bottom-two consequences (ORG-12.6, ORG-12.7, GAP-3, GAP-4).

Bottom two (GAP-3) = the two lowest ranks in the group, ties included: every unit ranked at or below the rank
of the second-last place. Talk (约谈, ORG-12.6, GAP-4): the first time in the year a unit completes a run of 2
consecutive bottom-two months. Written report (书面报告, ORG-12.7, GAP-4): at the 3rd bottom-two month of the
year, consecutive or not. The text states nothing beyond the 3rd.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass
class _Tally:
    run: int = 0
    cumulative: int = 0
    talked: bool = False
    last: int | None = None


@dataclass(frozen=True)
class MonthConsequence:
    month: int
    rank: int | None
    bottom_two: bool
    #: consecutive bottom-two months ending here
    run: int
    #: bottom-two months so far this year
    cumulative: int
    talk: bool
    written_report: bool


def bottom_two_units(ranks: Mapping[str, int]) -> set[str]:
    """GAP-3: the units at or below the second-last place's rank (ties included)."""
    if not ranks:
        return set()
    ordered = sorted(ranks.values())
    line = ordered[-2] if len(ordered) >= 2 else ordered[-1]
    return {unit for unit, rank in ranks.items() if rank >= line}


def bottom_two(months: Sequence[tuple[int, Mapping[str, int]]]) -> dict[str, tuple[MonthConsequence, ...]]:
    """For one group's monthly ranks in one year — (month 1–12, unit → rank), in month order — each unit's
    consequences month by month. A month missing from the list (or a unit absent from it) breaks a run."""
    units: list[str] = []
    for _, ranks in months:
        units.extend(u for u in ranks if u not in units)
    out: dict[str, list[MonthConsequence]] = {u: [] for u in units}
    state = {u: _Tally() for u in units}
    for month, ranks in months:
        bottom = bottom_two_units(ranks)
        for unit in units:
            s = state[unit]
            hit = unit in bottom
            if hit:
                s.run = s.run + 1 if s.last == month - 1 else 1
                s.cumulative += 1
                s.last = month
            else:
                s.run = 0
            talk = hit and s.run == 2 and not s.talked
            if talk:
                s.talked = True
            out[unit].append(
                MonthConsequence(
                    month=month,
                    rank=ranks.get(unit),
                    bottom_two=hit,
                    run=s.run,
                    cumulative=s.cumulative,
                    talk=talk,
                    written_report=hit and s.cumulative == 3,
                )
            )
    return {u: tuple(v) for u, v in out.items()}
