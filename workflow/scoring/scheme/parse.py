"""`parse_scheme`: plain data (a parsed TOML document, or what the xlsx import built) → a checked `Scheme`.

Fields are declared once (`_FIELDS`-style mappings below) and read with the shared validator
(`workflow.validation`); `_scheme_error` is the one place its problems become `SchemeError`s. Every error names
the source file and the item or field: the admin who imported a table must be able to find the line to fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from workflow import validation as v
from workflow.scoring.errors import SchemeError
from workflow.scoring.messages import FIELD_NAMES, WITHIN
from workflow.scoring.numbers import NumberProblem
from workflow.scoring.numbers import to_decimal as _to_decimal
from workflow.scoring.scheme.checks import check_item, check_scheme
from workflow.scoring.scheme.model import (
    DEFAULT_PRECISION,
    RULE_KINDS,
    Bonus,
    BonusGroup,
    Check,
    Condition,
    Deduction,
    Excess,
    GradeBand,
    Item,
    MeasureCondition,
    RankQuota,
    RatioBand,
    Scheme,
    Section,
    Shortfall,
    item_label,
    regular_max,
    section_label,
)


def _number(value: Any) -> Decimal:
    try:
        return _to_decimal(value)
    except NumberProblem as exc:
        raise v.Invalid(v.BAD_VALUE, code=exc.code, value=str(value)) from None


#: The field kinds a scheme file uses. Text may be written as a number (序号 1); numbers as numeric text.
TEXT = v.Field((str, int), convert=str)
# `bool` is listed so that `true` reaches the number reader and is refused as "not a number", as people expect.
NUMBER = v.Field((object, bool), convert=_number)
FLAG = v.flag()
COUNT = v.integer(min=0, default=None)
LIST = v.array(convert=list)
TEXTS = v.array(each=v.Field((str,)))
NUMBERS = v.table(each=NUMBER, default={})


def _opt(spec: v.Field, default: Any = None) -> v.Field:
    return spec.optional(default)


#: What each sub-rule of an item is made of (keys are the dataclasses' own field names).
_DEDUCTION = {
    "per": v.Field((str, int), convert=str, default="each", choices=("each", "once")),
    "defect": TEXT,
    "text": TEXT,
    "points": NUMBER,
    "unit": _opt(TEXT, "项"),
    "max_count": COUNT,
}
_MEASURE_CONDITION = {"measure": TEXT, "at_least": NUMBER, "text": _opt(TEXT, ""), "unit": _opt(TEXT, "")}
_SHORTFALL = {
    "measure": TEXT,
    "threshold": _opt(NUMBER),
    "threshold_measure": _opt(TEXT),
    "points": _opt(NUMBER, Decimal(1)),
    "per": _opt(NUMBER, Decimal(1)),
    "whole_units": _opt(FLAG, False),
    "text": _opt(TEXT, ""),
    "unit": _opt(TEXT, ""),
}
_RATIO = {
    "measure": TEXT,
    "of": _opt(TEXT),
    "zero_below": _opt(NUMBER, Decimal(0)),
    "full_at": _opt(NUMBER, Decimal(100)),
    "text": _opt(TEXT, ""),
}
_EXCESS = {
    "measure": TEXT,
    "threshold": _opt(NUMBER),
    "threshold_measure": _opt(TEXT),
    "points": _opt(NUMBER, Decimal(1)),
    "per": _opt(NUMBER, Decimal(1)),
    "text": _opt(TEXT, ""),
    "unit": _opt(TEXT, ""),
}
_CHECK = {
    "measure": TEXT,
    "at_least": _opt(NUMBER),
    "at_least_measure": _opt(TEXT),
    "times": _opt(NUMBER, Decimal(1)),
    "text": _opt(TEXT, ""),
}
_CONDITION = {"flag": TEXT, "text": TEXT, "enabled": _opt(FLAG, True)}
#: Only a zero_when fact can also veto; on veto_when the key is unknown (and reported).
_ZERO_WHEN = _CONDITION | {"veto": _opt(FLAG, False)}
_BONUS_GROUP = {"id": TEXT, "items": _opt(TEXTS, ()), "text": _opt(TEXT, "")}
_GRADE_BAND = {"grade": TEXT, "min": NUMBER}
#: An item's plain fields, after its id, number, name, rule and sub-rules.
_ITEM = {
    "max": NUMBER,
    "criterion": _opt(TEXT, ""),
    "note": _opt(TEXT, ""),
    "levels": _opt(TEXTS, ()),
    "bonus": _opt(FLAG, False),
    "floor": _opt(FLAG, False),
    "discretionary": _opt(NUMBER),
    "min": _opt(NUMBER, Decimal(0)),
    "zero_allowed": _opt(FLAG, True),
    "reason_required": _opt(FLAG, True),
    "points": _opt(NUMBER),
}

#: Validator choices refused with a code of their own.
_CHOICE_CODES = {"per": "scheme.per_invalid"}


def _scheme_error(invalid: v.Invalid) -> SchemeError:
    """The one translation of a validator problem into the scheme's own `scheme.*` / `number.*` codes."""
    where = invalid.context
    key = invalid.key
    problem, params = invalid.problem, invalid.params
    if problem == v.MISSING:
        return SchemeError("scheme.field_missing", **where, field=key)
    if problem == v.NOT_TABLE:
        within = where.get("within")
        what = WITHIN[within[0]].format(n=within[1]) if within else "评分表"
        return SchemeError("scheme.not_table", **where, what=what)
    if problem == v.WRONG_TYPE:
        expected = params["expected"]
        if Mapping in expected:
            return SchemeError("scheme.not_table", **where, what=FIELD_NAMES.get(str(key), key))
        if invalid.element is not None:
            return SchemeError("scheme.field_not_text_list", **where, field=key)
        code = {
            TEXT.types: "scheme.field_not_text",
            FLAG.types: "scheme.field_not_bool",
            COUNT.types: "scheme.field_not_count",
        }.get(expected, "scheme.field_not_list")
        return SchemeError(code, **where, field=key)
    if problem == v.TOO_SMALL:  # counts are the only fields with a minimum
        return SchemeError("scheme.field_not_count", **where, field=key)
    if problem == v.NOT_CHOICE:
        return SchemeError(_CHOICE_CODES[str(key)], **where)
    if problem == v.BAD_VALUE:
        return SchemeError(
            params["code"], **where, what=FIELD_NAMES.get(str(key), key), value=params["value"]
        )
    if problem == v.UNKNOWN_KEYS:
        return SchemeError("scheme.unknown_fields", **where, names=params["names"])
    return SchemeError(problem, **where, **params)  # the parser's own rules: codes already scheme.*


