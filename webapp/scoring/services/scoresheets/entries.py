"""Entries in their three shapes — sheet JSON as stored (docs/schemes.md), the engine's `ItemEntry`, the sheet
form's fields — and reading what a person sent (a form, or a JSON body) into sheet JSON.

Reading checks only that each input is what its field takes (a number, a whole count, a known item): what the
entries mean is checked once, for pages and API alike, by `checks.check_entries`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from workflow.scoring.numbers import NumberProblem, fmt_points, plain_decimal
from workflow.scoring.scheme import Item, Scheme
from workflow.scoring.table import BonusClaim, ItemEntry, SheetError, parse_sheet

#: The longest reason or note kept (what is typed beyond it is cut).
TEXT_MAX = 1000


def to_item_entry(raw: Mapping[str, Any]) -> ItemEntry:
    def num(value: Any) -> Decimal | None:
        return None if value in (None, "") else Decimal(str(value))

    return ItemEntry(
        defects={str(k): int(v) for k, v in (raw.get("defects") or {}).items() if int(v)},
        measures={str(k): Decimal(str(v)) for k, v in (raw.get("measures") or {}).items()},
        deduction=num(raw.get("deduction")),
        awarded=num(raw.get("awarded")),
        reason=str(raw.get("reason") or ""),
        flags=frozenset(raw.get("flags") or ()),
        claims=tuple(BonusClaim(content=str(c)) for c in raw.get("claims") or ()),
        note=str(raw.get("note") or ""),
    )


def from_item_entry(entry: ItemEntry) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if entry.awarded is not None:
        out["awarded"] = fmt_points(entry.awarded)
    if entry.deduction is not None:
        out["deduction"] = fmt_points(entry.deduction)
    if entry.defects:
        out["defects"] = {k: int(v) for k, v in entry.defects.items() if v}
    if entry.measures:
        out["measures"] = {k: fmt_points(v) for k, v in entry.measures.items()}
    if entry.flags:
        out["flags"] = sorted(entry.flags)
    if entry.claims:
        out["claims"] = [c.content for c in entry.claims]
    if entry.reason:
        out["reason"] = entry.reason
    if entry.note:
        out["note"] = entry.note
    return out


def typed_entries(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, ItemEntry]:
    return {item_id: to_item_entry(raw) for item_id, raw in entries.items()}


def field_name(item_id: str, what: str, key: str | None = None) -> str:
    """Form field of one input, e.g. ``HBS-3.1:defect:missing_file`` or ``HBS-3.3:reason``."""
    return f"{item_id}:{what}" + (f":{key}" if key is not None else "")


def form_items(scheme: Scheme, level: str | None) -> list[Item]:
    """The items that take an entry at ``level``, in table order (composites through their parts)."""
    out = []
    for section in scheme.sections:
        if not section.applies_to(level):
            continue
        for item in section.items:
            if not item.applies_to(level):
                continue
            out += list(item.parts) if item.parts else [item]
    return out


def item_label(scheme: Scheme, item_id: str) -> str:
    """An item as the table shows it, for messages: 「第五部分第1项「利用服务与编研」」 (no internal code)."""
    for section in scheme.sections:
        for item in section.items:
            for n, leaf in enumerate([item, *item.parts]):
                if leaf.id != item_id:
                    continue
                where = f"第{section.no}部分" if section.no else ""
                number = item.no + (f"（{leaf.no or n}）" if n else "") if item.no else ""
                title = leaf.name if not n else f"{item.name}：{leaf.name}"
                return f"{where}第{number}项「{title}」" if number else f"{where}「{title}」"
    return f"「{item_id}」"


def own_measure_keys(scheme: Scheme, item: Item) -> list[str]:
    """Measured values entered on ``item``'s row: its own, plus those other items read from it."""
    keys = [] if item.measures_from else list(item.measure_keys())
    for other in scheme.items():
        if other.measures_from == item.id:
            keys += [k for k in other.measure_keys() if k not in keys]
    return keys


def measure_label(scheme: Scheme, item: Item, key: str) -> str:
    for candidate in [item, *(o for o in scheme.items() if o.measures_from == item.id)]:
        if key in candidate.measures:
            return candidate.measures[key]
        for c in candidate.conditions:
            if c.measure == key and c.text:
                return c.text + (f"（{c.unit}）" if c.unit else "")
        for s in candidate.shortfalls:
            if s.measure == key and s.text:
                return s.text + (f"（{s.unit}）" if s.unit else "")
        band = candidate.ratio
        if band is not None and band.measure == key and band.text:
            return band.text + ("（%）" if band.of is None else "")
        if candidate.excess is not None and candidate.excess.measure == key and candidate.excess.text:
            return candidate.excess.text
        for ch in candidate.checks:
            if ch.measure == key and ch.text:
                return ch.text
    return key


#: A score or deduction as typed: digits with an optional point and up to two decimals (a sign is caught later).
PLAIN_POINTS = re.compile(r"-?[0-9]{1,4}(?:\.[0-9]{1,2})?")


def _parse_number(text: str) -> Decimal | None:
    """A plain decimal as typed (「87.5」); 1e3, NaN or 1e-400 are not numbers here (numbers.plain_decimal)."""
    try:
        return plain_decimal(text.strip().removesuffix("分"))
    except NumberProblem:
        return None


