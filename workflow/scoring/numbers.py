"""Numbers as the scoring engine reads and prints them: exact `Decimal`s, written the way people write points.

Two readers: `to_decimal` for scheme files (TOML numbers, numeric text) and `plain_decimal` for what a person
types on a sheet, which takes only plain decimals ("87.5", 87.5, 87) within a sensible size — never an exponent
("1e3"), NaN or infinity, and never a value so small that it silently becomes 0 (1e-400).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

#: At most this many digits after the decimal point in a typed number (a rate of 87.123456 is still fine).
MAX_DECIMALS = 6
#: Largest magnitude a typed number may have: far above any count or rate a table measures.
MAX_MAGNITUDE = Decimal(10) ** 9
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class NumberProblem(ValueError):
    """Why a value is not a usable number: `code` is one of the `number.*` message codes."""

    def __init__(self, code: str, value: Any) -> None:
        super().__init__(code)
        self.code = code
        self.value = value


def fmt_points(value: Decimal) -> str:
    """Points as people write them: 2, 0.5, 3.75 (no trailing zeros, no exponent)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def format_points(value: Decimal | int | float | None) -> str:
    """92.5 → "92.5", 90.0 → "90", None → "" (an item that is not scored): every score people read (pages, PDFs,
    exports) is written by this one function."""
    return "" if value is None else fmt_points(Decimal(str(value)))


def to_decimal(value: Any) -> Decimal:
    """A number from TOML/JSON/xlsx (int, float, Decimal or numeric text) as an exact Decimal.

    Raises `NumberProblem` ("number.not_number" / "number.not_finite").
    """
    if isinstance(value, bool):
        raise NumberProblem("number.not_number", value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise NumberProblem("number.not_number", value) from None
    else:
        raise NumberProblem("number.not_number", value)
    if not result.is_finite():
        raise NumberProblem("number.not_finite", value)
    return result


def plain_decimal(value: Any) -> Decimal:
    """A number a person typed: a plain decimal, finite, at most `MAX_DECIMALS` places, below `MAX_MAGNITUDE`.

    Text must be written out ("1000", not "1e3"); a JSON number read as `Decimal` may carry an exponent only
    when its value is a plain one (1E+3 is 1000), so 1e-400 is refused rather than taken as 0.
    """
    if isinstance(value, str) and not _PLAIN.match(value.strip()):
        lowered = value.strip().lower()
        if lowered in ("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"):
            raise NumberProblem("number.not_finite", value)
        if re.match(r"^[+-]?[\d.]+e[+-]?\d+$", lowered):
            raise NumberProblem("number.exponent", value)
        raise NumberProblem("number.not_number", value)
    if isinstance(value, float) and value != 0 and abs(value) < 10.0**-MAX_DECIMALS:
        raise NumberProblem("number.too_precise", value)
    result = to_decimal(value)
    if result != 0 and result.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
        if result.normalize().as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
            raise NumberProblem("number.too_precise", value)
        result = result.normalize()
    if abs(result) >= MAX_MAGNITUDE:
        raise NumberProblem("number.too_large", value)
    return result
