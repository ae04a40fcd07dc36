"""A unit's own reading of the ledger (我的计分): its points and the lines that make them, its quota progress with
the day by which an article must be published to count (ZG-6.6), its rank, its points by month and its articles
with their points — for the unit's dashboard (`articles_ledger.mine`) and the API.

Everything is read through `services.ledger` (a closed period's frozen result, else the live one); nothing here
scores differently. What a unit may see is decided here, once, for the page and the API alike: its own figures
and its own rank, and the other units' ranking only once the office has published the bulletin (通报) — the
office's own people (`can_see_ledger`) see it always.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from webapp.articles.models import Article, ArticleOffice
from webapp.articles.services import ledger, ledger_months, permissions
from webapp.articles.services.article_page import quote as rule_quote
from webapp.articles.services.errors import Refused
from webapp.articles.services.paging import ListPage, page_of
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Role, User
from webapp.core.services.errors import NotFound
from workflow.errors import Refusal
from workflow.scoring.ledger import Adoption as LedgerAdoption
from workflow.scoring.ledger import LedgerError, LedgerScheme, Period, Records
from workflow.scoring.ledger.engine import explain_article
from workflow.scoring.ledger.period import month_index

UNIT_READERS = (Role.INFO_OFFICER, Role.INFO_SIGNER, Role.INFO_READER)
PER_PAGE = 20
PERIOD_WORDS = {"month": "本月", "quarter": "本季度", "half": "本半年", "year": "本年度"}
NOT_FOUND = "计分结果不存在或您无权查看。"
HEAD_ONLY = "只有信息科负责人可以结算考核期、重新计算和发布通报；信息编辑和领导阅览只能查看。"


# -- who reads which office's ledger ----------------------------------------------------------------------------


def offices_of_member(user: User | None) -> list[ArticleOffice]:
    """The offices whose ledger ``user`` reads as a member of a unit (officer, leader in charge, reader)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return []
    if not user.has_role(*UNIT_READERS):
        return []
    return [
        office
        for office in permissions.offices_of_unit(user.organisation_id)
        if permissions.can_see_unit_points(user, office, user.organisation_id)
    ]


def member_office(user: User | None, office_id: int | None) -> tuple[ArticleOffice, list[ArticleOffice]]:
    """The office chosen by ``?office=`` among the unit's offices (default: the first) and all of them; NotFound
    for someone who is not a unit member, or an office the unit does not write to."""
    offices = offices_of_member(user)
    if not offices:
        raise NotFound(NOT_FOUND)
    if office_id is None:
        return offices[0], offices
    chosen = next((o for o in offices if o.id == office_id), None)
    if chosen is None:
        raise NotFound(NOT_FOUND)
    return chosen, offices


def office_for_reader(user: User | None) -> ArticleOffice:
    """The caller's office when they may see its ledger (editors, head, readers); NotFound for anyone else."""
    office = permissions.office_of(user)
    if office is None or not permissions.can_see_ledger(user, office):
        raise NotFound(NOT_FOUND)
    return office


def office_for_unit(user: User | None, unit_id: int, office_id: int | None = None) -> ArticleOffice:
    """The office whose ledger shows ``unit_id`` to ``user``: their own office for its editors, head and readers;
    for a member of that very unit, the office chosen among the unit's (default: the first). NotFound else."""
    office = permissions.office_of(user)
    if office is not None and permissions.can_see_ledger(user, office):
        if office_id is not None and office_id != office.id:
            raise NotFound(NOT_FOUND)
        return office
    if user is None or getattr(user, "organisation_id", None) != unit_id:
        raise NotFound(NOT_FOUND)
    return member_office(user, office_id)[0]


def office_for_head(user: User | None) -> ArticleOffice:
    """The caller's office for closing, recomputing and publishing: NotFound for whoever may not see its ledger,
    403 (forbidden) for its editors and readers, who see it but may not act on it."""
    office = office_for_reader(user)
    if not permissions.can_close_ledger(user, office):
        raise Refused(Refusal("forbidden", HEAD_ONLY, None))
    return office


def period_or_current(office: ArticleOffice, text: str | None) -> Period:
    """``?period=`` (empty: the office's current period); a bad one is a Chinese message on ``period`` (400)."""
    if text is None or not str(text).strip():
        return ledger.current_period(office)
    return ledger.period_from(text)


# -- the reading -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryProgress:
    name: str
    required: int
    done: int
    credited: int

    @property
    def missing(self) -> int:
        return max(0, self.required - self.done)

    @property
    def percent(self) -> int:
        """How far the bar is filled (0–100)."""
        return 100 if self.required <= 0 else min(100, round(100 * self.done / self.required))


