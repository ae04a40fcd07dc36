"""The ledger's points by month (稿件得分), for the charts: an office's year and a unit's, each month scored on its
own from one read of the year (`points_by_month`). The scoring itself is services/ledger.py's."""

from __future__ import annotations

from datetime import date
from typing import Any

from webapp.articles.models import ArticleOffice
from webapp.articles.services.ledger import _made_of
from webapp.articles.services.ledger_periods import (
    LedgerUnavailable,
    Roster,
    first_day,
    require_scheme,
    roster,
)
from webapp.articles.services.ledger_records import Collected, records
from webapp.core import clock
from webapp.core.collector import collector_paused
from webapp.core.services.kept import Kept
from workflow.scoring.ledger import Adoption as LedgerAdoption
from workflow.scoring.ledger import Instruction as LedgerInstruction
from workflow.scoring.ledger import (
    LedgerError,
    LedgerScheme,
    Period,
    Records,
    runs_by_unit,
    score_ledger,
    split_by_month,
)

#: the office-wide points by month kept per process (`points_by_month`), a couple of years deep
_MONTHS: Kept[list[dict[str, Any]]] = Kept("ledger_months", 4)


def points_by_month(
    office: ArticleOffice,
    year: int,
    as_of: date | None = None,
    *,
    unit_id: int | None = None,
    collected: Collected | None = None,
) -> list[dict[str, Any]]:
    """Each month of ``year`` up to today scored on its own: {month, label, units: {name: points}} — the
    article points (稿件得分) per unit, for the charts (quotas are not monthly, so they are not in it). With
    ``unit_id``, that unit's only (a unit's article points do not depend on the other units').

    The whole office's months are kept like `live`'s results, under everything they are made of: a province
    office's year is 137,940 adoptions, read and scored in ~2 s on the generated province, some of its units at a
    time (`_office_months`)."""
    # the office's year read and scored twelve times: the collector held off, as in `live`
    with collector_paused():
        as_of = as_of or clock.today()
        scheme = require_scheme(office)
        who = roster(office, scheme)
        key: tuple[Any, ...] | None = None
        if unit_id is None and collected is None:
            key = _made_of(office, year, as_of, scheme, who)
            found = _MONTHS.get(key)
            if found is not None:
                return found
        if unit_id is not None:
            only = who.names.get(unit_id)
            who = Roster(
                [u for u in who.units if u.name == only],
                {unit_id: only} if only is not None else {},
                {only: unit_id} if only is not None else {},
                [],
            )
        months = [
            period
            for period in (Period("month", year * 12 + month) for month in range(12))
            if first_day(period) <= as_of
        ]
        if key is not None:
            return _MONTHS.put(key, _office_months(office, scheme, who, year, as_of, months))
        # the year's records read once; the engine places each article in its month (cut-off included)
        if collected is None:
            collected = records(
                office,
                scheme,
                Period("year", year * 12),
                who,
                as_of,
                unit_id=unit_id,
                articles_only=unit_id is not None,
            )
        # each month scored from its own records, split in one pass (the year's read once, not twelve times)
        parts = split_by_month(collected.records, scheme.cutoff_day, [p.first for p in months])
        out = []
        for period in months:
            try:
                result = score_ledger(scheme, who.units, parts[period.first], period)
            except LedgerError:
                continue
            out.append(_month_points(period, {u.unit: float(u.points) for u in result.units}))
        return out


#: units whose year `_office_months` scores at a time
MONTH_UNITS_AT_ONCE = 100


def _office_months(
    office: ArticleOffice, scheme: LedgerScheme, who: Roster, year: int, as_of: date, months: list[Period]
) -> list[dict[str, Any]]:
    """`points_by_month` of the whole office: the year's adoptions read once, ordered by unit, and scored
    `MONTH_UNITS_AT_ONCE` units at a time, each month on its own, with the instructions on their articles (those
    on an article read at once). A month the engine refuses for any part is left out, as it is when the whole
    office's records are scored at once. A unit's article points are its articles' (`records`' unit_id): no other
    unit's records, and no quota, incident or bonus (not 稿件得分), change them. Read and scored at once, a year's
    records and the months' twelve scorings were held together (the generated province, tracemalloc: 宜昌's year
    peaked at 28.8 MB, the province office's at 41.7; ~13 MB for either a part at a time, in the same time)."""
    if not months:
        return []
    collected = records(
        office, scheme, Period("year", year * 12), who, as_of, articles_only=True, by_unit=True
    )
    instructed: dict[str, list[LedgerInstruction]] = {}
    for instruction in collected.records.instructions:
        instructed.setdefault(instruction.unit, []).append(instruction)
    points: dict[int, dict[str, float]] = {period.first: {} for period in months}
    refused: set[int] = set()
    roster_of = {unit.name: unit for unit in who.units}

    def score(part: list[LedgerAdoption], names: list[str]) -> None:
        articles = {adoption.article for adoption in part}
        found = Records(
            tuple(part),
            tuple(i for name in names for i in instructed.pop(name, ()) if i.article in articles),
        )
        split = split_by_month(found, scheme.cutoff_day, [period.first for period in months])
        units = [roster_of[name] for name in names]
        for period in months:
            if period.first in refused:
                continue
            try:
                result = score_ledger(scheme, units, split[period.first], period)
            except LedgerError:
                refused.add(period.first)
                continue
            points[period.first].update((u.unit, float(u.points)) for u in result.units)

    part: list[LedgerAdoption] = []
    names: list[str] = []
    try:
        # read ordered by unit: a unit coming back would have its points overwritten, never added (refused)
        for name, run in runs_by_unit(collected.by_unit or ()):
            if len(names) == MONTH_UNITS_AT_ONCE:
                score(part, names)
                part, names = [], []
            names.append(name)
            part.extend(run)
    except LedgerError as error:
        raise LedgerUnavailable(f"本年记录无法按计分办法计分：{error}") from None
    score(part, names)
    # a unit without an adoption has no article points: 0, as the whole roster scored at once gives it
    return [
        _month_points(period, {name: points[period.first].get(name, 0.0) for name in roster_of})
        for period in months
        if period.first not in refused
    ]


def _month_points(period: Period, units: dict[str, float]) -> dict[str, Any]:
    return {"month": period.label, "label": f"{period.first % 12 + 1}月", "units": units}
