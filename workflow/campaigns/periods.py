"""A campaign's period (month, quarter, half-year, year) and its default deadlines.

STA is annual (STA-2.1), LRN twice a year (LRN-4.5), ORG monthly with results before the 10th of the following
month (ORG-PR.3, ORG-PR.6), SAF quarterly (SAF-3.2). Deadlines are counted from the period's last day by the
offsets a preset gives (`DeadlineOffsets`); nothing here reads today's date.
"""

from __future__ import annotations

import calendar as _gregorian
from dataclasses import dataclass
from datetime import date, timedelta

from workflow.calendar import shift

#: month | quarter | half | year
PERIOD_KINDS = ("month", "quarter", "half", "year")
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_QUARTERS = ("一", "二", "三", "四")


def _last_day(year: int, month: int) -> date:
    return date(year, month, _gregorian.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.kind not in PERIOD_KINDS:
            raise ValueError(f"period kind must be one of {PERIOD_KINDS}, got {self.kind!r}")
        if Period.of(self.kind, self.start) != (self.start, self.end):
            raise ValueError(f"{self.start}–{self.end} is not a calendar {self.kind}")

    @staticmethod
    def of(kind: str, on: date) -> tuple[date, date]:
        """The (start, end) of the calendar `kind` containing `on`."""
        size = _MONTHS[kind]
        first = (on.month - 1) // size * size + 1
        return date(on.year, first, 1), _last_day(on.year, first + size - 1)

    @classmethod
    def containing(cls, kind: str, on: date) -> Period:
        start, end = cls.of(kind, on)
        return cls(kind, start, end)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls.containing("month", date(year, month, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls.containing("quarter", date(year, 3 * quarter - 2, 1))

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        return cls.containing("half", date(year, 6 * half - 5, 1))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls.containing("year", date(year, 1, 1))

    def label(self) -> str:
        """「2026年11月」「2026年第四季度」「2026年上半年」「2026年度」."""
        y, m = self.start.year, self.start.month
        if self.kind == "month":
            return f"{y}年{m}月"
        if self.kind == "quarter":
            return f"{y}年第{_QUARTERS[(m - 1) // 3]}季度"
        if self.kind == "half":
            return f"{y}年{'上' if m == 1 else '下'}半年"
        return f"{y}年度"

    def next(self) -> Period:
        """The following period of the same kind (a campaign copied for the next period)."""
        return Period.containing(self.kind, self.end + timedelta(days=1))

    def contains(self, day: date) -> bool:
        """Does `day` fall in the period? (STA-4.2, GAP-8: only materials dated in the period count.)"""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class DeadlineOffsets:
    """Days after the period's last day; a preset gives its own (config/campaigns/presets.toml)."""

    self_assessment: int = 10
    materials: int = 10
    inspection_start: int = 11
    inspection_end: int = 25
    results: int = 30
    #: results due on this day of the month after the period instead (ORG-PR.6: 「于10日前」 → 10)
    results_day_of_month: int | None = None
    #: ORG GAP-8 switch: 「10日前」 read as "on or before the 10th" (False, default) or "strictly before" (True)
    results_strictly_before: bool = False


@dataclass(frozen=True)
class Deadlines:
    self_assessment_due: date
    materials_due: date
    inspection_start: date
    inspection_end: date
    results_due: date


def default_deadlines(period: Period, offsets: DeadlineOffsets) -> Deadlines:
    """The deadlines a new campaign for `period` proposes; the office may change them."""

    def after(days: int) -> date:
        return shift(period.end, timedelta(days=days))

    if offsets.results_day_of_month is not None:
        month_after = shift(period.end, timedelta(days=1))
        last = _gregorian.monthrange(month_after.year, month_after.month)[1]
        results = month_after.replace(day=min(offsets.results_day_of_month, last))
        if offsets.results_strictly_before:
            results = shift(results, timedelta(days=-1))
    else:
        results = after(offsets.results)
    return Deadlines(
        self_assessment_due=after(offsets.self_assessment),
        materials_due=after(offsets.materials),
        inspection_start=after(offsets.inspection_start),
        inspection_end=after(offsets.inspection_end),
        results_due=results,
    )
