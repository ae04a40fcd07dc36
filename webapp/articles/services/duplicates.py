"""Possible duplicates (疑似重复稿件): the articles a person deciding on one article may see whose text is
near-identical to it — copied "experiences" caught before adoption.

How it stays fast whatever the number of articles (the measures are pure, ``workflow/articles/similarity.py``):

1. Every article that has reached an office keeps a fingerprint (MinHash signature and 64 lookup keys), written
   whenever its text changes — `track_fingerprints` hooks the session's flush, so every service that saves a
   text (the unit's, the office's edit, the demo) keeps it current without knowing about it.
2. The candidates are the articles sharing a lookup key, found through the key index, among those the person
   may see (`permissions.visible_clause`: the office's own and those forwarded to it) that reached an office
   in the last `WINDOW_DAYS` days; the `CANDIDATES` sharing the most keys are read, no more.
3. Their stored signatures estimate the similarity; the `CHECKED` most similar are measured exactly on their
   texts, and those at or above the thresholds are the possible duplicates.

So one look-up is four SQL statements whatever the data size, each bounded by a LIMIT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from webapp.articles.models import ARTICLE_STATE_LABELS, Article, ArticleFingerprint, ArticleFingerprintKey
from webapp.articles.services import articles, permissions
from webapp.articles.services.errors import Refused
from webapp.articles.services.paging import ListPage
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from workflow.articles import similarity
from workflow.errors import Refusal

#: How far back the office compares (the issue: "articles from other units and earlier ones").
WINDOW_DAYS = 366
#: Candidates read from the key index (the ones sharing the most keys), and of them measured on their texts.
CANDIDATES = 200
CHECKED = 40
#: A candidate's signature estimate must reach this before its text is read (below the thresholds: estimates
#: from 128 numbers are within about ±0.1 of the exact measure).
PREFILTER = 0.3
PER_PAGE = 10


# -- keeping fingerprints current ------------------------------------------------------------------------------


def _text_of(title: str | None, body: str | None) -> str:
    return f"{title or ''}\n{body or ''}"


def fingerprint_rows(article_id: int, revision_no: int, text: str) -> tuple[dict[str, Any], list[int]]:
    """The fingerprint row and lookup keys of ``text``."""
    pieces = similarity.shingles(text)
    signature = similarity.signature(pieces)
    row = {
        "article_id": article_id,
        "revision_no": revision_no,
        "shingles": len(pieces),
        "signature": similarity.encode(signature),
        "at": clock.now(),
    }
    keys = sorted(set(similarity.band_keys(signature))) if pieces else []
    return row, keys


def _changed(article: Article, *names: str) -> bool:
    state = sa.inspect(article)
    return any(state.attrs[name].history.has_changes() for name in names)


def _after_flush(session: Session, _context: Any) -> None:
    """Write the fingerprint of every article whose text changed (or that just reached an office) in this flush.

    Runs after the flush's own statements, with Core statements on the same connection: the fingerprint is
    committed or rolled back with the text it describes."""
    for article in list(session.new) + list(session.dirty):
        if not isinstance(article, Article) or article.id is None:
            continue
        if article.submitted_on is None or article.deleted_at is not None:
            continue
        if article not in session.new and not _changed(article, "title", "body", "submitted_on"):
            continue
        row, keys = fingerprint_rows(article.id, article.revision_no, _text_of(article.title, article.body))
        connection = session.connection()
        connection.execute(
            sa.delete(ArticleFingerprintKey).where(ArticleFingerprintKey.article_id == article.id)
        )
        connection.execute(sa.delete(ArticleFingerprint).where(ArticleFingerprint.article_id == article.id))
        connection.execute(sa.insert(ArticleFingerprint), [row])
        if keys:
            connection.execute(
                sa.insert(ArticleFingerprintKey), [{"key": key, "article_id": article.id} for key in keys]
            )


def track_fingerprints() -> None:
    """Keep fingerprints current on every flush of the app's session (idempotent; called when the office
    blueprint is imported)."""
    if not sa.event.contains(db.session, "after_flush", _after_flush):
        sa.event.listen(db.session, "after_flush", _after_flush)


# -- finding possible duplicates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    article_id: int
    number: str | None
    title: str
    unit_id: int
    unit_name: str
    state: str
    secrecy: str
    submitted_on: date | None
    similarity: similarity.Similarity
    same_unit: bool
    earlier: bool

    @property
    def kind_label(self) -> str:
        """近乎相同 (near-identical as a whole) or 大段相同 (a large part of one is in the other)."""
        if self.similarity.identical or self.similarity.jaccard >= similarity.JACCARD_THRESHOLD:
            return "近乎相同"
        return "大段相同"

    @property
    def state_label(self) -> str:
        return ARTICLE_STATE_LABELS.get(self.state, self.state)


def _own_signature(article: Article) -> tuple[tuple[int, ...], int]:
    stored = db.session.get(ArticleFingerprint, article.id)
    if stored is not None and stored.revision_no == article.revision_no:
        signature = similarity.decode(stored.signature)
        if signature:
            return signature, stored.shingles
    pieces = similarity.shingles(_text_of(article.title, article.body))
    return similarity.signature(pieces), len(pieces)


def find(user: User, article: Article, *, today: date) -> list[Duplicate]:
    """The possible duplicates of ``article`` that ``user`` may see, most similar first (at most `CHECKED`)."""
    signature, size = _own_signature(article)
    if size == 0:
        return []
    keys = sorted(set(similarity.band_keys(signature)))
    since = today - timedelta(days=WINDOW_DAYS)
    shared = sa.func.count(ArticleFingerprintKey.key).label("shared")
    candidates = db.session.execute(
        sa.select(ArticleFingerprintKey.article_id, shared)
        .join(Article, Article.id == ArticleFingerprintKey.article_id)
        .where(
            ArticleFingerprintKey.key.in_(keys),
            ArticleFingerprintKey.article_id != article.id,
            Article.submitted_on >= since,
            permissions.visible_clause(user),
        )
        .group_by(ArticleFingerprintKey.article_id)
        .order_by(shared.desc(), ArticleFingerprintKey.article_id.desc())
        .limit(CANDIDATES)
    ).all()
    if not candidates:
        return []
    stored = db.session.execute(
        sa.select(
            ArticleFingerprint.article_id, ArticleFingerprint.shingles, ArticleFingerprint.signature
        ).where(ArticleFingerprint.article_id.in_([row.article_id for row in candidates]))
    ).all()
    estimates = []
    for row in stored:
        estimate = similarity.estimate(signature, similarity.decode(row.signature), size, row.shingles)
        score = max(estimate.jaccard, estimate.containment)
        if score >= PREFILTER:
            estimates.append((score, row.article_id))
    estimates.sort(reverse=True)
    checked = [article_id for _, article_id in estimates[:CHECKED]]
    if not checked:
        return []
    own_pieces = similarity.shingles(_text_of(article.title, article.body))
    own_clean = similarity.normalize(_text_of(article.title, article.body))
    rows = db.session.execute(
        sa.select(
            Article.id,
            Article.number,
            Article.title,
            Article.body,
            Article.unit_id,
            Organisation.name.label("unit_name"),
            Article.state,
            Article.secrecy,
            Article.submitted_on,
            Article.submitted_at,
            Article.created_at,
        )
        .join(Organisation, Organisation.id == Article.unit_id)
        .where(Article.id.in_(checked))
    ).all()
    found = []
    for row in rows:
        text = _text_of(row.title, row.body)
        measured = similarity.compare_sets(
            own_pieces, similarity.shingles(text), identical=own_clean == similarity.normalize(text) != ""
        )
        if not measured.near_duplicate:
            continue
        found.append(
            Duplicate(
                article_id=row.id,
                number=row.number,
                title=row.title,
                unit_id=row.unit_id,
                unit_name=row.unit_name,
                state=row.state,
                secrecy=row.secrecy,
                submitted_on=row.submitted_on,
                similarity=measured,
                same_unit=row.unit_id == article.unit_id,
                earlier=(row.submitted_on, row.id) < (article.submitted_on or today, article.id),
            )
        )
    found.sort(key=lambda d: (-d.similarity.percent, d.submitted_on or today, d.article_id))
    return found


def _check_may_see(user: User, article: Article) -> None:
    if not permissions.can_see_duplicates(user, article):
        raise Refused(Refusal("forbidden", "只有收稿办公室的信息编辑和负责人可以查看疑似重复稿件。", None))


def for_article(
    user: User, article_id: int, *, page: int = 1, per_page: int = PER_PAGE, today: date | None = None
) -> tuple[Article, ListPage[Duplicate]]:
    """The article (404 if ``user`` may not see it; 403 unless they decide on it) and one page of its possible
    duplicates (the list is at most `CHECKED` long, so the page is cut from it)."""
    article = articles.load(user, article_id)
    _check_may_see(user, article)
    found = find(user, article, today=today or clock.today())
    start = (page - 1) * per_page
    return article, ListPage(found[start : start + per_page], len(found), page, per_page)
