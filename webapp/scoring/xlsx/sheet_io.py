"""Filled score sheets as .xlsx: export a sheet to fill or to keep, read a filled one back.

Two worksheets:
- 评分表: 序号 | 考核项目 | 分数 | 评分细则 | 自查评分 | 扣分原因 | 评审评分 | 扣分原因, and a hidden 编号 column (the item
  id) that lets the sheet come back in even when rows were moved. This is what people read and type into.
- 填写明细: every fact the sheet holds, one per row — defects counted, measured values, conditions that hold
  (not-scored and veto facts), discretionary deductions, directly entered scores, reasons, bonus claims,
  notes. A score is a consequence of these facts; the facts are the sheet. Without this sheet a 否决 on an
  ordinary item (`veto_when`) or a 扣完为止 count could not come back from Excel (issue 7, point 12).

Reading back: the facts are taken from 填写明细; a score or 否决 typed in 评分表 that differs from what the facts
give replaces them for that item (a directly entered score, with its reason). A workbook without 填写明细 (a
blank sheet filled in by hand) is read from the score column alone, as before.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from config.schemes import scheme_to_toml
from webapp.core.xlsx import (
    ID_HEADER,
    SCORE_HEADERS,
    SHEET_HEADERS,
    CellError,
    cell_number,
    cell_text,
    find_header,
    open_workbook,
)
from workflow.scoring.numbers import NumberProblem, fmt_points, plain_decimal
from workflow.scoring.scheme import Item, Scheme
from workflow.scoring.table import BonusClaim, ItemEntry, SheetError, SheetResult, score_sheet

DETAILS_TITLE = "填写明细"
#: Hidden worksheet holding the scheme file itself (`scheme_to_xlsx`), so an admin's download imports back equal.
DEFINITION_TITLE = "评分表定义"
DETAILS_HEADERS = ("评分栏", "编号", "考核项目", "类别", "内容", "数值", "键")
COLUMN_NAMES = {"self": "自查", "review": "评审"}
#: 类别 of a fact → the sheet JSON field it comes from.
KINDS = {
    "扣分情形": "defects",
    "测量值": "measures",
    "情形": "flags",
    "酌情扣分": "deduction",
    "直接评分": "awarded",
    "扣分原因": "reason",
    "加分事项": "claims",
    "备注": "note",
}
_YES = ("是", "有", "√", "✓", "1")


# --------------------------------------------------------------------------------------------------------
# Export


def sheet_to_xlsx(
    scheme: Scheme,
    self_entries: Mapping[str, ItemEntry] | None = None,
    review_entries: Mapping[str, ItemEntry] | None = None,
    results: tuple[SheetResult | None, SheetResult | None] | None = None,
    *,
    level: str | None = None,
    definition: bool = False,
) -> bytes:
    """The scoring sheet as .xlsx (评分表 + 填写明细; with `definition`, also the scheme file, hidden).

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
    _write_table(ws, scheme, level, (self_entries, self_result), (review_entries, review_result))
    details = wb.create_sheet(DETAILS_TITLE)
    details.append(list(DETAILS_HEADERS))
    for cell in details[1]:
        cell.font = Font(bold=True)
    for column, entries in (("self", self_entries), ("review", review_entries)):
        for item in scheme.items():
            entry = (entries or {}).get(item.id)
            if entry is not None:
                for row in _fact_rows(scheme, item, entry):
                    details.append([COLUMN_NAMES[column], item.id, scheme.label(item.id), *row])
    for letter, width in zip("ABCDEFG", (8, 12, 30, 10, 40, 16, 16), strict=True):
        details.column_dimensions[letter].width = width
    details.column_dimensions["G"].hidden = True  # internal keys: read back, not for people
    if definition:
        hidden = wb.create_sheet(DEFINITION_TITLE)
        for line in scheme_to_toml(scheme).splitlines():
            hidden.append([line])
        hidden.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def scheme_to_xlsx(scheme: Scheme) -> bytes:
    """The table an administrator downloads: the blank sheet plus the scheme file (hidden), so uploading it again
    unchanged gives back an equal scheme; edited cells fall back to reading the table (`scheme_from_xlsx`)."""
    return sheet_to_xlsx(scheme, definition=True)


