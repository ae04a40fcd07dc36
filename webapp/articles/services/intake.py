"""The office's intake queue (read model): the articles that reached the person's office and wait for its
decision (已报送 → 编辑中), urgent reports first then the oldest; the counts per state; the articles lower offices
passed up to it (上报, INF-2.5) still waiting; and an article's neighbours in the queue (J/K in triage).

Every list is paginated in the query and the counts are one GROUP BY, so a page issues the same few statements
whatever the number of articles.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from webapp.articles.models import Article, ArticleOffice, Forwarding
from webapp.articles.models.article import ArticleNames
from webapp.articles.services import ledger_revision, permissions
from webapp.articles.services.errors import Refused
from webapp.articles.services.ledger_periods import revision
from webapp.core.extensions import db
from webapp.core.models import User, acting
from webapp.core.models.types import UTCDateTime
from webapp.core.pagination import KeptPages, KeyedOffsetPage, ShortListPage
from webapp.core.read_transactions import in_constants, skewed_key
from webapp.core.records import Records
from webapp.core.services.kept import Kept, may_keep
from workflow.errors import Refusal

PER_PAGE = 20
MAX_PER_PAGE = 100
QUEUE_STATES = permissions.INTAKE_STATES
#: 0 for an urgent report (紧急信息, PUB-2.3: 急事、要事…迅速报送), 1 for the rest: urgent first.
URGENT_FIRST = sa.case((Article.kind == "urgent", 0), else_=1)
#: when it reached the office (to the minute; an article made outside the procedure has only its creation time)
ARRIVED = sa.func.coalesce(Article.submitted_at, Article.created_at)
QUEUE_ORDER = (URGENT_FIRST, ARRIVED, Article.id)

#: what the queue's rows show (and the API's `article_row` returns) of an article: the columns a list reads, not
#: its text
LISTED_COLUMNS = (
    "id", "number", "office_id", "unit_id", "kind", "secrecy", "title", "state", "submitted_on", "submitted_at",
    "created_at", "version_id",
)  # fmt: skip


class ArticleRecord(namedtuple("ArticleRecord", (*LISTED_COLUMNS, "unit")), ArticleNames):  # type: ignore[misc]
    """An article in the intake queue as a plain record (`webapp.core.records`, issue 12): the columns it shows,
    its unit (`OrgRecord`) and the names `Article` gives its state, secrecy and kind."""

    __slots__ = ()


_LISTED = Records(Article.__table__, ArticleRecord, {"unit": "unit_id"}, columns=LISTED_COLUMNS,
                  required=frozenset({"unit"}))  # fmt: skip


def office_for(user: User) -> ArticleOffice:
    """The office whose intake ``user`` works (editor or head); 403 otherwise."""
    office = permissions.office_of(user)
    if office is None or not permissions.can_work_at_office(user, office):
        raise Refused(Refusal("forbidden", "只有信息报送办公室的信息编辑和负责人可以处理来稿。", None))
    return office


def queue_clause(user: User, office: ArticleOffice, states: tuple[str, ...] = QUEUE_STATES) -> Any:
    return sa.and_(
        permissions.visible_clause(user),
        Article.office_id == skewed_key(office.id),
        in_constants(Article.state, states),
    )


#: what the intake page reads on every view, kept per process (a few dozen offices, a few people each): the
#: queue's counts and whether the 上报 section is empty
_KEPT: Kept[object] = Kept("intake", 256)
#: the ids of the queue's pages (`_kept_pages`), apart so that people paging through never push the counts out
_PAGES: Kept[tuple[Any, ...]] = Kept("intake_pages", 1024)


def _kept_key(user: User, office: ArticleOffice, what: Hashable) -> tuple[Any, ...] | None:
    """Where a value of the office's intake is kept now, or None when nothing may be kept (not a GET, or the
    transaction holds unwritten changes). The office's records revision (`ledger_revision`) moves at the commit of
    every change to an article of the office (its state, secrecy, unit or deletion included) and to a forwarding
    to it; the person, their roles and organisation decide which articles they see (`permissions.visible_arms`).
    The revision is read before the value is made, so what is kept is at least as new as its key."""
    if not may_keep() or ledger_revision.pending(db.session):
        return None
    return (office.id, revision(office), user.id, tuple(sorted(user.roles)), user.organisation_id, what)


def queue_counts(user: User, office: ArticleOffice) -> dict[str, int]:
    """The office's queue counted per state, as ``user`` sees it, kept under `_kept_key` (issue 12: a statement
    fewer on the intake page). A queue article is the office's own, seen through the office's arm: an article
    of another office forwarded here never counts in it."""

    def count() -> dict[str, int]:
        counts = {name: 0 for name in QUEUE_STATES}
        for name, number in db.session.execute(
            sa.select(Article.state, sa.func.count(Article.id))
            .where(queue_clause(user, office))
            .group_by(Article.state)
        ):
            counts[name] = number
        return counts

    return dict(_KEPT.made(_kept_key(user, office, "counts"), count))  # type: ignore[call-overload]


def _kept_pages(user: User, office: ArticleOffice, states: tuple[str, ...]) -> KeptPages:
    """The ids of the queue's pages (`KeptPages`), kept under `_kept_key` with the states shown."""
    return KeptPages(
        Article.id,
        _PAGES,
        lambda offset, per_page: _kept_key(user, office, ("page", states, offset, per_page)),
    )


