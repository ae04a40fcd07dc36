"""The bulletin (通报) of a closed ledger period as an Excel workbook.

Sheet 「得分排名」: the title (merged), the document number, then one table per ranking pool (名次, 单位, 类别 where the
pool holds several groups, 稿件得分, 加分, 扣分, 总分, 缺稿篇数, 备注) with the header frozen under the first table's
head. Sheet 「得分明细」: every unit's lines (单位, 类别, 依据条款, 说明, 分值) and its total, so each figure explains
itself. Text typed by people is written as text, never as a formula (a unit named 「=HYPERLINK(…)」 stays a name).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from webapp.articles.documents.ledger_bulletin import BulletinDocument, RankingTable, rule_label
from webapp.core.xlsx import style_cell

TITLE_FONT = Font(bold=True, size=16)
HEADER_FONT = Font(bold=True)
SECTION_FONT = Font(bold=True, size=12)
DRAFT_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
#: widths in Excel's character units: a Chinese character takes about two
RANK_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("rank", "名次", 7),
    ("unit", "单位", 34),
    ("group", "类别", 26),
    ("points", "稿件得分", 11),
    ("bonus", "加分", 9),
    ("deductions", "扣分", 9),
    ("total", "总分", 11),
    ("completion", "完成率", 10),
    ("missing", "缺稿篇数", 10),
    ("notes", "备注", 30),
)
LINE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("单位", 30),
    ("类别", 24),
    ("依据条款", 12),
    ("说明", 70),
    ("分值", 10),
)
NUMERIC = {"points", "bonus", "deductions", "total"}


def _text(value: str) -> str:
    """Text as Excel can hold it: control characters removed (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"  # 「=…」 typed by a person is a name, not a formula to run
    else:
        cell.value = value
    return cell


def _number_format(decimals: int) -> str:
    return "0" if decimals == 0 else "0." + "0" * decimals


def _columns(doc: BulletinDocument) -> list[tuple[str, str, float]]:
    shows_group = any(t.shows_group for t in doc.tables)
    completion = any(r.completion is not None for r in doc.units)
    unit = f"（{doc.currency}）"
    out = []
    for key, label, width in RANK_COLUMNS:
        if (key == "group" and not shows_group) or (key == "completion" and not completion):
            continue
        out.append((key, label + unit if key in NUMERIC else label, width))
    return out


def _value(row: Any, key: str) -> Any:
    if key == "rank":
        return row.rank if row.rank is not None else "—"
    if key == "completion":
        return row.completion
    if key == "notes":
        return row.notes_label
    return getattr(row, key)


def _table(sheet: Worksheet, start: int, table: RankingTable, columns: list, number: str, last: int) -> int:
    """Writes the table from row ``start``; returns the row of its header."""
    title = _put(sheet, start, 1, table.title)
    title.font = SECTION_FONT
    title.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.merge_cells(start_row=start, start_column=1, end_row=start, end_column=last)
    header = start + 1
    for index, (_key, label, _width) in enumerate(columns, start=1):
        cell = _put(sheet, header, index, label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = CENTRE
        cell.border = BORDER
    for offset, row in enumerate(table.rows, start=1):
        for index, (key, _label, _width) in enumerate(columns, start=1):
            value = _value(row, key)
            cell = _put(sheet, header + offset, index, value)
            fmt = None
            if key in NUMERIC:
                fmt = number
            elif key == "completion" and value is not None:
                fmt = "0.00%"
            style_cell(
                cell,
                border=BORDER,
                alignment=WRAP if key in ("unit", "group", "notes") else CENTRE,
                number_format=fmt,
            )
    return header


def _ranking(sheet: Worksheet, doc: BulletinDocument) -> None:
    columns = _columns(doc)
    last = len(columns)
    number = _number_format(doc.decimals)
    title = _put(sheet, 1, 1, doc.title + ("（未发布）" if doc.draft else ""))
    title.font = TITLE_FONT
    title.alignment = CENTRE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.row_dimensions[1].height = 30 if len(doc.title) < 40 else 48
    line = "　".join(part for part in (doc.number, doc.office, doc.date_line) if part)
    _put(sheet, 2, 1, line).alignment = CENTRE
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    row = 3
    if doc.draft:
        cell = _put(sheet, row, 1, "未发布：本表为结算结果，通报尚未发布。")
        cell.font = DRAFT_FONT
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        row += 1
    first_header = None
    for table in doc.tables:
        header = _table(sheet, row, table, columns, number, last)
        first_header = first_header or header
        row = header + len(table.rows) + 2
    if first_header is not None:
        sheet.freeze_panes = sheet.cell(row=first_header + 1, column=1)
        sheet.print_title_rows = f"{first_header}:{first_header}"
    for index, (_key, _label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _lines(sheet: Worksheet, doc: BulletinDocument) -> None:
    number = _number_format(doc.decimals)
    for index, (label, width) in enumerate(LINE_COLUMNS, start=1):
        cell = _put(sheet, 1, index, label if label != "分值" else f"分值（{doc.currency}）")
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = CENTRE
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(index)].width = width
    row = 2
    for unit in doc.units:
        lines = list(unit.lines)
        for line in lines:
            values = (unit.unit, unit.group, rule_label(line.rule), line.text, line.points)
            for index, value in enumerate(values, start=1):
                cell = _put(sheet, row, index, value)
                style_cell(
                    cell,
                    border=BORDER,
                    alignment=CENTRE if index in (3, 5) else WRAP,
                    number_format=number if index == 5 else None,
                )
            row += 1
        if not lines:
            for index, value in enumerate((unit.unit, unit.group, "", "本期无计分记录", 0), start=1):
                style_cell(_put(sheet, row, index, value), border=BORDER, alignment=WRAP)
            row += 1
        for index, value in enumerate((unit.unit, unit.group, "", "合计", unit.total), start=1):
            style_cell(
                _put(sheet, row, index, value),
                font=HEADER_FONT,
                border=BORDER,
                alignment=CENTRE if index in (3, 4, 5) else WRAP,
                number_format=number if index == 5 else None,
            )
        row += 1
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(LINE_COLUMNS))}{max(row - 1, 1)}"


def bulletin_xlsx(doc: BulletinDocument) -> bytes:
    workbook = Workbook()
    ranking = workbook.active
    assert ranking is not None
    ranking.title = "得分排名"
    _ranking(ranking, doc)
    _lines(workbook.create_sheet("得分明细"), doc)
    workbook.properties.title = _text(doc.title)
    workbook.properties.creator = "Kaoping 考评"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
