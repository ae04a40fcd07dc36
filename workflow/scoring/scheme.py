"""Scoring schemes (评分表) as frozen data, and `parse_scheme`, which validates a plain mapping into one.

A scheme is sections → items (→ parts); every item has a rule kind that says how its score is computed
from a sheet entry (see `table.py` and docs/schemes.md). Numbers are `Decimal` throughout so that pass lines
compare exactly (89.5 < 90). Errors name the source file and the item or field: the admin who imported a
table must be able to find the line to fix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from workflow.scoring.errors import SchemeError as SchemeError
from workflow.scoring.messages import FIELD_NAMES, WITHIN
from workflow.scoring.numbers import NumberProblem
from workflow.scoring.numbers import fmt_points as fmt_points
from workflow.scoring.numbers import to_decimal as _to_decimal

#: How an item's score is computed. `composite` items only add up their parts.
RULE_KINDS = (
    "deduction",  # max minus fixed per-defect / per-occurrence / discretionary deductions
    "condition",  # full points unless a zero_when condition holds (达到要求得满分，否则不得分)
    "threshold",  # full points when every measured condition is met, else 0
    "shortfall",  # points lost per unit below a threshold (floored at 0)
    "ratio_band",  # max × completion ratio inside a band, full at/above the top, 0 below the bottom
    "excess",  # points per unit above a target (bonus items), capped by max
    "award",  # points awarded by the reviewer within [min, max] (ranged / 酌情 items)
    "claims",  # fixed points per claimed achievement (bonus items), capped by max
    "veto",  # a 0-point line whose conditions fail the whole sheet (一票否决)
    "composite",  # sub-criteria: the item's score is the sum of its parts
)
BONUS_KINDS = ("award", "claims", "excess")
DEFAULT_PRECISION = Decimal("0.01")


@dataclass(frozen=True)
class Condition:
    """A yes/no fact the reviewer records (a flag); `enabled=False` keeps a named switch off."""

    flag: str
    text: str
    enabled: bool = True
    veto: bool = False  #: zero_when only: the same fact also vetoes the whole sheet (一票否决)


@dataclass(frozen=True)
class Deduction:
    """A fixed deduction: `points` once (per="once") or for each defect counted (per="each")."""

    defect: str
    text: str
    points: Decimal
    per: str = "each"
    unit: str = "项"
    max_count: int | None = None


@dataclass(frozen=True)
class MeasureCondition:
    """`threshold` rule: the measured value must be at least `at_least`."""

    measure: str
    at_least: Decimal
    text: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Shortfall:
    """`shortfall` rule: lose `points` for every `per` units the measure falls below the threshold."""

    measure: str
    threshold: Decimal | None = None
    threshold_measure: str | None = None
    points: Decimal = Decimal(1)
    per: Decimal = Decimal(1)
    whole_units: bool = False
    text: str = ""
    unit: str = ""


@dataclass(frozen=True)
class RatioBand:
    """`ratio_band` rule: ratio = measure (or measure / of × 100) in percent."""

    measure: str
    of: str | None = None
    zero_below: Decimal = Decimal(0)
    full_at: Decimal = Decimal(100)
    text: str = ""


@dataclass(frozen=True)
class Excess:
    """`excess` rule: gain `points` for every `per` units the measure exceeds the target."""

    measure: str
    threshold: Decimal | None = None
    threshold_measure: str | None = None
    points: Decimal = Decimal(1)
    per: Decimal = Decimal(1)
    text: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Check:
    """A minimum the reviewer must see (LRN-3.2: 不少于5本); a miss is reported, points stay discretionary."""

    measure: str
    at_least: Decimal | None = None
    at_least_measure: str | None = None
    times: Decimal = Decimal(1)
    text: str = ""


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    max: Decimal
    kind: str
    criterion: str = ""
    no: str = ""  #: 序号 as printed in the official table
    note: str = ""  #: interpretation notes (GAP references)
    levels: tuple[str, ...] = ()  #: counts only for these levels; () = every level
    bonus: bool = False  #: extra points outside the section maximum, subject to the bonus cap
    floor: bool = False  #: 扣完为止: deductions may exceed max and the item stops at 0
    deductions: tuple[Deduction, ...] = ()
    discretionary: Decimal | None = None  #: 酌情扣分: reviewer may deduct up to this, with a reason
    conditions: tuple[MeasureCondition, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    ratio: RatioBand | None = None
    excess: Excess | None = None
    min: Decimal = Decimal(0)  #: award: lowest points for work done (1–3分 → 1)
    zero_allowed: bool = True  #: award: 0 allowed when the work was not done at all
    reason_required: bool = True  #: award / direct score below max needs a reason
    points: Decimal | None = None  #: claims: points per claim
    measures: dict[str, str] = field(default_factory=dict)  #: measure key → label for forms
    measures_from: str | None = None  #: read measured values from this item's entry
    zero_when: tuple[Condition, ...] = ()  #: star items: the item scores 0 when a flag holds
    veto_when: tuple[Condition, ...] = ()  #: the whole sheet fails when a flag holds
    checks: tuple[Check, ...] = ()
    parts: tuple[Item, ...] = ()

    def applies_to(self, level: str | None) -> bool:
        return not self.levels or level in self.levels

    def measure_keys(self) -> tuple[str, ...]:
        """Every measured value the rules of this item read, in a stable order."""
        keys: list[str] = []
        for c in self.conditions:
            keys.append(c.measure)
        for s in self.shortfalls:
            keys += [s.measure] + ([s.threshold_measure] if s.threshold_measure else [])
        if self.ratio:
            keys += [self.ratio.measure] + ([self.ratio.of] if self.ratio.of else [])
        if self.excess:
            keys += [self.excess.measure] + (
                [self.excess.threshold_measure] if self.excess.threshold_measure else []
            )
        for ch in self.checks:
            keys += [ch.measure] + ([ch.at_least_measure] if ch.at_least_measure else [])
        keys += list(self.measures)
        return tuple(dict.fromkeys(keys))

    def rule_measures(self) -> set[str]:
        """The measured values the item's scoring rule needs (checks and labels excluded)."""
        keys: set[str] = {c.measure for c in self.conditions}
        for s in self.shortfalls:
            keys |= {s.measure} | ({s.threshold_measure} if s.threshold_measure else set())
        for band in (self.ratio,):
            if band is not None:
                keys |= {band.measure} | ({band.of} if band.of else set())
        if self.excess is not None:
            keys |= {self.excess.measure}
            keys |= {self.excess.threshold_measure} if self.excess.threshold_measure else set()
        return keys

    def flags(self) -> tuple[str, ...]:
        return tuple(c.flag for c in self.zero_when + self.veto_when)

    def vetoes(self) -> bool:
        """Whether a fact recorded on this item can veto the sheet (veto_when, or zero_when with veto)."""
        return bool(self.veto_when) or any(c.veto for c in self.zero_when)

    def condition_text(self, flag: str) -> str:
        """The words of the condition a flag stands for (for forms and messages)."""
        return next((c.text for c in self.zero_when + self.veto_when if c.flag == flag), flag)


