"""Scoring schemes (评分表) as frozen data, and `parse_scheme`, which validates a plain mapping into one.

A scheme is sections → items (→ parts); every item has a rule kind that says how its score is computed
from a sheet entry (see `table.py` and docs/schemes.md). Numbers are `Decimal` throughout so that pass lines
compare exactly (89.5 < 90). Errors name the source file and the item or field: the admin who imported a
table must be able to find the line to fix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

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


class SchemeError(ValueError):
    """A scheme that cannot be used; the message names the source file and the item or field."""


@dataclass(frozen=True)
class Condition:
    """A yes/no fact the reviewer records (a flag); `enabled=False` keeps a named switch off."""

    flag: str
    text: str
    enabled: bool = True


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
    """Reads one mapping, remembering which keys were used so unknown keys can be reported."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, Mapping):
            raise SchemeError(f"{where}: expected a table, got {type(data).__name__}")
        self.data = data
        self.where = where
        self.used: set[str] = set()

    def fail(self, message: str) -> SchemeError:
        return SchemeError(f"{self.where}: {message}")

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        return self.data.get(key, default)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw(key)
        if value is None:
            if default is None:
                raise self.fail(f"missing field '{key}'")
            return default
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(f"field '{key}' must be text")
        return str(value)

    def opt_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else self.raw(key)

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"field '{key}' must be true or false")
        return value

    def number(self, key: str, default: Decimal | int | None = None) -> Decimal:
        value = self.raw(key)
        if value is None:
            if default is None:
                raise self.fail(f"missing field '{key}'")
            return Decimal(default)
        return to_decimal(value, f"{self.where}: field '{key}'")

    def opt_number(self, key: str) -> Decimal | None:
        return self.number(key) if self.raw(key) is not None else None

    def count(self, key: str) -> int | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"field '{key}' must be a whole number ≥ 0")
        return value

    def seq(self, key: str) -> list[Any]:
        value = self.raw(key, [])
        if not isinstance(value, list | tuple):
            raise self.fail(f"field '{key}' must be a list")
        return list(value)

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.seq(key)
        if not all(isinstance(v, str) for v in values):
            raise self.fail(f"field '{key}' must be a list of text")
        return tuple(values)

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self.raw(key, {})
        if not isinstance(value, Mapping):
            raise self.fail(f"field '{key}' must be a table")
        return value

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.fail(f"unknown field(s) {', '.join(repr(k) for k in unknown)}")


def to_decimal(value: Any, where: str) -> Decimal:
    """A number from TOML/JSON/xlsx (int, float, Decimal or numeric text) as an exact Decimal."""
    if isinstance(value, bool):
        raise SchemeError(f"{where} must be a number, got {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise SchemeError(f"{where} must be a number, got {value!r}") from None
    else:
        raise SchemeError(f"{where} must be a number, got {value!r}")
    if not result.is_finite():
        raise SchemeError(f"{where} must be a finite number, got {value!r}")
    return result


def parse_scheme(data: Mapping[str, Any], source: str) -> Scheme:
    """Validate `data` (a parsed TOML document) into a `Scheme`; `source` (the file name) prefixes errors."""
    top = _Reader(data, source)
    levels = top.texts("levels")
    if len(set(levels)) != len(levels):
        raise top.fail("levels are not unique")
    seen_ids: set[str] = set()
    seen_sections: set[str] = set()
    sections = tuple(
        _parse_section(raw, f"{source}: section #{n}", source, levels, seen_sections, seen_ids)
        for n, raw in enumerate(top.seq("sections"), 1)
    )
    if not sections:
        raise top.fail("a scheme needs at least one section")
    bonus = _parse_bonus(top.mapping("bonus"), source)
    pass_lines = {k: to_decimal(v, f"{source}: pass_lines.{k}") for k, v in top.mapping("pass_lines").items()}
    ratios = {
        k: to_decimal(v, f"{source}: section_min_ratio.{k}")
        for k, v in top.mapping("section_min_ratio").items()
    }
    level_names = {str(k): str(v) for k, v in top.mapping("level_names").items()}
    grade_bands = []
    for n, raw in enumerate(top.seq("grade_bands"), 1):
        r = _Reader(raw, f"{source}: grade_bands #{n}")
        grade_bands.append(GradeBand(grade=r.text("grade"), min=r.number("min")))
        r.done()
    grade_bands.sort(key=lambda b: b.min, reverse=True)
    quotas = []
    for n, raw in enumerate(top.seq("rank_quotas"), 1):
        r = _Reader(raw, f"{source}: rank_quotas #{n}")
        lo, hi = r.count("min"), r.count("max")
        if lo is None or hi is None or lo > hi:
            raise r.fail("needs whole numbers min ≤ max")
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
        section_min_ratio=ratios,
        grade_bands=tuple(grade_bands),
        veto_grade=top.opt_text("veto_grade"),
        rank_quotas=tuple(quotas),
        rank_rest_grade=top.opt_text("rank_rest_grade"),
        precision=top.number("precision", DEFAULT_PRECISION),
    )
    top.done()
    _check_scheme(scheme, source)
    return scheme


