"""SQLite files run in write-ahead-log mode (`webapp.core.sqlite_wal`, issue 12): readers and the writer of two
gunicorn workers no longer wait on each other; and a restore never opens the restored file beside the log of a
database removed before it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import database as test_database
from tests.factories import make_test_app
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.demo import load_demo

pytestmark = pytest.mark.skipif(
    test_database.on_postgres(), reason="SQLite's journal (the PostgreSQL pass has none)"
)


def test_every_connection_to_a_sqlite_file_writes_ahead(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        db.session.remove()
        db.engine.dispose()
    with sqlite3.connect(tmp_path / "test.sqlite3") as plain:  # stored in the file: any later reader sees it
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_restore_removes_the_log_a_removed_database_left_beside_its_file(tmp_path: Path) -> None:
    (tmp_path / "live").mkdir()
    live = make_test_app(tmp_path / "live", own_database=True, UPLOAD_FOLDER=str(tmp_path / "live" / "up"))
    with live.app_context():
        db.create_all()
        load_demo()
        bureaus = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))
    assert live.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    with live.app_context():
        db.session.remove()
        db.engine.dispose()

    (tmp_path / "new").mkdir()
    restored = make_test_app(tmp_path / "new", own_database=True, UPLOAD_FOLDER=str(tmp_path / "new" / "up"))
    database = tmp_path / "new" / "test.sqlite3"
    for suffix in ("-wal", "-shm"):  # what a database deleted while it was open leaves
        Path(f"{database}{suffix}").write_bytes(b"\x37\x7f\x06\x82" + bytes(4092))
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    assert (
        not Path(f"{database}-shm").exists()
        or Path(f"{database}-shm").read_bytes()[:4] != b"\x37\x7f\x06\x82"
    )
    with restored.app_context():
        assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == bureaus
        db.session.remove()
        db.engine.dispose()