@dataclass(frozen=True)
class Section:
    id: str
    name: str
    max: Decimal
    items: tuple[Item, ...]
    no: str = ""
    levels: tuple[str, ...] = ()
    min_points: dict[str, Decimal] = field(default_factory=dict)  #: level → minimum section score

    def applies_to(self, level: str | None) -> bool:
        return not self.levels or level in self.levels


@dataclass(frozen=True)
class BonusGroup:
    """Claims of the same content within these items count once, at the highest item (ORG-6.3)."""

    id: str
    items: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True)
class Bonus:
    cap: Decimal | None = None
    cap_items: tuple[str, ...] = ()  #: bonus items under the cap; () = every bonus item
    groups: tuple[BonusGroup, ...] = ()
    rule_id: str = ""  #: rule cited in the cap reason, e.g. ORG-6.2

    def caps(self, item_id: str) -> bool:
        return self.cap is not None and (not self.cap_items or item_id in self.cap_items)


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min: Decimal


@dataclass(frozen=True)
class RankQuota:
    grade: str
    min: int
    max: int


@dataclass(frozen=True)
class Scheme:
    id: str
    version: str
    name: str
    max: Decimal
    sections: tuple[Section, ...]
    source_note: str = ""
    sample: bool = False  #: a stand-in table, to be replaced by the official one
    partial: bool = False  #: the source is truncated; only the visible part is encoded
    levels: tuple[str, ...] = ()
    level_names: dict[str, str] = field(default_factory=dict)
    bonus: Bonus = Bonus()
    pass_lines: dict[str, Decimal] = field(default_factory=dict)  #: level → line; reached when total ≥ line
    section_min_ratio: dict[str, Decimal] = field(default_factory=dict)  #: level → share of each section
    grade_bands: tuple[GradeBand, ...] = ()  #: highest first
    veto_grade: str | None = None
    rank_quotas: tuple[RankQuota, ...] = ()  #: best grade first
    rank_rest_grade: str | None = None
    precision: Decimal = DEFAULT_PRECISION
    pass_line: Decimal | None = None  #: a table without levels: passed when total ≥ line
    flat: bool = False  #: a table without sections: its items sit in one unnamed section (id "")

    def items(self) -> Iterator[Item]:
        """Every item, parts included, in table order."""
        for section in self.sections:
            for item in section.items:
                yield item
                yield from item.parts

    def item(self, item_id: str) -> Item:
        for item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def label(self, item_id: str) -> str:
        """An item as the table shows it (「二、1 档案库房」); an unknown id is returned as it is."""
        for section in self.sections:
            for item in section.items:
                if item.id == item_id:
                    return item_label(item.no, item.name, section.no)
                for k, part in enumerate(item.parts, 1):
                    if part.id == item_id:
                        return item_label(part.no or f"（{k}）", part.name, section.no, item.no)
        return item_id

    def section_of(self, item_id: str) -> Section | None:
        for section in self.sections:
            for item in section.items:
                if item.id == item_id or any(p.id == item_id for p in item.parts):
                    return section
        return None

    def measure_label(self, item: Item, key: str) -> str:
        """What a measured value is called on the table (its condition text), else its key."""
        for candidate in [item, *(o for o in self.items() if o.measures_from == item.id)]:
            if key in candidate.measures:
                return candidate.measures[key]
            texts = [c.text for c in candidate.conditions if c.measure == key]
            texts += [s.text for s in candidate.shortfalls if s.measure == key]
            if candidate.ratio is not None and candidate.ratio.measure == key:
                texts.append(candidate.ratio.text)
            if candidate.excess is not None and candidate.excess.measure == key:
                texts.append(candidate.excess.text)
            texts += [c.text for c in candidate.checks if c.measure == key]
            found = next((t for t in texts if t), None)
            if found:
                return found
        return key

    def leaf_items(self) -> Iterator[Item]:
        """Items that take a sheet entry of their own (composites are represented by their parts)."""
        for item in self.items():
            if not item.parts:
                yield item

    def has_level_items(self) -> bool:
        return any(s.levels for s in self.sections) or any(i.levels for i in self.items())

    def max_for(self, level: str | None) -> Decimal:
        return sum(
            (_section_max(s, level) for s in self.sections if s.applies_to(level)),
            Decimal(0),
        )

    def bonus_max(self, level: str | None = None) -> Decimal:
        """Most bonus a sheet can add: capped items up to the cap, plus the uncapped items' maxima."""
        capped, free = Decimal(0), Decimal(0)
        for section in self.sections:
            if not section.applies_to(level):
                continue
            for item in section.items:
                if item.bonus and item.applies_to(level):
                    if self.bonus.caps(item.id):
                        capped += item.max
                    else:
                        free += item.max
        if self.bonus.cap is not None:
            capped = min(capped, self.bonus.cap)
        return capped + free


