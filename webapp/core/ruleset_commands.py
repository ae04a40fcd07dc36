"""`kaoping ruleset list|use`: the rulesets this deployment knows and the one new cases get."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from webapp.core.services import rulesets as ruleset_service
from webapp.core.services.errors import ServiceError
from workflow.errors import RulesetError


@click.group("ruleset")
def ruleset_group() -> None:
    """考评办法（规则集）：列出、选定新案件使用的办法。"""


@ruleset_group.command("list")
@with_appcontext
def list_command() -> None:
    """List the shipped and registered rulesets; * marks the one new cases get."""
    for entry, selected in ruleset_service.entries():
        source = "内置" if entry.shipped else "已登记"
        click.echo(
            f"{'*' if selected else ' '} {entry.id}\t{entry.name}\t{entry.province}\t"
            f"施行：{entry.effective}\t{source}"
        )
    for problem in ruleset_service.broken_files():
        click.echo(f"无法读取：{problem}", err=True)
    problem = ruleset_service.selection_problem()
    if problem:
        click.echo(problem, err=True)


@ruleset_group.command("use")
@click.argument("id_or_file")
@with_appcontext
def use_command(id_or_file: str) -> None:
    """Select a ruleset for new cases: a shipped or registered id, or a TOML file (validated, then copied to
    instance/rulesets/ under its id). Running cases keep the ruleset they started with."""
    try:
        ruleset = ruleset_service.select(id_or_file)
    except RulesetError as exc:
        raise click.ClickException(f"考评办法无法使用：{exc}") from exc
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(
        f"新案件将使用：{ruleset.name}（{ruleset.id}，{ruleset.province}）。办理中的案件仍按原办法办结。"
    )