@dataclass(frozen=True)
class QuotaProgress:
    """One quota window of the unit (ZG-2.2: this quarter's 10 articles, of which 2 参阅类)."""

    name: str
    rule: str
    quote: str
    period: str
    period_text: str
    categories: list[CategoryProgress]
    #: articles still missing in the quota's own reading (nested: the fewest that satisfy every line, GAP-3)
    missing: int
    deduct_rule: str
    #: the points per missing article (ZG-4.8: 10), None when the scheme deducts nothing
    deduct: Decimal | None
    deduct_quote: str


@dataclass(frozen=True)
class Deadline:
    """The last day an adoption still counts in the period (ZG-6.6: the cut-off day of its last month)."""

    day: date
    days_left: int
    rule: str
    text: str
    quote: str

    @property
    def passed(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True)
class Standing:
    rank: int | None
    #: the units ranked together (the pool of the unit's group: ZG ranks units and sections apart, GAP-12)
    of: int
    pool: str
    rule: str
    quote: str
    zero_submission: bool
    last_place: bool


@dataclass(frozen=True)
class AdoptionNote:
    publication: str
    klass: str
    form: str
    day: date


@dataclass(frozen=True)
class ArticlePoints:
    article_id: int
    #: None when the reader may not see the article (a 秘密 article of another officer): its points still count
    title: str | None
    #: the month it is scored in (its first adoption, after the cut-off): ``2026-11`` and 「2026年11月」
    month: str
    month_text: str
    #: published after the cut-off day, so scored in the month after its first adoption (ZG-6.6)
    moved: bool
    points: Decimal
    explanation: str
    adoptions: list[AdoptionNote]


@dataclass(frozen=True)
class MonthPoints:
    month: str
    label: str
    points: Decimal


@dataclass
class UnitReading:
    view: ledger.PeriodView
    unit_id: int
    unit_name: str
    #: the unit's entry of the result (its lines, flags, quotas), None when it is not scored (no group)
    unit: dict[str, Any] | None
    unplaced: bool
    standing: Standing | None
    quotas: list[QuotaProgress]
    deadline: Deadline
    #: a page of the unit's articles (none when the unit is not scored)
    articles: ListPage[ArticlePoints]
    months: list[MonthPoints]
    year: int
    #: the pool's ranking [{unit, group, total, rank}] when the reader may see it, else None
    ranking: list[dict[str, Any]] | None = None
    currency: str = "分"
    notes: list[str] = field(default_factory=list)
    #: the scheme's monthly cut-off day (ZG-6.6: 28), None when it has none
    cutoff_day: int | None = None

    @property
    def published(self) -> bool:
        return self.view.state == "published"


def deadline(scheme: LedgerScheme, period: Period, today: date) -> Deadline:
    """ZG-6.6 / GAP-9: an article published after the 28th of a month counts next month, so the last day that still
    counts in ``period`` is the cut-off day of its last month (inclusive); without a cut-off, its last day."""
    last = ledger.last_day(period)
    day = last if scheme.cutoff_day is None else last.replace(day=min(scheme.cutoff_day, last.day))
    word = PERIOD_WORDS.get(period.kind, "本期")
    text = f"{word}稿件须于{day.month}月{day.day}日前刊发方计入本期"
    if scheme.cutoff_day is not None:
        text += f"（{day.month}月{day.day}日之后刊发的计入下期）"
    rule = scheme.cutoff_rule
    return Deadline(day, (day - today).days, rule, text, rule_quote(rule))


def _quotas(scheme: LedgerScheme, unit: dict[str, Any]) -> list[QuotaProgress]:
    by_rule = {(q.name, q.rule): q for q in scheme.quotas}
    out = []
    for entry in unit.get("quotas", []):
        quota = by_rule.get((entry["quota"], entry["rule"]))
        window = ledger.period_from(entry["period"])
        deduct_rule = (quota.deduct_rule or quota.rule) if quota is not None else ""
        out.append(
            QuotaProgress(
                name=entry["quota"],
                rule=entry["rule"],
                quote=rule_quote(entry["rule"]),
                period=entry["period"],
                period_text=window.chinese,
                categories=[
                    CategoryProgress(c["name"], c["required"], c["done"], c.get("credited", 0))
                    for c in entry["categories"]
                ],
                missing=entry["missing"],
                deduct_rule=deduct_rule,
                deduct=quota.deduct if quota is not None and quota.deduct else None,
                deduct_quote=rule_quote(deduct_rule),
            )
        )
    return out


def _pools(scheme: LedgerScheme) -> dict[str, str]:
    return {g.id: g.pool or g.id for g in scheme.groups}


