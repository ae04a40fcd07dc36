"""The facts the article procedure's guards read, gathered once per request from the article's rows."""

from __future__ import annotations

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
    return ArticleFacts(
        state=article.state,
        title=article.title or "",
        body_length=len((article.body or "").strip()),
        secrecy=article.secrecy,
        open_return=bool(open_return),
        adoptions=int(adoptions or 0),
        submitted_on=article.submitted_on,
        signed_off_on=article.signed_off_on,
        received_on=article.received_on,
        decided_on=article.decided_on,
        withdrawn_on=article.withdrawn_on,
    )
