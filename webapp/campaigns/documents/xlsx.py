"""A campaign's bulletin (通报) as an Excel workbook: the title, the number line, then one table per group (名次, 单位,
总分, 等次, 备注). Text typed by people is written as text, never as a formula (a unit named 「=HYPERLINK(…)」 stays a
name); control characters openpyxl refuses are dropped."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from webapp.campaigns.documents.bulletin import BulletinDocument

TITLE_FONT = Font(bold=True, size=16)
BOLD = Font(bold=True)
DRAFT_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
COLUMNS: tuple[tuple[str, float], ...] = (("名次", 8), ("单位", 34), ("总分", 10), ("等次", 10), ("备注", 50))


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # 「=…」 typed by a person is text, not a formula to run
    else:
        cell.value = value
    return cell


def _merged(sheet: Worksheet, row: int, value: str, font: Font | None = None) -> None:
    cell = _put(sheet, row, 1, value)
    cell.alignment = CENTRE if font is TITLE_FONT else WRAP
    if font is not None:
        cell.font = font
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))


def bulletin_xlsx(doc: BulletinDocument) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "考评结果"
    _merged(sheet, 1, doc.title + ("（未发布）" if doc.draft else ""), TITLE_FONT)
    sheet.row_dimensions[1].height = 30
    _merged(sheet, 2, "　".join(p for p in (doc.number, doc.office, doc.date_line) if p))
    row = 3
    if doc.draft:
        _merged(sheet, row, "未发布：本表为审定结果，通报尚未发布。", DRAFT_FONT)
        row += 1
    if doc.grade_rule:
        _merged(sheet, row, doc.grade_rule)
        row += 1
    first_header = None
    for index, table in enumerate(doc.tables):
        _merged(sheet, row, doc.table_label(index), BOLD)
        header = row + 1
        first_header = first_header or header
        for column, (label, _width) in enumerate(COLUMNS, start=1):
            cell = _put(sheet, header, column, label)
            cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTRE, BORDER
        for offset, line in enumerate(table.rows, start=1):
            values = (line.rank, line.unit, float(line.total), line.grade or "—", line.note)
            for column, value in enumerate(values, start=1):
                cell = _put(sheet, header + offset, column, value)
                cell.border = BORDER
                cell.alignment = WRAP if column in (2, 5) else CENTRE
                if column == 3:
                    cell.number_format = "0.00"
        row = header + len(table.rows) + 2
    if not doc.tables:
        _merged(sheet, row, "本次考评没有形成排名。")
    if first_header is not None:
        sheet.freeze_panes = sheet.cell(row=first_header + 1, column=1)
    for column, (_label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.properties.title = ILLEGAL_CHARACTERS_RE.sub("", doc.title)
    workbook.properties.creator = "Kaoping 考评"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
