"""Ledger schemes (计分办法) as frozen data, and `parse_ledger_scheme`, which validates a plain mapping into one.

A ledger scheme says how the records of the submission flow (adoptions, instructions, incidents, claims,
cadre events) become points or yuan: the points table publication × class × form, the per-article combination
switch, quotas per unit group, credits, excess bonuses, base-score completion, rankings and advanced units.
The format is documented in docs/schemes.md (「台账计分办法」); `parsing.py` validates a mapping into one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

#: Per-article combination readings (a named switch, `combine = …`):
COMBINE = (
    "dimension_max",  # 就高不就低 per dimension: max adoption value + max instruction bonus (ZG GAP-6, PUB-4.8)
    "overall_max",  # one overall maximum over adoptions and instructions (ZG GAP-6 alternative)
    "cumulative",  # every adoption adds; instruction bonuses add once per level (INF-2.8, INF GAP-9)
    "stack",  # everything adds, every instruction too (ZG GAP-6 "full stacking")
)
PERIOD_KINDS = ("month", "quarter", "half", "year")
WILDCARD = "*"


@dataclass(frozen=True)
class Named:
    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group(Named):
    pool: str = ""  # ranking / advanced pool (GAP-12: units and sections ranked apart)


@dataclass(frozen=True)
class Publication(Named):
    counts_for_quota: bool = True  # ZG GAP-2: Weibo/WeChat (P4) is not a task publication
    tier: str = ""
    superseded_by: tuple[str, ...] = ()  # INF-2.5/GAP-10: value replaced by an adoption in these tiers


@dataclass(frozen=True)
class Klass(Named):
    tags: tuple[str, ...] = ()  # e.g. comprehensive / experience (INF-3.3, INF-3.6)


@dataclass(frozen=True)
class Value:
    publication: str
    klass: str
    form: str
    points: Decimal
    rule: str
    flag: str = ""  # e.g. GAP-8: scored by analogy, confirm by hand


@dataclass(frozen=True)
class Level(Named):
    points: Decimal = Decimal(0)
    rule: str = ""


@dataclass(frozen=True)
class Category:
    name: str
    required: int
    source: str = "articles"  # articles | submissions
    publications: tuple[str, ...] = ()  # empty: every publication that counts for quotas
    classes: tuple[str, ...] = ()  # empty: any class
    kind: str = ""  # submissions: information | research


@dataclass(frozen=True)
class Quota:
    id: str
    name: str
    groups: tuple[str, ...]
    period: str
    mode: str  # nested (「其中」, GAP-3) | separate
    basis: str  # adopted | submitted (ZG GAP-2)
    deduct: Decimal
    rule: str
    deduct_rule: str
    categories: tuple[Category, ...]
    aggregate_over: str = ""  # PUB GAP-1 switch: count the shortfall over this longer period instead


@dataclass(frozen=True)
class Excess:
    rule: str
    groups: tuple[str, ...]
    classes: tuple[str, ...]
    task: int
    consumes: tuple[str, ...]  # publication order the task takes its article from (GAP-7 P2_first)
    bonus: Mapping[str, Decimal]


@dataclass(frozen=True)
class Credits:
    material_rule: str = ""
    material_points: bool = True  # ZG GAP-5: a credited material article is scored for the section
    recommended_rule: str = ""
    recommended_ratio: int = 0  # ZG-2.9: every 3 adopted = 1 (quota only)
    recommended_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class IncidentKind(Named):
    points: Decimal = Decimal(0)  # negative: a deduction
    share_of_base: Decimal = Decimal(0)  # INF-3.7: −30 % of the base per incident
    rule: str = ""
    notice: bool = False  # counts toward the notices that disqualify (INF-3.8, GAP-6)
    disqualifies: bool = False  # INF-3.10
    serious_rule: str = ""  # ZG-4.11: a serious incident disqualifies for the year
    deems_not_completed: bool = False  # INF-3.9


@dataclass(frozen=True)
class BonusKind(Named):
    points: Decimal = Decimal(0)
    share_of_base: Decimal = Decimal(0)  # INF-2.11
    once_per_year: bool = False  # INF GAP-12
    rule: str = ""


@dataclass(frozen=True)
class Outcome:
    groups: tuple[str, ...]
    mode: str  # proportional (INF-3.1) | adjust (INF-3.2)
    rule: str
    weight: Decimal = Decimal(1)
    advanced: Decimal = Decimal(0)
    not_completed: Decimal = Decimal(0)


@dataclass(frozen=True)
class Bundle:
    lead: str
    members: tuple[str, ...]
    rule: str
    separate: bool = False  # GAP-2 switch: members also assessed on their own


@dataclass(frozen=True)
class ArticleTest:
    """An article that satisfies a condition: adopted in one of `publications` (or any), class tagged `tag`,
    optionally with an instruction at `instruction`."""

    publications: tuple[str, ...] = ()
    tag: str = ""
    instruction: str = ""
    exclude_forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pool:
    id: str
    name: str
    share: Decimal
    rule: str


@dataclass(frozen=True)
class Advanced:
    rule: str
    pools: tuple[Pool, ...]
    require_completed: bool = True
    eligible_article: ArticleTest | None = None
    eligible_rule: str = ""
    direct: ArticleTest | None = None
    direct_rule: str = ""
    notices_disqualify: int = 0  # INF-3.8
    notices_rule: str = ""


@dataclass(frozen=True)
class Tier(Named):
    cap: int = 0


@dataclass(frozen=True)
class CadreEventKind(Named):
    recipients: tuple[str, ...] = ()
    values: Mapping[str, Decimal] = field(default_factory=dict)
    negative: bool = False
    rule: str = ""
    rank_share: Decimal = Decimal(0)  # CAD-3.3: top / bottom ⌊share·N⌋ (GAP-5)
    bands: tuple[tuple[int, int, Decimal | None], ...] = ()  # CAD-7.1: (from, to, points or None = truncated)


@dataclass(frozen=True)
class Cadre:
    rule: str
    tiers: tuple[Tier, ...]
    levels: tuple[Named, ...]
    events: tuple[CadreEventKind, ...]


@dataclass(frozen=True)
class Flow:
    """How the submission flow's records read in this scheme (`[flow]`): incident kind → incident id, leader
    level → instruction level id, the incident a missed important commission counts as ("" = none)."""

    incidents: Mapping[str, str] = field(default_factory=dict)
    levels: Mapping[str, str] = field(default_factory=dict)
    commission_missed: str = ""


@dataclass(frozen=True)
class LedgerScheme:
    id: str
    version: str
    name: str
    source_note: str = ""
    partial: bool = False
    currency: str = "分"  # 分 (points) or 元 (PUB)
    precision: Decimal = Decimal("0.01")
    cutoff_day: int | None = None
    cutoff_rule: str = ""
    combine: str = "dimension_max"
    combine_rule: str = ""
    groups: tuple[Group, ...] = ()
    publications: tuple[Publication, ...] = ()
    classes: tuple[Klass, ...] = ()
    forms: tuple[Named, ...] = ()
    values: tuple[Value, ...] = ()
    levels: tuple[Level, ...] = ()
    instruction_rule: str = ""
    quotas: tuple[Quota, ...] = ()
    excess: Excess | None = None
    credits: Credits = Credits()
    incidents: tuple[IncidentKind, ...] = ()
    bonuses: tuple[BonusKind, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    bundles: tuple[Bundle, ...] = ()
    ranking_key: str = "total"  # total | completion
    ranking_rule: str = ""
    last_place_rule: str = ""
    advanced: Advanced | None = None
    cadre: Cadre | None = None
    #: derived lookups (built by the parser)
    value_table: Mapping[tuple[str, str, str], Value] = field(default_factory=dict, compare=False)
    flow: Flow = field(default_factory=Flow, compare=False)

    def value_for(self, publication: str, klass: str, form: str) -> Value | None:
        table = self.value_table
        return (
            table.get((publication, klass, form))
            or table.get((publication, klass, WILDCARD))
            or table.get((publication, WILDCARD, form))
            or table.get((publication, WILDCARD, WILDCARD))
        )

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def publication(self, pub_id: str) -> Publication:
        return next(p for p in self.publications if p.id == pub_id)


def resolver(items: Sequence[Named]) -> dict[str, str]:
    """Name, alias or id → id, ignoring spaces and full/half-width brackets (records are typed by hand)."""
    out: dict[str, str] = {}
    for item in items:
        for name in (item.id, item.name, *item.aliases):
            out[normalize(name)] = item.id
    return out


_FOLD = str.maketrans({"（": "(", "）": ")", "〈": "《", "〉": "》", "　": "", " ": "", "「": "", "」": ""})


def normalize(text: str) -> str:
    return str(text).translate(_FOLD).strip()
