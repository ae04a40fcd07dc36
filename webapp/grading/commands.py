"""Grading commands that need no database or app context: `kaoping authority`."""

from __future__ import annotations

import json
import sys

import click

from config.rulesets import DEFAULT_RULESET, load_ruleset
from workflow.errors import NotACandidate, RulesetError
from workflow.grading.authority import assignment
from workflow.ruleset import Ruleset


def _ruleset(name: str) -> Ruleset:
    try:
        return load_ruleset(name)
    except RulesetError as error:
        raise click.BadParameter(str(error), param_hint="--ruleset") from None


def _known(value: str, known: list[str], option: str) -> str:
    if value not in known:
        raise click.BadParameter(f"{value!r} is not one of {', '.join(known)}", param_hint=option)
    return value


@click.command("authority")
@click.option("--level", required=True, help="Level id, e.g. second / first / special.")
@click.option("--kind", required=True, help="Procedure kind, e.g. evaluation / recheck.")
@click.option(
    "--tier",
    required=True,
    help="Applicant tier, e.g. provincial_direct / city_direct / county_direct / township.",
)
@click.option(
    "--ruleset", "ruleset_name", default=DEFAULT_RULESET, show_default=True, help="Ruleset name or TOML path."
)
def authority_command(level: str, kind: str, tier: str, ruleset_name: str) -> None:
    """Print which bureau tiers lodge, plan, pre-check, organize, approve and file a case, as one JSON object."""
    ruleset = _ruleset(ruleset_name)
    _known(level, [item.id for item in ruleset.levels], "--level")
    _known(kind, [item.id for item in ruleset.kinds], "--kind")
    _known(tier, [item.id for item in ruleset.tiers], "--tier")
    try:
        result = assignment(ruleset, level, kind, tier)
    except NotACandidate as error:
        click.echo(json.dumps({"error": error.refusal.code, "rule": error.refusal.rule}, ensure_ascii=False))
        click.echo(error.refusal.message, err=True)
        sys.exit(2)
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
