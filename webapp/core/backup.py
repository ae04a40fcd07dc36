"""``kaoping backup DIR`` and ``kaoping restore DIR``: the database and the folders of files, together.

What a deployment must keep is the database plus two folders the database points into: ``UPLOAD_FOLDER`` (case
attachments, article attachments, campaign evidence; rows store only the file name) and ``RULESET_FOLDER``
(rulesets registered with ``kaoping ruleset use``; cases store the ruleset id). A backup folder holds:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite, the online
  backup API: a consistent copy even while the app writes);
- ``uploads/`` and ``rulesets/``: copies of the two folders.

``restore`` goes the other way into an EMPTY database (a new PostgreSQL database, or a SQLite path where no file
exists yet) and folders that do not exist or are empty, so a restore never mixes with live data. It needs
``pg_dump``/``pg_restore`` on PATH for PostgreSQL (Debian: package postgresql-client, same major version as the
server or newer).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from webapp.core.extensions import db

PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FOLDERS = {"uploads": "UPLOAD_FOLDER", "rulesets": "RULESET_FOLDER"}


class BackupError(click.ClickException):
    """Said in Chinese on the console, exit status 1."""


def _url() -> sa.URL:
    return sa.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """The URL as pg_dump/pg_restore take it (no driver name) and an environment carrying the password, so it
    never shows in the process list."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {command[0]}（Debian 请安装 postgresql-client）。") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败（退出码 {result.returncode}）：{result.stderr.strip()}")


def _copy_folder(source: Path, target: Path) -> int:
    """Copy ``source`` (missing = nothing to copy) into ``target``; returns the number of files."""
    if not source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    shutil.copytree(source, target, dirs_exist_ok=True)
    return sum(1 for path in target.rglob("*") if path.is_file())


def backup(target: Path) -> list[str]:
    """Write the backup folder ``target`` (must not exist or be empty); returns what was written, for the log."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空目录；请指定一个新目录。")
    target.mkdir(parents=True, exist_ok=True)
    url = _url()
    written: list[str] = []
    if url.get_backend_name() == "postgresql":
        dsn, env = _libpq(url)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target / PG_DUMP}", f"--dbname={dsn}"], env
        )
        written.append(PG_DUMP)
    elif url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db.session.remove()
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target / SQLITE_COPY)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        written.append(SQLITE_COPY)
    else:
        raise BackupError(f"不支持备份此数据库：{url.render_as_string(hide_password=True)}")
    for name, key in FOLDERS.items():
        count = _copy_folder(Path(current_app.config[key]), target / name)
        written.append(f"{name}/（{count} 个文件）")
    return written


def _empty_folder(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def restore(source: Path) -> list[str]:
    """Restore the backup folder ``source`` into the configured database (empty) and folders (absent or empty)."""
    if not source.is_dir():
        raise BackupError(f"找不到备份目录 {source}。")
    for key in FOLDERS.values():
        if not _empty_folder(Path(current_app.config[key])):
            raise BackupError(f"{key} 指向的目录 {current_app.config[key]} 不是空目录；恢复只写入空目录。")
    url = _url()
    restored: list[str] = []
    if url.get_backend_name() == "postgresql":
        if not (source / PG_DUMP).is_file():
            raise BackupError(f"备份目录中没有 {PG_DUMP}（PostgreSQL 的备份）。")
        if sa.inspect(db.engine).get_table_names():
            raise BackupError("目标数据库不是空库；请先新建一个空数据库（createdb）再恢复。")
        db.session.remove()
        db.engine.dispose()
        dsn, env = _libpq(url)
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={dsn}", str(source / PG_DUMP)], env)
        restored.append(PG_DUMP)
    elif url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        if not (source / SQLITE_COPY).is_file():
            raise BackupError(f"备份目录中没有 {SQLITE_COPY}（SQLite 的备份）。")
        database = Path(url.database)
        # in WAL mode (`sqlite_wal`) the rows of a database in use may all be in its log yet
        log = Path(f"{database}-wal")
        if database.exists() and (database.stat().st_size > 0 or (log.exists() and log.stat().st_size > 0)):
            raise BackupError(f"数据库文件 {database} 已存在；恢复只写入新文件。")
        db.session.remove()
        db.engine.dispose()
        for suffix in ("-wal", "-shm", "-journal"):
            # left by a database file removed since (WAL mode, `sqlite_wal`): opened beside the restored file,
            # SQLite would replay that other database's pages into it
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / SQLITE_COPY, database)
        restored.append(SQLITE_COPY)
    else:
        raise BackupError(f"不支持恢复到此数据库：{url.render_as_string(hide_password=True)}")
    for name, key in FOLDERS.items():
        count = _copy_folder(source / name, Path(current_app.config[key]))
        restored.append(f"{name}/（{count} 个文件）")
    return restored


@click.command("backup")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Back up the database, the uploads folder and the registered rulesets into the new folder TARGET."""
    written = backup(target)
    click.echo(f"已备份到 {target}：{'、'.join(written)}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(source: Path) -> None:
    """Restore the backup folder SOURCE into an empty database and empty uploads/rulesets folders."""
    restored = restore(source)
    click.echo(f"已从 {source} 恢复：{'、'.join(restored)}")
