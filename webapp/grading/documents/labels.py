"""Chinese labels and dates shared by the documents (and usable by HTML pages).

The documents take plain data, so a level, kind or tier may arrive as the domain's enum, its name
("L1", "RECHECK", "COUNTY_DIRECT") or the Chinese label itself (simplified or traditional). These helpers
turn any of them into the printed label and fail loudly on anything else.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Literal

#: A level, kind or tier as the caller has it: an enum member or a string.
Code = str | Enum
#: Points as the scoring engine gives them.
Points = Decimal | int | float
#: "arabic" = 2027年3月15日 (GB/T 9704-2012 成文日期); "hanzi" = 二〇二七年三月十五日 (certificates, older letters).
DateStyle = Literal["arabic", "hanzi"]

LEVEL_LABELS: dict[str, str] = {"L2": "省二级", "L1": "省一级", "SPECIAL": "省特级"}
KIND_LABELS: dict[str, str] = {"EVALUATION": "考评", "RECHECK": "复查"}
TIER_LABELS: dict[str, str] = {
    "PROV_DIRECT": "省直机关",
    "CITY_DIRECT": "市州直机关",
    "COUNTY_DIRECT": "县直机关",
    "TOWNSHIP": "乡（镇）机关",
}

# Accepted spellings → canonical code. Traditional forms appear in the rule digest's quotes.
_LEVEL_ALIASES = {
    "省二级": "L2", "省二級": "L2", "二级": "L2", "二級": "L2",
    "省一级": "L1", "省一級": "L1", "一级": "L1", "一級": "L1",
    "省特级": "SPECIAL", "省特級": "SPECIAL", "特级": "SPECIAL", "特級": "SPECIAL",
}  # fmt: skip
_KIND_ALIASES = {"考评": "EVALUATION", "考評": "EVALUATION", "复查": "RECHECK", "復查": "RECHECK"}
_TIER_ALIASES = {
    "省直机关": "PROV_DIRECT", "省直": "PROV_DIRECT",
    "市州直机关": "CITY_DIRECT", "市直机关": "CITY_DIRECT", "市直": "CITY_DIRECT",
    "县直机关": "COUNTY_DIRECT", "县直": "COUNTY_DIRECT",
    "乡（镇）机关": "TOWNSHIP", "乡(镇)机关": "TOWNSHIP", "乡镇机关": "TOWNSHIP",
}  # fmt: skip


def _code(value: Code, labels: dict[str, str], aliases: dict[str, str], what: str) -> str:
    candidates = [value.name, str(value.value)] if isinstance(value, Enum) else [str(value).strip()]
    for candidate in candidates:
        if candidate.upper() in labels:
            return candidate.upper()
        if candidate in aliases:
            return aliases[candidate]
    raise ValueError(f"unknown {what}: {value!r} (expected one of {', '.join(labels)} or its Chinese label)")


def level_code(level: Code) -> str:
    return _code(level, LEVEL_LABELS, _LEVEL_ALIASES, "level")


def level_label(level: Code) -> str:
    """省二级 / 省一级 / 省特级 (ARC-4.1)."""
    return LEVEL_LABELS[level_code(level)]


def kind_code(kind: Code) -> str:
    return _code(kind, KIND_LABELS, _KIND_ALIASES, "kind")


def kind_label(kind: Code) -> str:
    """考评 / 复查."""
    return KIND_LABELS[kind_code(kind)]


def is_recheck(kind: Code) -> bool:
    return kind_code(kind) == "RECHECK"


def tier_label(tier: Code) -> str:
    return TIER_LABELS[_code(tier, TIER_LABELS, _TIER_ALIASES, "tier")]


def default_pass_line(level: Code) -> int | None:
    """90 for 省一级, 80 for 省二级 (ARC-7.2); none for 省特级, a panel conclusion (ARC-6.1, GAP-11)."""
    return {"L1": 90, "L2": 80}.get(level_code(level))


_DIGITS = "〇一二三四五六七八九"


def _hanzi_number(n: int) -> str:
    """1–31 as written in dates: 十, 十五, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def format_date(day: dt.date, style: DateStyle = "arabic") -> str:
    """2027年3月15日, or 二〇二七年三月十五日 with style="hanzi"."""
    if style == "hanzi":
        year = "".join(_DIGITS[int(d)] for d in str(day.year))
        return f"{year}年{_hanzi_number(day.month)}月{_hanzi_number(day.day)}日"
    if style == "arabic":
        return f"{day.year}年{day.month}月{day.day}日"
    raise ValueError(f"unknown date style: {style!r}")
