"""Words and dates shared by the documents (and usable by HTML pages).

A document names a level, kind or tier by the id of the case's ruleset (``first``, ``recheck``); the words
printed for it come from that ruleset, never from here. An id the ruleset does not know is refused loudly: a
certificate must not print a guess.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from workflow.ruleset import Kind, Level, Ruleset

#: Points as the scoring engine gives them.
Points = Decimal | int | float
#: "arabic" = 2027年3月15日 (GB/T 9704-2012 成文日期); "hanzi" = 二〇二七年三月十五日 (certificates, older letters).
DateStyle = Literal["arabic", "hanzi"]


def level_of(ruleset: Ruleset, level_id: str) -> Level:
    try:
        return ruleset.level(level_id)
    except KeyError:
        known = ", ".join(level.id for level in ruleset.levels)
        raise ValueError(f"unknown level {level_id!r} in ruleset {ruleset.id} (known: {known})") from None


def kind_of(ruleset: Ruleset, kind_id: str) -> Kind:
    try:
        return ruleset.kind(kind_id)
    except KeyError:
        known = ", ".join(kind.id for kind in ruleset.kinds)
        raise ValueError(f"unknown kind {kind_id!r} in ruleset {ruleset.id} (known: {known})") from None


_DIGITS = "〇一二三四五六七八九"


def hanzi_number(n: int) -> str:
    """1–99 as written in dates and terms: 三, 十, 十五, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def format_date(day: dt.date, style: DateStyle = "arabic") -> str:
    """2027年3月15日, or 二〇二七年三月十五日 with style="hanzi"."""
    if style == "hanzi":
        year = "".join(_DIGITS[int(d)] for d in str(day.year))
        return f"{year}年{hanzi_number(day.month)}月{hanzi_number(day.day)}日"
    if style == "arabic":
        return f"{day.year}年{day.month}月{day.day}日"
    raise ValueError(f"unknown date style: {style!r}")
