"""The facts the article procedure's guards read, gathered once per request from the article's rows."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from webapp.articles.models import Adoption, Article, ArticleReturn
from webapp.core.extensions import db
from workflow.articles import ArticleFacts


def facts_for(article: Article) -> ArticleFacts:
    open_return = db.session.scalar(
        sa.select(sa.func.count(ArticleReturn.id)).where(
            ArticleReturn.article_id == article.id, ArticleReturn.answered_at.is_(None)
        )
    )
    adoptions = db.session.scalar(
        sa.select(sa.func.count(Adoption.id)).where(
            Adoption.article_id == article.id, Adoption.cancelled_at.is_(None)
        )
    )
    return _facts(article, bool(open_return), int(adoptions or 0))


def facts_from(
    article: Article, returns: Iterable[ArticleReturn], adoptions: Iterable[Adoption]
) -> ArticleFacts:
    """`facts_for` from the article's returns and adoptions already read (every one of them: the article page's
    records), without counting them again."""
    return _facts(
        article,
        any(r.answered_at is None for r in returns),
        sum(1 for a in adoptions if a.cancelled_at is None),
    )


def _facts(article: Article, open_return: bool, adoptions: int) -> ArticleFacts:
    return ArticleFacts(
        state=article.state,
        title=article.title or "",
        body_length=len((article.body or "").strip()),
        secrecy=article.secrecy,
        open_return=open_return,
        adoptions=adoptions,
        submitted_on=article.submitted_on,
        signed_off_on=article.signed_off_on,
        received_on=article.received_on,
        decided_on=article.decided_on,
        withdrawn_on=article.withdrawn_on,
    )