def _section_max(section: Section, level: str | None) -> Decimal:
    return sum(
        (i.max for i in section.items if not i.bonus and i.applies_to(level)),
        Decimal(0),
    )


# --------------------------------------------------------------------------------------------------------
# Parsing


class _Reader:
    """Reads one mapping, remembering which keys were used so unknown keys can be reported.

    ``ctx`` says where the mapping sits (file, section, item, sub-rule); every refusal carries it.
    """

    def __init__(self, data: Any, ctx: Mapping[str, Any], what: str = "") -> None:
        self.ctx: dict[str, Any] = dict(ctx)
        if not isinstance(data, Mapping):
            raise SchemeError("scheme.not_table", what=what or "此处", **self.ctx)
        self.data = data
        self.used: set[str] = set()

    def fail(self, code: str, **params: Any) -> SchemeError:
        return SchemeError(code, **self.ctx, **params)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        return self.data.get(key, default)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw(key)
        if value is None:
            if default is None:
                raise self.fail("scheme.field_missing", field=key)
            return default
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail("scheme.field_not_text", field=key)
        return str(value)

    def opt_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else self.raw(key)

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise self.fail("scheme.field_not_bool", field=key)
        return value

    def number(self, key: str, default: Decimal | int | None = None) -> Decimal:
        value = self.raw(key)
        if value is None:
            if default is None:
                raise self.fail("scheme.field_missing", field=key)
            return Decimal(default)
        return self.to_number(value, FIELD_NAMES.get(key, key))

    def to_number(self, value: Any, what: str) -> Decimal:
        try:
            return _to_decimal(value)
        except NumberProblem as exc:
            raise self.fail(exc.code, what=what, value=str(value)) from None

    def opt_number(self, key: str) -> Decimal | None:
        return self.number(key) if self.raw(key) is not None else None

    def count(self, key: str) -> int | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail("scheme.field_not_count", field=key)
        return value

    def seq(self, key: str) -> list[Any]:
        value = self.raw(key, [])
        if not isinstance(value, list | tuple):
            raise self.fail("scheme.field_not_list", field=key)
        return list(value)

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.seq(key)
        if not all(isinstance(v, str) for v in values):
            raise self.fail("scheme.field_not_text_list", field=key)
        return tuple(values)

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self.raw(key, {})
        if not isinstance(value, Mapping):
            raise self.fail("scheme.not_table", what=FIELD_NAMES.get(key, key))
        return value

    def numbers(self, key: str) -> dict[str, Decimal]:
        what = FIELD_NAMES.get(key, key)
        return {str(k): self.to_number(v, what) for k, v in self.mapping(key).items()}

    def child(self, data: Any, kind: str, n: int = 0) -> _Reader:
        return _Reader(data, self.ctx | {"within": (kind, n)}, WITHIN[kind].format(n=n))

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.fail("scheme.unknown_fields", names=unknown)


