"""Real concurrent processes against one database, for the concurrency and tick-lock tests.

Each racer is a process of its own (``spawn``: nothing inherited from the test process but its arguments) with
its own app, engine and connections on the same database. `racing_hook` makes a race deterministic: each racer
waits on a shared barrier at the moment it is about to write — after it read the record and passed its checks —
so neither commits before both are committed to writing; then one UPDATE takes the row lock, the other waits and
its version check fails (or, on a row read ``FOR UPDATE``, it waits there and reads the winner's version).

`pg_database` makes a throw-away PostgreSQL database (prefix ``cc_``) on the server of
``KAOPING_TEST_DATABASE_URL`` — a module-local stand-in for the shared ``pg_url`` fixture until it lands.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

BARRIER_TIMEOUT = 30
#: How long a racer waits at a soft barrier (`racing_hook`'s ``soft_before``).
SOFT_WAIT = 3
PG_SKIP = "runs in the PostgreSQL pass (make test-postgres)"


@contextmanager
def pg_database(prefix: str = "cc_") -> Iterator[str]:
    """A fresh empty database on the test server; dropped afterwards (its connections closed by force)."""
    server = os.environ.get("KAOPING_TEST_DATABASE_URL")
    if not server:
        pytest.skip(PG_SKIP)
    base = sa.engine.make_url(server)
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def racer_config(tmp: Path, database_url: str) -> dict[str, Any]:
    """`make_test_app` overrides putting an app on ``database_url`` (uploads under ``tmp``)."""
    return {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_FOLDER": str(tmp / "uploads")}


def race(target: Callable[..., Any], calls: list[tuple[Any, ...]], *, timeout: float = 120) -> list[Any]:
    """Run ``target(*call, barrier, results)`` in one process per call, all at once; each puts one result.

    Returns the results in the order the racers finished. A racer that dies or hangs fails the test."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(calls))
    results = context.Queue()
    processes = [
        context.Process(target=_run_racer, args=(target, (*call, barrier, results), results))
        for call in calls
    ]
    for process in processes:
        process.start()
    out = []
    try:
        for _ in calls:
            out.append(results.get(timeout=timeout))
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    return out


def _run_racer(target: Callable[..., Any], args: tuple[Any, ...], results: Any) -> None:
    """A racer that fails reports its traceback instead of leaving the test waiting for its result."""
    try:
        target(*args)
    except BaseException:
        results.put({"status": None, "error": traceback.format_exc()})
        raise


def racing_hook(barrier: Any, *, lock_tables: tuple[str, ...] = (), soft_before: str | None = None) -> None:
    """Install, in this process, the wait described in the module docstring: once, at the first flush that
    writes a version-locked row, or before the first ``SELECT … FOR UPDATE`` of one of ``lock_tables``.

    ``soft_before`` (e.g. ``"INSERT INTO cases"``) instead waits before the first statement starting so, and only
    for `SOFT_WAIT` seconds: for a check-then-insert that a row lock (`webapp.core.services.locks`) should
    serialise. Without the lock both racers pass the check and meet there (two inserts: the test fails); with it
    the second racer waits on the lock, never arrives, and the first goes on after the wait."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    waited = [False]

    def wait(timeout: float = BARRIER_TIMEOUT) -> None:
        if not waited[0]:
            waited[0] = True
            barrier.wait(timeout=timeout)

    if soft_before is not None:

        @event.listens_for(Engine, "before_cursor_execute")
        def _before_insert(
            conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
        ) -> None:
            if statement.lstrip().upper().startswith(soft_before.upper()):
                with contextlib.suppress(threading.BrokenBarrierError):
                    wait(SOFT_WAIT)  # broken: the other racer waits on the row lock, so go on and commit

        return

    @event.listens_for(Session, "before_flush")
    def _before_flush(session: Session, context: Any, instances: Any) -> None:
        for obj in session.dirty:
            mapper = sa.inspect(obj).mapper
            if mapper.version_id_col is not None and session.is_modified(obj):
                wait()
                return

    @event.listens_for(Engine, "before_cursor_execute")
    def _before_select(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        text = statement.upper()
        if "FOR UPDATE" in text and any(f"FROM {table.upper()}" in text for table in lock_tables):
            wait()