def _sub(r: v.Reader, data: Any, kind: str, n: int = 0) -> v.Reader:
    """A reader for a sub-rule (the n-th deduction, the ratio band…): errors say 「第n条扣分标准」."""
    return r.child(data, kind, n, context=r.context | {"within": (kind, n)})


def _read_all(r: v.Reader, key: str, fields: Mapping[str, v.Field], cls: type) -> list[Any]:
    """Every table in the list `key`, each read with `fields` into a `cls`."""
    return [cls(**values) for values in _values(r, key, fields)]


def parse_scheme(data: Mapping[str, Any], source: str) -> Scheme:
    """Validate `data` (a parsed TOML document) into a `Scheme`; `source` (the file name) names it in errors."""
    top = v.Reader(data, error=_scheme_error, context={"source": source})
    levels = top.get("levels", _opt(TEXTS, ()))
    if len(set(levels)) != len(levels):
        raise top.fail("scheme.levels_not_unique")
    seen_ids: set[str] = set()
    seen_sections: set[str] = set()
    # A frame (SAF: the score sheet is an annex the source lacks) names its sections without items or points.
    frame = top.get("frame", _opt(FLAG, False))
    flat = top.has("items")
    if flat and (top.has("sections") or frame):
        raise top.fail("scheme.sections_and_items")
    if flat:
        # A table without sections (一张不分部分的表): its items form one unnamed section.
        items = tuple(
            _parse_item(_sub(top, raw, "items", n), "", seen_ids)
            for n, raw in enumerate(top.get("items", LIST), 1)
        )
        if not items:
            raise top.fail("scheme.no_sections")
        sections: tuple[Section, ...] = (Section(id="", name="", max=regular_max(items, None), items=items),)
        _check_levels(sections[0], levels, top.context)
    else:
        sections = tuple(
            _parse_section(_sub(top, raw, "sections", n), levels, seen_sections, seen_ids, frame)
            for n, raw in enumerate(top.get("sections", _opt(LIST, [])), 1)
        )
    if not sections:
        raise top.fail("scheme.no_sections")
    bonus = _parse_bonus(top)
    pass_lines = top.get("pass_lines", NUMBERS)
    ratios = top.get("section_min_ratio", NUMBERS)
    level_names = {str(k): str(name) for k, name in top.get("level_names", _opt(v.table(), {})).items()}
    grade_bands = [GradeBand(**values) for values in _values(top, "grade_bands", _GRADE_BAND)]
    grade_bands.sort(key=lambda b: b.min, reverse=True)
    quotas = []
    for n, raw in enumerate(top.get("rank_quotas", _opt(LIST, [])), 1):
        r = _sub(top, raw, "rank_quotas", n)
        lo, hi = r.get("min", COUNT), r.get("max", COUNT)
        if lo is None or hi is None or lo > hi:
            raise r.fail("scheme.rank_quota_range")
        quotas.append(RankQuota(grade=r.get("grade", TEXT), min=lo, max=hi))
        r.done()
    scheme = Scheme(
        **top.read(
            {
                "id": TEXT,
                "version": TEXT,
                "name": TEXT,
                "max": NUMBER,
                "source_note": _opt(TEXT, ""),
                "sample": _opt(FLAG, False),
                "partial": _opt(FLAG, False),
                "pass_line": _opt(NUMBER),
                "veto_grade": _opt(TEXT),
                "rank_rest_grade": _opt(TEXT),
                "precision": _opt(NUMBER, DEFAULT_PRECISION),
            }
        ),
        sections=sections,
        levels=levels,
        level_names=level_names,
        bonus=bonus,
        pass_lines=pass_lines,
        section_min_ratio=ratios,
        grade_bands=tuple(grade_bands),
        rank_quotas=tuple(quotas),
        flat=flat,
        frame=frame,
    )
    top.done()
    if not frame:  # a frame has no points to add up
        check_scheme(scheme, source)
    return scheme


