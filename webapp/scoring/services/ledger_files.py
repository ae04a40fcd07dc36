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
from typing import IO, Any

from workflow.scoring.ledger import LedgerError

Row = tuple[int, dict[str, Any]]
MAX_ROWS = 2_000_000


def read_table(path: str | Path, *, max_rows: int = MAX_ROWS) -> list[Row]:
    """The table's numbered rows; a workbook is read no further than one row past ``max_rows``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path, name=path.name, max_rows=max_rows)[1]
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


class NoWorksheet(LedgerError):
    """A workbook with no worksheet to read (only chart sheets, or damaged): unreadable, said apart so that the
    web import can say so in its own words."""


def read_xlsx(
    source: Path | IO[bytes], *, name: str, max_rows: int = MAX_ROWS
) -> tuple[list[str], list[Row]]:
    """The first worksheet's header (row 1) and numbered rows (empty rows skipped), read no further than one
    row past ``max_rows``: a caller that refuses a bigger sheet does so without reading it to the end.

    A workbook that cannot be opened, or whose sheet fails while it is read, is LedgerError
    ``ledger.input.unreadable`` (of ``name``); one without a worksheet is `NoWorksheet`, one of those."""
    from openpyxl import load_workbook  # only the commands and the import that read spreadsheets pay for it

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or non-xlsx file
        raise LedgerError("ledger.input.unreadable", source=name) from None
    header: list[str] = []
    rows: list[Row] = []
    try:
        if not workbook.worksheets:
            raise NoWorksheet("ledger.input.unreadable", source=name)
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            if number == 1:
                header = ["" if c is None else str(c).strip() for c in cells]
                continue
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            rows.append(
                (number, {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h})
            )
            if len(rows) > max_rows:
                break
    except LedgerError:
        raise
    except Exception:  # a damaged sheet fails while it is read
        raise LedgerError("ledger.input.unreadable", source=name) from None
    finally:
        workbook.close()
    return header, rows


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
