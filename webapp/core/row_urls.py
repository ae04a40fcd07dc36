"""One page's URL for many rows: a list links each of its rows to the same endpoint with a different id.

``url_for`` walks the endpoint's rule, its converters and the app's URL defaults at every call, about 7 µs; a
worklist of 20 rows called it 40 times (issue 12). `int_url` builds the endpoint's URL once per request with a
placeholder id and makes each row's URL by putting the row's id in its place: the same text ``url_for`` gives,
for integer ids (``<int:…>``), which are written as their digits. An endpoint whose URL does not carry the id as
its digits (a converter that pads it, ``fixed_digits``) is built by ``url_for`` for every row, as before.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, url_for
from werkzeug.routing import BuildError

_KEY = "kaoping_row_urls"
#: an id no row has, long enough not to occur anywhere else in a URL
PLACEHOLDER = 8_765_432_109_876_543


def int_url(endpoint: str, argument: str) -> Callable[[int], str]:
    """``lambda id: url_for(endpoint, **{argument: id})`` for this request, without walking the rule per row.
    Raises BuildError as ``url_for`` does when the endpoint does not exist."""
    made: dict[tuple[str, str], tuple[str, str] | None] = g.setdefault(_KEY, {})
    key = (endpoint, argument)
    if key not in made:
        made[key] = _split(endpoint, argument)
    parts = made[key]
    if parts is None:
        return lambda value: url_for(endpoint, **{argument: value})
    head, tail = parts
    return lambda value: f"{head}{int(value)}{tail}"


def _split(endpoint: str, argument: str) -> tuple[str, str] | None:
    """The URL's text before and after the id, or None where putting the id's digits there would not give what
    ``url_for`` gives (checked on one id: a converter that pads, ``fixed_digits``, writes 1 as 0001)."""
    one = url_for(endpoint, **{argument: 1})  # the endpoint missing: BuildError, as url_for raises it
    try:
        url = url_for(endpoint, **{argument: PLACEHOLDER})
    except BuildError:
        return None
    head, found, tail = url.partition(str(PLACEHOLDER))
    if not found or str(PLACEHOLDER) in tail or f"{head}1{tail}" != one:
        return None
    return head, tail
