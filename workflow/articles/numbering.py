"""Numbers of a publication's issues (期刊): by year and running total — 2027年第12期，总第345期."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class IssueNumber:
    year: int
    number: int
    total: int

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}期，总第{self.total}期"


def next_number(year: int, last_in_year: int | None, last_total: int | None) -> IssueNumber:
    """The number of the next issue of a publication in ``year``, given the highest number already used in that
    year and the highest running total (None: none yet). The running total never restarts; the yearly one
    restarts at 1 each year."""
    if year < 1900 or year > 9999:
        raise ValueError("year out of range")
    return IssueNumber(year, (last_in_year or 0) + 1, (last_total or 0) + 1)