def to_decimal(value: Any, what: str = "数值") -> Decimal:
    """A number from TOML/JSON/xlsx (int, float, Decimal or numeric text) as an exact Decimal.

    Raises `SchemeError` (`number.*`) naming ``what`` in Chinese.
    """
    try:
        return _to_decimal(value)
    except NumberProblem as exc:
        raise SchemeError(exc.code, what=what, value=str(value)) from None


def item_label(item_no: str, name: str, section_no: str = "", parent_no: str = "") -> str:
    """An item as the table shows it: 「二、1 档案库房」, a part 「一、1（1）…」, or just the name."""
    number = parent_no + item_no
    if number and section_no:
        number = f"{section_no}、{number}"
    return f"{number} {name}".strip() if number else name


def section_label(section_no: str, name: str) -> str:
    return f"{section_no}、{name}" if section_no else name


def parse_scheme(data: Mapping[str, Any], source: str) -> Scheme:
    """Validate `data` (a parsed TOML document) into a `Scheme`; `source` (the file name) names it in errors."""
    top = _Reader(data, {"source": source}, "评分表")
    levels = top.texts("levels")
    if len(set(levels)) != len(levels):
        raise top.fail("scheme.levels_not_unique")
    seen_ids: set[str] = set()
    seen_sections: set[str] = set()
    flat = top.has("items")
    if flat and top.has("sections"):
        raise top.fail("scheme.sections_and_items")
    if flat:
        # A table without sections (一张不分部分的表): its items form one unnamed section.
        items = tuple(
            _parse_item(raw, top.child(raw, "items", n).ctx, "", seen_ids)
            for n, raw in enumerate(top.seq("items"), 1)
        )
        if not items:
            raise top.fail("scheme.no_sections")
        sections: tuple[Section, ...] = (
            Section(id="", name="", max=_section_max_of(items, None), items=items),
        )
        _check_levels(sections[0], levels, top.ctx)
    else:
        sections = tuple(
            _parse_section(raw, top.ctx, n, levels, seen_sections, seen_ids)
            for n, raw in enumerate(top.seq("sections"), 1)
        )
    if not sections:
        raise top.fail("scheme.no_sections")
    bonus = _parse_bonus(top)
    pass_lines = top.numbers("pass_lines")
    ratios = top.numbers("section_min_ratio")
    level_names = {str(k): str(v) for k, v in top.mapping("level_names").items()}
    grade_bands = []
    for n, raw in enumerate(top.seq("grade_bands"), 1):
        r = top.child(raw, "grade_bands", n)
        grade_bands.append(GradeBand(grade=r.text("grade"), min=r.number("min")))
        r.done()
    grade_bands.sort(key=lambda b: b.min, reverse=True)
    quotas = []
    for n, raw in enumerate(top.seq("rank_quotas"), 1):
        r = top.child(raw, "rank_quotas", n)
        lo, hi = r.count("min"), r.count("max")
        if lo is None or hi is None or lo > hi:
            raise r.fail("scheme.rank_quota_range")
        quotas.append(RankQuota(grade=r.text("grade"), min=lo, max=hi))
        r.done()
    scheme = Scheme(
        id=top.text("id"),
        version=top.text("version"),
        name=top.text("name"),
        max=top.number("max"),
        sections=sections,
        source_note=top.text("source_note", ""),
        sample=top.flag("sample", False),
        partial=top.flag("partial", False),
        levels=levels,
        level_names=level_names,
        bonus=bonus,
        pass_lines=pass_lines,
        pass_line=top.opt_number("pass_line"),
        section_min_ratio=ratios,
        grade_bands=tuple(grade_bands),
        veto_grade=top.opt_text("veto_grade"),
        rank_quotas=tuple(quotas),
        rank_rest_grade=top.opt_text("rank_rest_grade"),
        precision=top.number("precision", DEFAULT_PRECISION),
        flat=flat,
    )
    top.done()
    _check_scheme(scheme, source)
    return scheme


