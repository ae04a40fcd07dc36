"""案件列表 as .xlsx: the rows of /cases/ under the same filters (exported by `case_search.export_rows`)."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

#: (header, width)
COLUMNS: tuple[tuple[str, float], ...] = (
    ("编号", 8),
    ("申报单位", 30),
    ("机关层级", 12),
    ("等级", 9),
    ("类别", 7),
    ("计划年度", 9),
    ("申报日期", 12),
    ("组织考评", 18),
    ("状态", 12),
    ("超期", 30),
    ("确认函号", 22),
    ("证书编号", 22),
)


def case_list_xlsx(title: str, filters_text: str, rows: Sequence[Sequence[object]], note: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "案件列表"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"筛选条件：{filters_text or '无'}"])
    if note:
        sheet.append([note])
    sheet.append([header for header, _ in COLUMNS])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