def _values(r: v.Reader, key: str, fields: Mapping[str, v.Field]) -> list[dict[str, Any]]:
    out = []
    for n, raw in enumerate(r.get(key, _opt(LIST, [])), 1):
        sub = _sub(r, raw, key, n)
        out.append(sub.read(fields))
        sub.done()
    return out


def _parse_section(
    r: v.Reader, levels: Sequence[str], seen_sections: set[str], seen: set[str], frame: bool = False
) -> Section:
    sid = r.get("id", TEXT)
    no, name = r.get("no", _opt(TEXT, "")), r.get("name", TEXT)
    r.context = {"source": r.context["source"], "section": sid, "section_label": section_label(no, name)}
    if sid in seen_sections:
        raise r.fail("scheme.duplicate_section")
    seen_sections.add(sid)
    if frame and r.has("items"):
        raise r.fail("scheme.frame_items")
    items = []
    for k, raw in enumerate(r.get("items", _opt(LIST, [])), 1):
        item_reader = _sub(r, raw, "items", k)
        item_reader.context["within"] = None
        items.append(_parse_item(item_reader, no, seen))
    section = Section(
        id=sid,
        name=name,
        # a frame's section has no points of its own (0 = not given), never invented ones
        max=Decimal(0) if frame else r.get("max", NUMBER),
        items=tuple(items),
        no=no,
        levels=r.get("levels", _opt(TEXTS, ())),
        min_points=r.get("min_points", NUMBERS),
    )
    r.done()
    if not items and not frame:
        raise r.fail("scheme.section_no_items")
    for lv in section.levels + tuple(section.min_points):
        if lv not in levels:
            raise r.fail("scheme.unknown_level", level=lv, levels=list(levels) or ["无"])
    _check_levels(section, levels, r.context)
    return section