def _parse_section(
    raw: Any,
    ctx: Mapping[str, Any],
    n: int,
    levels: Sequence[str],
    seen_sections: set[str],
    seen: set[str],
) -> Section:
    r = _Reader(raw, dict(ctx) | {"within": ("sections", n)}, WITHIN["sections"].format(n=n))
    sid = r.text("id")
    no, name = r.text("no", ""), r.text("name")
    r.ctx = dict(ctx) | {"section": sid, "section_label": section_label(no, name)}
    if sid in seen_sections:
        raise r.fail("scheme.duplicate_section")
    seen_sections.add(sid)
    items = tuple(
        _parse_item(item, r.child(item, "items", k).ctx | {"within": None}, no, seen)
        for k, item in enumerate(r.seq("items"), 1)
    )
    section = Section(
        id=sid,
        name=name,
        max=r.number("max"),
        items=items,
        no=no,
        levels=r.texts("levels"),
        min_points=r.numbers("min_points"),
    )
    r.done()
    if not items:
        raise r.fail("scheme.section_no_items")
    for lv in section.levels + tuple(section.min_points):
        if lv not in levels:
            raise r.fail("scheme.unknown_level", level=lv, levels=list(levels) or ["无"])
    _check_levels(section, levels, r.ctx)
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


def _section_max_of(items: Sequence[Item], level: str | None) -> Decimal:
    return sum((i.max for i in items if not i.bonus and i.applies_to(level)), Decimal(0))


def _conditions(r: _Reader, key: str) -> tuple[Condition, ...]:
    out = []
    for n, raw in enumerate(r.seq(key), 1):
        c = r.child(raw, key, n)
        out.append(
            Condition(
                flag=c.text("flag"),
                text=c.text("text"),
                enabled=c.flag("enabled", True),
                # Only a zero_when fact can also veto; on veto_when the key is unknown (and reported).
                veto=c.flag("veto", False) if key == "zero_when" else False,
            )
        )
        c.done()
    return tuple(out)


