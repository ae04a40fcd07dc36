"""Counters of attempts per scope and key (a username, an address, a case), for locks and rate limits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime


class Throttle(db.Model):
    """How many attempts ``key`` made in ``scope`` since ``window_started_at``, and until when it is locked.

    One row per (scope, key), written by one atomic upsert per attempt (`webapp.core.services.throttle.hit`),
    so concurrent attempts on several workers count exactly."""

    __tablename__ = "throttles"
    __table_args__ = (sa.Index("ix_throttles_locked_until", "locked_until"),)

    #: what is counted: ``login_account``, ``login_address``, ``objection_address``, ``objection_case``
    scope: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    #: who or what: a casefolded username, a client address, a case id
    key: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
