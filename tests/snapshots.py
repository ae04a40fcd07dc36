"""Made once per pytest process, copied for every test: the empty schema and the demo data on SQLite.

``db.create_all()`` on a fresh SQLite file costs about half a second (every table, index and trigger is its own
DDL) and ``load_demo()`` another third of a second (it drives real cases through the services, uploads
included); over four thousand tests that was most of the SQLite pass. A test app's world is a folder (its
``tmp_path``: the database file, the uploads, the audit checkpoint, the rulesets), so the first test app of a
process builds it for real and keeps a copy; every later one with the same configuration gets a copy of the copy.
The copy is a byte-for-byte copy of what the real code wrote, so a test sees exactly what it would have built.

On PostgreSQL each process has one database whose tables are made once and emptied per test app
(tests/database.py), so the schema step is nothing; the demo's rows (a few hundred) are read back once after the
real ``load_demo()`` and inserted again for every later test, with the sequences where the real run left them.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from tests import database as test_database
from webapp.core.extensions import db
from webapp.core.feature import features_of
from webapp.demo import load_demo

#: the folders and files besides the database that make a test app's world (named by these config keys)
_FOLDER_KEYS = ("UPLOAD_FOLDER", "RULESET_FOLDER")
_FILE_KEYS = ("AUDIT_CHECKPOINT_PATH",)

_root: Path | None = None
#: PostgreSQL: fingerprint → every table's rows and every sequence's position after the real run
_rows: dict[
    tuple[str, tuple[Any, ...]], tuple[dict[str, list[dict[str, Any]]], list[tuple[str, int, bool]]]
] = {}
_made: dict[tuple[str, tuple[Any, ...]], Path] = {}


def _store() -> Path:
    global _root
    if _root is None:
        _root = Path(tempfile.mkdtemp(prefix="kaoping-snapshots-"))
        atexit.register(shutil.rmtree, _root, True)
    return _root


def _folder(app: Flask) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]).parent


def _sqlite_file(app: Flask) -> Path | None:
    uri = str(app.config["SQLALCHEMY_DATABASE_URI"])
    prefix = "sqlite:///"
    if not uri.startswith(prefix) or test_database.on_postgres():
        return None
    return Path(uri.removeprefix(prefix))


def _fingerprint(app: Flask) -> tuple[Any, ...]:
    """What may change what the real code would build: the features and every plain configuration value (paths
    of the test's own folder left out: they differ for every test and are what the copy replaces)."""
    folder = str(_folder(app))
    plain = sorted(
        (key, value)
        for key, value in app.config.items()
        if isinstance(value, str | int | float | bool | type(None)) and folder not in str(value)
    )
    features = tuple(feature.name for feature in features_of(app))
    return (features, tuple(plain))


def _parts(app: Flask) -> list[Path]:
    """The files of the test's world: the SQLite file (none on PostgreSQL), the uploads, the checkpoint…"""
    database = _sqlite_file(app)
    files = [Path(app.config[key]) for key in (*_FOLDER_KEYS, *_FILE_KEYS) if app.config.get(key)]
    return files if database is None else [database, *files]


def _copy(source: Path, target: Path) -> None:
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    if source.is_dir():
        shutil.copytree(source, target)
    elif source.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _save(app: Flask, kind: str, key: tuple[Any, ...]) -> None:
    with app.app_context():
        db.session.remove()
        if test_database.on_postgres():
            _rows[(kind, key)] = _read_rows()
        db.engine.dispose()  # every connection closed: the file is whole (no journal left to replay)
    place = _store() / f"{kind}-{len(_made)}"
    place.mkdir()
    for n, part in enumerate(_parts(app)):
        _copy(part, place / str(n))
    _made[(kind, key)] = place


def _restore(app: Flask, kind: str, key: tuple[Any, ...]) -> bool:
    place = _made.get((kind, key))
    if place is None:
        return False
    with app.app_context():
        db.session.remove()
        if test_database.on_postgres():
            _write_rows(_rows[(kind, key)])
        db.engine.dispose()  # no pooled connection may keep the file it is about to replace
    for n, part in enumerate(_parts(app)):
        _copy(place / str(n), part)
    return True


def create_tables(app: Flask) -> None:
    """What ``db.create_all()`` makes, for a test app's fresh database."""
    if _sqlite_file(app) is None:
        if not test_database.on_postgres():
            with app.app_context():
                db.create_all()
        return  # PostgreSQL: the process's shared database has every table already (tests/database.py)
    key = _fingerprint(app)
    if _restore(app, "schema", key):
        return
    with app.app_context():
        db.create_all()
    _save(app, "schema", key)


def load_demo_data(app: Flask) -> None:
    """What ``load_demo()`` makes, on a test app whose tables were just made by `create_tables` (nothing else)."""
    key = _fingerprint(app)
    if _restore(app, "demo", key):
        return
    with app.app_context():
        load_demo()
    _save(app, "demo", key)


def _read_rows() -> tuple[dict[str, list[dict[str, Any]]], list[tuple[str, int, bool]]]:
    tables = {
        table.name: [row._asdict() for row in db.session.execute(table.select())]
        for table in db.metadata.sorted_tables
    }
    sequences = [
        (name, int(value), bool(called))
        for name, value, called in db.session.execute(
            sa.text(
                "SELECT quote_ident(sequencename), COALESCE(last_value, start_value), last_value IS NOT NULL"
                " FROM pg_sequences WHERE schemaname = 'public'"
            )
        )
    ]
    db.session.rollback()
    return {name: rows for name, rows in tables.items() if rows}, sequences


def _write_rows(saved: tuple[dict[str, list[dict[str, Any]]], list[tuple[str, int, bool]]]) -> None:
    """Into the emptied database, as the real run left it. ``replica`` mode: the rows are inserted as they were
    (the foreign keys were checked when the real run wrote them; the append-only trigger stays in place)."""
    tables, sequences = saved
    with db.engine.begin() as connection:
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in db.metadata.sorted_tables:
            if table.name in tables:
                connection.execute(table.insert(), tables[table.name])
        for name, value, called in sequences:
            connection.execute(
                sa.text("SELECT setval(:name, :value, :called)"),
                {"name": name, "value": value, "called": called},
            )
