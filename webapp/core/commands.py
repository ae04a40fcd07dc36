"""Database and demo-data commands: init-db, demo, demo-logins, create-user, tick."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from webapp import demo as demo_data
from webapp.core.extensions import db
from webapp.core.models import ROLE_LABELS, Organisation
from webapp.core.services import ServiceError, accounts, transaction
from webapp.scoring.services.schemes import register_shipped_schemes


def _ensure_sqlite_folder() -> None:
    url = sa.engine.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(current_app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    _ensure_sqlite_folder()
    upgrade()
    with transaction():
        register_shipped_schemes()  # config/schemes/*.toml, idempotent
    click.echo(f"数据库已就绪：{db.engine.url.render_as_string(hide_password=True)}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo data (idempotent: only what is missing is created)."""
    created = demo_data.load_demo()
    summary = "，".join(f"{area} {count}" for area, count in created.items())
    click.echo(f"演示数据已就绪（新建：{summary}）。")


def _pad(text: str, width: int) -> str:
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@click.command("demo-logins")
@with_appcontext
def demo_logins_command() -> None:
    """Print the demo accounts, their organisation and roles, and the shared demo password."""
    rows = demo_data.demo_logins()
    if not rows:
        click.echo("尚无演示账号，请先运行 kaoping demo。")
        return
    header = ("用户名", "姓名", "所属单位", "角色")
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(4)]
    line = "  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True))
    click.echo(line.rstrip())
    click.echo("-" * _width(line.rstrip()))
    for row in rows:
        click.echo("  ".join(_pad(str(c), w) for c, w in zip(row, widths, strict=True)).rstrip())
    click.echo(f"\n所有演示账号的密码：{demo_data.DEMO_PASSWORD}（仅供演示）")


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
        user = accounts.create_user(data, password)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已创建用户 {user.username}（{org.name}：{'、'.join(user.role_labels)}）。")


@click.command("tick")
@click.option("--today", "today_text", default=None, metavar="YYYY-MM-DD", help="run as of this day")
@with_appcontext
def tick_command(today_text: str | None) -> None:
    """Advance what is due (idempotent): lapse grades past validity without a recheck (ARC-11.5, GAP-4),
    list organs whose recheck is due (ARC-11.2). Prints a JSON report."""
    from webapp.core import clock
    from webapp.grading.services import grades

    try:
        today = date.fromisoformat(today_text) if today_text else clock.today()
    except ValueError as exc:
        raise click.BadParameter("日期格式应为 YYYY-MM-DD", param_hint="--today") from exc
    report = grades.tick(today=today)
    click.echo(
        json.dumps(
            {"today": today.isoformat(), "lapsed": report.lapsed, "recheck_due": report.recheck_due},
            ensure_ascii=False,
        )
    )


COMMANDS = [init_db_command, demo_command, demo_logins_command, create_user_command, tick_command]
