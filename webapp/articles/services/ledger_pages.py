"""What the office's ledger pages show beside a period's result (`services.ledger.view`): the period picker's
fields, the ranking sections (units ranked together, ZG-5.2 / GAP-12), the rules the page cites with their words,
the difference between a frozen result and the records as they are now, and the closed periods with their
recomputes. A unit's articles, each explained, are `ledger_units.article_page` (the unit's dashboard and the API
read the same).

Read model only: every act on a period is `services.ledger`'s. Lists are paginated in the query (the closed
periods, the recomputes) and their people and counts loaded in one statement each, so a page issues the same few
statements whatever the number of periods or units.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload

from webapp.articles.models import ArticleOffice, LedgerPeriod, LedgerRecompute
from webapp.articles.services import ledger
from webapp.articles.services.article_page import quote as rule_quote
from webapp.core.extensions import db
from webapp.core.services.errors import InvalidInput
from workflow.scoring.ledger import LedgerScheme, Period

PER_PAGE = 20
#: how many numbers each kind of period has in a year (a year has none: 2026 is the whole year)
PERIOD_NUMBERS = {"month": 12, "quarter": 4, "half": 2, "year": 0}
_NUMBER_MESSAGES = {
    "month": "月份应为1至12之间的数字。",
    "quarter": "季度应为1至4之间的数字（第一季度填1）。",
    "half": "半年应填1（上半年）或2（下半年）。",
}


# -- the period picker -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodFields:
    """The picker's three fields as typed (strings: a page shows back what was typed)."""

    kind: str = ""
    year: str = ""
    number: str = ""