def table_matches(ws: Worksheet, scheme: Scheme) -> bool:
    """Whether the visible table (序号, 考核项目, 分数, 评分细则, 编号) is exactly what `scheme` exports."""
    fresh = Workbook().active
    _write_table(fresh, scheme, None, (None, None), (None, None))
    columns = (1, 2, 3, 4, len(SHEET_HEADERS) + 1)
    if ws.max_row != fresh.max_row:
        return False
    return all(
        cell_text(ws.cell(row, col).value) == cell_text(fresh.cell(row, col).value)
        for row in range(2, fresh.max_row + 1)
        for col in columns
    )


def _fact_rows(scheme: Scheme, item: Item, entry: ItemEntry) -> list[list[str]]:
    """类别 | 内容 | 数值 | 键 rows for one entry; numbers as text so they come back exactly."""
    rows: list[list[str]] = []
    texts = {d.defect: d.text for d in item.deductions}
    for key, count in sorted(entry.defects.items()):
        if count:
            rows.append(["扣分情形", texts.get(key, key), str(count), key])
    for key, value in entry.measures.items():
        rows.append(["测量值", scheme.measure_label(item, key), fmt_points(value), key])
    for flag in sorted(entry.flags):
        rows.append(["情形", item.condition_text(flag), "是", flag])
    if entry.deduction is not None:
        rows.append(["酌情扣分", "", fmt_points(entry.deduction), ""])
    if entry.awarded is not None:
        rows.append(["直接评分", "", fmt_points(entry.awarded), ""])
    if entry.reason:
        rows.append(["扣分原因", entry.reason, "", ""])
    for claim in entry.claims:
        rows.append(["加分事项", claim.content, claim.note, ""])
    if entry.note:
        rows.append(["备注", entry.note, "", ""])
    return rows


