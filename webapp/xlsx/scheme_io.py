"""Scoring tables as .xlsx: import a bureau's official table as scheme data, export a sheet to fill, read it back.

Layouts (docs/schemes.md, "xlsx"):
- scheme table:  序号 | 考核项目 | 分数 | 评分细则 — a section is a row whose 序号 is 一、二、… (or a row without points);
  the items follow it. 分数 is a number, a range (1—3) or 否决 (一票否决).
- filled sheet:  序号 | 考核项目 | 分数 | 评分细则 | 自查评分 | 扣分原因 | 评审评分 | 扣分原因, plus a hidden 编号 column
  (the item id) that lets the sheet come back in even when rows were moved.
Problems are returned as `CellError`s in Chinese, one per cell, so an admin can fix the file and upload it again.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from webapp.services import uploads
from workflow.scoring.scheme import Item, Scheme, fmt_points
from workflow.scoring.table import ItemEntry, SheetResult, score_sheet

SCHEME_HEADERS = ("序号", "考核项目", "分数", "评分细则")
SHEET_HEADERS = (*SCHEME_HEADERS, "自查评分", "扣分原因", "评审评分", "扣分原因")
ID_HEADER = "编号"
SCORE_HEADERS = {"self": "自查评分", "review": "评审评分"}
VETO_WORDS = ("否决", "一票否决", "单项否决")

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


@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str  #: e.g. "C7"
    message: str  #: in Chinese, for the admin who uploaded the file

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}：{self.message}"


def _open(source: bytes | str | Path) -> Any:
    if isinstance(source, bytes | bytearray):
        # an uploaded file: checked by content like every upload before openpyxl parses it (callers report
        # the ValueError as 「无法读取该文件…」)
        if not uploads.is_xlsx(bytes(source)):
            raise ValueError("not an .xlsx workbook")
        return load_workbook(io.BytesIO(source), data_only=True)
    return load_workbook(source, data_only=True)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = _text(value).removesuffix("分")
    try:
        result = Decimal(text)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def _find_header(ws: Worksheet, needed: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    """(row number, header → column numbers) of the first row holding every `needed` header."""
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 20)):
        texts = [_text(c.value).replace(" ", "") for c in row]
        if all(h in texts for h in needed):
            columns: dict[str, int] = {}
            for cell, text in zip(row, texts, strict=True):
                if text:
                    columns.setdefault(text, cell.column)
                    columns.setdefault(f"{text}@{cell.column}", cell.column)
            return row[0].row, columns
    return None


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
    wb = _open(source)
    ws = wb.worksheets[0]
    errors: list[CellError] = []
    found = _find_header(ws, ("序号", "考核项目", "分数"))
    if found is None:
        errors.append(CellError(ws.title, "A1", "未找到表头行（序号 | 考核项目 | 分数 | 评分细则）"))
        return {}, errors
    header_row, cols = found
    col_no, col_title, col_points = cols["序号"], cols["考核项目"], cols["分数"]
    col_rule = cols.get("评分细则")
    title = name or next(
        (
            _text(c.value)
            for row in ws.iter_rows(min_row=1, max_row=header_row - 1)
            for c in row
            if _text(c.value)
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
        no = _text(ws.cell(row, col_no).value)
        item_title = _text(ws.cell(row, col_title).value)
        raw_points = ws.cell(row, col_points).value
        criterion = _text(ws.cell(row, col_rule).value) if col_rule else ""
        if not (no or item_title or _text(raw_points) or criterion):
            continue
        if no in ("合计", "总计", "总分") or item_title in ("合计", "总计", "总分"):
            value = _number(raw_points)
            if value is not None:
                total_cell = (value, at(col_points, row))
            continue
        points_text = _text(raw_points)
        is_section = bool(_SECTION_NO.match(no)) or (not points_text and not criterion and bool(item_title))
        if is_section:
            section_points = _number(raw_points) if points_text else None
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


def _item_from_row(
    item_id: str, no: str, title: str, raw_points: Any, criterion: str
) -> tuple[dict[str, Any], str]:
    """Scheme data for one item row, or an error message for its 分数 cell."""
    points_text = _text(raw_points)
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
    points = _number(raw_points)
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


# --------------------------------------------------------------------------------------------------------
# Export a sheet to fill, and read it back


def sheet_to_xlsx(
    scheme: Scheme,
    self_entries: Mapping[str, ItemEntry] | None = None,
    review_entries: Mapping[str, ItemEntry] | None = None,
    results: tuple[SheetResult | None, SheetResult | None] | None = None,
    *,
    level: str | None = None,
) -> bytes:
    """The scoring sheet as .xlsx: 序号 | 考核项目 | 分数 | 评分细则 | 自查评分 | 扣分原因 | 评审评分 | 扣分原因.

    Scores come from `results` (self, review) when given, else from scoring the entries (at `level`).
    A directly entered score keeps its own reason so the sheet reads back into the same entries.
    """
    self_result, review_result = results or (None, None)
    if self_result is None and self_entries is not None:
        self_result = score_sheet(scheme, self_entries, level)
    if review_result is None and review_entries is not None:
        review_result = score_sheet(scheme, review_entries, level)
    wb = Workbook()
    ws = wb.active
    ws.title = "评分表"
    title = scheme.name + (
        "（示例表，非正式评分标准）" if scheme.sample and "示例" not in scheme.name else ""
    )
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SHEET_HEADERS))
    ws.append([*SHEET_HEADERS, ID_HEADER])
    bold = Font(bold=True)
    for cell in ws[1] + ws[2]:
        cell.font = bold
    for cell in ws[2]:
        cell.fill = PatternFill("solid", fgColor="DDEBF7")

    def cols(item: Item, result: SheetResult | None, entries: Mapping[str, ItemEntry] | None) -> list[Any]:
        if result is None:
            return ["", ""]
        try:
            scored = result.item(item.id)
        except KeyError:
            return ["", ""]
        entry = (entries or {}).get(item.id)
        if item.kind == "veto":
            return [
                "否决" if scored.reasons and any("一票否决" in r for r in scored.reasons) else "",
                "；".join(scored.reasons),
            ]
        reason = (
            entry.reason if entry is not None and entry.awarded is not None else "；".join(scored.reasons)
        )
        return [_cell_number(scored.score), reason]

    def points_cell(item: Item) -> Any:
        if item.kind == "veto":
            return "否决"
        if item.kind == "award" and item.min > 0:
            return f"{fmt_points(item.min)}—{fmt_points(item.max)}"
        return _cell_number(item.max)

    numerals = "一二三四五六七八九十"
    for n, section in enumerate(scheme.sections, 1):
        if not section.applies_to(level) and level is not None:
            continue
        ws.append(
            [section.no or (numerals[n - 1] if n <= 10 else str(n)), section.name, _cell_number(section.max)]
        )
        for cell in ws[ws.max_row]:
            cell.font = bold
        for item in section.items:
            if level is not None and not item.applies_to(level):
                continue
            rows = [(item, item.no)] + [(p, p.no or f"（{k}）") for k, p in enumerate(item.parts, 1)]
            for row_item, no in rows:
                name = row_item.name + ("（加分项）" if row_item.bonus else "")
                if row_item.levels:
                    name += (
                        "（仅" + "、".join(scheme.level_names.get(lv, lv) for lv in row_item.levels) + "）"
                    )
                ws.append(
                    [
                        no,
                        name,
                        points_cell(row_item),
                        row_item.criterion,
                        *(cols(row_item, self_result, self_entries) if not row_item.parts else ["", ""]),
                        *(cols(row_item, review_result, review_entries) if not row_item.parts else ["", ""]),
                        row_item.id,
                    ]
                )
    ws.append(
        [
            "合计",
            "",
            _cell_number(scheme.max_for(level) if level or not scheme.has_level_items() else scheme.max),
            "",
            _cell_number(self_result.total) if self_result else "",
            "",
            _cell_number(review_result.total) if review_result else "",
            "",
        ]
    )
    for letter, width in zip("ABCDEFGHI", (8, 28, 8, 60, 10, 30, 10, 30, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["I"].hidden = True
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def sheet_from_xlsx(
    source: bytes | str | Path,
    scheme: Scheme,
    *,
    column: str = "review",
    level: str | None = None,
) -> tuple[dict[str, ItemEntry], list[CellError]]:
    """Read a filled sheet back: the 评审评分 (column="review") or 自查评分 (column="self") column and the
    扣分原因 beside it → `ItemEntry(awarded=score, reason=…)` per item, with per-cell validation messages."""
    if column not in SCORE_HEADERS:
        raise ValueError(f"column must be one of {', '.join(SCORE_HEADERS)}")
    wb = _open(source)
    ws = wb.worksheets[0]
    errors: list[CellError] = []
    score_header = SCORE_HEADERS[column]
    found = _find_header(ws, ("考核项目", score_header))
    if found is None:
        return {}, [CellError(ws.title, "A1", f"未找到表头行（需要“考核项目”和“{score_header}”列）")]
    header_row, cols = found
    col_score = cols[score_header]
    reason_col = col_score + 1 if _text(ws.cell(header_row, col_score + 1).value) == "扣分原因" else None
    col_id = cols.get(ID_HEADER)
    col_title = cols["考核项目"]
    by_id = {i.id: i for i in scheme.items()}
    by_name: dict[str, Item] = {}
    for i in scheme.items():
        by_name.setdefault(i.name, i)
    section_names = {s.name for s in scheme.sections}
    entries: dict[str, ItemEntry] = {}

    def at(col: int, row: int) -> str:
        return f"{get_column_letter(col)}{row}"

    for row in range(header_row + 1, ws.max_row + 1):
        item_id = _text(ws.cell(row, col_id).value) if col_id else ""
        title = _text(ws.cell(row, col_title).value)
        raw_score = ws.cell(row, col_score).value
        score_text = _text(raw_score)
        reason = _text(ws.cell(row, reason_col).value) if reason_col else ""
        if title in ("合计", "总计") or _text(ws.cell(row, 1).value) in ("合计", "总计"):
            continue
        if item_id:
            item = by_id.get(item_id)
            if item is None:
                errors.append(CellError(ws.title, at(col_id or 1, row), f"未知考核项目编号「{item_id}」"))
                continue
        else:
            if not score_text or title in section_names:
                continue
            bare = re.sub(r"（(加分项|仅[^）]*)）", "", title)
            found_item = by_name.get(bare)
            if found_item is None:
                errors.append(CellError(ws.title, at(col_title, row), f"未知考核项目「{title}」"))
                continue
            item = found_item
        if level is not None and not item.applies_to(level):
            continue
        if not score_text:
            continue
        if item.parts:
            errors.append(CellError(ws.title, at(col_score, row), "本项由子项合计，请在子项中评分"))
            continue
        if item.kind == "veto":
            if score_text in ("否决", "是", "一票否决"):
                entries[item.id] = ItemEntry(flags=frozenset({item.veto_when[0].flag}), reason=reason)
            elif score_text not in ("否", "0"):
                errors.append(CellError(ws.title, at(col_score, row), "否决项请填写“否决”或留空"))
            continue
        score = _number(raw_score)
        if score is None:
            errors.append(CellError(ws.title, at(col_score, row), f"评分「{score_text}」不是数字"))
            continue
        low = item.min if item.kind == "award" else Decimal(0)
        in_range = low <= score <= item.max or (score == 0 and item.zero_allowed)
        if not in_range:
            span = f"{fmt_points(low)}–{fmt_points(item.max)}" + (
                "或0" if low > 0 and item.zero_allowed else ""
            )
            errors.append(CellError(ws.title, at(col_score, row), f"评分{fmt_points(score)}超出范围{span}分"))
            continue
        if score < item.max and item.reason_required and not reason:
            cell = at(reason_col, row) if reason_col else at(col_score, row)
            errors.append(
                CellError(
                    ws.title, cell, f"评分{fmt_points(score)}低于满分{fmt_points(item.max)}分，须填写扣分原因"
                )
            )
            continue
        entries[item.id] = ItemEntry(awarded=score, reason=reason)
    return entries, errors
