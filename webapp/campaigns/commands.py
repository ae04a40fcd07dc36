"""`kaoping campaign rank`: score every sheet in a folder, rank the units under the quotas, print JSON.

No database needed. One JSON sheet per unit (docs/schemes.md, "Sheet JSON"); the file name without .json is
the unit. Quotas default to the scheme's (STA-4.1); `--choose` is the office's count per grade, refused
outside the quota's range with the rule quoted (exit 2). A bad sheet exits 2 naming the file.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import click

from config.schemes import load_scheme, read_sheet_file
from workflow.campaigns.ranking import TIE_RULES, Entry, Quota, QuotaRefused, rank_campaign
from workflow.scoring.scheme import SchemeError
from workflow.scoring.table import SheetError, parse_sheet, score_sheet

_QUOTA = re.compile(r"^\s*([^=\s]+)\s*=\s*(\d{1,4})\s*[-—–]\s*(\d{1,4})\s*$")
_COUNT = re.compile(r"^\s*([^=\s]+)\s*=\s*(\d{1,4})\s*$")


def _fail(message: str) -> NoReturn:
    click.echo(f"错误：{message}", err=True)
    raise click.exceptions.Exit(2)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def parse_quotas(text: str) -> tuple[Quota, ...]:
    """'优秀=2-3,良好=3-4' → quotas, best grade first; a bad part names itself."""
    quotas = []
    for part in text.split(","):
        match = _QUOTA.match(part)
        if not match or int(match[2]) > int(match[3]):
            _fail(f"名次配额「{part.strip()}」格式应为 等次=最少-最多，例如 优秀=2-3")
        quotas.append(Quota(match[1], int(match[2]), int(match[3])))
    if len({q.grade for q in quotas}) != len(quotas):
        _fail("名次配额中同一等次出现了两次")
    return tuple(quotas)


def parse_choice(text: str, quotas: tuple[Quota, ...]) -> dict[str, int]:
    """'优秀=3,良好=4' → grade → count; a grade without a quota is refused."""
    grades = {q.grade for q in quotas}
    chosen: dict[str, int] = {}
    for part in text.split(","):
        match = _COUNT.match(part)
        if not match:
            _fail(f"名额「{part.strip()}」格式应为 等次=名数，例如 优秀=3")
        if match[1] not in grades:
            _fail(f"等次「{match[1]}」没有名次配额（有：{'、'.join(q.grade for q in quotas)}）")
        chosen[match[1]] = int(match[2])
    return chosen


@click.group("campaign")
def campaign() -> None:
    """Assessment campaigns (考评活动): rank units under quotas (issue 11)."""


@campaign.command("rank")
@click.option("--scheme", "scheme_ref", required=True, help="Scheme id (sta-2017, lrn, …) or .toml file.")
@click.option(
    "--sheets",
    "sheets_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of sheet JSON files, one per unit (file name = unit).",
)
@click.option("--quotas", default=None, help="'优秀=2-3,良好=3-4' (default: the scheme's rank quotas).")
@click.option("--choose", default=None, help="The office's counts, '优秀=3,良好=4' (within the quotas).")
@click.option(
    "--tie-rule",
    type=click.Choice(TIE_RULES),
    default="refuse",
    show_default=True,
    help="A count splitting equal totals: refuse it, or give the tied units the lower grade.",
)
def rank(scheme_ref: str, sheets_dir: Path, quotas: str | None, choose: str | None, tie_rule: str) -> None:
    """Print {"units": [{"unit", "total", "rank", "grade", "vetoed"}], "quota_check": {grade: …}} as JSON."""
    try:
        scheme = load_scheme(scheme_ref)
    except SchemeError as exc:
        _fail(exc.message)
    if not sheets_dir.is_dir():
        _fail(f"找不到评分表文件夹：{sheets_dir}")
    paths = sorted(sheets_dir.glob("*.json"))
    if not paths:
        _fail(f"文件夹{sheets_dir.name}中没有评分表（*.json）")
    quota_list = (
        parse_quotas(quotas) if quotas else tuple(Quota(q.grade, q.min, q.max) for q in scheme.rank_quotas)
    )
    chosen = parse_choice(choose, quota_list) if choose else None
    entries = []
    for path in paths:
        try:
            data = read_sheet_file(path)
        except SheetError as exc:
            _fail(exc.message)
        level = str(data["level"]) if data.get("level") is not None else None
        try:
            result = score_sheet(scheme, parse_sheet(data, scheme), level)
        except SheetError as exc:
            _fail(f"{path.name}：{exc.message}")
        entries.append(Entry(path.stem, result.total, vetoed=result.vetoed))
    try:
        ranking = rank_campaign(
            entries,
            quotas=quota_list,
            rest_grade=scheme.rank_rest_grade or "合格",
            veto_grade=scheme.veto_grade,
            choose={"": chosen} if chosen else None,
            tie_rule=tie_rule,
        )
    except QuotaRefused as exc:
        click.echo(
            json.dumps({"error": exc.code, "message": exc.message, "rule": exc.rule}, ensure_ascii=False)
        )
        _fail(exc.message)
    out = {
        "units": [
            {"unit": u.unit, "total": _number(u.total), "rank": u.rank, "grade": u.grade, "vetoed": u.vetoed}
            for u in ranking.units
        ],
        "quota_check": {
            c.grade: {"min": c.min, "max": c.max, "chosen": c.chosen, "ok": c.ok, "message": c.message}
            for c in ranking.quota_checks
        },
    }
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


#: Registered by the feature declaration (webapp/features.py).
CLI_COMMANDS = (campaign,)
