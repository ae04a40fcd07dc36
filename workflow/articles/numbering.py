"""Numbers of a publication's issues (期刊): by year and running total — 2027年第12期，总第345期.

Pure: the service reads the highest numbers already stored (under a lock on the publication, so two editors
cannot take the same number) and asks `next_number`; `check_issue_date` says whether a new issue date keeps the
number's year; `highest_secrecy` gives an issue's 密级 from its items'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

#: 密级 from lowest to highest (same words as ``facts.SECRECY_LEVELS``; an issue takes its highest item's).
SECRECY_ORDER: tuple[str, ...] = ("none", "internal", "secret")
YEAR_MIN, YEAR_MAX = 1900, 9999


@dataclass(frozen=True, order=True)
class IssueNumber:
    year: int
    number: int
    total: int

    @property
    def label(self) -> str:
        """「2027年第12期，总第345期」 (lists, the trail)."""
        return f"{self.year}年第{self.number}期，总第{self.total}期"

    @property
    def print_label(self) -> str:
        """「2027年第12期（总第345期）」, as printed under the masthead."""
        return f"{self.year}年第{self.number}期（总第{self.total}期）"


def next_number(year: int, last_in_year: int | None, last_total: int | None) -> IssueNumber:
    """The number of the next issue of a publication in ``year``, given the highest number already used in that
    year and the highest running total (None: none yet). The running total never restarts; the yearly one
    restarts at 1 each year."""
    if year < YEAR_MIN or year > YEAR_MAX:
        raise ValueError("year out of range")
    if (last_in_year is not None and last_in_year < 0) or (last_total is not None and last_total < 0):
        raise ValueError("issue numbers are not negative")
    if (last_in_year or 0) > (last_total or 0):
        # every issue of the year is counted in the total: a yearly number above the total is corrupt data
        raise ValueError("the yearly number cannot exceed the running total")
    return IssueNumber(year, (last_in_year or 0) + 1, (last_total or 0) + 1)


def check_issue_date(number: IssueNumber, issued_on: date) -> str | None:
    """Why ``issued_on`` cannot be the date of the issue numbered ``number`` (None: it can). The yearly number
    belongs to its year: an issue numbered 2027年第12期 is dated in 2027."""
    if issued_on.year != number.year:
        return f"本期期号为{number.year}年第{number.number}期，出刊日期须在{number.year}年内。"
    return None


def highest_secrecy(levels: Iterable[str]) -> str:
    """The highest 密级 of ``levels`` (``none`` for no levels); an unknown level counts as the highest, so a
    typing error can only over-mark an issue, never under-mark it."""
    rank = 0
    for level in levels:
        rank = max(rank, SECRECY_ORDER.index(level) if level in SECRECY_ORDER else len(SECRECY_ORDER) - 1)
    return SECRECY_ORDER[rank]