def fields_of(period: Period) -> PeriodFields:
    within = period.first % 12
    number = {"month": within + 1, "quarter": within // 3 + 1, "half": within // 6 + 1}.get(period.kind)
    return PeriodFields(period.kind, str(period.year), "" if number is None else str(number))


def period_from_fields(kind: Any, year: Any, number: Any) -> Period:
    """kind (month / quarter / half / year) + year + number → Period; a Chinese message on the field at fault."""
    kind = str(kind or "").strip()
    if kind not in PERIOD_NUMBERS:
        raise InvalidInput("请选择考核期类别：月度、季度、半年或年度。", field="kind")
    text = str(year or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100):
        raise InvalidInput("年份应为2000年至2100年之间的四位数字。", field="year")
    if kind == "year":
        return ledger.period_from(text)
    raw = str(number or "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 2 and 1 <= int(raw) <= PERIOD_NUMBERS[kind]):
        raise InvalidInput(_NUMBER_MESSAGES[kind], field="number")
    value = int(raw)
    label = {"month": f"{text}-{value:02d}", "quarter": f"{text}-Q{value}", "half": f"{text}-H{value}"}[kind]
    return ledger.period_from(label)


def neighbours(period: Period) -> tuple[Period | None, Period | None]:
    """The periods of the same kind before and after (None past the years a period may have)."""
    before, after = (
        Period(period.kind, period.first - period.length),
        Period(period.kind, period.first + period.length),
    )
    return (
        before if before.year >= 2000 else None,
        after if after.year <= 2100 else None,
    )


# -- rules -----------------------------------------------------------------------------------------------------


def is_reading(rule: str | None) -> bool:
    """A GAP-n is our reading where the text is silent: people read 「本系统解释」, never the id."""
    return bool(rule) and str(rule).startswith("GAP-")


def rules_cited(result: dict[str, Any]) -> list[str]:
    """Every regulation rule the result names (lines, flags, advanced pools, not_eligible), first seen first."""
    seen: dict[str, None] = {}
    for unit in result.get("units", []):
        for item in (*unit.get("lines", []), *unit.get("flags", [])):
            seen.setdefault(item.get("rule") or "", None)
        for quota in unit.get("quotas", []) or []:
            seen.setdefault(quota.get("rule") or "", None)
    for pool in result.get("advanced", []):
        seen.setdefault(pool.get("rule") or "", None)
        for refused in pool.get("not_eligible", []):
            seen.setdefault(refused.get("rule") or "", None)
    return [rule for rule in seen if rule and not is_reading(rule)]


def citations(rules: Iterable[str]) -> list[tuple[str, str]]:
    """(rule, its quote) for the rules the article rules quote — the page's 「计分依据」."""
    return [(rule, quote) for rule in rules if (quote := rule_quote(rule))]


def flag_rule(result: dict[str, Any], flag: str, scheme: LedgerScheme | None = None) -> str:
    """The rule the result gives a flag (零报送 / 排名末位: ZG-5.3), else the scheme's last-place rule."""
    for unit in result.get("units", []):
        for item in unit.get("flags", []):
            if item.get("flag") == flag and item.get("rule"):
                return str(item["rule"])
    return scheme.last_place_rule if scheme is not None else ""


# -- the ranking sections --------------------------------------------------------------------------------------


@dataclass
class Section:
    """Units ranked together (a scheme's pool, ZG GAP-12: units and sections apart), best first; a tie shares
    its rank (ZG-5.2)."""

    key: str
    groups: list[str] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return "、".join(self.groups)


def sections(result: dict[str, Any], scheme: LedgerScheme | None) -> list[Section]:
    """The result's units by ranking pool, in the scheme's order of groups; within one, by rank then name."""
    pool_of = {g.id: g.pool or g.id for g in scheme.groups} if scheme is not None else {}
    order = {g.id: index for index, g in enumerate(scheme.groups)} if scheme is not None else {}
    found: dict[str, Section] = {}
    place: dict[str, tuple[int, int]] = {}
    named: dict[str, tuple[int, int]] = {}
    for index, unit in enumerate(result.get("units", [])):
        group_id = str(unit.get("group_id") or unit.get("group") or "")
        key = pool_of.get(group_id, group_id)
        section = found.setdefault(key, Section(key))
        here = (order.get(group_id, len(order)), index)
        if unit.get("group") and unit["group"] not in section.groups:
            section.groups.append(unit["group"])
            named[unit["group"]] = here
        section.units.append(unit)
        place[key] = min(place.get(key, here), here)
    for section in found.values():
        section.groups.sort(key=lambda name: named[name])
        section.units.sort(key=lambda u: (u.get("rank") is None, u.get("rank") or 0, u.get("unit") or ""))
    return sorted(found.values(), key=lambda s: place[s.key])


@dataclass(frozen=True)
class RankingFacts:
    """What the ranking page reads off a result besides its units: the sections, the rules it cites with their
    words, the rules of its two criticisms (零报送, 排名末位: ZG-5.3) and whether any unit has a completion rate
    (a province office's 1,500 units were looked through on every view)."""

    sections: list[Section]
    citations: list[tuple[str, str]]
    zero_rule: str
    last_rule: str
    completion: bool


def ranking_facts(result: dict[str, Any], scheme: LedgerScheme | None) -> RankingFacts:
    return RankingFacts(
        sections(result, scheme),
        citations(rules_cited(result)),
        flag_rule(result, "zero_submission", scheme),
        flag_rule(result, "last_place", scheme),
        has_completion(result),
    )


#: units shown per page of the ranking (the ranking itself is the whole pool's: a province office has ~1,500)
UNITS_PER_PAGE = 50


@dataclass(frozen=True)
class SectionsPage:
    sections: list[Section]
    page: int
    pages: int
    total: int


def page_sections(found: list[Section], page: int, per_page: int | None = None) -> SectionsPage:
    """One page of the ranked units, section after section as `sections` orders them (ranks are the pool's,
    computed over every unit); past the last page: the last page."""
    per_page = per_page or UNITS_PER_PAGE
    total = sum(len(section.units) for section in found)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    low, high = (page - 1) * per_page, page * per_page
    out, offset = [], 0
    for section in found:
        start, stop = max(low - offset, 0), min(high - offset, len(section.units))
        if start < stop:
            out.append(Section(section.key, list(section.groups), section.units[start:stop]))
        offset += len(section.units)
    return SectionsPage(out, page, pages, total)


def has_completion(result: dict[str, Any]) -> bool:
    return any(unit.get("completion") is not None for unit in result.get("units", []))


def live_changes(view: ledger.PeriodView) -> list[dict[str, Any]] | None:
    """For a closed period: what a recompute from today's records would change (None when it cannot be scored
    now, or the period is not closed)."""
    if view.record is None:
        return None
    try:
        fresh = ledger.live(view.office, view.period)
    except ledger.LedgerUnavailable:
        return None
    return ledger.difference(view.record.result, fresh)


# -- closed periods and recomputes -----------------------------------------------------------------------------


def history(office: ArticleOffice, *, page: int = 1, per_page: int = PER_PAGE) -> Any:
    """The office's closed periods, newest closing first, paginated in the query; who closed and published each
    loaded with it (the frozen results are not read: a list needs none of them)."""
    stmt = (
        sa.select(LedgerPeriod)
        .where(LedgerPeriod.office_id == office.id)
        .order_by(LedgerPeriod.closed_at.desc(), LedgerPeriod.id.desc())
        .options(
            defer(LedgerPeriod.result),
            defer(LedgerPeriod.bulletin_text),
            selectinload(LedgerPeriod.closed_by),
            selectinload(LedgerPeriod.published_by),
        )
    )
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=100, error_out=False)


def recompute_counts(period_ids: Iterable[int]) -> dict[int, int]:
    """How many recorded recomputes each period has: one GROUP BY for a page of periods."""
    ids = list(period_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(LedgerRecompute.period_id, sa.func.count(LedgerRecompute.id))
        .where(LedgerRecompute.period_id.in_(ids))
        .group_by(LedgerRecompute.period_id)
    )
    return {period_id: count for period_id, count in rows}


def recomputes_of(record: LedgerPeriod, *, page: int = 1, per_page: int = PER_PAGE) -> Any:
    """A closed period's recorded recomputes, newest first, with who made them (the replaced results unread)."""
    stmt = (
        sa.select(LedgerRecompute)
        .where(LedgerRecompute.period_id == record.id)
        .order_by(LedgerRecompute.at.desc(), LedgerRecompute.id.desc())
        .options(defer(LedgerRecompute.previous), selectinload(LedgerRecompute.by))
    )
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=100, error_out=False)


def period_text(label: str) -> str:
    """「2026年第四季度」 for a stored label; the label itself if it no longer reads (never a failing page)."""
    try:
        return ledger.period_from(label).chinese
    except InvalidInput:
        return label
