"""`kaoping ledger score`: score a roster's adoption records for a period under a ledger scheme, print JSON.

No database needed. Files: roster (单位, 类别, 基础分) and records (单位, 稿件编号, 标题, 刊物, 类别, 形式,
刊发日期, 批示级别) as .xlsx or UTF-8 CSV; other records (submissions, incidents, claims, cadre events) as JSON
(`--events`, format in docs/schemes.md). Any refusal prints {"error", "params", "message", "row", "column"}
and the Chinese message on stderr, and exits 2.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click

from config.ledger_schemes import load_ledger_scheme
from webapp.scoring.services.ledger_files import read_events, read_table
from workflow.scoring.ledger import LedgerError, Records, parse_period, score_cadre, score_ledger
from workflow.scoring.ledger.rows import events_from_data, records_from_rows, roster_from_rows

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.group("ledger")
def ledger_group() -> None:
    """Ledger scoring (台账计分): points by period from adoption records (issue 10)."""


@ledger_group.command("score")
@click.option(
    "--scheme", "scheme_ref", required=True, help="Ledger scheme id (ledger-zg, ledger-inf, …) or .toml file."
)
@click.option("--roster", "roster_path", type=_FILE, help="Roster .xlsx/.csv: 单位, 类别, 基础分.")
@click.option(
    "--records",
    "records_path",
    type=_FILE,
    help="Adoptions .xlsx/.csv: 单位, 稿件编号, 刊物, 类别, 形式, 刊发日期 …",
)
@click.option(
    "--events",
    "events_path",
    type=_FILE,
    help="Other records as JSON (submissions, incidents, claims, cadre_events).",
)
@click.option("--period", required=True, help="2020-06, 2020-Q2, 2020-H1 or 2020.")
def score_command(
    scheme_ref: str,
    roster_path: Path | None,
    records_path: Path | None,
    events_path: Path | None,
    period: str,
) -> None:
    """Print {"period", "units": [{"unit", "group", "points", "bonus", "deductions", "total", "missing", "rank",
    "advanced", "flags", "lines"}], …} as JSON."""
    try:
        scheme = load_ledger_scheme(scheme_ref)
        when = parse_period(period)
        extra = (
            events_from_data(scheme, read_events(events_path), events_path.name) if events_path else Records()
        )
        if scheme.cadre is not None:
            result = score_cadre(scheme, extra.cadre_events, when)
        else:
            if roster_path is None or records_path is None:
                raise click.UsageError("--roster and --records are required for this scheme")
            roster = roster_from_rows(scheme, read_table(roster_path), roster_path.name)
            adoptions, instructions = records_from_rows(scheme, read_table(records_path), records_path.name)
            records = dataclasses.replace(
                extra, adoptions=tuple(adoptions), instructions=(*instructions, *extra.instructions)
            )
            try:
                result = score_ledger(scheme, roster, records, when)
            except LedgerError as exc:
                if not exc.source and exc.row is not None:  # a record's row: name the file it came from
                    exc = LedgerError(
                        exc.code, source=records_path.name, row=exc.row, column=exc.column, **exc.params
                    )
                raise exc from None
    except LedgerError as exc:
        click.echo(json.dumps(exc.to_dict(), ensure_ascii=False))
        click.echo(exc.message, err=True)
        sys.exit(2)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
