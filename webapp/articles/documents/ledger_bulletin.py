"""What the bulletin (通报) of a closed ledger period prints: the masthead, the document number, the title, the
office's own paragraph, then 一、总体情况, 二、各单位得分及排名 (one table per ranking pool), 三、先进单位 (when the
scheme selects advanced units), 四、零报送及排名末位单位 (ZG-5.3, when there are any) and the 落款.

No database and no request here: `bulletin_document` reads the frozen result dict (`LedgerResult.to_dict()` plus
the service's extras, docs/schemes.md 「台账计分办法」) and the scheme it was scored under; the page, the .xlsx
(ledger_xlsx.py) and the PDF (ledger_pdf.py) all lay out the same `BulletinDocument`, so they cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from webapp.articles.documents.data import chinese_date
from workflow.articles.rules import ArticleRules
from workflow.scoring.ledger import LedgerScheme

Number = int | float
NUMERALS = "一二三四五六七八九十"
#: the engine's aggregated article line ends 「：20分×3篇」 (docs/schemes.md, 「台账计分办法」 output)
_COUNT = re.compile(r"×(\d+)篇$")
#: a rule of our own reading of a gap in the text is never shown by its id (STANDARDS: no internal ids)
GAP_LABEL = "本系统解释"
NO_UNITS = "本期没有参加考核的单位。"


def rule_label(rule: str) -> str:
    """A rule id as people read it: the regulation's id (ZG-4.1) as is, our reading of a gap as 本系统解释."""
    return GAP_LABEL if not rule or rule.startswith("GAP-") else rule