def _parse_section(
    raw: Any, where: str, source: str, levels: Sequence[str], seen_sections: set[str], seen: set[str]
) -> Section:
    r = _Reader(raw, where)
    sid = r.text("id")
    r.where = f"{source}: section {sid}"
    if sid in seen_sections:
        raise r.fail("duplicate section id")
    seen_sections.add(sid)
    items = tuple(
        _parse_item(item, f"{source}: section {sid} item #{n}", source, seen)
        for n, item in enumerate(r.seq("items"), 1)
    )
    section = Section(
        id=sid,
        name=r.text("name"),
        max=r.number("max"),
        items=items,
        no=r.text("no", ""),
        levels=r.texts("levels"),
        min_points={
            k: to_decimal(v, f"{r.where}: min_points.{k}") for k, v in r.mapping("min_points").items()
        },
    )
    r.done()
    if not items:
        raise r.fail("a section needs at least one item")
    for lv in section.levels + tuple(section.min_points):
        if lv not in levels:
            raise r.fail(f"unknown level '{lv}' (scheme levels: {', '.join(levels) or 'none'})")
    for item in section.items:
        for lv in item.levels:
            if lv not in levels:
                raise SchemeError(
                    f"{source}: item {item.id}: unknown level '{lv}' (scheme levels: {', '.join(levels) or 'none'})"
                )
    return section


def _conditions(r: _Reader, key: str) -> tuple[Condition, ...]:
    out = []
    for n, raw in enumerate(r.seq(key), 1):
        c = _Reader(raw, f"{r.where}: {key} #{n}")
        out.append(Condition(flag=c.text("flag"), text=c.text("text"), enabled=c.flag("enabled", True)))
        c.done()
    return tuple(out)


