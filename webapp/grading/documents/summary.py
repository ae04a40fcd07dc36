"""审批情况汇总表: the city bureau's annual summary of approvals, due at the province before 12月20日 (ARC-10.5.3).

Scope (GAP-19): every approval made that year by the city bureau itself and by the county bureaus in its
jurisdiction. The caller selects the rows; this module checks they belong to the year, orders them, counts them
by level and kind, and shapes them for an HTML page (`annual_summary_rows`) or for Excel (`annual_summary_xlsx`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from webapp.grading.documents.labels import (
    KIND_LABELS,
    LEVEL_LABELS,
    Code,
    format_date,
    kind_code,
    kind_label,
    level_code,
    level_label,
    tier_label,
)

PROVINCE_BUREAU = "湖北省档案局"
#: (key in annual_summary_rows, column header, Excel column width)
SUMMARY_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("seq", "序号", 6),
    ("organ_name", "机关名称", 30),
    ("tier", "机关层级", 13),
    ("level", "考评等级", 10),
    ("kind", "考评类型", 10),
    ("approver", "审批机关", 18),
    ("approved_on", "审批日期", 15),
    ("certificate_number", "证书编号", 24),
    ("valid_until", "有效期至", 15),
    ("filing", "备案", 16),
    ("remark", "备注", 22),
)
#: Highest level first, as the Measures list them (ARC-4.1).
LEVEL_ORDER = ("SPECIAL", "L1", "L2")
KIND_ORDER = ("EVALUATION", "RECHECK")
EXCEL_DATE_FORMAT = 'yyyy"年"m"月"d"日"'


@dataclass(frozen=True)
class SummaryRow:
    """One approved case."""

    #: The graded organ, e.g. "宜昌市财政局".
    organ_name: str
    #: Applicant tier: "PROV_DIRECT"/"CITY_DIRECT"/"COUNTY_DIRECT"/"TOWNSHIP", the domain enum, or 县直机关 etc.
    tier: Code
    #: Level approved: "L2"/"L1"/"SPECIAL", the domain enum, or 省一级 etc.
    level: Code
    #: "EVALUATION" or "RECHECK" (考评 / 复查).
    kind: Code
    #: Approving bureau (ARC-10.5.2): the city bureau or one of its county bureaus.
    approver: str
    #: Approval date; must fall in the summary's year.
    approved_on: dt.date
    #: Certificate number; empty while the provincial bureau has not yet issued it.
    certificate_number: str = ""
    #: Last day of validity (ARC-10.5.6 / GAP-3).
    valid_until: dt.date | None = None
    #: Bureau the recheck materials were filed with (ARC-9.3 → province, ARC-9.5 → city); None when not required.
    filed_with: str | None = None
    remark: str = ""


@dataclass(frozen=True)
class SummaryData:
    """One city bureau's summary for one year."""

    #: The reporting city bureau, e.g. "宜昌市档案局".
    city_bureau: str
    #: Calendar year of the approvals.
    year: int
    rows: Sequence[SummaryRow]
    #: Date the table is filled in (填报日期); printed when given.
    prepared_on: dt.date | None = None
    #: 填表人 / 联系电话, printed when given.
    prepared_by: str = ""
    contact_phone: str = ""
    #: Recipient (ARC-10.5.3).
    province_bureau: str = PROVINCE_BUREAU
    #: Extra notes printed under the table.
    notes: Sequence[str] = field(default_factory=tuple)


def summary_title(data: SummaryData) -> str:
    return f"{data.city_bureau} {data.year}年度机关档案工作目标管理等级考评审批情况汇总表"


def summary_due_date(data: SummaryData) -> dt.date:
    """Reported before 12月20日 of the same year (ARC-10.5.3)."""
    return dt.date(data.year, 12, 20)


def summary_due_note(data: SummaryData) -> str:
    return f"于12月20日前报{data.province_bureau}"


def _ordered(data: SummaryData) -> list[SummaryRow]:
    outside = [row for row in data.rows if row.approved_on.year != data.year]
    if outside:
        names = "、".join(f"{row.organ_name}（{row.approved_on.isoformat()}）" for row in outside)
        raise ValueError(f"rows approved outside {data.year} cannot be in its summary: {names}")
    return sorted(data.rows, key=lambda row: (row.approved_on, row.approver, row.organ_name))