def amount(value: Any) -> str:
    """20 → 「20」, 0.5 → 「0.5」, −10 → 「-10」 (a JSON number of the result; anything else as text)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        text = format(Decimal(str(value)).normalize(), "f")
        return "0" if text in ("-0", "") else text
    return str(value)


def decimals_of(values: Sequence[Any]) -> int:
    """How many decimals the figures need (0, 1 or 2): the .xlsx number format and nothing else."""
    places = 0
    for value in values:
        if isinstance(value, float) and not value.is_integer():
            places = max(places, min(2, len(amount(value).split(".", 1)[1])))
    return places


@dataclass(frozen=True)
class UnitLine:
    rule: str
    text: str
    points: Number


@dataclass(frozen=True)
class UnitRow:
    unit: str
    group: str
    rank: int | None
    points: Number
    bonus: Number
    deductions: Number
    total: Number
    missing: int
    #: INF: the share of the base score completed (0.9 = 90 %), None where the scheme has no base score
    completion: float | None
    #: the flags' texts (排名末位, 零报送, 评为先进单位 …)
    notes: tuple[str, ...]
    lines: tuple[UnitLine, ...]

    @property
    def rank_label(self) -> str:
        return str(self.rank) if self.rank is not None else "—"

    @property
    def completion_label(self) -> str:
        return "" if self.completion is None else f"{amount(round(self.completion * 100, 2))}%"

    @property
    def notes_label(self) -> str:
        return "；".join(self.notes)


@dataclass(frozen=True)
class RankingTable:
    """The units ranked together (a ranking pool, GAP-12): one group, or several (ZG: 县区 and 园区)."""

    title: str
    groups: tuple[str, ...]
    rows: tuple[UnitRow, ...]

    @property
    def shows_group(self) -> bool:
        return len(self.groups) > 1


@dataclass(frozen=True)
class AdvancedPool:
    name: str
    share: Number
    cap: int
    participants: int
    inside: tuple[str, ...]
    direct: tuple[str, ...]
    tie_at_cap: tuple[str, ...]
    cite: str

    @property
    def summary(self) -> str:
        share = amount(round(float(self.share) * 100, 2))
        return f"{self.name}参评{self.participants}个，按不超过{share}%控制，名额{self.cap}个。"


@dataclass(frozen=True)
class Section:
    key: str  # overview | ranking | advanced | criticism
    heading: str
    cite: str


@dataclass(frozen=True)
class BulletinDocument:
    office: str
    number: str
    title: str
    text: str
    period_text: str
    issued_on: date
    #: closed but not published: every rendering says 未发布
    draft: bool
    currency: str
    overview: tuple[str, ...]
    tables: tuple[RankingTable, ...]
    #: the scheme selects advanced units (INF-3.3 …); ZG does not
    selects_advanced: bool
    advanced: tuple[AdvancedPool, ...]
    zero_submission: tuple[str, ...]
    last_place: tuple[str, ...]
    cites: Mapping[str, str] = field(default_factory=dict)
    #: the scheme's text is truncated (CAD): the bulletin says so
    partial: bool = False

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]

    @property
    def has_criticism(self) -> bool:
        return bool(self.zero_submission or self.last_place)

    @property
    def sections(self) -> list[Section]:
        """The sections present, numbered in order (三 becomes the criticism when nobody is advanced)."""
        keys = [("overview", "总体情况"), ("ranking", "各单位得分及排名")]
        if self.selects_advanced:
            keys.append(("advanced", "先进单位"))
        if self.has_criticism:
            keys.append(("criticism", "零报送及排名末位单位"))
        return [
            Section(key, f"{NUMERALS[i]}、{title}", self.cites.get(key, ""))
            for i, (key, title) in enumerate(keys)
        ]

    @property
    def advanced_lines(self) -> list[str]:
        """三、先进单位: per pool its cap, who is advanced, who is listed directly, a tie at the cap."""
        lines = []
        for pool in self.advanced:
            text = pool.summary
            if pool.inside:
                text += f"评为先进单位的是：{'、'.join(pool.inside)}。"
            if pool.direct:
                text += f"直接列为先进单位（不占名额）的是：{'、'.join(pool.direct)}。"
            if not pool.inside and not pool.direct:
                text += "本期没有单位评为先进单位。"
            if pool.tie_at_cap:
                text += f"名额边界并列、须研究决定的是：{'、'.join(pool.tie_at_cap)}。"
            lines.append(text)
        return lines or ["本期没有单位评为先进单位。"]

    @property
    def criticism_lines(self) -> list[str]:
        """四、零报送及排名末位单位 (ZG-5.3: 对“零报送”及排名末位的提出批评)."""
        lines = []
        if self.zero_submission:
            lines.append(f"零报送单位：{'、'.join(self.zero_submission)}。")
        if self.last_place:
            lines.append(f"排名末位单位：{'、'.join(self.last_place)}。")
        lines.append("对以上单位提出批评，请认真分析原因，切实加强信息报送工作。")
        return lines

    @property
    def date_line(self) -> str:
        return chinese_date(self.issued_on)

    @property
    def units(self) -> list[UnitRow]:
        return [row for table in self.tables for row in table.rows]

    @property
    def decimals(self) -> int:
        return decimals_of(
            [v for r in self.units for v in (r.points, r.bonus, r.deductions, r.total)]
            + [line.points for r in self.units for line in r.lines]
        )

    @property
    def money(self) -> bool:
        return self.currency == "元"

    @property
    def filename_stem(self) -> str:
        return f"{self.office}{self.period_text}通报" + ("（未发布）" if self.draft else "")


# -- building it from a result ---------------------------------------------------------------------------------


def cite(rules: ArticleRules, rule: str, source: str = "") -> str:
    """「依据《市组工信息工作考评办法》四、评分标准：… · ZG-4.11」 where the rule's words are on file, else the
    document it belongs to and the id (「依据《市组工信息工作考评办法》 · ZG-5.2」); a gap as 本系统解释."""
    if not rule:
        return ""
    if rule in rules.texts:
        return rules.cite(rule)
    prefix = rule.split("-", 1)[0]
    known = next((t.source for r, t in rules.texts.items() if r.split("-", 1)[0] == prefix), "")
    if rule.startswith("GAP-"):
        return f"依据{source}（办法未明确之处，{GAP_LABEL}）" if source else GAP_LABEL
    document = known or source
    return f"依据{document} · {rule}" if document else f"依据 · {rule}"


def _row(unit: Mapping[str, Any]) -> UnitRow:
    completion = unit.get("completion")
    return UnitRow(
        unit=str(unit.get("unit", "")),
        group=str(unit.get("group", "")),
        rank=unit.get("rank") if isinstance(unit.get("rank"), int) else None,
        points=unit.get("points", 0),
        bonus=unit.get("bonus", 0),
        deductions=unit.get("deductions", 0),
        total=unit.get("total", 0),
        missing=int(unit.get("missing") or 0),
        completion=float(completion) if isinstance(completion, int | float) else None,
        notes=tuple(str(f.get("text", "")) for f in unit.get("flags", []) if f.get("text")),
        lines=tuple(
            UnitLine(str(ln.get("rule", "")), str(ln.get("text", "")), ln.get("points", 0))
            for ln in unit.get("lines", [])
        ),
    )


def _order(row: UnitRow) -> tuple[int, int, str]:
    return (row.rank is None, row.rank or 0, row.unit)


def _tables(units: list[Mapping[str, Any]], scheme: LedgerScheme | None) -> list[RankingTable]:
    """One table per ranking pool in the scheme's order of groups (a frozen result's group the scheme no longer
    has gets a table of its own, after the others)."""
    pool_of: dict[str, str] = {}
    names: dict[str, str] = {}
    order: list[str] = []
    if scheme is not None:
        for group in scheme.groups:
            pool_of[group.id] = group.pool or group.id
            names[group.id] = group.name
            if pool_of[group.id] not in order:
                order.append(pool_of[group.id])
    members: dict[str, list[UnitRow]] = {}
    groups: dict[str, list[str]] = {}
    for unit in units:
        row = _row(unit)
        group_id = str(unit.get("group_id") or row.group)
        pool = pool_of.get(group_id, f"group:{group_id}")
        if pool not in order:
            order.append(pool)
        members.setdefault(pool, []).append(row)
        if row.group not in groups.setdefault(pool, []):
            groups[pool].append(row.group)
    tables = []
    for pool in order:
        if pool not in members:
            continue
        # the scheme's order of the groups in the pool, not the order units happen to come in
        in_scheme = [names[g] for g, p in pool_of.items() if p == pool and names[g] in groups[pool]]
        listed = tuple(in_scheme + [g for g in groups[pool] if g not in in_scheme])
        tables.append(RankingTable(_pool_title(listed), listed, tuple(sorted(members[pool], key=_order))))
    return tables


def _pool_title(groups: tuple[str, ...]) -> str:
    """A pool's caption: its group, the name its groups share before their brackets (部机关科室（办公室等6个科室）,
    部机关科室（调配科等8个科室） → 部机关科室), else the groups split by ； (their names hold 、 themselves)."""
    if len(groups) == 1:
        return groups[0]
    heads = {g.split("（", 1)[0].split("(", 1)[0] for g in groups}
    if len(heads) == 1 and (head := heads.pop()):
        return head
    return "；".join(groups)


def table_label(index: int, title: str) -> str:
    """「（一）县（市、区）委组织部」: the caption of the ``index``-th table (from 0)."""
    numeral = NUMERALS[index] if index < len(NUMERALS) else str(index + 1)
    return f"（{numeral}）{title}"


def _article_count(units: list[UnitRow], scheme: LedgerScheme | None) -> int | None:
    """Adoptions scored (篇次): the article lines of the points table (not the instruction bonuses)."""
    if scheme is None:
        return None
    values = {v.rule for v in scheme.values}
    instructions = {level.rule for level in scheme.levels} | {scheme.instruction_rule}
    count = 0
    for row in units:
        for line in row.lines:
            found = _COUNT.search(line.text)
            if found and line.rule in values and line.rule not in instructions:
                count += int(found.group(1))
    return count


def _sum(values: list[Number]) -> Number:
    total = sum((Decimal(str(v)) for v in values), Decimal(0))
    return int(total) if total == total.to_integral_value() else float(total)


def _overview(
    period_text: str,
    currency: str,
    tables: list[RankingTable],
    result: Mapping[str, Any],
    scheme: LedgerScheme | None,
) -> list[str]:
    rows = [row for table in tables for row in table.rows]
    by_group = {group: 0 for table in tables for group in table.groups}  # the scheme's order
    for row in rows:
        by_group[row.group] += 1
    sentences = []
    # group names hold 、 themselves (县（市、区）委组织部): the parts are split by ；
    split = "；".join(f"{name}{n}个" for name, n in by_group.items())
    sentences.append(
        f"{period_text}，参加考核的单位共{len(rows)}个"
        + (f"（其中：{split}）。" if len(by_group) > 1 else "。")
    )
    adopted = _article_count(rows, scheme)
    figures = []
    if adopted is not None:
        figures.append(f"各单位信息被采用并计分{adopted}篇次")
    figures.append(f"稿件得分合计{amount(_sum([r.points for r in rows]))}{currency}")
    bonus = _sum([r.bonus for r in rows])
    if bonus:
        figures.append(f"加分合计{amount(bonus)}{currency}")
    deductions = _sum([r.deductions for r in rows])
    if deductions:
        figures.append(f"扣分合计{amount(abs(deductions))}{currency}")
    figures.append(f"总分合计{amount(_sum([r.total for r in rows]))}{currency}")
    sentences.append("，".join(figures) + "。")
    with_quota = [u for u in result.get("units", []) if u.get("quotas")]
    if with_quota:
        short = [u for u in with_quota if (u.get("missing") or 0) > 0]
        missing = sum(int(u.get("missing") or 0) for u in short)
        if not short:
            sentences.append("各单位均完成信息工作任务。")
        elif len(short) == len(with_quota):
            sentences.append(f"{len(short)}个单位均未完成信息工作任务，共缺稿{missing}篇。")
        else:
            done = len(with_quota) - len(short)
            sentences.append(f"{done}个单位完成信息工作任务，{len(short)}个单位未完成，共缺稿{missing}篇。")
    for number, table in enumerate(tables):
        first = [r for r in table.rows if r.rank == 1]
        if first:
            names = "、".join(r.unit for r in first)
            where = f"{table_label(number, table.title)}：" if len(tables) > 1 else ""
            place = "并列第一" if len(first) > 1 else "位列第一"
            sentences.append(f"{where}{names}以{amount(first[0].total)}{currency}{place}。")
    zero = result.get("zero_submission") or []
    if zero:
        sentences.append(f"本期零报送单位{len(zero)}个。")
    return sentences


def _advanced(result: Mapping[str, Any], rules: ArticleRules, source: str) -> list[AdvancedPool]:
    pools = []
    for pool in result.get("advanced", []):
        pools.append(
            AdvancedPool(
                name=str(pool.get("name") or "参评单位"),
                share=pool.get("share", 0),
                cap=int(pool.get("cap") or 0),
                participants=int(pool.get("participants") or 0),
                inside=tuple(pool.get("inside", [])),
                direct=tuple(pool.get("direct", [])),
                tie_at_cap=tuple(pool.get("tie_at_cap", [])),
                cite=cite(rules, str(pool.get("rule") or ""), source),
            )
        )
    return pools


def _flag_rule(result: Mapping[str, Any], flags: set[str]) -> str:
    for unit in result.get("units", []):
        for flag in unit.get("flags", []):
            if flag.get("flag") in flags and flag.get("rule"):
                return str(flag["rule"])
    return ""


def bulletin_document(
    result: Mapping[str, Any],
    *,
    office: str,
    number: str,
    title: str,
    text: str,
    issued_on: date,
    draft: bool,
    scheme: LedgerScheme | None,
    rules: ArticleRules,
) -> BulletinDocument:
    """The bulletin of a frozen ``result`` scored under ``scheme`` (None: the scheme cannot be read any more —
    the tables are then one per group and the rules are those named in the result)."""
    source = f"《{scheme.name.strip('《》')}》" if scheme is not None else ""
    period_text = str(result.get("period_text") or result.get("period") or "")
    currency = str(result.get("currency") or "分")
    units = list(result.get("units", []))
    tables = _tables(units, scheme)
    ranking_rule = (scheme.ranking_rule if scheme else "") or _flag_rule(result, {"last_place"})
    criticism_rule = (scheme.last_place_rule if scheme else "") or _flag_rule(
        result, {"last_place", "zero_submission"}
    )
    advanced_rule = scheme.advanced.rule if scheme is not None and scheme.advanced is not None else ""
    cites = {
        "overview": cite(rules, scheme.cutoff_rule, source)
        if scheme is not None and scheme.cutoff_rule
        else "",
        "ranking": cite(rules, ranking_rule, source),
        "advanced": cite(rules, advanced_rule, source),
        "criticism": cite(rules, criticism_rule, source),
    }
    return BulletinDocument(
        office=office,
        number=number,
        title=title,
        text=text,
        period_text=period_text,
        issued_on=issued_on,
        draft=draft,
        currency=currency,
        overview=tuple(_overview(period_text, currency, tables, result, scheme)),
        tables=tuple(tables),
        selects_advanced=bool(result.get("advanced")) or advanced_rule != "",
        advanced=tuple(_advanced(result, rules, source)),
        zero_submission=tuple(result.get("zero_submission") or ()),
        last_place=tuple(result.get("last_place") or ()),
        cites=cites,
        partial=bool(result.get("partial")),
    )


def default_title(office_label: str, office_name: str, period_text: str) -> str:
    """「关于2026年第四季度全市组工信息工作情况的通报」: the scope (全市 / 全县 / 全区 / 全省) is read from the office's
    name, the work from its label (组工信息、政务信息 …)."""
    found = [(office_name.find(c), c) for c in "省市县区" if c in office_name]
    scope = f"全{min(found)[1]}" if found else ""
    work = office_label.strip() or "信息"
    work = work if work.endswith("信息") else f"{work}信息"
    return f"关于{period_text}{scope}{work}工作情况的通报"


def default_text(office_name: str, period_text: str, scheme_name: str) -> str:
    """The office's opening paragraph as first offered (the office rewrites it)."""
    basis = f"按照《{scheme_name.strip('《》')}》，" if scheme_name else ""
    return (
        f"{period_text}，各单位认真做好信息报送工作，为领导决策提供了有力参考。{basis}"
        f"{office_name}对各单位{period_text}信息工作情况进行了统计计分，现将有关情况通报如下。"
    )
