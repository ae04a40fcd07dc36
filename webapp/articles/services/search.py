"""Searching articles: by unit, date range (the day it reached the office), state, publication (adopted in it) and
keyword — full text on title and body, Chinese-aware without a word segmenter.

Keywords are split on spaces; every one must occur (AND), as a substring of the title or the text, case
insensitive. On SQLite a keyword of three or more characters is looked up in the FTS5 trigram index
(`webapp/articles/models/fulltext.py`), a shorter one with LIKE (a trigram index cannot hold it); on PostgreSQL
every keyword is an ILIKE (a pg_trgm GIN index on title and body speeds that up where the DBA adds one) — the
FTS table is never named on that path.

Only the rows `permissions.visible_clause` lets the person see are searched (a 秘密 article never reaches a
reader), paginated in the query; a bad filter value is a Chinese message naming the field, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from webapp.articles.models import (
    ARTICLE_STATE_LABELS,
    FULLTEXT_TABLE,
    Adoption,
    Article,
    OfficeUnit,
    Publication,
)
from webapp.articles.services import permissions
from webapp.articles.services.paging import ListPage
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.pagination import capped_count
from webapp.core.services.errors import ServiceError

PER_PAGE = 20
MAX_PER_PAGE = 100
#: the count stops here; beyond it the page says there are more than this many (unit_lists.COUNT_CAP alike)
COUNT_CAP = 1_000
MAX_PAGE = 100_000
MAX_QUERY_LENGTH = 60
MAX_TERMS = 5
MAX_ID = 2**31 - 1
DATE_RANGE = (date(2000, 1, 1), date(2100, 12, 31))
#: a keyword this long or longer uses the trigram index
TRIGRAM = 3
SNIPPET = 60


class SearchError(ServiceError):
    """Bad filter values: a Chinese message per field (the page shows them beside the fields, the API answers
    400 naming the first)."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, code="invalid_input", field=field)
        self.errors = errors


