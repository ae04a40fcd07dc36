"""Imported rows → ledger records, naming the row and the column of anything the scheme cannot place.

Rows come from .xlsx or UTF-8 CSV (read elsewhere; this module does no I/O) as ``(row_number, {header: cell})``.
Publication, class, form and level cells are the source's words; the scheme lists the accepted names and
aliases (`scheme.resolver`). Other records (submissions, incidents, claims, cadre events) come as JSON data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from workflow.scoring.ledger.errors import LedgerError
from workflow.scoring.ledger.records import (
    Adoption,
    CadreEvent,
    Claim,
    Incident,
    Instruction,
    Records,
    Submission,
    Unit,
)
from workflow.scoring.ledger.scheme import LedgerScheme, Named, normalize, resolver

ROSTER_COLUMNS = ("单位", "类别", "基础分")
RECORD_COLUMNS = ("单位", "稿件编号", "标题", "刊物", "类别", "形式", "刊发日期", "批示级别")
#: optional column 采稿方式: how an adoption counts for the unit (ZG-2.8 / ZG-2.9)
CREDIT_COLUMN = "采稿方式"
CREDITS = {
    "本单位": "",
    "提供素材": "material",
    "科室提供素材": "material",
    "推荐": "recommended",
    "推荐外单位稿件": "recommended",
}
MAX_BASE = Decimal(100_000)
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
Row = tuple[int, Mapping[str, Any]]


def _cell(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _require_columns(
    rows: list[Row], columns: Iterable[str], source: str, optional: Iterable[str] = ()
) -> None:
    if not rows:
        return
    headers = set(rows[0][1])
    for column in columns:
        if column not in headers and column not in optional:
            raise LedgerError("ledger.input.missing_column", source=source, column=column)


def _resolve(
    items: Iterable[Named], lookup: dict[str, str], value: str, code: str, source: str, row: int, column: str
) -> str:
    found = lookup.get(normalize(value))
    if found is None:
        raise LedgerError(
            code, source=source, row=row, column=column, value=value, choices=[i.name for i in items]
        )
    return found


def parse_day(value: Any, source: str = "", row: int | None = None, column: str = "刊发日期") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    match = _DATE.match(text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise LedgerError("ledger.input.bad_date", source=source, row=row, column=column, value=text)


def roster_from_rows(scheme: LedgerScheme, rows: Iterable[Row], source: str = "") -> list[Unit]:
    """Columns 单位, 类别 (the quota group), 基础分 (optional; empty = no base score, INF-1.9)."""
    rows = list(rows)
    _require_columns(rows, ROSTER_COLUMNS, source, optional=("基础分",))
    groups = resolver(scheme.groups)
    units: list[Unit] = []
    seen: set[str] = set()
    for number, row in rows:
        name = _cell(row, "单位")
        if not name:
            raise LedgerError("ledger.input.empty", source=source, row=number, column="单位")
        if name in seen:
            raise LedgerError(
                "ledger.input.duplicate_unit", source=source, row=number, column="单位", value=name
            )
        seen.add(name)
        group_text = _cell(row, "类别")
        if not group_text:
            raise LedgerError("ledger.input.empty", source=source, row=number, column="类别")
        group = _resolve(
            scheme.groups, groups, group_text, "ledger.input.unknown_group", source, number, "类别"
        )
        base_text = _cell(row, "基础分")
        base = None
        if base_text:
            try:
                base = Decimal(base_text)
            except InvalidOperation:
                base = None
            if base is None or not base.is_finite() or not 0 < base <= MAX_BASE:
                raise LedgerError(
                    "ledger.input.bad_number",
                    source=source,
                    row=number,
                    column="基础分",
                    value=base_text,
                    limit=MAX_BASE,
                )
        units.append(Unit(name, group, base))
    return units


def records_from_rows(
    scheme: LedgerScheme, rows: Iterable[Row], source: str = ""
) -> tuple[list[Adoption], list[Instruction]]:
    """Adoption rows (one per article × publication); a 批示级别 cell adds an instruction on the article."""
    rows = list(rows)
    _require_columns(rows, RECORD_COLUMNS, source, optional=("标题", "形式", "批示级别", "类别"))
    pubs, classes, forms, levels = (
        resolver(x) for x in (scheme.publications, scheme.classes, scheme.forms, scheme.levels)
    )
    adoptions: list[Adoption] = []
    instructions: list[Instruction] = []
    seen_levels: set[tuple[str, str, str]] = set()
    for number, row in rows:
        unit = _cell(row, "单位")
        article = _cell(row, "稿件编号")
        for column, value in (("单位", unit), ("稿件编号", article)):
            if not value:
                raise LedgerError("ledger.input.empty", source=source, row=number, column=column)
        pub_text = _cell(row, "刊物")
        if not pub_text:
            raise LedgerError("ledger.input.empty", source=source, row=number, column="刊物")
        publication = _resolve(
            scheme.publications, pubs, pub_text, "ledger.input.unknown_publication", source, number, "刊物"
        )
        class_text, form_text = _cell(row, "类别"), _cell(row, "形式")
        klass = (
            _resolve(
                scheme.classes, classes, class_text, "ledger.input.unknown_class", source, number, "类别"
            )
            if class_text
            else ""
        )
        form = (
            _resolve(scheme.forms, forms, form_text, "ledger.input.unknown_form", source, number, "形式")
            if form_text
            else ""
        )
        if scheme.value_for(publication, klass, form) is None:
            raise LedgerError(
                "ledger.input.no_value",
                source=source,
                row=number,
                column="形式" if form_text else "类别",
                publication=pub_text,
                klass=class_text,
                form=form_text,
            )
        credit_text = _cell(row, CREDIT_COLUMN)
        if credit_text and credit_text not in CREDITS:
            raise LedgerError(
                "ledger.input.unknown_kind",
                source=source,
                row=number,
                column=CREDIT_COLUMN,
                value=credit_text,
                choices=list(CREDITS),
            )
        day = parse_day(row.get("刊发日期"), source, number)
        adoptions.append(
            Adoption(
                unit,
                article,
                publication,
                klass,
                form,
                day,
                _cell(row, "标题"),
                CREDITS.get(credit_text, ""),
                number,
            )
        )
        level_text = _cell(row, "批示级别")
        if level_text:
            for part in re.split(r"[、,，;；]", level_text):
                if not part.strip():
                    continue
                level = _resolve(
                    scheme.levels,
                    levels,
                    part.strip(),
                    "ledger.input.unknown_level",
                    source,
                    number,
                    "批示级别",
                )
                key = (unit, article, level)
                if key not in seen_levels:  # the same instruction written on each adoption row counts once
                    seen_levels.add(key)
                    instructions.append(Instruction(unit, article, level, number))
    return adoptions, instructions


def events_from_data(scheme: LedgerScheme, data: Mapping[str, Any], source: str = "") -> Records:
    """The other records as JSON: {"submissions", "incidents", "claims", "instructions", "cadre_events"}."""
    incidents_by_name, claims_by_name = resolver(scheme.incidents), resolver(scheme.bonuses)
    levels = resolver(scheme.levels)

    def items(key: str) -> list[tuple[int, Mapping[str, Any]]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise LedgerError("ledger.input.bad_json", source=source, column=key, reason="应为对象列表")
        return list(enumerate(value, 1))

    def text(item: Mapping[str, Any], key: str, n: int, required: bool = True) -> str:
        value = item.get(key)
        if value is None or str(value).strip() == "":
            if required:
                raise LedgerError("ledger.input.empty", source=source, row=n, column=key)
            return ""
        return str(value).strip()

    def count(item: Mapping[str, Any], key: str, n: int, default: int) -> int:
        value = item.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
            raise LedgerError(
                "ledger.input.bad_number", source=source, row=n, column=key, value=value, limit=100_000
            )
        return value

    submissions = [
        Submission(
            text(s, "unit", n),
            parse_day(s.get("date"), source, n, "date"),
            count(s, "count", n, 1),
            text(s, "kind", n, False) or "information",
            text(s, "class", n, False),
            n,
        )
        for n, s in items("submissions")
    ]
    incidents = [
        Incident(
            text(i, "unit", n),
            _resolve(
                scheme.incidents,
                incidents_by_name,
                text(i, "kind", n),
                "ledger.input.unknown_kind",
                source,
                n,
                "kind",
            ),
            parse_day(i.get("date"), source, n, "date"),
            bool(i.get("serious", False)),
            n,
        )
        for n, i in items("incidents")
    ]
    claims = [
        Claim(
            text(c, "unit", n),
            _resolve(
                scheme.bonuses,
                claims_by_name,
                text(c, "kind", n),
                "ledger.input.unknown_kind",
                source,
                n,
                "kind",
            ),
            parse_day(c.get("date"), source, n, "date"),
            n,
        )
        for n, c in items("claims")
    ]
    instructions = [
        Instruction(
            text(i, "unit", n),
            text(i, "article", n),
            _resolve(
                scheme.levels, levels, text(i, "level", n), "ledger.input.unknown_level", source, n, "level"
            ),
            n,
        )
        for n, i in items("instructions")
    ]
    cadre_events = []
    if scheme.cadre is not None:
        kinds, tiers = resolver(scheme.cadre.events), resolver(scheme.cadre.tiers)
        cadre_levels = resolver(scheme.cadre.levels)
        for n, e in items("cadre_events"):
            persons_raw = e.get("persons", {})
            if not isinstance(persons_raw, Mapping):
                raise LedgerError(
                    "ledger.input.bad_json", source=source, row=n, column="persons", reason="应为对象"
                )
            persons = {
                _resolve(
                    scheme.cadre.tiers, tiers, str(tier), "ledger.input.unknown_kind", source, n, "persons"
                ): tuple(str(p) for p in (names if isinstance(names, list) else [names]))
                for tier, names in persons_raw.items()
            }
            level_text = text(e, "level", n, False)
            level = (
                _resolve(
                    scheme.cadre.levels,
                    cadre_levels,
                    level_text,
                    "ledger.input.unknown_level",
                    source,
                    n,
                    "level",
                )
                if level_text
                else ""
            )
            rank = e.get("rank")
            cadre_events.append(
                CadreEvent(
                    _resolve(
                        scheme.cadre.events,
                        kinds,
                        text(e, "kind", n),
                        "ledger.input.unknown_kind",
                        source,
                        n,
                        "kind",
                    ),
                    parse_day(e.get("date"), source, n, "date"),
                    level,
                    persons,
                    count(e, "rank", n, 0) if rank is not None else None,
                    count(e, "n", n, 0) if e.get("n") is not None else None,
                    bool(e.get("override_cap", False)),
                    n,
                )
            )
    return Records(
        submissions=tuple(submissions),
        incidents=tuple(incidents),
        claims=tuple(claims),
        instructions=tuple(instructions),
        cadre_events=tuple(cadre_events),
    )
