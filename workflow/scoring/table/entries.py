"""Sheet input: what a self-checker or reviewer records per item (`ItemEntry`), and `parse_sheet`, which reads
plain sheet data (JSON, a form) into entries, refusing what no rule can read with a `SheetError` naming the item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from workflow.scoring.errors import SheetError
from workflow.scoring.numbers import NumberProblem, plain_decimal
from workflow.scoring.scheme import Item, Scheme


@dataclass(frozen=True)
class BonusClaim:
    """One achievement claimed for a bonus item; `content` identifies it across items (ORG-6.3)."""

    content: str
    note: str = ""


@dataclass(frozen=True)
class ItemEntry:
    """What a self-checker or reviewer records for one item. Only the fields the item's rule uses are read."""

    defects: Mapping[str, int] = field(default_factory=dict)  #: defect kind → count (per="once": 0 or 1)
    measures: Mapping[str, Decimal] = field(default_factory=dict)  #: measured values (rates in percent)
    deduction: Decimal | None = None  #: discretionary deduction (酌情扣分), needs `reason`
    awarded: Decimal | None = None  #: points given (award items), or the item score entered directly
    reason: str = ""
    flags: frozenset[str] = frozenset()  #: conditions that hold (star / veto items)
    claims: tuple[BonusClaim, ...] = ()
    note: str = ""  #: evidence note (材料、核查情况)


_ENTRY_KEYS = {"defects", "measures", "deduction", "awarded", "reason", "flags", "claims", "note"}
_SHEET_KEYS = {"scheme", "version", "level", "unit", "note", "items"}


def where_of(scheme: Scheme, item_id: str) -> dict[str, Any]:
    """Error context for an item: its id (for the API) and its label as the table shows it."""
    return {"item": item_id, "label": scheme.label(item_id)}


def parse_sheet(data: Mapping[str, Any], scheme: Scheme) -> dict[str, ItemEntry]:
    """Plain sheet data (docs/schemes.md, "Sheet JSON") → entries by item id; `SheetError` names the item.

    `data` is either the full sheet `{"scheme", "level", "items": {...}}` or just the `items` mapping. Every
    number must be a plain decimal (`numbers.plain_decimal`): 1e-400, NaN or "1e3" are refused, not rounded.
    """
    if not isinstance(data, Mapping):
        raise SheetError("sheet.not_object")
    items: Any = data
    if isinstance(data.get("items"), Mapping):
        unknown = sorted(set(data) - _SHEET_KEYS)
        if unknown:
            raise SheetError("sheet.unknown_fields", names=unknown)
        if data.get("scheme") not in (None, scheme.id):
            raise SheetError("sheet.wrong_scheme", found=str(data["scheme"]), wanted=scheme.id)
        if data.get("version") not in (None, scheme.version):
            raise SheetError("sheet.wrong_version", found=str(data["version"]), wanted=scheme.version)
        items = data["items"]
    known = {i.id for i in scheme.items()}
    entries: dict[str, ItemEntry] = {}
    for item_id, raw in items.items():
        if item_id not in known:
            raise SheetError("sheet.item_unknown", item=str(item_id), item_ref=str(item_id))
        where = where_of(scheme, item_id)
        if not isinstance(raw, Mapping):
            raise SheetError("sheet.entry_not_object", **where)
        unknown = sorted(set(raw) - _ENTRY_KEYS)
        if unknown:
            raise SheetError("sheet.unknown_fields", names=unknown, **where)
        item = scheme.item(item_id)
        entries[item_id] = ItemEntry(
            defects=_defects(raw.get("defects", {}), item, where),
            measures={
                str(k): _number(v, scheme.measure_label(item, str(k)), where, f"measures.{k}")
                for k, v in _mapping(raw, "measures", where).items()
            },
            deduction=None
            if raw.get("deduction") is None
            else _number(raw["deduction"], "酌情扣分", where, "deduction"),
            awarded=None if raw.get("awarded") is None else _number(raw["awarded"], "评分", where, "awarded"),
            reason=_text(raw.get("reason", ""), "reason", where),
            flags=_flags(raw.get("flags", []), where),
            claims=_claims(raw.get("claims", []), where),
            note=_text(raw.get("note", ""), "note", where),
        )
    return entries


def _number(value: Any, what: str, where: Mapping[str, Any], field_path: str) -> Decimal:
    try:
        return plain_decimal(value)
    except NumberProblem as exc:
        raise SheetError(exc.code, what=what, value=str(value), field=field_path, **where) from None


def _text(value: Any, key: str, where: Mapping[str, Any]) -> str:
    if not isinstance(value, str):
        raise SheetError("sheet.not_text", field=key, **where)
    return value.strip()


def _mapping(raw: Mapping[str, Any], key: str, where: Mapping[str, Any]) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise SheetError("sheet.not_mapping", field=key, **where)
    return value


def _defects(value: Any, item: Item, where: Mapping[str, Any]) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise SheetError("sheet.not_mapping", field="defects", **where)
    texts = {d.defect: d.text for d in item.deductions}
    out = {}
    for key, count in value.items():
        if isinstance(count, bool):
            count = int(count)
        if not isinstance(count, int) or count < 0:
            raise SheetError(
                "sheet.defect_count",
                defect=texts.get(str(key), str(key)),
                value=str(count),
                field=f"defects.{key}",
                **where,
            )
        out[str(key)] = count
    return out


def _flags(value: Any, where: Mapping[str, Any]) -> frozenset[str]:
    if isinstance(value, Mapping):
        if not all(isinstance(v, bool) for v in value.values()):
            raise SheetError("sheet.flags_invalid", field="flags", **where)
        return frozenset(str(k) for k, v in value.items() if v)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise SheetError("sheet.flags_invalid", field="flags", **where)


def _claims(value: Any, where: Mapping[str, Any]) -> tuple[BonusClaim, ...]:
    if not isinstance(value, list | tuple):
        raise SheetError("sheet.claims_not_list", field="claims", **where)
    out = []
    for n, claim in enumerate(value, 1):
        if isinstance(claim, str):
            out.append(BonusClaim(content=claim.strip()))
        elif isinstance(claim, Mapping) and isinstance(claim.get("content"), str):
            out.append(
                BonusClaim(content=claim["content"].strip(), note=_text(claim.get("note", ""), "note", where))
            )
        else:
            raise SheetError("sheet.claim_no_content", n=n, field="claims", **where)
        if not out[-1].content:
            raise SheetError("sheet.claim_empty", n=n, field="claims", **where)
    return tuple(out)