def _parse_item(  # noqa: C901 - one field after another
    raw: Any,
    ctx: Mapping[str, Any],
    section_no: str,
    seen: set[str],
    parent: tuple[str, str] | None = None,
    index: int = 0,
) -> Item:
    r = _Reader(raw, ctx, "考核项目")
    iid = r.text("id")
    r.ctx = dict(ctx) | {"item": iid, "label": iid, "within": None}
    no, name = r.text("no", ""), r.text("name")
    parent_no = parent[1] if parent else ""
    r.ctx = dict(ctx) | {
        "item": iid,
        "label": item_label(no or (f"（{index}）" if parent else ""), name, section_no, parent_no),
        "within": None,
    }
    if iid in seen:
        raise r.fail("scheme.duplicate_item")
    seen.add(iid)
    kind = r.text("rule", "composite" if r.has("parts") else "deduction")
    if kind not in RULE_KINDS:
        raise r.fail("scheme.unknown_rule", rule=kind, rules=list(RULE_KINDS))

    deductions = []
    for n, d_raw in enumerate(r.seq("deductions"), 1):
        d = r.child(d_raw, "deductions", n)
        per = d.text("per", "each")
        if per not in ("each", "once"):
            raise d.fail("scheme.per_invalid")
        deductions.append(
            Deduction(
                defect=d.text("defect"),
                text=d.text("text"),
                points=d.number("points"),
                per=per,
                unit=d.text("unit", "项"),
                max_count=d.count("max_count"),
            )
        )
        d.done()
    conditions = []
    for n, c_raw in enumerate(r.seq("conditions"), 1):
        c = r.child(c_raw, "conditions", n)
        conditions.append(
            MeasureCondition(
                measure=c.text("measure"),
                at_least=c.number("at_least"),
                text=c.text("text", ""),
                unit=c.text("unit", ""),
            )
        )
        c.done()
    shortfalls = []
    for n, s_raw in enumerate(r.seq("shortfalls"), 1):
        s = r.child(s_raw, "shortfalls", n)
        shortfalls.append(
            Shortfall(
                measure=s.text("measure"),
                threshold=s.opt_number("threshold"),
                threshold_measure=s.opt_text("threshold_measure"),
                points=s.number("points", 1),
                per=s.number("per", 1),
                whole_units=s.flag("whole_units", False),
                text=s.text("text", ""),
                unit=s.text("unit", ""),
            )
        )
        s.done()
    ratio = None
    if r.has("ratio"):
        b = r.child(r.raw("ratio"), "ratio")
        ratio = RatioBand(
            measure=b.text("measure"),
            of=b.opt_text("of"),
            zero_below=b.number("zero_below", 0),
            full_at=b.number("full_at", 100),
            text=b.text("text", ""),
        )
        b.done()
    excess = None
    if r.has("excess"):
        e = r.child(r.raw("excess"), "excess")
        excess = Excess(
            measure=e.text("measure"),
            threshold=e.opt_number("threshold"),
            threshold_measure=e.opt_text("threshold_measure"),
            points=e.number("points", 1),
            per=e.number("per", 1),
            text=e.text("text", ""),
            unit=e.text("unit", ""),
        )
        e.done()
    checks = []
    for n, ch_raw in enumerate(r.seq("checks"), 1):
        ch = r.child(ch_raw, "checks", n)
        checks.append(
            Check(
                measure=ch.text("measure"),
                at_least=ch.opt_number("at_least"),
                at_least_measure=ch.opt_text("at_least_measure"),
                times=ch.number("times", 1),
                text=ch.text("text", ""),
            )
        )
        ch.done()
    parts = []
    if r.has("parts"):
        if parent is not None:
            raise r.fail("scheme.nested_parts")
        parts = [
            _parse_item(p, r.child(p, "parts", n).ctx, section_no, seen, parent=(iid, no), index=n)
            for n, p in enumerate(r.seq("parts"), 1)
        ]
    measures = {str(k): str(v) for k, v in r.mapping("measures").items()}
    item = Item(
        id=iid,
        name=name,
        max=r.number("max"),
        kind=kind,
        criterion=r.text("criterion", ""),
        no=no,
        note=r.text("note", ""),
        levels=r.texts("levels"),
        bonus=r.flag("bonus", False),
        floor=r.flag("floor", False),
        deductions=tuple(deductions),
        discretionary=r.opt_number("discretionary"),
        conditions=tuple(conditions),
        shortfalls=tuple(shortfalls),
        ratio=ratio,
        excess=excess,
        min=r.number("min", 0),
        zero_allowed=r.flag("zero_allowed", True),
        reason_required=r.flag("reason_required", True),
        points=r.opt_number("points"),
        measures=measures,
        measures_from=r.opt_text("measures_from"),
        zero_when=_conditions(r, "zero_when"),
        veto_when=_conditions(r, "veto_when"),
        checks=tuple(checks),
        parts=tuple(parts),
    )
    r.done()
    _check_item(item, r)
    return item