@dataclass(frozen=True)
class SearchFilters:
    q: str | None = None
    unit: int | None = None
    state: str | None = None
    publication: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def query_args(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value not in (None, ""):
                out[item.name] = value.isoformat() if isinstance(value, date) else value
        return out

    @property
    def terms(self) -> list[str]:
        return (self.q or "").split()[:MAX_TERMS]

    def __bool__(self) -> bool:
        return bool(self.query_args())


def _int(value: str, low: int, high: int) -> int | None:
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        return None
    number = int(value)
    return number if low <= number <= high else None


def _date(value: str) -> date | None:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if DATE_RANGE[0] <= day <= DATE_RANGE[1] else None


def parse_filters(args: Mapping[str, str]) -> tuple[SearchFilters, dict[str, str]]:
    """Filters from a query string and a message per bad value (a bad value is left out of the filters)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        errors["q"] = f"关键词不能超过{MAX_QUERY_LENGTH}个字。"
    elif len(q.split()) > MAX_TERMS:
        errors["q"] = f"关键词最多{MAX_TERMS}个（以空格分开）。"
    elif q:
        values["q"] = q
    state = (args.get("state") or "").strip()
    if state and state not in ARTICLE_STATE_LABELS:
        errors["state"] = "状态的取值无效，请从列表中选择。"
    elif state:
        values["state"] = state
    for name, words in (("unit", "报送单位"), ("publication", "刊物")):
        raw = args.get(name) or ""
        if raw.strip():
            parsed = _int(raw, 1, MAX_ID)
            if parsed is None:
                errors[name] = f"{words}的取值无效，请从列表中选择。"
            else:
                values[name] = parsed
    for name, words in (("date_from", "起始日期"), ("date_to", "截止日期")):
        raw = args.get(name) or ""
        if raw.strip():
            parsed_day = _date(raw)
            if parsed_day is None:
                errors[name] = f"{words}须为2000至2100年间的日期，格式如2027-01-05。"
            else:
                values[name] = parsed_day
    if values.get("date_from") and values.get("date_to") and values["date_from"] > values["date_to"]:
        errors["date_to"] = "截止日期不能早于起始日期。"
        values.pop("date_to")
    return SearchFilters(**values), errors


def parse_page(args: Mapping[str, str]) -> tuple[int, int]:
    errors: dict[str, str] = {}
    page, per_page = 1, PER_PAGE
    if (args.get("page") or "").strip():
        parsed = _int(args["page"], 1, MAX_PAGE)
        if parsed is None:
            errors["page"] = f"页码须为 1–{MAX_PAGE} 之间的整数。"
        else:
            page = parsed
    if (args.get("per_page") or "").strip():
        parsed = _int(args["per_page"], 1, MAX_PER_PAGE)
        if parsed is None:
            errors["per_page"] = f"每页条数须为 1–{MAX_PER_PAGE} 之间的整数。"
        else:
            per_page = parsed
    if errors:
        raise SearchError(errors)
    return page, per_page


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(term: str) -> str:
    """A keyword as an FTS5 phrase: quoted, quotes doubled, so no keyword is read as FTS syntax."""
    return '"' + term.replace('"', '""') + '"'


def keyword_clause(terms: list[str], dialect: str) -> sa.ColumnElement[bool]:
    """Every term occurs in the title or the text."""
    clauses: list[sa.ColumnElement[bool]] = []
    indexed = [term for term in terms if len(term) >= TRIGRAM] if dialect == "sqlite" else []
    if indexed:
        fts = sa.table(FULLTEXT_TABLE, sa.column("rowid"))
        match = sa.literal_column(FULLTEXT_TABLE).op("MATCH")(" ".join(_fts_phrase(term) for term in indexed))
        clauses.append(Article.id.in_(sa.select(fts.c.rowid).where(match)))
    for term in terms:
        if term in indexed:
            continue
        like = f"%{_escape_like(term)}%"
        clauses.append(sa.or_(Article.title.ilike(like, escape="\\"), Article.body.ilike(like, escape="\\")))
    return sa.and_(*clauses)


def apply_filters(stmt: sa.Select[Any], filters: SearchFilters) -> sa.Select[Any]:
    if filters.terms:
        stmt = stmt.where(keyword_clause(filters.terms, db.session.get_bind().dialect.name))
    if filters.unit:
        stmt = stmt.where(Article.unit_id == filters.unit)
    if filters.state:
        stmt = stmt.where(Article.state == filters.state)
    if filters.publication:
        stmt = stmt.where(
            sa.exists().where(
                Adoption.article_id == Article.id,
                Adoption.publication_id == filters.publication,
                Adoption.cancelled_at.is_(None),
            )
        )
    if filters.date_from:
        stmt = stmt.where(Article.submitted_on >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(Article.submitted_on <= filters.date_to)
    return stmt


def search(
    user: User, filters: SearchFilters, *, page: int = 1, per_page: int = PER_PAGE
) -> ListPage[Article]:
    """The articles ``user`` may see under ``filters``, newest first, one page, with the total counted up to
    `COUNT_CAP` (a province office's 359,620 articles were counted whole on every page: 200 ms on the generated
    province).

    Two statements: the count and the page's rows. The rows' keys are taken from each of the person's ways in
    (`permissions.visible_arms`: their unit, their office, forwarded to it) in the list's order, as many as the
    page needs, and merged; the arms are made disjoint (an article of the person's unit at their office is taken
    once). One query with their OR sorted all of a province office's 240,406 articles for a page: 350 ms, now
    3 ms (PostgreSQL)."""
    page, per_page = max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)
    parts = _visible_parts(user, filters)
    if not parts:
        return ListPage([], 0, page, per_page)
    # each arm counted up to the cap: their sum passes it exactly when the list does (the arms are disjoint)
    counts = [capped_count(part, Article.id, COUNT_CAP) for part in parts]
    total = int(db.session.scalar(sa.select(sum(counts[1:], start=counts[0]))) or 0)
    needed = page * per_page
    tops = [
        part.order_by(Article.submitted_on.desc(), Article.id.desc()).limit(needed).subquery()
        for part in parts
    ]
    merged = sa.union_all(*(sa.select(top.c.id, top.c.submitted_on) for top in tops)).subquery("visible")
    keys = (
        sa.select(merged.c.id, merged.c.submitted_on)
        .order_by(merged.c.submitted_on.desc(), merged.c.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery("shown")
    )
    rows = db.session.scalars(
        sa.select(Article)
        .join(keys, keys.c.id == Article.id)
        .order_by(keys.c.submitted_on.desc(), keys.c.id.desc())
        .options(joinedload(Article.unit))
    ).all()
    return ListPage(rows, min(total, COUNT_CAP), page, per_page, capped=total > COUNT_CAP)


def _visible_parts(user: User, filters: SearchFilters) -> list[sa.Select[Any]]:
    """One SELECT of (id, submitted_on) per arm of what ``user`` may see, under ``filters``, each without the
    rows an earlier arm has (``IS NOT TRUE``: an arm that is NULL for a row has not taken it)."""
    arms = permissions.visible_arms(user)
    return [
        apply_filters(
            sa.select(Article.id, Article.submitted_on).where(
                Article.deleted_at.is_(None), arm, *([sa.or_(*arms[:n]).is_not(sa.true())] if n else [])
            ),
            filters,
        )
        for n, arm in enumerate(arms)
    ]


@dataclass(frozen=True)
class Choices:
    units: list[tuple[int, str]]
    publications: list[tuple[int, str]]


def choices(user: User) -> Choices:
    """The units and publications of the person's office for the filters (a unit's people: none — they see only
    their own unit's articles, and the publication filter lists every office's publications they write to)."""
    office = permissions.office_of(user)
    if office is not None:
        offices = [office.id]
        units = db.session.execute(
            sa.select(Organisation.id, Organisation.name)
            .join(OfficeUnit, OfficeUnit.unit_id == Organisation.id)
            .where(OfficeUnit.office_id == office.id)
            .order_by(Organisation.name)
        ).all()
    else:
        offices = [o.id for o in permissions.offices_of_unit(user.organisation_id)]
        units = []
    publications = (
        db.session.execute(
            sa.select(Publication.id, Publication.name)
            .where(Publication.office_id.in_(offices))
            .order_by(Publication.own.desc(), Publication.position, Publication.id)
        ).all()
        if offices
        else []
    )
    return Choices([(r.id, r.name) for r in units], [(r.id, r.name) for r in publications])


def snippet(article: Article, terms: list[str]) -> str:
    """A few words of the text around the first keyword found (or its beginning)."""
    body = " ".join((article.body or "").split())
    lowered = body.lower()
    for term in terms:
        at = lowered.find(term.lower())
        if at >= 0:
            start = max(0, at - SNIPPET // 3)
            return (
                ("…" if start else "")
                + body[start : start + SNIPPET]
                + ("…" if start + SNIPPET < len(body) else "")
            )
    return body[:SNIPPET] + ("…" if len(body) > SNIPPET else "")