def _forwarded_first_page(user: User, office: ArticleOffice, per_page: int) -> Any:
    """The first page of `forwarded_to`; no statement when it was empty under the same key (`_kept_key`). The
    section fills only through a forwarding to the office, which moves its revision; it may empty without one
    (an article deleted by its own office), and is then read again until it is seen empty."""
    key = _kept_key(user, office, "no_forwardings")
    if key is not None and _KEPT.get(key) is True:
        return ShortListPage(None, 1, per_page)
    found = forwarded_to(user, office, page=1, per_page=per_page)
    if key is not None:
        _KEPT.put(key, not found.items)
    return found


@dataclass(frozen=True)
class Intake:
    office: ArticleOffice
    #: the state shown (``submitted``, ``received``) or None for both
    state: str | None
    page: Any
    counts: dict[str, int]
    forwarded: Any

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def intake(
    user: User,
    *,
    state: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    forwarded_page: int = 1,
    last_if_past_end: bool = False,
) -> Intake:
    user = acting(user)
    office = office_for(user)
    states = (state,) if state in QUEUE_STATES else QUEUE_STATES
    counts = queue_counts(user, office)
    # the page's ids off ix_articles_queue, then its articles (never the whole queue's rows sorted)
    keys = sa.select(Article.id).where(queue_clause(user, office, states)).order_by(*QUEUE_ORDER)
    listed = KeyedOffsetPage(
        keys,
        lambda shown: _LISTED.select(shown, QUEUE_ORDER, ("unit",)),
        page,
        max(1, min(per_page, MAX_PER_PAGE)),
        sum(counts[name] for name in states),
        last_if_past_end=last_if_past_end,
        # the page's ids kept with the queue's counts: the queue is sorted by arrival, which no index gives for
        # both states at once (an office's ~2,800 waiting articles sorted for 20 on every view)
        kept_pages=_kept_pages(user, office, states),
        read=_LISTED.read,
    )
    return Intake(
        office,
        state if state in QUEUE_STATES else None,
        listed,
        counts,
        _forwarded_first_page(user, office, PER_PAGE)
        if forwarded_page == 1
        else forwarded_to(user, office, page=forwarded_page),
    )


#: the forwardings of `forwarded_to`, under an alias: `visible_clause` has its own EXISTS over
#: article_forwardings, which must not correlate to this one. Made once: an alias of a mapped class costs ~0.6 ms
#: to build its columns and relationships again, more than the query it is for (issue 12)
PASSED = aliased(Forwarding, name="passed")


def forwarded_to(user: User, office: ArticleOffice, *, page: int = 1, per_page: int = PER_PAGE) -> Any:
    """Articles lower offices passed up to ``office`` (上报, INF-2.5) that it has not decided on, oldest first."""
    passed = PASSED
    stmt = (
        sa.select(passed)
        .join(Article, Article.id == passed.article_id)
        .where(
            passed.to_office_id == office.id,
            passed.status == "pending",
            permissions.visible_clause(user),
        )
        .order_by(passed.forwarded_on, passed.id)
        .options(
            selectinload(passed.article).joinedload(Article.unit),
            selectinload(passed.from_office).joinedload(ArticleOffice.organisation),
        )
    )
    return ShortListPage(stmt, page, max(1, min(per_page, MAX_PER_PAGE)))


def _key(article: Article) -> tuple[int, Any, int]:
    return (0 if article.kind == "urgent" else 1, article.submitted_at or article.created_at, article.id)


def neighbours(user: User, office: ArticleOffice, article: Article) -> tuple[int | None, int | None]:
    """The queue's previous and next article around ``article`` (which may have just left the queue): two
    indexed one-row queries."""
    rank, arrived, article_id = _key(article)
    key = sa.tuple_(*QUEUE_ORDER)
    mine = sa.tuple_(sa.literal(rank), sa.literal(arrived, UTCDateTime()), sa.literal(article_id))
    base = sa.select(Article.id).where(queue_clause(user, office), Article.id != article.id)
    following = db.session.scalar(base.where(key > mine).order_by(*QUEUE_ORDER).limit(1))
    preceding = db.session.scalar(
        base.where(key < mine).order_by(*(column.desc() for column in QUEUE_ORDER)).limit(1)
    )
    return preceding, following


def first_in_queue(user: User, office: ArticleOffice) -> int | None:
    return db.session.scalar(
        sa.select(Article.id).where(queue_clause(user, office)).order_by(*QUEUE_ORDER).limit(1)
    )
