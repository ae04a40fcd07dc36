"""A scheme back to plain data (for the TOML and xlsx exports): `parse_scheme(scheme_to_data(s), src) == s`."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any

from workflow.scoring.scheme.model import (
    DEFAULT_PRECISION,
    BonusGroup,
    Check,
    Condition,
    Deduction,
    Excess,
    Item,
    MeasureCondition,
    RatioBand,
    Scheme,
    Section,
    Shortfall,
)


def scheme_to_data(scheme: Scheme) -> dict[str, Any]:
    """A plain mapping that `parse_scheme` turns back into an equal scheme (defaults left out)."""
    data: dict[str, Any] = {
        "id": scheme.id,
        "version": scheme.version,
        "name": scheme.name,
        "max": scheme.max,
    }
    if scheme.source_note:
        data["source_note"] = scheme.source_note
    if scheme.sample:
        data["sample"] = True
    if scheme.partial:
        data["partial"] = True
    if scheme.frame:
        data["frame"] = True
    if scheme.precision != DEFAULT_PRECISION:
        data["precision"] = scheme.precision
    if scheme.levels:
        data["levels"] = list(scheme.levels)
    if scheme.level_names:
        data["level_names"] = dict(scheme.level_names)
    if scheme.pass_lines:
        data["pass_lines"] = dict(scheme.pass_lines)
    if scheme.pass_line is not None:
        data["pass_line"] = scheme.pass_line
    if scheme.section_min_ratio:
        data["section_min_ratio"] = dict(scheme.section_min_ratio)
    if scheme.grade_bands:
        data["grade_bands"] = [{"grade": b.grade, "min": b.min} for b in scheme.grade_bands]
    if scheme.veto_grade is not None:
        data["veto_grade"] = scheme.veto_grade
    if scheme.rank_quotas:
        data["rank_quotas"] = [{"grade": q.grade, "min": q.min, "max": q.max} for q in scheme.rank_quotas]
    if scheme.rank_rest_grade is not None:
        data["rank_rest_grade"] = scheme.rank_rest_grade
    bonus: dict[str, Any] = {}
    if scheme.bonus.cap is not None:
        bonus["cap"] = scheme.bonus.cap
    if scheme.bonus.cap_items:
        bonus["cap_items"] = list(scheme.bonus.cap_items)
    if scheme.bonus.rule_id:
        bonus["rule_id"] = scheme.bonus.rule_id
    if scheme.bonus.groups:
        bonus["groups"] = [
            _drop_defaults(g, BonusGroup) | {"items": list(g.items)} for g in scheme.bonus.groups
        ]
    if bonus:
        data["bonus"] = bonus
    if scheme.flat:
        data["items"] = [_item_data(i) for i in scheme.sections[0].items]
    else:
        data["sections"] = [_section_data(s) for s in scheme.sections]
    return data


def _section_data(section: Section) -> dict[str, Any]:
    out: dict[str, Any] = {"id": section.id, "name": section.name, "max": section.max}
    if section.no:
        out["no"] = section.no
    if section.levels:
        out["levels"] = list(section.levels)
    if section.min_points:
        out["min_points"] = dict(section.min_points)
    out["items"] = [_item_data(i) for i in section.items]
    return out


def _drop_defaults(obj: Any, cls: type) -> dict[str, Any]:
    names = [f.name for f in fields(cls)]
    default = {f: getattr(cls, f) for f in names if hasattr(cls, f)}
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(obj, name)
        if name in default and value == default[name]:
            continue
        out[name] = list(value) if isinstance(value, tuple) else value
    return out


_ITEM_SIMPLE = (
    "criterion", "no", "note", "levels", "bonus", "floor", "discretionary", "min", "zero_allowed",
    "reason_required", "points", "measures", "measures_from",
)  # fmt: skip


def _item_data(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "name": item.name, "max": item.max, "rule": item.kind}
    defaults = Item(id="", name="", max=Decimal(0), kind="")
    for name in _ITEM_SIMPLE:
        value = getattr(item, name)
        if value != getattr(defaults, name):
            out[name] = list(value) if isinstance(value, tuple) else value
    for name, cls in (
        ("deductions", Deduction),
        ("conditions", MeasureCondition),
        ("shortfalls", Shortfall),
        ("zero_when", Condition),
        ("veto_when", Condition),
        ("checks", Check),
    ):
        values = getattr(item, name)
        if values:
            out[name] = [_drop_defaults(v, cls) | _required(v, cls) for v in values]
    if item.ratio is not None:
        out["ratio"] = _drop_defaults(item.ratio, RatioBand) | {"measure": item.ratio.measure}
    if item.excess is not None:
        out["excess"] = _drop_defaults(item.excess, Excess) | {"measure": item.excess.measure}
    if item.parts:
        out["parts"] = [_item_data(p) for p in item.parts]
    return out


def _required(obj: Any, cls: type) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(cls) if not hasattr(cls, f.name)}