def _standing(scheme: LedgerScheme, result: dict[str, Any], unit: dict[str, Any]) -> Standing:
    pools = _pools(scheme)
    pool = pools.get(unit["group_id"], unit["group_id"])
    peers = [
        u
        for u in result["units"]
        if pools.get(u["group_id"], u["group_id"]) == pool and u["rank"] is not None
    ]
    groups = sorted({u["group"] for u in peers} or {unit["group"]})
    rule = scheme.ranking_rule
    return Standing(
        rank=unit["rank"],
        of=len(peers),
        pool="、".join(groups),
        rule=rule,
        quote=rule_quote(rule),
        zero_submission=unit["unit"] in result.get("zero_submission", []),
        last_place=unit["unit"] in result.get("last_place", []),
    )


def _ranking(scheme: LedgerScheme, result: dict[str, Any], unit: dict[str, Any]) -> list[dict[str, Any]]:
    pools = _pools(scheme)
    pool = pools.get(unit["group_id"], unit["group_id"])
    peers = [u for u in result["units"] if pools.get(u["group_id"], u["group_id"]) == pool]
    peers.sort(key=lambda u: (u["rank"] is None, u["rank"] or 0, u["unit"]))
    return [{"unit": u["unit"], "group": u["group"], "total": u["total"], "rank": u["rank"]} for u in peers]


# -- the unit's articles ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedArticle:
    """One article of a unit where the engine scores it: in the month of its first adoption after the cut-off
    (ZG-6.6), with all its adoptions and the levels of its instructions."""

    article: str
    month: int
    adoptions: list[LedgerAdoption]
    levels: list[str]


def place_articles(
    scheme: LedgerScheme, records: Records, unit_name: str, period: Period
) -> list[PlacedArticle]:
    """The articles of ``unit_name`` that ``records`` score in ``period``, placed the engine's way: an article
    belongs to the month of its first adoption after the cut-off (ZG-6.6), so the 29th of a quarter's last month
    is next quarter. Oldest first (month, first adoption, article)."""
    adoptions: dict[str, list[LedgerAdoption]] = defaultdict(list)
    for adoption in records.adoptions:
        if adoption.unit == unit_name:
            adoptions[adoption.article].append(adoption)
    levels: dict[str, list[str]] = defaultdict(list)
    for instruction in records.instructions:
        if instruction.unit == unit_name and instruction.article in adoptions:
            levels[instruction.article].append(instruction.level)
    out = [
        PlacedArticle(article, month, found, levels.get(article, []))
        for article, found in adoptions.items()
        if (month := min(month_index(a.day, scheme.cutoff_day) for a in found)) in period
    ]
    out.sort(key=lambda p: (p.month, min(a.day for a in p.adoptions), int(p.article)))
    return out


def explain(
    scheme: LedgerScheme,
    placed: PlacedArticle,
    *,
    publications: Mapping[str, str] | None = None,
    shown: bool = True,
) -> ArticlePoints:
    """The article's points with `explain_article`'s reasoning (「20 = 《河南组工信息》经验类单条（就高不就低）;
    +20 = 省领导批示加分」) and its adoptions in the scheme's words — ``publications`` the office's own names of
    its publications where given; its title only when ``shown``. A record the scheme cannot place (a frozen
    period read later) says so instead of failing."""
    names = {p.id: p.name for p in scheme.publications} | dict(publications or {})
    classes = {c.id: c.name for c in scheme.classes}
    forms = {f.id: f.name for f in scheme.forms}
    try:
        points, explanation = explain_article(scheme, placed.adoptions, placed.levels)
    except LedgerError as exc:
        points, explanation = Decimal(0), f"无法按计分办法计分：{exc}"
    for (
        pub
    ) in scheme.publications:  # the reasoning in the office's words too (not the source's 《**组工信息》)
        if publications and publications.get(pub.id, pub.name) != pub.name:
            explanation = explanation.replace(pub.name, publications[pub.id])
    first = placed.adoptions[0]
    return ArticlePoints(
        article_id=int(placed.article),
        title=(first.title or "（无标题）") if shown else None,
        month=Period("month", placed.month).label,
        month_text=Period("month", placed.month).chinese,
        moved=placed.month != min(a.day.year * 12 + a.day.month - 1 for a in placed.adoptions),
        points=points,
        explanation=explanation,
        adoptions=[
            AdoptionNote(
                names.get(a.publication, a.publication),
                classes.get(a.klass, a.klass),
                forms.get(a.form, a.form),
                a.day,
            )
            for a in sorted(placed.adoptions, key=lambda a: (a.day, a.publication))
        ],
    )


