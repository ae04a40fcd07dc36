"""Numbers read from URLs: ids in paths, ``?page=``, ``?year=`` and id filters, each checked against a range.

A number a database column cannot hold (SQLite and PostgreSQL keep signed 64-bit integers) must never reach a
query: SQLite raises OverflowError and PostgreSQL a NumericValueOutOfRange, both a 500. Ids in paths go through
`DatabaseIdConverter`, registered as the app's ``int`` converter, so every ``<int:…>`` route answers 404 for
them; query-string numbers go through the helpers below, which answer 400 with a Chinese message saying what
was wrong instead of silently showing something else.
"""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.routing import IntegerConverter, Map

from webapp.core.services.errors import BadQueryArg

#: Largest id a database row can have: every id column is INTEGER, which PostgreSQL keeps in 32 bits (SQLite in
#: 64). A larger number is no row's id; handed to PostgreSQL it would fail the query ("integer out of range").
SQL_INT_MAX = 2**31 - 1
#: Plan years a person may ask for: the measures date from 2011; a year past 2100 is a typing error.
YEAR_MIN, YEAR_MAX = 2000, 2100
#: No list is this long; a larger page number is a typing error, not a request for an empty page.
PAGE_MAX = 100_000


def _digits_at_most(limit: int) -> str:
    """A regular expression matching exactly the decimal numbers 0 … ``limit`` (no sign)."""
    text = str(limit)
    options = [rf"\d{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for index, digit in enumerate(text):
        if digit != "0":
            rest = len(text) - index - 1
            options.append(f"{text[:index]}[0-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    options.append(text)
    return "(?:" + "|".join(options) + ")"


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` limited to what an id column can hold: a larger number is no id (404), never an overflow.

    The limit is in the pattern, not only in `to_python`: a number that fails conversion after the path matched
    would make werkzeug answer 405 for a path that has another method's rule (``GET``/``POST`` ``/sheets/<id>``).
    """

    regex = _digits_at_most(SQL_INT_MAX)

    def __init__(
        self,
        map: Map,  # noqa: A002 - werkzeug's parameter name
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = SQL_INT_MAX,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def is_db_id(value: Any) -> bool:
    """``value`` is an int (not a bool) a row's id can be: 1 to `SQL_INT_MAX`."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= SQL_INT_MAX


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        return _bad(name, raw)
    return int(text)


def _bad(name: str, raw: Any) -> int:
    shown = str(raw)[:20]
    messages = {
        "page": f"页码须为 1–{PAGE_MAX} 之间的整数，收到的是“{shown}”。",
        "year": f"年度须为 {YEAR_MIN}–{YEAR_MAX} 之间的四位年份，收到的是“{shown}”。",
    }
    raise BadQueryArg(messages.get(name, f"参数 {name} 须为有效的编号，收到的是“{shown}”。"), name)


def page_arg(name: str = "page") -> int:
    """``?page=`` (default 1); 400 when it is not a whole number from 1 to `PAGE_MAX`."""
    page = _int_arg(name)
    if page is None:
        return 1
    if not 1 <= page <= PAGE_MAX:
        _bad(name, request.args.get(name))
    return page


def year_arg(name: str = "year") -> int | None:
    """``?year=`` (None when absent or empty); 400 when it is not a year from `YEAR_MIN` to `YEAR_MAX`."""
    year = _int_arg(name)
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        _bad(name, request.args.get(name))
    return year


def id_arg(name: str) -> int | None:
    """An id in the query string (``?org=12``); None when absent, 400 when it is no id."""
    value = _int_arg(name)
    if value is not None and not 1 <= value <= SQL_INT_MAX:
        _bad(name, request.args.get(name))
    return value