def annual_summary_rows(data: SummaryData) -> list[dict[str, str | int]]:
    """The table as display strings keyed like SUMMARY_COLUMNS, in approval-date order, numbered from 1."""
    return [
        {
            "seq": number,
            "organ_name": row.organ_name,
            "tier": tier_label(row.tier),
            "level": level_label(row.level),
            "kind": kind_label(row.kind),
            "approver": row.approver,
            "approved_on": format_date(row.approved_on),
            "certificate_number": row.certificate_number,
            "valid_until": format_date(row.valid_until) if row.valid_until else "",
            "filing": row.filed_with or "—",
            "remark": row.remark,
        }
        for number, row in enumerate(_ordered(data), start=1)
    ]


def annual_summary_counts(data: SummaryData) -> list[dict[str, str | int]]:
    """Counts per level, highest first, then a 合计 row: {"level", "evaluation", "recheck", "total"}."""
    counts = {(level, kind): 0 for level in LEVEL_ORDER for kind in KIND_ORDER}
    for row in data.rows:
        counts[level_code(row.level), kind_code(row.kind)] += 1

    def line(label: str, levels: Sequence[str]) -> dict[str, str | int]:
        evaluations = sum(counts[level, "EVALUATION"] for level in levels)
        rechecks = sum(counts[level, "RECHECK"] for level in levels)
        return {
            "level": label,
            "evaluation": evaluations,
            "recheck": rechecks,
            "total": evaluations + rechecks,
        }

    table = [line(LEVEL_LABELS[level], [level]) for level in LEVEL_ORDER]
    table.append(line("合计", LEVEL_ORDER))
    return table


#: (key in annual_summary_counts, column header)
COUNT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("level", "考评等级"),
    ("evaluation", KIND_LABELS["EVALUATION"]),
    ("recheck", KIND_LABELS["RECHECK"]),
    ("total", "合计"),
)


def annual_summary_xlsx(data: SummaryData) -> bytes:
    """The summary as an .xlsx workbook: title, header frozen, one row per approval, counts, due-date note."""
    rows = annual_summary_rows(data)
    ordered = _ordered(data)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{data.year}年度审批汇总"
    width = len(SUMMARY_COLUMNS)
    last_column = get_column_letter(width)
    thin = Side(style="thin", color="000000")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    grey = PatternFill("solid", fgColor="E6E6E6")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    font = "宋体"

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
            cell = sheet.cell(row=excel_row, column=column, value=value)
            cell.font = Font(name=font, size=11)
            cell.border = grid
            cell.alignment = left if key in ("organ_name", "remark", "approver") else centre
            if key in date_keys:
                cell.number_format = EXCEL_DATE_FORMAT
    end_of_table = header_row + len(rows)
    if rows:
        sheet.auto_filter.ref = f"A{header_row}:{last_column}{end_of_table}"

    # Counts by level and kind.
    counts_row = end_of_table + 2
    sheet.cell(row=counts_row, column=2, value="统计").font = Font(name=font, size=11, bold=True)
    for column, (_, header) in enumerate(COUNT_COLUMNS, start=2):
        cell = sheet.cell(row=counts_row + 1, column=column, value=header)
        cell.font = Font(name=font, size=11, bold=True)
        cell.fill = grey
        cell.alignment = centre
        cell.border = grid
    for offset, line in enumerate(annual_summary_counts(data), start=2):
        for column, (key, _) in enumerate(COUNT_COLUMNS, start=2):
            cell = sheet.cell(row=counts_row + offset, column=column, value=line[key])
            cell.font = Font(name=font, size=11, bold=line["level"] == "合计")
            cell.alignment = centre
            cell.border = grid

    notes_row = counts_row + 2 + len(LEVEL_ORDER) + 2
    notes = [
        f"说明：1. 本表含{data.city_bureau}及所辖县级档案局当年审批的全部考评、复查事项"
        f"（鄂档规〔2011〕1号第十条），{summary_due_note(data)}。",
        "2. 省特级复查材料报省档案局备案，省一级复查（县级档案局组织）材料报市州级档案局备案。",
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