def article_page(
    user: User | None,
    office: ArticleOffice,
    scheme: LedgerScheme,
    period: Period,
    unit_id: int,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    as_of: date | None = None,
    collected: ledger.Collected | None = None,
) -> ListPage[ArticlePoints]:
    """One page of the articles ``unit_id`` has scored in ``period`` at ``office``, each explained, from the
    flow's records as they are now (a closed period's too: its corrections show before a recompute) — for the
    office's page of the unit, the unit's dashboard and the API alike. Past the last page: the last page.

    A title ``user`` may not see (a 秘密 article of another officer) is None: its points still count. The
    adoptions name the office's own publications (《宜昌组工信息》 where the scheme says 《**组工信息》)."""
    who = ledger.roster(office, scheme)
    name = who.names.get(unit_id)
    if name is None:
        return ListPage([], 0, 1, per_page)
    if collected is None:
        collected = unit_records(office, scheme, period, unit_id, as_of or clock.today())
    cut = page_of(place_articles(scheme, collected.records, name, period), page, per_page)
    if not cut.items:
        return ListPage([], 0, 1, per_page)
    ids = [int(p.article) for p in cut.items]
    visible = set(
        db.session.scalars(sa.select(Article.id).where(Article.id.in_(ids), permissions.visible_clause(user)))
    )
    publications = ledger.publication_names(office, scheme)
    items = [
        explain(scheme, p, publications=publications, shown=int(p.article) in visible) for p in cut.items
    ]
    return ListPage(items, cut.total, cut.page, per_page)


def unit_records(
    office: ArticleOffice, scheme: LedgerScheme, period: Period, unit_id: int, as_of: date
) -> ledger.Collected:
    """The unit's articles that can fall in ``period`` (adoptions and instructions; read for its page of
    articles and its points by month)."""
    who = ledger.roster(office, scheme)
    return ledger.records(office, scheme, period, who, as_of, unit_id=unit_id, articles_only=True)


def months(
    office: ArticleOffice,
    year: int,
    unit_name: str,
    unit_id: int | None = None,
    collected: ledger.Collected | None = None,
) -> list[MonthPoints]:
    """The unit's article points (稿件得分) in each month of ``year`` up to today (quotas are not monthly). With
    ``unit_id``, from that unit's records only (its article points do not depend on the other units'); with
    ``collected``, from those (the unit's records of the year, `unit_records`)."""
    return [
        MonthPoints(m["month"], m["label"], Decimal(str(m["units"].get(unit_name, 0))))
        for m in ledger_months.points_by_month(office, year, unit_id=unit_id, collected=collected)
    ]


def reading(
    user: User | None,
    office: ArticleOffice,
    period: Period,
    unit_id: int,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    with_months: bool = True,
) -> UnitReading:
    """What ``user`` may read of ``unit_id``'s points at ``office`` for ``period`` (NotFound when they may not, or
    the unit is not one of the office's)."""
    if not permissions.can_see_unit_points(user, office, unit_id):
        raise NotFound(NOT_FOUND)
    scheme = ledger.require_scheme(office)
    view = ledger.view(office, period)
    result = view.result
    names = {unit_id_: name for name, unit_id_ in result.get("unit_ids", {}).items()}
    name = names.get(unit_id)
    if name is None:
        name = ledger.roster(office, scheme).names.get(unit_id)
    if name is None:
        raise NotFound(NOT_FOUND)
    unit = ledger.unit_result(result, name)
    today = clock.today()
    # the unit's records of the year read once: its articles of the period and its points by month alike
    year_records = (
        unit_records(office, scheme, Period("year", period.year * 12), unit_id, today)
        if unit is not None or with_months
        else None
    )
    articles = (
        article_page(
            user,
            office,
            scheme,
            period,
            unit_id,
            page=page,
            per_page=per_page,
            as_of=today,
            collected=year_records,
        )
        if unit is not None
        else ListPage([], 0, 1, per_page)
    )
    notes = []
    if view.frozen:
        notes.append("本期已结算：得分、任务和名次以结算结果为准；下列逐篇明细按当前采用记录列出。")
    if unit is None:
        notes.append("本单位尚未设置考核类别，本期不计分。请与办公室联系。")
    sees_all = permissions.can_see_ledger(user, office) or view.state == "published"
    return UnitReading(
        view=view,
        unit_id=unit_id,
        unit_name=name,
        unit=unit,
        unplaced=unit is None,
        standing=_standing(scheme, result, unit) if unit is not None else None,
        quotas=_quotas(scheme, unit) if unit is not None else [],
        deadline=deadline(scheme, period, today),
        articles=articles,
        months=months(office, period.year, name, unit_id, year_records) if with_months else [],
        year=period.year,
        ranking=_ranking(scheme, result, unit) if unit is not None and sees_all else None,
        currency=result.get("currency", scheme.currency),
        notes=notes,
        cutoff_day=scheme.cutoff_day,
    )


def recent_periods(office: ArticleOffice, today: date | None = None, count: int = 6) -> list[Period]:
    """The periods offered in the picker: the current one and those before it, of the office's kind."""
    current = ledger.current_period(office, today)
    return [Period(current.kind, current.first - i * current.length) for i in range(count)]
