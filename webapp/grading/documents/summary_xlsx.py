"""The city bureau's annual approvals summary as an .xlsx workbook (ARC-10.5.3, GAP-19): the rows, counts and words
of `summary.py`, laid out for Excel. Apart from it so that the summary page and the services that build the data
do not load openpyxl (docs/architecture.md, "Documents")."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from webapp.core.xlsx import style_cell
from webapp.grading.documents.labels import format_date
from webapp.grading.documents.summary import (
    SUMMARY_COLUMNS,
    KeptByData,
    SummaryData,
    annual_summary_counts,
    annual_summary_rows,
    count_columns,
    filing_note,
    ordered_rows,
    summary_due_note,
    summary_title,
)

EXCEL_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
FONT_NAME = "宋体"
BODY_FONT = Font(name=FONT_NAME, size=11)
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
#: columns of people's and bureaus' names, set left; the rest are centred
LEFT_KEYS = frozenset({"organ_name", "remark", "approver"})


_WORKBOOKS: KeptByData[bytes] = KeptByData(16)


def annual_summary_xlsx(data: SummaryData) -> bytes:
    """The summary as an .xlsx workbook: title, header frozen, one row per approval, counts, due-date note.
    Built once for the same data (`KeptByData`)."""
    return _WORKBOOKS.get(data, lambda: _build_workbook(data))


def _build_workbook(data: SummaryData) -> bytes:
    rows = annual_summary_rows(data)
    ordered = ordered_rows(data)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{data.year}年度审批汇总"
    width = len(SUMMARY_COLUMNS)
    last_column = get_column_letter(width)
    grid, centre, font = GRID, CENTRE, FONT_NAME
    grey = PatternFill("solid", fgColor="E6E6E6")

    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"] = summary_title(data)
    sheet["A1"].font = Font(name=font, size=16, bold=True)
    sheet["A1"].alignment = centre
    sheet.row_dimensions[1].height = 32

    sheet.merge_cells(f"A2:{last_column}2")
    byline = [f"填报单位：{data.city_bureau}"]
    if data.prepared_on:
        byline.append(f"填报日期：{format_date(data.prepared_on)}")
    byline.append(f"（{summary_due_note(data)}）")
    sheet["A2"] = "    ".join(byline)
    sheet["A2"].font = Font(name=font, size=11)
    sheet["A2"].alignment = Alignment(horizontal="left", vertical="center")

    header_row = 3
    for column, (_, header, column_width) in enumerate(SUMMARY_COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=column, value=header)
        cell.font = Font(name=font, size=11, bold=True)
        cell.fill = grey
        cell.alignment = centre
        cell.border = grid
        sheet.column_dimensions[get_column_letter(column)].width = column_width
    sheet.row_dimensions[header_row].height = 24
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)

    date_keys = {"approved_on", "valid_until"}
    for offset, (shown, row) in enumerate(zip(rows, ordered, strict=True)):
        excel_row = header_row + 1 + offset
        for column, (key, _, _) in enumerate(SUMMARY_COLUMNS, start=1):
            value: object = shown[key]
            if key in date_keys:  # real dates, so the bureau can sort and filter in Excel
                value = row.approved_on if key == "approved_on" else row.valid_until
            # one style record per kind of cell, copied (style_cell): a city's 2,000 approvals are 22,000 cells
            style_cell(
                sheet.cell(row=excel_row, column=column, value=value),
                font=BODY_FONT,
                border=GRID,
                alignment=LEFT if key in LEFT_KEYS else CENTRE,
                number_format=EXCEL_DATE_FORMAT if key in date_keys else None,
            )
    end_of_table = header_row + len(rows)
    if rows:
        sheet.auto_filter.ref = f"A{header_row}:{last_column}{end_of_table}"

    # Counts by level and kind.
    counts_row = end_of_table + 2
    sheet.cell(row=counts_row, column=2, value="统计").font = Font(name=font, size=11, bold=True)
    columns = count_columns(data)
    for column, (_, header) in enumerate(columns, start=2):
        cell = sheet.cell(row=counts_row + 1, column=column, value=header)
        cell.font = Font(name=font, size=11, bold=True)
        cell.fill = grey
        cell.alignment = centre
        cell.border = grid
    for offset, line in enumerate(annual_summary_counts(data), start=2):
        for column, (key, _) in enumerate(columns, start=2):
            cell = sheet.cell(row=counts_row + offset, column=column, value=line[key])
            cell.font = Font(name=font, size=11, bold=line["level"] == "合计")
            cell.alignment = centre
            cell.border = grid

    notes_row = counts_row + 2 + len(data.ruleset.levels) + 2
    rules = data.ruleset
    article = rules.rule_texts[rules.procedure.summary_rule].article
    kinds = "、".join(kind.name for kind in rules.kinds)
    notes = [
        f"说明：1. 本表含{data.city_bureau}及所辖{rules.bureau_tiers[-1].name}当年审批的全部{kinds}事项"
        f"（{rules.documents.measures_number}{article}），{summary_due_note(data)}。",
        *([f"2. {filing_note(data)}。"] if filing_note(data) else []),
        *data.notes,
    ]
    if data.prepared_by or data.contact_phone:
        notes.append(f"填表人：{data.prepared_by}    联系电话：{data.contact_phone}")
    for offset, note in enumerate(notes):
        sheet.merge_cells(f"A{notes_row + offset}:{last_column}{notes_row + offset}")
        cell = sheet.cell(row=notes_row + offset, column=1, value=note)
        cell.font = Font(name=font, size=10)
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.horizontalCentered = True
    workbook.properties.title = summary_title(data)
    workbook.properties.creator = "Kaoping 考评"

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