def _parse_item(raw: Any, where: str, source: str, seen: set[str], in_parts: bool = False) -> Item:
    r = _Reader(raw, where)
    iid = r.text("id")
    r.where = f"{source}: item {iid}"
    if iid in seen:
        raise r.fail("duplicate id")
    seen.add(iid)
    kind = r.text("rule", "composite" if r.has("parts") else "deduction")
    if kind not in RULE_KINDS:
        raise r.fail(f"unknown rule '{kind}' (one of {', '.join(RULE_KINDS)})")

    deductions = []
    for n, d_raw in enumerate(r.seq("deductions"), 1):
        d = _Reader(d_raw, f"{r.where}: deductions #{n}")
        per = d.text("per", "each")
        if per not in ("each", "once"):
            raise d.fail("per must be 'each' or 'once'")
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
        c = _Reader(c_raw, f"{r.where}: conditions #{n}")
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
        s = _Reader(s_raw, f"{r.where}: shortfalls #{n}")
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
        b = _Reader(r.raw("ratio"), f"{r.where}: ratio")
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
        e = _Reader(r.raw("excess"), f"{r.where}: excess")
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
        ch = _Reader(ch_raw, f"{r.where}: checks #{n}")
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
        if in_parts:
            raise r.fail("parts cannot have parts of their own")
        parts = [
            _parse_item(p, f"{source}: item {iid} part #{n}", source, seen, in_parts=True)
            for n, p in enumerate(r.seq("parts"), 1)
        ]
    measures = {str(k): str(v) for k, v in r.mapping("measures").items()}
    item = Item(
        id=iid,
        name=r.text("name"),
        max=r.number("max"),
        kind=kind,
        criterion=r.text("criterion", ""),
        no=r.text("no", ""),
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
    def need(ok: bool, message: str) -> None:
        if not ok:
            raise r.fail(message)

    k = item.kind
    need(item.max >= 0, f"max must be ≥ 0, got {item.max}")
    flags = item.flags()
    need(len(set(flags)) == len(flags), "condition flags are not unique")
    defects = [d.defect for d in item.deductions]
    need(len(set(defects)) == len(defects), "deduction defects are not unique")
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
    need(not wrong, f"field(s) {', '.join(wrong)} do not apply to rule '{k}'")
    if item.bonus:
        need(k in BONUS_KINDS, f"a bonus item must use rule {', '.join(BONUS_KINDS)}, not '{k}'")
    elif k in ("claims", "excess"):
        need(False, f"rule '{k}' is for bonus items; set bonus = true")
    if k == "deduction":
        need(
            bool(item.deductions) or item.discretionary is not None,
            "rule 'deduction' needs deductions or discretionary",
        )
        if item.discretionary is not None:
            need(
                0 <= item.discretionary <= item.max,
                f"discretionary deduction {item.discretionary} must be within [0, max {item.max}]",
            )
        if not item.floor:
            unbounded = [d.defect for d in item.deductions if d.per == "each" and d.max_count is None]
            need(
                not unbounded,
                f"deduction(s) {', '.join(unbounded)} have no max_count; set floor = true (扣完为止) or max_count",
            )
            reach = sum(
                (d.points * (1 if d.per == "once" else (d.max_count or 0)) for d in item.deductions),
                item.discretionary or Decimal(0),
            )
            need(
                reach <= item.max,
                f"max {_fmt(item.max)} but deductions can reach {_fmt(reach)}; set floor = true (扣完为止) or lower the amounts",
            )
        for d in item.deductions:
            need(d.points > 0, f"deduction {d.defect}: points must be > 0")
    elif k == "condition":
        need(bool(item.zero_when), "rule 'condition' needs zero_when conditions")
    elif k == "threshold":
        need(bool(item.conditions), "rule 'threshold' needs conditions")
    elif k == "shortfall":
        need(bool(item.shortfalls), "rule 'shortfall' needs shortfalls")
        need(item.floor, "shortfall deductions are unbounded; set floor = true (扣完为止)")
        for s in item.shortfalls:
            need(
                (s.threshold is None) != (s.threshold_measure is None),
                "a shortfall needs threshold or threshold_measure",
            )
            need(s.points > 0 and s.per > 0, "shortfall points and per must be > 0")
    elif k == "ratio_band":
        need(item.ratio is not None, "rule 'ratio_band' needs a ratio table")
        assert item.ratio is not None
        need(
            0 <= item.ratio.zero_below <= item.ratio.full_at,
            "ratio needs 0 ≤ zero_below ≤ full_at",
        )
    elif k == "excess":
        need(item.excess is not None, "rule 'excess' needs an excess table")
        assert item.excess is not None
        need(
            (item.excess.threshold is None) != (item.excess.threshold_measure is None),
            "excess needs threshold or threshold_measure",
        )
        need(item.excess.points > 0 and item.excess.per > 0, "excess points and per must be > 0")
    elif k == "award":
        need(0 <= item.min <= item.max, f"award needs 0 ≤ min ≤ max, got {item.min}–{item.max}")
    elif k == "claims":
        need(item.points is not None and item.points > 0, "rule 'claims' needs points > 0")
    elif k == "veto":
        need(item.max == 0, "a veto item has max = 0")
        need(bool(item.veto_when), "a veto item needs veto_when conditions")
    elif k == "composite":
        need(bool(item.parts), "rule 'composite' needs parts")
        for p in item.parts:
            need(not p.bonus and not p.levels, f"part {p.id}: parts cannot be bonus or level-only")
        total = sum((p.max for p in item.parts), Decimal(0))
        need(total == item.max, f"parts add up to {_fmt(total)} but max is {_fmt(item.max)}")
    if item.measures_from is not None:
        need(k in ("threshold", "shortfall", "ratio_band", "excess"), "measures_from needs a measured rule")
    for ch in item.checks:
        need(
            (ch.at_least is None) != (ch.at_least_measure is None),
            "a check needs at_least or at_least_measure",
        )


def _parse_bonus(data: Mapping[str, Any], source: str) -> Bonus:
    r = _Reader(data, f"{source}: bonus")
    groups = []
    for n, raw in enumerate(r.seq("groups"), 1):
        g = _Reader(raw, f"{source}: bonus.groups #{n}")
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
        raise r.fail("cap must be ≥ 0")
    return bonus


def _check_scheme(scheme: Scheme, source: str) -> None:
    ids = {i.id: i for i in scheme.items()}
    for item in scheme.items():
        if item.measures_from is not None:
            src = ids.get(item.measures_from)
            if src is None or src.parts:
                raise SchemeError(
                    f"{source}: item {item.id}: measures_from '{item.measures_from}' is not an item"
                )
    contexts: list[str | None] = list(scheme.levels) if scheme.has_level_items() else [None]
    for level in contexts:
        for_level = f" for level {level}" if level else ""
        for section in scheme.sections:
            if not section.applies_to(level):
                continue
            total = _section_max(section, level)
            if total != section.max:
                raise SchemeError(
                    f"{source}: section {section.id}: items add up to {_fmt(total)} but max is {_fmt(section.max)}{for_level}"
                )
        total = scheme.max_for(level)
        if total != scheme.max:
            raise SchemeError(
                f"{source}: sections add up to {_fmt(total)} but scheme max is {_fmt(scheme.max)}{for_level}"
            )
    for lv, line in scheme.pass_lines.items():
        if lv not in scheme.levels:
            raise SchemeError(f"{source}: pass_lines: unknown level '{lv}'")
        if not 0 <= line <= scheme.max:
            raise SchemeError(f"{source}: pass_lines.{lv}: {_fmt(line)} is outside [0, {_fmt(scheme.max)}]")
    for lv, ratio in scheme.section_min_ratio.items():
        if lv not in scheme.levels:
            raise SchemeError(f"{source}: section_min_ratio: unknown level '{lv}'")
        if not 0 <= ratio <= 1:
            raise SchemeError(f"{source}: section_min_ratio.{lv}: {ratio} is not a share between 0 and 1")
    for section in scheme.sections:
        for lv, pts in section.min_points.items():
            if not 0 <= pts <= section.max:
                raise SchemeError(f"{source}: section {section.id}: min_points.{lv} {_fmt(pts)} exceeds max")
    for iid in scheme.bonus.cap_items:
        if iid not in ids or not ids[iid].bonus:
            raise SchemeError(f"{source}: bonus.cap_items: '{iid}' is not a bonus item")
    for group in scheme.bonus.groups:
        for iid in group.items:
            if iid not in ids or ids[iid].kind != "claims":
                raise SchemeError(f"{source}: bonus group {group.id}: '{iid}' is not a claims item")
    grades = [b.grade for b in scheme.grade_bands]
    if len(set(grades)) != len(grades):
        raise SchemeError(f"{source}: grade_bands: grades are not unique")
    if not scheme.precision > 0:
        raise SchemeError(f"{source}: precision must be > 0")


def _fmt(value: Decimal) -> str:
    return fmt_points(value)


def fmt_points(value: Decimal) -> str:
    """Points as people write them: 2, 0.5, 3.75 (no trailing zeros, no exponent)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


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