@dataclass
class ReadEntries:
    """What a person sent, read into sheet JSON: ``errors`` maps the inputs that are not what their field takes
    (a form field such as ``HBS-3.1:defect:missing_file``, or an item id) to a Chinese message."""

    entries: dict[str, dict[str, Any]]
    errors: dict[str, str] = field(default_factory=dict)
    #: the item ids in the order the person gave them (errors are reported in that order)
    order: list[str] = field(default_factory=list)


def read_form(scheme: Scheme, level: str | None, form: Mapping[str, str]) -> ReadEntries:
    """The sheet form's fields as sheet JSON, in table order; fields of items that take no entry are ignored."""
    entries: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}

    def text(name: str) -> str:
        return (form.get(name) or "").strip()

    items = form_items(scheme, level)
    for item in items:
        raw: dict[str, Any] = {}
        for what in ("awarded", "deduction"):
            name = field_name(item.id, what)
            value = text(name)
            if not value:
                continue
            # a score is written as a plain decimal: 1e-400 or NaN is not a score (issue 7 point 6)
            number = _parse_number(value) if PLAIN_POINTS.fullmatch(value.removesuffix("分")) else None
            if number is None:
                errors[name] = "请填写数字"
            else:
                raw[what] = fmt_points(number)  # a sign is refused by the check, as in JSON
        defects: dict[str, int] = {}
        for d in item.deductions:
            name = field_name(item.id, "defect", d.defect)
            value = text(name)
            if not value or value == "0":
                continue
            if not value.isdigit():
                errors[name] = "请填写不小于0的整数"
            else:
                defects[d.defect] = int(value)
        if defects:
            raw["defects"] = defects
        measures: dict[str, str] = {}
        for key in own_measure_keys(scheme, item):
            name = field_name(item.id, "measure", key)
            value = text(name)
            if not value:
                continue
            number = _parse_number(value.removesuffix("%"))
            if number is None:
                errors[name] = "请填写数字"
            else:
                measures[key] = fmt_points(number)
        if measures:
            raw["measures"] = measures
        flags = [
            c.flag for c in item.zero_when + item.veto_when if form.get(field_name(item.id, "flag", c.flag))
        ]
        if flags:
            raw["flags"] = flags
        if item.kind == "claims":
            claims = [
                line.strip() for line in text(field_name(item.id, "claims")).splitlines() if line.strip()
            ]
            if claims:
                raw["claims"] = claims
        for what in ("reason", "note"):
            value = text(field_name(item.id, what))
            if value:
                raw[what] = value[:TEXT_MAX]
        if raw:
            entries[item.id] = raw
    return ReadEntries(entries, errors, [item.id for item in items])


def read_json(
    scheme: Scheme, level: str | None, data: Mapping[str, Any], *, level_label: str = ""
) -> ReadEntries:
    """Sheet JSON entries as a client sent them (docs/schemes.md): each item known to the scheme and taking an
    entry at ``level``, each value of the type its key takes (`parse_sheet`, the engine's own reading)."""
    takes = {item.id for item in form_items(scheme, level)}
    known = {item.id: item for item in scheme.items()}
    entries: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for item_id, raw in data.items():
        item = known.get(item_id)
        if item is None:
            errors[item_id] = f"评分表{scheme.id} {scheme.version}中没有考核项目{item_id}"
            continue
        if item_id not in takes:
            errors[item_id] = f"考核项目{item_id}" + (
                "由各分项评分，请填写分项" if item.parts else f"不适用于{level_label or '本级别'}"
            )
            continue
        try:
            entry = parse_sheet({item_id: raw}, scheme)[item_id]
        except SheetError as exc:
            errors[item_id] = exc.message  # the engine's words: the item as the table shows it, then what
            continue
        stored = from_item_entry(entry)
        for what in ("reason", "note"):
            if what in stored:
                stored[what] = stored[what][:TEXT_MAX]
        if stored:
            entries[item_id] = stored
    return ReadEntries(entries, errors, [str(item_id) for item_id in data])


def entries_to_form(
    scheme: Scheme, level: str | None, entries: Mapping[str, Mapping[str, Any]]
) -> dict[str, str]:
    """The form fields that represent ``entries`` (what the sheet page shows in its inputs)."""
    form: dict[str, str] = {}
    for item in form_items(scheme, level):
        raw = entries.get(item.id) or {}
        for what in ("awarded", "deduction", "reason", "note"):
            if raw.get(what) not in (None, ""):
                form[field_name(item.id, what)] = str(raw[what])
        for key, count in (raw.get("defects") or {}).items():
            form[field_name(item.id, "defect", key)] = str(count)
        for key, value in (raw.get("measures") or {}).items():
            form[field_name(item.id, "measure", key)] = str(value)
        for flag in raw.get("flags") or ():
            form[field_name(item.id, "flag", flag)] = "1"
        if raw.get("claims"):
            form[field_name(item.id, "claims")] = "\n".join(str(c) for c in raw["claims"])
    return form


def names_of(item: Item, scheme: Scheme) -> list[str]:
    """The form fields of one item, in the order its faults are reported."""
    names = [field_name(item.id, w) for w in ("awarded", "deduction")]
    names += [field_name(item.id, "defect", d.defect) for d in item.deductions]
    names += [field_name(item.id, "measure", k) for k in own_measure_keys(scheme, item)]
    names += [field_name(item.id, w) for w in ("reason", "note", "claims")]
    return names
