"""`kaoping score`: score one sheet (JSON) against a scheme and print the result as JSON. No database needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

import click

from config.schemes import load_scheme, read_sheet_file
from workflow.scoring.scheme import SchemeError
from workflow.scoring.table import SheetError, parse_sheet, score_sheet


def _fail(message: str) -> NoReturn:
    click.echo(f"错误：{message}", err=True)
    raise click.exceptions.Exit(2)


@click.command("score")
@click.option(
    "--scheme",
    "scheme_ref",
    required=True,
    help="Scheme file (.toml) or shipped scheme id, optionally id@version (e.g. sta-2017, lrn@1).",
)
@click.option(
    "--sheet",
    "sheet_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sheet JSON (format: docs/schemes.md, 'Sheet JSON').",
)
@click.option(
    "--level", default=None, help="Level to score for (e.g. first, second); default: the sheet's level."
)
def score(scheme_ref: str, sheet_path: Path, level: str | None) -> None:
    """Score a sheet and print {total, max, sections, items, vetoed, passed, grade, …} as JSON.

    Exits 2 with a Chinese message naming the file and the item when the scheme or the sheet is invalid
    (the engine's messages, workflow/scoring/messages.py).
    """
    try:
        scheme = load_scheme(scheme_ref)
    except SchemeError as exc:
        _fail(exc.message)
    name = sheet_path.name
    try:
        data = read_sheet_file(sheet_path)
    except SheetError as exc:
        _fail(exc.message)
    if level is None and data.get("level") is not None:
        level = str(data["level"])
    try:
        result = score_sheet(scheme, parse_sheet(data, scheme), level)
    except SheetError as exc:
        _fail(f"{name}：{exc.message}")
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
