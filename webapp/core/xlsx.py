"""What the workbooks share: headers, per-cell errors, reading cells as text or numbers, and styling cells fast."""

from __future__ import annotations

import io
import re
from copy import copy
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font
from openpyxl.worksheet.worksheet import Worksheet

from webapp.core.services import uploads

SCHEME_HEADERS = ("序号", "考核项目", "分数", "评分细则")
SHEET_HEADERS = (*SCHEME_HEADERS, "自查评分", "扣分原因", "评审评分", "扣分原因")
ID_HEADER = "编号"
SCORE_HEADERS = {"self": "自查评分", "review": "评审评分"}
VETO_WORDS = ("否决", "一票否决", "单项否决")


@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str  #: e.g. "C7"
    message: str  #: in Chinese, for the admin who uploaded the file

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}：{self.message}"


def open_workbook(source: bytes | str | Path) -> Any:
    if isinstance(source, bytes | bytearray):
        # an uploaded file: checked by content like every upload before openpyxl parses it (callers report
        # the ValueError as 「无法读取该文件…」)
        if not uploads.is_xlsx(bytes(source)):
            raise ValueError("not an .xlsx workbook")
        return load_workbook(io.BytesIO(source), data_only=True)
    return load_workbook(source, data_only=True)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def cell_number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = cell_text(value).removesuffix("分")
    try:
        result = Decimal(text)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def find_header(ws: Worksheet, needed: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    """(row number, header → column numbers) of the first row holding every `needed` header."""
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 20)):
        texts = [cell_text(c.value).replace(" ", "") for c in row]
        if all(h in texts for h in needed):
            columns: dict[str, int] = {}
            for cell, text in zip(row, texts, strict=True):
                if text:
                    columns.setdefault(text, cell.column)
                    columns.setdefault(f"{text}@{cell.column}", cell.column)
            return row[0].row, columns
    return None


def style_cell(
    cell: Cell,
    *,
    font: Font | None = None,
    border: Border | None = None,
    alignment: Alignment | None = None,
    number_format: str | None = None,
) -> None:
    """Styles a cell like the first one styled so: openpyxl hashes every style object on each assignment (9 of
    the 10 s a 600-unit bulletin took), so each combination is assigned once per workbook and its style record
    copied after that. Keyed by the styles' identities: pass module constants, not objects made per cell."""
    memo: dict[tuple[Any, ...], Any] = cell.parent.parent.__dict__.setdefault("_kaoping_styles", {})
    key = (id(font), id(border), id(alignment), number_format)
    found = memo.get(key)
    if found is not None:
        cell._style = copy(found)
        return
    if font is not None:
        cell.font = font
    if border is not None:
        cell.border = border
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    memo[key] = copy(cell._style)
