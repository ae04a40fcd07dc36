"""Reading ledger tables (roster, adoption records) from .xlsx or UTF-8 CSV into numbered rows.

Rows are ``(row_number, {header: cell})`` with the spreadsheet's own row numbers (the header is row 1), so a
message can say 「第7行「刊物」列」 and the person finds the cell. Empty rows are skipped. Turning the rows into
records is the pure `workflow.scoring.ledger.rows`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from workflow.scoring.ledger import LedgerError

Row = tuple[int, dict[str, Any]]
MAX_ROWS = 2_000_000


def read_table(path: str | Path) -> list[Row]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        try:
            raw = path.read_bytes()
        except OSError:
            raise LedgerError("ledger.input.unreadable", source=path.name) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LedgerError("input.not_utf8", source=path.name) from None
        return read_csv_text(text)
    raise LedgerError("ledger.input.bad_format", source=path.name)


def read_csv_text(text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    rows: list[Row] = []
    for number, cells in enumerate(reader, 1):
        if header is None:
            header = [c.strip() for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue
        rows.append((number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}))
    return rows


def _read_xlsx(path: Path) -> list[Row]:
    from openpyxl import load_workbook  # only the commands that read spreadsheets pay for the import

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or non-xlsx file
        raise LedgerError("ledger.input.unreadable", source=path.name) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[Row] = []
        header: list[str] | None = None
        for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
            if header is None:
                header = ["" if c is None else str(c).strip() for c in cells]
                continue
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            rows.append(
                (number, {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h})
            )
            if len(rows) > MAX_ROWS:
                break
        return rows
    finally:
        workbook.close()


def read_events(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise LedgerError("ledger.input.unreadable", source=path.name) from None
    except UnicodeDecodeError:
        raise LedgerError("input.not_utf8", source=path.name) from None
    except json.JSONDecodeError as exc:
        raise LedgerError(
            "ledger.input.bad_json", source=path.name, reason=f"第{exc.lineno}行第{exc.colno}列附近"
        ) from None
    if not isinstance(data, dict):
        raise LedgerError("ledger.input.bad_json", source=path.name, reason="应为一个对象")
    return data
