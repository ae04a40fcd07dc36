"""Which database a test app runs on: a SQLite file under the test's tmp_path (default) or PostgreSQL.

``KAOPING_TEST_DATABASE_URL`` (set by ``make test-postgres``) names a PostgreSQL *server*; its database part is
a base name. Each pytest process (xdist worker ``gw0``…, or ``main``) then works in its own database
``<base>_<worker>``: it is dropped and re-created, tables and all, the first time the process needs it (a
database left by an older run may carry an older schema), and every table in it is emptied (``DELETE`` with the
foreign-key triggers off and the sequences restarted; ``TRUNCATE … RESTART IDENTITY CASCADE`` for a role that is
not a superuser) whenever a new test app is made, so each test starts empty and ids start
at 1 as they do on a fresh SQLite file. The app fixture's ``db.create_all()`` then finds every table and issues
no DDL.

A test that needs an empty schema of its own (migrations) or an app that lives across tests (module- or
session-scoped fixtures: a later test's TRUNCATE would empty it) gets a database of its own,
``<base>_<worker>_<n>``, dropped when it is no longer needed.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
from functools import cache
from pathlib import Path

import sqlalchemy as sa

ENV = "KAOPING_TEST_DATABASE_URL"
#: the reason a ``postgres``-marked test gives when skipped in the SQLite pass
SKIP_REASON = "runs in the PostgreSQL pass (make test-postgres)"

_numbers = itertools.count(1)
_shared_ready = False
#: the tmp_path of the test app last put on the shared database: another app for the same folder (a test that
#: "restarts" its app) finds the same rows, as it would find the same SQLite file
_shared_folder: Path | None = None
#: folder → name of the database of its own (same folder, same database, as with SQLite files)
_own: dict[Path, str] = {}


def server_url() -> sa.URL | None:
    """The PostgreSQL server the tests run on, or None (SQLite)."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    url = sa.make_url(raw)
    if url.get_backend_name() != "postgresql":
        raise RuntimeError(f"{ENV} must be a PostgreSQL URL, got {url.render_as_string()}")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def on_postgres() -> bool:
    return server_url() is not None


def worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _base() -> str:
    url = server_url()
    assert url is not None
    return url.database or "kaoping_test"


@cache
def _admin() -> sa.Engine:
    """AUTOCOMMIT connection to the server's maintenance database (CREATE/DROP DATABASE cannot run in a
    transaction)."""
    url = server_url()
    assert url is not None
    return sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


def _url_of(database: str) -> str:
    url = server_url()
    assert url is not None
    return url.set(database=database).render_as_string(hide_password=False)


def create_database(name: str) -> str:
    """A fresh empty database ``name`` (an older one of that name is dropped first); returns its URL."""
    with _admin().connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return _url_of(name)


def drop_database(name: str) -> None:
    # FORCE: an engine a test did not dispose of may still hold idle connections
    with _admin().connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def fresh_database_name() -> str:
    return f"{_base()}_{worker()}_{next(_numbers)}"


def own_database(folder: Path) -> str:
    """URL of an empty database of ``folder``'s own (no tables); the same one for the same folder. Dropped
    when the process ends."""
    if folder not in _own:
        _own[folder] = name = fresh_database_name()
        create_database(name)
    return _url_of(_own[folder])


@atexit.register
def _drop_own_databases() -> None:
    for name in _own.values():
        with contextlib.suppress(sa.exc.SQLAlchemyError):  # the server may be gone already at exit
            drop_database(name)


def shared_database(folder: Path) -> str:
    """URL of this process's database with every table present and, unless the last app was made for the
    same ``folder``, empty (see the module docstring)."""
    global _shared_ready, _shared_folder
    name = f"{_base()}_{worker()}"
    url = _url_of(name)
    if not _shared_ready:
        create_database(name)
        _create_tables(url)
        _shared_ready = True
    elif folder != _shared_folder:
        _empty_every_table(url)
    _shared_folder = folder
    return url


def _create_tables(url: str) -> None:
    from webapp.core.extensions import db  # models register on import of the app package
    from webapp.features import FEATURES  # noqa: F401 - imports every feature's models

    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        db.metadata.create_all(engine)
    finally:
        engine.dispose()


def _empty_every_table(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            # Connections of earlier test apps (pools nobody disposed of) must not hold a lock TRUNCATE waits
            # for: they belong to finished tests, so end them.
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            tables = (
                connection.execute(
                    sa.text("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'")
                )
                .scalars()
                .all()
            )
            if not tables:
                return
            if connection.execute(
                sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            ).scalar():
                # DELETE of a few rows is ~10x quicker than TRUNCATE, which replaces every table's files (0.25 s
                # per test app, minutes over the suite). replica mode skips the foreign-key triggers, so the
                # order does not matter; the sequences restart as RESTART IDENTITY would restart them.
                connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
                connection.execute(sa.text("; ".join(f"DELETE FROM {name}" for name in tables)))
                connection.execute(
                    sa.text(
                        "SELECT setval(c.oid, s.seqstart, false) FROM pg_class c"
                        " JOIN pg_sequence s ON s.seqrelid = c.oid WHERE c.relkind = 'S'"
                    )
                )
            else:
                connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            # a tampering test drops the audit trail's append-only trigger, as an attacker would: the next test
            # finds it again, as it would on a fresh SQLite file
            from webapp.core.models.audit import append_only_statements

            for statement in (
                *append_only_statements("postgresql", drop=True),
                *append_only_statements("postgresql"),
            ):
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()