def _check_levels(section: Section, levels: Sequence[str], ctx: Mapping[str, Any]) -> None:
    for item in section.items:
        for lv in item.levels:
            if lv not in levels:
                raise SchemeError(
                    "scheme.unknown_level",
                    **(dict(ctx) | {"item": item.id, "label": item_label(item.no, item.name, section.no)}),
                    level=lv,
                    levels=list(levels) or ["无"],
                )


def _parse_item(
    r: v.Reader,
    section_no: str,
    seen: set[str],
    parent: tuple[str, str] | None = None,
    index: int = 0,
) -> Item:
    """One item; `r`'s context says where it sits (its section, or its parent item for a part)."""
    outer = dict(r.context)
    iid = r.get("id", TEXT)
    r.context = outer | {"item": iid, "label": iid, "within": None}
    no, name = r.get("no", _opt(TEXT, "")), r.get("name", TEXT)
    parent_no = parent[1] if parent else ""
    r.context = outer | {
        "item": iid,
        "label": item_label(no or (f"（{index}）" if parent else ""), name, section_no, parent_no),
        "within": None,
    }
    if iid in seen:
        raise r.fail("scheme.duplicate_item")
    seen.add(iid)
    kind = r.get("rule", _opt(TEXT, "composite" if r.has("parts") else "deduction"))
    if kind not in RULE_KINDS:
        raise r.fail("scheme.unknown_rule", rule=kind, rules=list(RULE_KINDS))

    deductions = _read_all(r, "deductions", _DEDUCTION, Deduction)
    conditions = _read_all(r, "conditions", _MEASURE_CONDITION, MeasureCondition)
    shortfalls = _read_all(r, "shortfalls", _SHORTFALL, Shortfall)
    ratio = _read_one(r, "ratio", _RATIO, RatioBand)
    excess = _read_one(r, "excess", _EXCESS, Excess)
    checks = _read_all(r, "checks", _CHECK, Check)
    parts = []
    if r.has("parts"):
        if parent is not None:
            raise r.fail("scheme.nested_parts")
        for n, raw in enumerate(r.get("parts", LIST), 1):
            parts.append(_parse_item(_sub(r, raw, "parts", n), section_no, seen, parent=(iid, no), index=n))
    measures = {str(k): str(label) for k, label in r.get("measures", _opt(v.table(), {})).items()}
    item = Item(
        id=iid,
        name=name,
        kind=kind,
        no=no,
        **r.read(_ITEM),
        deductions=tuple(deductions),
        conditions=tuple(conditions),
        shortfalls=tuple(shortfalls),
        ratio=ratio,
        excess=excess,
        measures=measures,
        measures_from=r.get("measures_from", _opt(TEXT)),
        zero_when=tuple(_read_all(r, "zero_when", _ZERO_WHEN, Condition)),
        veto_when=tuple(_read_all(r, "veto_when", _CONDITION, Condition)),
        checks=tuple(checks),
        parts=tuple(parts),
    )
    r.done()
    check_item(item, r.fail)
    return item


def _read_one(r: v.Reader, key: str, fields: Mapping[str, v.Field], cls: type) -> Any:
    if not r.has(key):
        return None
    sub = _sub(r, r.raw(key), key)
    value = cls(**sub.read(fields))
    sub.done()
    return value


def _parse_bonus(top: v.Reader) -> Bonus:
    raw = top.get("bonus", _opt(v.table(), {}))
    r = top.child(raw, "bonus", context=top.context | {"within": ("bonus", 0)})
    groups = [BonusGroup(**values) for values in _values(r, "groups", _BONUS_GROUP)]
    bonus = Bonus(
        cap=r.get("cap", _opt(NUMBER)),
        cap_items=r.get("cap_items", _opt(TEXTS, ())),
        groups=tuple(groups),
        rule_id=r.get("rule_id", _opt(TEXT, "")),
    )
    r.done()
    if bonus.cap is not None and bonus.cap < 0:
        raise r.fail("scheme.cap_negative")
    return bonus
