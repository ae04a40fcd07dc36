"""What the duplicate detector keeps about an article's text once it has reached an office: the MinHash signature
of its 3-gram shingles and the 64 lookup keys (LSH bands) that find similar texts by index
(``workflow/articles/similarity.py``; kept current by ``webapp/articles/services/duplicates.py``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now


class ArticleFingerprint(db.Model):
    """One per article, for the text of revision ``revision_no``."""

    __tablename__ = "article_fingerprints"

    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id"), primary_key=True)
    revision_no: Mapped[int] = mapped_column()
    #: how many distinct shingles the text has (the containment estimate needs it)
    shingles: Mapped[int] = mapped_column()
    #: 128 numbers, 8 hex digits each (`similarity.encode`)
    signature: Mapped[str] = mapped_column(sa.String(1024))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)


class ArticleFingerprintKey(db.Model):
    """A lookup key of one band of an article's signature: articles sharing a key are candidates."""

    __tablename__ = "article_fingerprint_keys"

    key: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id"), primary_key=True, index=True)
