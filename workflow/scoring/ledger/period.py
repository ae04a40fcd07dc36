"""Assessment periods (month / quarter / half-year / year) and the monthly cut-off (ZG-6.6).

Months are counted as one integer, ``year * 12 + month - 1``, so a period is a half-open range of month
indices and the cut-off is "+1 month" — the cheapest form for scoring 700,000 records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from workflow.scoring.ledger.errors import LedgerError

KINDS = ("month", "quarter", "half", "year")
_LENGTH = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_PATTERN = re.compile(r"^\s*(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])|[Hh]([12])))?\s*$")


@dataclass(frozen=True, order=True)
class Period:
    """Months ``first`` … ``first + length - 1`` (month indices)."""

    kind: str
    first: int

    @property
    def length(self) -> int:
        return _LENGTH[self.kind]

    @property
    def year(self) -> int:
        return self.first // 12

    def __contains__(self, month: int) -> bool:
        return self.first <= month < self.first + self.length

    @property
    def months(self) -> range:
        return range(self.first, self.first + self.length)

    @property
    def label(self) -> str:
        """`2020-06`, `2020-Q2`, `2020-H1`, `2020` (the CLI's spelling)."""
        year, month = divmod(self.first, 12)
        if self.kind == "month":
            return f"{year}-{month + 1:02d}"
        if self.kind == "quarter":
            return f"{year}-Q{month // 3 + 1}"
        if self.kind == "half":
            return f"{year}-H{month // 6 + 1}"
        return str(year)

    @property
    def chinese(self) -> str:
        """2020年6月 / 2020年第二季度 / 2020年上半年 / 2020年度."""
        year, month = divmod(self.first, 12)
        if self.kind == "month":
            return f"{year}年{month + 1}月"
        if self.kind == "quarter":
            return f"{year}年第{'一二三四'[month // 3]}季度"
        if self.kind == "half":
            return f"{year}年{'上下'[month // 6]}半年"
        return f"{year}年度"

    def windows(self, kind: str) -> list[Period]:
        """The periods of `kind` that lie wholly inside this one (a year has 4 quarters, a month no quarter)."""
        length = _LENGTH[kind]
        if length > self.length:
            return []
        return [Period(kind, start) for start in range(self.first, self.first + self.length, length)]


def parse_period(text: str) -> Period:
    """`2020-06` → June 2020, `2020-Q2`, `2020-H1`, `2020`; anything else is `period.invalid`."""
    match = _PATTERN.match(text or "")
    if not match:
        raise LedgerError("ledger.period.invalid", value=text)
    year = int(match.group(1))
    month, quarter, half = match.group(2), match.group(3), match.group(4)
    if month is not None:
        if not 1 <= int(month) <= 12:
            raise LedgerError("ledger.period.invalid", value=text)
        return Period("month", year * 12 + int(month) - 1)
    if quarter is not None:
        return Period("quarter", year * 12 + (int(quarter) - 1) * 3)
    if half is not None:
        return Period("half", year * 12 + (int(half) - 1) * 6)
    return Period("year", year * 12)


def month_index(day: date, cutoff_day: int | None = None) -> int:
    """The month an article dated `day` is scored in: after the cut-off day it counts next month (ZG-6.6,
    GAP-9: 「28日后」 = day ≥ 29; the 28th itself stays)."""
    index = day.year * 12 + day.month - 1
    if cutoff_day is not None and day.day > cutoff_day:
        index += 1
    return index


def period_containing(kind: str, month: int) -> Period:
    length = _LENGTH[kind]
    year, within = divmod(month, 12)
    return Period(kind, year * 12 + within // length * length)