def _check_item(item: Item, r: _Reader) -> None:  # noqa: C901 - one readable list of rules
    def need(ok: bool, code: str, **params: Any) -> None:
        if not ok:
            raise r.fail(code, **params)

    k = item.kind
    need(item.max >= 0, "scheme.max_negative", max=item.max)
    flags = [c.flag for c in item.zero_when + item.veto_when]
    need(len(set(flags)) == len(flags), "scheme.flags_not_unique")
    defects = [d.defect for d in item.deductions]
    need(len(set(defects)) == len(defects), "scheme.defects_not_unique")
    # Fields that belong to one rule kind only.
    extras = {
        "deductions": bool(item.deductions) and k != "deduction",
        "discretionary": item.discretionary is not None and k != "deduction",
        "conditions": bool(item.conditions) and k != "threshold",
        "shortfalls": bool(item.shortfalls) and k != "shortfall",
        "ratio": item.ratio is not None and k != "ratio_band",
        "excess": item.excess is not None and k != "excess",
        "points": item.points is not None and k != "claims",
        "parts": bool(item.parts) and k != "composite",
    }
    wrong = [name for name, bad in extras.items() if bad]
    need(not wrong, "scheme.fields_not_for_rule", fields=wrong, rule=k)
    if item.bonus:
        need(k in BONUS_KINDS, "scheme.bonus_kind", rules=list(BONUS_KINDS), rule=k)
    elif k in ("claims", "excess"):
        need(False, "scheme.bonus_required", rule=k)
    if k == "deduction":
        need(bool(item.deductions) or item.discretionary is not None, "scheme.deduction_needs_rules")
        if item.discretionary is not None:
            need(
                0 <= item.discretionary <= item.max,
                "scheme.discretionary_range",
                discretionary=item.discretionary,
                max=item.max,
            )
        if not item.floor:
            unbounded = [d.text for d in item.deductions if d.per == "each" and d.max_count is None]
            need(not unbounded, "scheme.deduction_no_max_count", defects=unbounded)
            reach = sum(
                (d.points * (1 if d.per == "once" else (d.max_count or 0)) for d in item.deductions),
                item.discretionary or Decimal(0),
            )
            need(reach <= item.max, "scheme.deduction_reach", max=item.max, reach=reach)
        for d in item.deductions:
            need(d.points > 0, "scheme.deduction_points_positive", defect=d.text)
    elif k == "condition":
        need(bool(item.zero_when), "scheme.condition_needs_zero_when")
    elif k == "threshold":
        need(bool(item.conditions), "scheme.threshold_needs_conditions")
    elif k == "shortfall":
        need(bool(item.shortfalls), "scheme.shortfall_needs")
        need(item.floor, "scheme.shortfall_needs_floor")
        for s in item.shortfalls:
            need((s.threshold is None) != (s.threshold_measure is None), "scheme.shortfall_threshold")
            need(s.points > 0 and s.per > 0, "scheme.shortfall_points_positive")
    elif k == "ratio_band":
        need(item.ratio is not None, "scheme.ratio_needs")
        assert item.ratio is not None
        need(0 <= item.ratio.zero_below <= item.ratio.full_at, "scheme.ratio_order")
    elif k == "excess":
        need(item.excess is not None, "scheme.excess_needs")
        assert item.excess is not None
        need(
            (item.excess.threshold is None) != (item.excess.threshold_measure is None),
            "scheme.excess_threshold",
        )
        need(item.excess.points > 0 and item.excess.per > 0, "scheme.excess_points_positive")
    elif k == "award":
        need(0 <= item.min <= item.max, "scheme.award_range", min=item.min, max=item.max)
    elif k == "claims":
        need(item.points is not None and item.points > 0, "scheme.claims_points")
    elif k == "veto":
        # A veto item may carry points (a 1-point line whose failure also fails the sheet); see _Scorer.
        need(bool(item.veto_when), "scheme.veto_needs_conditions")
    elif k == "composite":
        need(bool(item.parts), "scheme.composite_needs_parts")
        for p in item.parts:
            need(not p.bonus and not p.levels, "scheme.part_not_bonus", part=p.name)
        total = sum((p.max for p in item.parts), Decimal(0))
        need(total == item.max, "scheme.parts_sum", total=total, max=item.max)
    if item.measures_from is not None:
        need(k in ("threshold", "shortfall", "ratio_band", "excess"), "scheme.measures_from_rule")
    for ch in item.checks:
        need((ch.at_least is None) != (ch.at_least_measure is None), "scheme.check_threshold")


