"""Scoring tables as .xlsx: import a bureau's official table as scheme data, export a sheet to fill, read it back.

Layouts (docs/schemes.md, "xlsx"):
- scheme table:  序号 | 考核项目 | 分数 | 评分细则 — a section is a row whose 序号 is 一、二、… (or a row without points);
  the items follow it. 分数 is a number, a range (1—3) or 否决 (一票否决).
- filled sheet:  序号 | 考核项目 | 分数 | 评分细则 | 自查评分 | 扣分原因 | 评审评分 | 扣分原因, plus a hidden 编号 column
  (the item id) that lets the sheet come back in even when rows were moved.
Problems are returned as `CellError`s in Chinese, one per cell, so an admin can fix the file and upload it again.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from config.schemes import parse_scheme_text
from webapp.core.xlsx import ID_HEADER as ID_HEADER
from webapp.core.xlsx import SCHEME_HEADERS as SCHEME_HEADERS
from webapp.core.xlsx import SCORE_HEADERS as SCORE_HEADERS
from webapp.core.xlsx import SHEET_HEADERS as SHEET_HEADERS
from webapp.core.xlsx import VETO_WORDS, CellError, cell_number, cell_text, find_header, open_workbook
from webapp.scoring.xlsx.sheet_io import DEFINITION_TITLE, table_matches

# Filled sheets (export to fill, read back) and the admin's table download live in sheet_io.py; these names stay
# importable from here.
from webapp.scoring.xlsx.sheet_io import DETAILS_TITLE as DETAILS_TITLE
from webapp.scoring.xlsx.sheet_io import scheme_to_xlsx as scheme_to_xlsx
from webapp.scoring.xlsx.sheet_io import sheet_from_xlsx as sheet_from_xlsx
from webapp.scoring.xlsx.sheet_io import sheet_to_xlsx as sheet_to_xlsx
from workflow.scoring.numbers import fmt_points
from workflow.scoring.scheme import Scheme, SchemeError, scheme_to_data

_SECTION_NO = re.compile(r"^[一二三四五六七八九十]+[、.．]?$")
_PART_NO = re.compile(r"^([（(]\d+[)）]|\d+\.\d+|[①-⑳])$")
_RANGE = re.compile(r"^(\d+(?:\.\d+)?)\s*[-—–~～至]+\s*(\d+(?:\.\d+)?)\s*分?$")
_POINTS_IN_TITLE = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
_DEDUCT = re.compile(r"扣(\d+(?:\.\d+)?)分")
_PER_EACH = re.compile(
    r"每(?P<verb>缺|少|漏|错|有)?(?:一|1)?(?P<unit>份|项|个|次|处|件|卷|人|村|家|篇|本|条|盒|册)"
    r"[^，。；,;]*?扣(?P<points>\d+(?:\.\d+)?)分"
)
_ONCE = re.compile(r"(?P<text>(?:缺|无|没有|未)[^，。；,;每扣]{1,30}?)的?[，,]?扣(?P<points>\d+(?:\.\d+)?)分")
_STAR = re.compile(r"^[*＊]\s*(?P<text>[^，。；,;]*?)不得分")
_VERBS = {"缺": "缺少", "少": "缺少", "漏": "遗漏", "错": "差错", "有": "存在问题"}


# --------------------------------------------------------------------------------------------------------
# Import an official table


def scheme_from_xlsx(
    source: bytes | str | Path,
    *,
    scheme_id: str = "imported",
    version: str = "1",
    name: str | None = None,
) -> tuple[dict[str, Any], list[CellError]]:
    """Read a table in the layout 序号 | 考核项目 | 分数 | 评分细则 into scheme data for `parse_scheme`.

    Criterion texts are parsed conservatively: 「每缺一份扣1分」-style and 「缺…扣N分」 rules become fixed
    deductions only when every 「扣N分」 in the text is accounted for; anything else becomes a discretionary
    deduction bounded by the item's points, which needs a reason when used. Imported items stop at 0 (扣完为止).
    """
    wb = open_workbook(source)
    ws = wb.worksheets[0]
    embedded = _embedded_scheme(wb)
    if embedded is not None and table_matches(ws, embedded):
        # A table downloaded from the admin pages and uploaded unchanged: the scheme itself, under the new
        # id and version (the visible cells could not carry rule kinds, flags or measures).
        data = scheme_to_data(embedded)
        data.update(id=scheme_id, version=version, name=name or embedded.name)
        return data, []
    errors: list[CellError] = []
    found = find_header(ws, ("序号", "考核项目", "分数"))
    if found is None:
        errors.append(CellError(ws.title, "A1", "未找到表头行（序号 | 考核项目 | 分数 | 评分细则）"))
        return {}, errors
    header_row, cols = found
    col_no, col_title, col_points = cols["序号"], cols["考核项目"], cols["分数"]
    col_rule = cols.get("评分细则")
    title = name or next(
        (
            cell_text(c.value)
            for row in ws.iter_rows(min_row=1, max_row=header_row - 1)
            for c in row
            if cell_text(c.value)
        ),
        ws.title,
    )

    def at(col: int, row: int) -> str:
        return f"{get_column_letter(col)}{row}"

    sections: list[dict[str, Any]] = []
    declared: list[tuple[Decimal | None, str]] = []  # section points as written, and the cell
    total_cell: tuple[Decimal, str] | None = None
    parent_rows: dict[str, int] = {}
    part_cells: dict[str, tuple[Decimal, str]] = {}
    for row in range(header_row + 1, ws.max_row + 1):
        no = cell_text(ws.cell(row, col_no).value)
        item_title = cell_text(ws.cell(row, col_title).value)
        raw_points = ws.cell(row, col_points).value
        criterion = cell_text(ws.cell(row, col_rule).value) if col_rule else ""
        if not (no or item_title or cell_text(raw_points) or criterion):
            continue
        if no in ("合计", "总计", "总分") or item_title in ("合计", "总计", "总分"):
            value = cell_number(raw_points)
            if value is not None:
                total_cell = (value, at(col_points, row))
            continue
        points_text = cell_text(raw_points)
        is_section = bool(_SECTION_NO.match(no)) or (not points_text and not criterion and bool(item_title))
        if is_section:
            section_points = cell_number(raw_points) if points_text else None
            match = _POINTS_IN_TITLE.search(item_title)
            if section_points is None and match:
                section_points = Decimal(match.group(1))
            if points_text and section_points is None:
                errors.append(CellError(ws.title, at(col_points, row), f"部分分数「{points_text}」不是数字"))
            sections.append(
                {
                    "id": str(len(sections) + 1),
                    "no": no,
                    "name": _POINTS_IN_TITLE.sub("", item_title) or no,
                    "items": [],
                }
            )
            declared.append((section_points, at(col_points, row)))
            continue
        if not sections:
            errors.append(CellError(ws.title, at(col_no, row), "考核项目之前缺少部分行（序号为一、二、……）"))
            continue
        if not item_title:
            errors.append(CellError(ws.title, at(col_title, row), "考核项目名称为空"))
            continue
        section = sections[-1]
        is_part = (
            bool(_PART_NO.match(no)) and bool(section["items"]) and "veto_when" not in section["items"][-1]
        )
        if is_part:
            parent = section["items"][-1]
            item_id = f"{parent['id']}.{len(parent.get('parts', [])) + 1}"
        else:
            item_id = f"{section['id']}.{len(section['items']) + 1}"
        item, message = _item_from_row(item_id, no, item_title, raw_points, criterion)
        if message:
            errors.append(CellError(ws.title, at(col_points, row), message))
            continue
        if is_part:
            if "parts" not in parent:
                parent_max = parent["max"]
                for key in [k for k in parent if k not in ("id", "no", "name", "criterion")]:
                    del parent[key]
                parent.update(rule="composite", max=parent_max, parts=[])
                part_cells[parent["id"]] = (parent_max, at(col_points, parent_rows[parent["id"]]))
            parent["parts"].append(item)
            continue
        parent_rows[item_id] = row
        section["items"].append(item)

    for parent_id, (declared_max, cell) in part_cells.items():
        parent = next(i for sec in sections for i in sec["items"] if i["id"] == parent_id)
        parts_total = sum((Decimal(str(p["max"])) for p in parent["parts"]), Decimal(0))
        if parts_total != declared_max:
            errors.append(
                CellError(
                    ws.title,
                    cell,
                    f"项目「{parent['name']}」分数为{fmt_points(declared_max)}，但子项合计{fmt_points(parts_total)}分",
                )
            )
        parent["max"] = parts_total

    grand = Decimal(0)
    for section, (points, cell) in zip(sections, declared, strict=True):
        total = sum((Decimal(str(i["max"])) for i in section["items"] if not i.get("bonus")), Decimal(0))
        if not section["items"]:
            errors.append(CellError(ws.title, cell, f"部分「{section['name']}」下没有考核项目"))
        if points is not None and points != total:
            errors.append(
                CellError(
                    ws.title,
                    cell,
                    f"部分「{section['name']}」分数为{fmt_points(points)}，但所含项目合计{fmt_points(total)}分",
                )
            )
        section["max"] = total
        grand += total
    if total_cell is not None and total_cell[0] != grand:
        errors.append(
            CellError(
                ws.title,
                total_cell[1],
                f"合计分数为{fmt_points(total_cell[0])}，但各项合计{fmt_points(grand)}分",
            )
        )
    if not sections:
        errors.append(CellError(ws.title, at(col_no, header_row + 1), "表中没有考核项目"))
    data = {
        "id": scheme_id,
        "version": version,
        "name": title,
        "max": grand,
        "source_note": f"由Excel导入（工作表「{ws.title}」）",
        "sections": sections,
    }
    return data, errors


def _embedded_scheme(wb: Any) -> Scheme | None:
    """The scheme file hidden in a workbook by `scheme_to_xlsx`, when there is one and it is valid."""
    if DEFINITION_TITLE not in wb.sheetnames:
        return None
    ws = wb[DEFINITION_TITLE]
    text = "\n".join(
        "" if ws.cell(row, 1).value is None else str(ws.cell(row, 1).value)
        for row in range(1, ws.max_row + 1)
    )
    try:
        return parse_scheme_text(text, DEFINITION_TITLE)
    except SchemeError:
        return None


def _item_from_row(
    item_id: str, no: str, title: str, raw_points: Any, criterion: str
) -> tuple[dict[str, Any], str]:
    """Scheme data for one item row, or an error message for its 分数 cell."""
    points_text = cell_text(raw_points)
    item: dict[str, Any] = {"id": item_id, "no": no, "name": title, "criterion": criterion}
    if points_text in VETO_WORDS or (not points_text and any(w in criterion for w in VETO_WORDS)):
        return item | {
            "max": 0,
            "rule": "veto",
            "veto_when": [{"flag": "veto", "text": criterion or title}],
        }, ""
    match = _RANGE.match(points_text)
    if match:
        lo, hi = Decimal(match.group(1)), Decimal(match.group(2))
        if lo > hi:
            return {}, f"分数范围「{points_text}」下限大于上限"
        return item | {"max": hi, "min": lo, "rule": "award"}, ""
    points = cell_number(raw_points)
    if points is None:
        return {}, f"分数「{points_text}」应为数字、范围（如1—3）或“否决”"
    if points < 0:
        return {}, f"分数{fmt_points(points)}不能为负数"
    if "加分" in title:
        return item | {"max": points, "rule": "award", "bonus": True}, ""
    item |= {"max": points, "rule": "deduction", "floor": True}
    text = criterion or title
    star = _STAR.search(text)
    if star:
        item["zero_when"] = [{"flag": "star", "text": star.group("text") or title}]
        text = text[star.end() :]
    deductions = _recognised_deductions(text)
    if deductions:
        item["deductions"] = deductions
    if not deductions or "酌情" in text:
        item["discretionary"] = points
    if star and not deductions and "酌情" not in text and not _DEDUCT.search(text):
        item = {k: v for k, v in item.items() if k not in ("discretionary", "floor")} | {"rule": "condition"}
    return item, ""


def _recognised_deductions(text: str) -> list[dict[str, Any]]:
    """Fixed deductions when every 「扣N分」 in `text` is one of the recognised patterns, else []."""
    amounts = _DEDUCT.findall(text)
    if not amounts:
        return []
    found: list[dict[str, Any]] = []
    spans: list[tuple[int, int]] = []
    for m in _PER_EACH.finditer(text):
        clause_start = max(text.rfind(sep, 0, m.start()) for sep in "，。；,;")
        before = text[clause_start + 1 : m.start()].strip()
        label = before or _VERBS.get(m.group("verb") or "", "不符合要求")
        found.append(
            {
                "defect": f"d{len(found) + 1}",
                "text": label,
                "points": Decimal(m.group("points")),
                "per": "each",
                "unit": m.group("unit"),
            }
        )
        spans.append(m.span())
    for m in _ONCE.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        found.append(
            {
                "defect": f"d{len(found) + 1}",
                "text": m.group("text").strip(),
                "points": Decimal(m.group("points")),
                "per": "once",
            }
        )
    return found if len(found) == len(amounts) else []
