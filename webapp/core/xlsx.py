"""What the scheme and sheet workbooks share: headers, per-cell errors, and reading cells as text or numbers."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
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