def _parse_bonus(top: _Reader) -> Bonus:
    raw = top.mapping("bonus")
    r = _Reader(raw, top.ctx | {"within": ("bonus", 0)}, WITHIN["bonus"])
    groups = []
    for n, g_raw in enumerate(r.seq("groups"), 1):
        g = r.child(g_raw, "groups", n)
        groups.append(BonusGroup(id=g.text("id"), items=g.texts("items"), text=g.text("text", "")))
        g.done()
    bonus = Bonus(
        cap=r.opt_number("cap"),
        cap_items=r.texts("cap_items"),
        groups=tuple(groups),
        rule_id=r.text("rule_id", ""),
    )
    r.done()
    if bonus.cap is not None and bonus.cap < 0:
        raise r.fail("scheme.cap_negative")
    return bonus


def _check_scheme(scheme: Scheme, source: str) -> None:  # noqa: C901 - one readable list of rules
    ids = {i.id: i for i in scheme.items()}

    def fail(code: str, *, item: Item | None = None, section: Section | None = None, **params: Any) -> None:
        where: dict[str, Any] = {"source": source}
        if section is not None and section.id:
            where |= {"section": section.id, "section_label": section_label(section.no, section.name)}
        if item is not None:
            where |= {"item": item.id, "label": scheme.label(item.id)}
        raise SchemeError(code, **where, **params)

    for item in scheme.items():
        if item.measures_from is not None:
            src = ids.get(item.measures_from)
            if src is None or src.parts:
                fail("scheme.measures_from_unknown", item=item, source_item=item.measures_from)
    contexts: list[str | None] = list(scheme.levels) if scheme.has_level_items() else [None]
    for level in contexts:
        for_level = f"（{scheme.level_names.get(level, level)}）" if level else ""
        for section in scheme.sections:
            if not section.applies_to(level) or not section.id:
                continue
            total = _section_max(section, level)
            if total != section.max:
                fail("scheme.section_sum", section=section, total=total, max=section.max, for_level=for_level)
        total = scheme.max_for(level)
        if total != scheme.max:
            fail("scheme.scheme_sum", total=total, max=scheme.max, for_level=for_level)
    for lv, line in scheme.pass_lines.items():
        if lv not in scheme.levels:
            fail("scheme.pass_line_unknown_level", level=lv)
        if not 0 <= line <= scheme.max:
            fail("scheme.pass_line_range", line=line, max=scheme.max)
    if scheme.pass_line is not None:
        if scheme.levels:
            fail("scheme.pass_line_with_levels")
        if not 0 <= scheme.pass_line <= scheme.max:
            fail("scheme.pass_line_range", line=scheme.pass_line, max=scheme.max)
    for lv, ratio in scheme.section_min_ratio.items():
        if lv not in scheme.levels:
            fail("scheme.ratio_unknown_level", level=lv)
        if not 0 <= ratio <= 1:
            fail("scheme.ratio_range", ratio=ratio)
    for section in scheme.sections:
        for pts in section.min_points.values():
            if not 0 <= pts <= section.max:
                fail("scheme.min_points_range", section=section, points=pts)
    for iid in scheme.bonus.cap_items:
        if iid not in ids or not ids[iid].bonus:
            fail("scheme.cap_items_not_bonus", target=scheme.label(iid) if iid in ids else iid)
    for group in scheme.bonus.groups:
        for iid in group.items:
            if iid not in ids or ids[iid].kind != "claims":
                fail("scheme.group_not_claims", target=scheme.label(iid) if iid in ids else iid)
    grades = [b.grade for b in scheme.grade_bands]
    if len(set(grades)) != len(grades):
        fail("scheme.grades_not_unique")
    if not scheme.precision > 0:
        fail("scheme.precision_positive")


def _fmt(value: Decimal) -> str:
    return fmt_points(value)


# --------------------------------------------------------------------------------------------------------
# Back to plain data (for TOML export); parse_scheme(scheme_to_data(s), src) == s


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
