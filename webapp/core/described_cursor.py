"""PostgreSQL: a cursor that describes the columns of a statement's result once per connection (issue 12).

After every statement SQLAlchemy reads the cursor's ``description``, and psycopg builds it afresh each time: a
`psycopg.Column` per result column, each decoding its name and looking its type up in the connection's registry.
A worklist row (a case with its organ and bureaus) has some 120 columns. Sampling (py-spy, which inflates small
calls) put 10-13 % of a page's Python time in building them (the county worklist, the case page, the API POST);
measured without a profiler, alternating runs in process on the generated province, keeping them saves 0.2-0.4
ms of the 7.4-9.8 ms those pages cost (3-4 %). SQLAlchemy has the result's shape cached with the compiled
statement and uses the description only for what psycopg's columns say: names and type codes.

`DescribedOnceCursor` keeps the columns psycopg built, per connection, under the statement's text (and which of
its results) and its result columns' type oids, and hands out a copy of that list the next times: the same text
on the same connection answers columns of the same names, and the oids (read from the result at every call, a C
call each) catch a column whose type changed under a running process (a migration). Nothing else of the cursor
changes. A connection remembers up to `REMEMBERED` statements (a process runs a few hundred distinct ones); past
that it starts again from empty.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.pq import ExecStatus

#: statements whose columns a connection remembers before it forgets them all
REMEMBERED = 1024
#: results that carry rows (psycopg's own test for a description)
_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class DescribedOnceCursor(psycopg.Cursor[Any]):
    """psycopg's client-side cursor whose ``description`` is built once per statement and connection."""

    @property
    def description(self) -> list[psycopg.Column] | None:
        res = self.pgresult
        query = self._last_query  # the text as executed (psycopg keeps no converted query for a prepared one)
        if res is None or not isinstance(query, str | bytes) or not (res.nfields or res.status in _ROWS):
            return super().description
        # which result of the text (several statements in one text answer one after the other), its column types
        key = (query, self._iresult, *(res.ftype(i) for i in range(res.nfields)))
        known: dict[Any, list[psycopg.Column] | None] = self._conn.__dict__.setdefault(
            "_kaoping_described", {}
        )
        columns = known.get(key)
        if columns is None:
            if len(known) >= REMEMBERED:
                known.clear()
            columns = known[key] = super().description
        return list(columns) if columns is not None else None
