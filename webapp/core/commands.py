"""Database and demo-data commands: init-db, demo, demo-logins, create-user, tick; and `kaoping diagram`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from config.rulesets import load_ruleset
from webapp.core import clock
from webapp.core.backup import backup_command, restore_command
from webapp.core.extensions import db
from webapp.core.feature import features, procedures
from webapp.core.models import ROLE_LABELS, Organisation
from webapp.core.services import accounts, sessions, throttle, transaction
from webapp.core.services.errors import ServiceError
from webapp.core.tick_lock import tick_lock
from workflow.errors import RulesetError


def _ensure_sqlite_folder() -> None:
    url = sa.engine.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    from flask_migrate import upgrade  # Alembic only where it is used (webapp/core/schema_migrations.py)

    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(current_app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    _ensure_sqlite_folder()
    upgrade()
    with transaction():
        for feature in features():
            if feature.on_init_db is not None:
                feature.on_init_db()  # e.g. scoring registers config/schemes/*.toml; idempotent
    click.echo(f"数据库已就绪：{db.engine.url.render_as_string(hide_password=True)}")


@click.command("create-user")
@click.argument("username")
@click.option("--org", "org_ref", required=True, help="organisation code or exact name")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(sorted(str(role) for role in ROLE_LABELS)),
    help="repeatable",
)
@click.option("--name", "display_name", default=None, help="display name (default: the username)")
@click.option("--password", default=None, help="prompted (hidden) when omitted")
@with_appcontext
def create_user_command(
    username: str, org_ref: str, roles: tuple[str, ...], display_name: str | None, password: str | None
) -> None:
    """Create a user at an organisation with one or more roles."""
    org = db.session.scalar(
        sa.select(Organisation).where(sa.or_(Organisation.code == org_ref, Organisation.name == org_ref))
    )
    if org is None:
        raise click.ClickException(f"找不到单位「{org_ref}」（请用简码或全称）。")
    if password is None:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    data = accounts.UserData(
        username=username,
        display_name=display_name or username,
        organisation_id=org.id,
        roles=frozenset(roles),
    )
    try:
        user = accounts.create_user(data, password, actor_name="命令行 kaoping create-user")
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已创建用户 {user.username}（{org.name}：{'、'.join(user.role_labels)}）。")


#: What a run that finds another one under way reports (the API field in English, the words for people Chinese).
TICK_SKIPPED = {"skipped": "another tick is running", "message": "另一个定时任务正在运行，本次未做任何更改。"}


@click.command("tick")
@click.option("--today", "today_text", default=None, metavar="YYYY-MM-DD", help="run as of this day")
@with_appcontext
def tick_command(today_text: str | None) -> None:
    """Advance what is due in every feature (idempotent), e.g. lapse grades past validity without a recheck
    (ARC-11.5, GAP-4) and list organs whose recheck is due (ARC-11.2). Prints one JSON report.

    One run at a time across hosts (`webapp.core.tick_lock`): a run that finds another one under way changes
    nothing, prints ``{"skipped": "another tick is running", …}`` and exits 0 (the timer did its job: the other
    run does the work)."""
    try:
        today = date.fromisoformat(today_text) if today_text else clock.today()
    except ValueError as exc:
        raise click.BadParameter("日期格式应为 YYYY-MM-DD", param_hint="--today") from exc
    with tick_lock() as held:
        if not held:
            click.echo(
                json.dumps({"today": today.isoformat(), **TICK_SKIPPED, "changed": 0}, ensure_ascii=False)
            )
            return
        report = run_tick(today)
    click.echo(json.dumps(report, ensure_ascii=False))


def run_tick(today: date) -> dict[str, Any]:
    """Every feature's tick, in registration order, under the caller's lock; the report adds ``counts`` (the
    length of every id list, keyed ``feature.key`` inside a feature's own part) and ``changed`` (the rows this
    run changed: every count but the listings a feature declares in ``tick_listings``)."""
    report: dict[str, Any] = {"today": today.isoformat()}
    counts: dict[str, int] = {}
    changed = 0
    for feature in features():
        if feature.tick is None:
            continue
        part = feature.tick(today)
        report.update(part)
        for key, value in _id_lists(part):
            counts[key] = len(value)
            if key.rsplit(".", 1)[-1] not in feature.tick_listings:
                changed += len(value)
    report["security"] = _security_housekeeping()
    report["counts"] = counts
    report["changed"] = changed + sum(report["security"].values())
    return report


#: a login-failure count untouched this long (and not a lock in force) is forgotten
THROTTLE_RETENTION = timedelta(days=1)


def _security_housekeeping() -> dict[str, int]:
    """Remember-me tokens past their expiry (refused anyway, but not kept) and stale login-failure counts."""
    now = clock.wall_now()
    with transaction():
        return {
            "remember_tokens_purged": sessions.forget_expired(now=now),
            "throttles_purged": throttle.forget_expired(now=now, older_than=THROTTLE_RETENTION),
        }


def _id_lists(part: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, list[Any]]]:
    for key, value in part.items():
        if isinstance(value, list):
            yield prefix + key, value
        elif isinstance(value, dict):
            yield from _id_lists(value, f"{prefix}{key}.")


@click.command("diagram")
@click.argument("procedure_name", metavar="PROCEDURE")
@click.option("--highlight", default=None, help="State to mark as current.")
@click.option("--ruleset", "ruleset_name", default=None, help="Ruleset whose name titles the diagram.")
@with_appcontext
def diagram_command(procedure_name: str, highlight: str | None, ruleset_name: str | None) -> None:
    """Print the Mermaid source of a registered procedure's state machine (`webapp/features.py`)."""
    registered = procedures()
    procedure = registered.get(procedure_name)
    if procedure is None:
        known = ", ".join(sorted(registered))
        raise click.BadParameter(f"{procedure_name!r} is not one of {known}", param_hint="PROCEDURE")
    if highlight is not None and highlight not in procedure.states:
        known = ", ".join(procedure.states)
        raise click.BadParameter(f"{highlight!r} is not one of {known}", param_hint="--highlight")
    try:
        title = load_ruleset(ruleset_name).name if ruleset_name else None
    except RulesetError as error:
        raise click.BadParameter(str(error), param_hint="--ruleset") from None
    click.echo(procedure.mermaid(highlight, title))


COMMANDS = [
    init_db_command,
    create_user_command,
    tick_command,
    diagram_command,
    backup_command,
    restore_command,
]