def _write_table(
    ws: Worksheet,
    scheme: Scheme,
    level: str | None,
    self_side: tuple[Mapping[str, ItemEntry] | None, SheetResult | None],
    review_side: tuple[Mapping[str, ItemEntry] | None, SheetResult | None],
) -> None:
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

    def cols(item: Item, side: tuple[Mapping[str, ItemEntry] | None, SheetResult | None]) -> list[Any]:
        entries, result = side
        if result is None:
            return ["", ""]
        try:
            scored = result.item(item.id)
        except KeyError:
            return ["", ""]
        entry = (entries or {}).get(item.id)
        if item.kind == "veto" and item.max == 0:
            return ["否决" if _vetoed_here(scored.reasons) else "", "；".join(scored.reasons)]
        reason = (
            entry.reason if entry is not None and entry.awarded is not None else "；".join(scored.reasons)
        )
        return [_cell_number(scored.score), reason]

    def points_cell(item: Item) -> Any:
        if item.kind == "veto" and item.max == 0:
            return "否决"
        if item.kind == "award" and item.min > 0:
            return f"{fmt_points(item.min)}—{fmt_points(item.max)}"
        return _cell_number(item.max)

    numerals = "一二三四五六七八九十"
    for n, section in enumerate(scheme.sections, 1):
        if not section.applies_to(level) and level is not None:
            continue
        if section.id:  # a table without sections has no section rows
            ws.append(
                [
                    section.no or (numerals[n - 1] if n <= 10 else str(n)),
                    section.name,
                    _cell_number(section.max),
                ]
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
                leaf = not row_item.parts
                ws.append(
                    [
                        no,
                        name,
                        points_cell(row_item),
                        row_item.criterion,
                        *(cols(row_item, self_side) if leaf else ["", ""]),
                        *(cols(row_item, review_side) if leaf else ["", ""]),
                        row_item.id,
                    ]
                )
    self_result, review_result = self_side[1], review_side[1]
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


def _vetoed_here(reasons: tuple[str, ...]) -> bool:
    return any(r.startswith("一票否决") for r in reasons)


def _cell_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# --------------------------------------------------------------------------------------------------------
# Read back


def sheet_from_xlsx(
    source: bytes | str | Path,
    scheme: Scheme,
    *,
    column: str = "review",
    level: str | None = None,
) -> tuple[dict[str, ItemEntry], list[CellError]]:
    """Read a filled sheet back into entries, with per-cell validation messages in Chinese.

    The facts in 填写明细 (when present) are the entries; in 评分表 the 评审评分 (column="review") or 自查评分
    (column="self") column and the 扣分原因 beside it give a directly entered score for rows whose score differs
    from what the facts give (or for every filled row when there are no facts).
    """
    if column not in SCORE_HEADERS:
        raise ValueError(f"column must be one of {', '.join(SCORE_HEADERS)}")
    wb = open_workbook(source)
    ws = wb.worksheets[0]
    errors: list[CellError] = []
    facts: dict[str, ItemEntry] = {}
    scored: SheetResult | None = None
    if DETAILS_TITLE in wb.sheetnames:
        facts, first_rows, fact_errors = _read_facts(wb[DETAILS_TITLE], scheme, column)
        errors += fact_errors
        if facts and not errors:
            try:
                scored = score_sheet(scheme, facts, level)
            except SheetError as exc:
                row = first_rows.get(exc.item or "", 2)
                errors.append(CellError(DETAILS_TITLE, f"B{row}", exc.message))
        if errors:
            return {}, errors
    score_header = SCORE_HEADERS[column]
    found = find_header(ws, ("考核项目", score_header))
    if found is None:
        return {}, [CellError(ws.title, "A1", f"未找到表头行（需要“考核项目”和“{score_header}”列）")]
    header_row, cols = found
    col_score = cols[score_header]
    reason_col = col_score + 1 if cell_text(ws.cell(header_row, col_score + 1).value) == "扣分原因" else None
    col_id = cols.get(ID_HEADER)
    col_title = cols["考核项目"]
    by_id = {i.id: i for i in scheme.items()}
    by_name: dict[str, Item] = {}
    for i in scheme.items():
        by_name.setdefault(i.name, i)
    section_names = {s.name for s in scheme.sections}
    entries: dict[str, ItemEntry] = dict(facts)

    def at(col: int, row: int) -> str:
        return f"{get_column_letter(col)}{row}"

    for row in range(header_row + 1, ws.max_row + 1):
        item_id = cell_text(ws.cell(row, col_id).value) if col_id else ""
        title = cell_text(ws.cell(row, col_title).value)
        raw_score = ws.cell(row, col_score).value
        score_text = cell_text(raw_score)
        reason = cell_text(ws.cell(row, reason_col).value) if reason_col else ""
        if title in ("合计", "总计") or cell_text(ws.cell(row, 1).value) in ("合计", "总计"):
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
        if item.kind == "veto":
            # A plain veto line takes 否决 or nothing; one that carries points also takes 0 (vetoed) or its max.
            full = cell_number(raw_score) == item.max if item.max > 0 else False
            vetoed = score_text in ("否决", "是", "一票否决") or (item.max > 0 and score_text == "0")
            if not vetoed and not full and score_text not in ("", "否", "0"):
                hint = "“否决”或留空" if item.max == 0 else f"“否决”、0或{fmt_points(item.max)}"
                errors.append(CellError(ws.title, at(col_score, row), f"否决项请填写{hint}"))
                continue
            was = scored is not None and _vetoed_here(_reasons(scored, item.id))
            if scored is not None and vetoed == was:
                continue  # as exported: the facts stand
            if vetoed:
                entries[item.id] = ItemEntry(flags=frozenset({item.veto_when[0].flag}), reason=reason)
            elif item.id in entries:
                del entries[item.id]
            continue
        if not score_text:
            continue
        if item.parts:
            errors.append(CellError(ws.title, at(col_score, row), "本项由子项合计，请在子项中评分"))
            continue
        score = cell_number(raw_score)
        if score is None:
            errors.append(CellError(ws.title, at(col_score, row), f"评分「{score_text}」不是数字"))
            continue
        if scored is not None and _score_of(scored, item.id) == score:
            continue  # the score the facts give: keep the facts (defects, measures, vetoes …)
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
        kept = facts.get(item.id, ItemEntry())
        # A typed score replaces what produced the old one; facts that are not about points stay.
        entries[item.id] = ItemEntry(
            awarded=score, reason=reason, flags=kept.flags, measures=kept.measures, note=kept.note
        )
    return entries, errors


def _read_facts(
    ws: Worksheet, scheme: Scheme, column: str
) -> tuple[dict[str, ItemEntry], dict[str, int], list[CellError]]:
    """The 填写明细 rows of one 评分栏 as entries (with each item's first row); a row that does not fit names
    its cell."""
    raw: dict[str, dict[str, Any]] = {}
    first_rows: dict[str, int] = {}
    errors: list[CellError] = []
    wanted = COLUMN_NAMES[column]
    known = {i.id: i for i in scheme.items()}
    for row in range(2, ws.max_row + 1):
        values = [ws.cell(row, c).value for c in range(1, len(DETAILS_HEADERS) + 1)]
        which, item_id, _label, kind, content, value, key = (cell_text(v) for v in values)
        if not item_id or which != wanted:
            continue
        item = known.get(item_id)
        if item is None:
            errors.append(CellError(ws.title, f"B{row}", f"未知考核项目编号「{item_id}」"))
            continue
        field = KINDS.get(kind)
        if field is None:
            errors.append(CellError(ws.title, f"D{row}", f"类别「{kind}」应为：{'、'.join(KINDS)}"))
            continue
        entry = raw.setdefault(item_id, {})
        first_rows.setdefault(item_id, row)
        try:
            if field == "defects":
                count = plain_decimal(value)
                if count != count.to_integral_value() or count < 0:
                    raise NumberProblem("number.not_number", value)
                entry.setdefault("defects", {})[key or _defect_by_text(item, content)] = int(count)
            elif field == "measures":
                entry.setdefault("measures", {})[key] = plain_decimal(value)
            elif field == "flags":
                if value in _YES:
                    entry.setdefault("flags", set()).add(key or _flag_by_text(item, content))
            elif field in ("deduction", "awarded"):
                entry[field] = plain_decimal(value)
            elif field == "claims":
                entry.setdefault("claims", []).append(BonusClaim(content=content, note=value))
            else:
                entry[field] = content
        except NumberProblem:
            errors.append(CellError(ws.title, f"F{row}", f"数值「{value}」不是数字"))
    entries = {
        item_id: ItemEntry(
            defects=e.get("defects", {}),
            measures=e.get("measures", {}),
            deduction=e.get("deduction"),
            awarded=e.get("awarded"),
            reason=e.get("reason", ""),
            flags=frozenset(e.get("flags", ())),
            claims=tuple(e.get("claims", ())),
            note=e.get("note", ""),
        )
        for item_id, e in raw.items()
    }
    return entries, first_rows, errors


def _defect_by_text(item: Item, text: str) -> str:
    return next((d.defect for d in item.deductions if d.text == text), text)


def _flag_by_text(item: Item, text: str) -> str:
    return next((c.flag for c in item.zero_when + item.veto_when if c.text == text), text)


def _score_of(result: SheetResult, item_id: str) -> Decimal | None:
    try:
        return result.item(item_id).score
    except KeyError:
        return None


def _reasons(result: SheetResult, item_id: str) -> tuple[str, ...]:
    try:
        return result.item(item_id).reasons
    except KeyError:
        return ()
