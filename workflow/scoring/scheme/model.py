"""Scoring schemes (评分表) as frozen data: sections → items (→ parts), each item with the rule kind that says
how its score is computed from a sheet entry (see `workflow.scoring.table` and docs/schemes.md).

Numbers are `Decimal` throughout so that pass lines compare exactly (89.5 < 90). `parse.py` builds these from
plain data and refuses anything inconsistent; `serialise.py` turns them back into plain data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

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
    #: only the sections are known (the source's score sheet is missing): cannot be scored; the office imports
    #: its own table (.xlsx)
    frame: bool = False
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
            (regular_max(s.items, level) for s in self.sections if s.applies_to(level)),
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


def regular_max(items: Iterable[Item], level: str | None) -> Decimal:
    """The most the regular (not bonus) items that count for `level` can score: a section's maximum."""
    return sum((i.max for i in items if not i.bonus and i.applies_to(level)), Decimal(0))


def item_label(item_no: str, name: str, section_no: str = "", parent_no: str = "") -> str:
    """An item as the table shows it: 「二、1 档案库房」, a part 「一、1（1）…」, or just the name."""
    number = parent_no + item_no
    if number and section_no:
        number = f"{section_no}、{number}"
    return f"{number} {name}".strip() if number else name


def section_label(section_no: str, name: str) -> str:
    return f"{section_no}、{name}" if section_no else name
