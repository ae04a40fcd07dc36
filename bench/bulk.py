"""Bulk writing for the province generator: rows as dicts straight into tables, never through the ORM session.

SQLite gets SQLAlchemy Core ``executemany`` in chunks; PostgreSQL gets psycopg's ``COPY … FROM STDIN`` (an order
of magnitude faster than INSERTs). Column types that need converting for COPY (JSON) are converted here; the
UTC timestamps go in as aware datetimes on both (the `UTCDateTime` type does it for Core, psycopg for COPY).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

CHUNK = 10_000


def next_id(conn: sa.Connection, table: sa.Table) -> int:
    return int(conn.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))) or 0) + 1


def _copy_value(column: sa.Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, sa.JSON):
        return json.dumps(value, ensure_ascii=False)
    return value


def insert(conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert ``rows`` (dicts with the same keys) into ``table``; returns how many."""
    if not rows:
        return 0
    columns = list(rows[0])
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        cols = [table.c[name] for name in columns]
        names = ", ".join(f'"{name}"' for name in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_copy_value(col, row[col.name]) for col in cols])
        return len(rows)
    # SQLite: the column types' own bind processors (so values are stored exactly as the ORM stores them), then
    # the driver's executemany — without SQLAlchemy compiling parameters row by row, which costs more than the
    # insert itself
    processors = [table.c[name].type._cached_bind_processor(conn.dialect) for name in columns]
    names = ", ".join(f'"{name}"' for name in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
    cursor = conn.connection.driver_connection.cursor()
    for start in range(0, len(rows), CHUNK):
        cursor.executemany(
            sql,
            [
                tuple(
                    row[name] if proc is None else proc(row[name])
                    for name, proc in zip(columns, processors, strict=True)
                )
                for row in rows[start : start + CHUNK]
            ],
        )
    cursor.close()
    return len(rows)


@contextmanager
def indexes_deferred(conn: sa.Connection, tables: Sequence[sa.Table]) -> Iterator[None]:
    """The tables' non-unique indexes dropped while the block loads them and built again after it, from the
    models' own definitions (the migrations make the same, tests/webapp/test_migrations.py): one sort per index
    at the end instead of a B-tree insert per row and index. Unique indexes stay, so duplicates still fail at
    the row that makes them; nothing inside the block may filter these tables by an indexed column."""
    deferred = [index for table in tables for index in sorted(table.indexes, key=lambda i: i.name or "")
                if not index.unique]  # fmt: skip
    for index in deferred:
        index.drop(conn)
    yield
    for index in deferred:
        index.create(conn)


def insert_iter(conn: sa.Connection, table: sa.Table, rows: Iterable[dict[str, Any]]) -> int:
    """`insert` for a generator: written in chunks so the whole list never sits in memory."""
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK * 5:
            count += insert(conn, table, chunk)
            chunk = []
    return count + insert(conn, table, chunk)


def reset_sequences(conn: sa.Connection, metadata: sa.MetaData) -> None:
    """PostgreSQL: move every serial id's sequence past the ids the generator chose itself."""
    if conn.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        if "id" not in table.c or not isinstance(table.c.id.type, sa.Integer):
            continue
        seq = conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        if seq:
            conn.execute(
                sa.text(
                    f"SELECT setval('{seq}', COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"
                )
            )


def analyze(engine: sa.Engine) -> None:
    """Fresh planner statistics after the bulk load (both databases plan by them). On PostgreSQL a VACUUM as
    well, as autovacuum does within a minute or so of a load this size in production: it sets the visibility
    map, without which an index-only scan reads the table row of every entry (page 1,000 of the case list read
    20,001 rows from the heap to skip them)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    settle(engine)


def settle(engine: sa.Engine) -> None:
    """Let the load's writes reach the disk before anything is timed: a load this size leaves a gigabyte or more
    of dirty pages (and, on PostgreSQL, a checkpoint to come), whose writing out competed with the first pages
    measured on the machine's two cores. A CHECKPOINT (PostgreSQL; a role without the right skips it), then the
    operating system's sync."""
    if engine.dialect.name == "postgresql":
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("CHECKPOINT"))
        except sa.exc.DBAPIError:
            pass  # CHECKPOINT needs a superuser or pg_checkpoint: the sync below still runs
    os.sync()
