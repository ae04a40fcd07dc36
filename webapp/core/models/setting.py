"""Small key/value settings kept in the database (e.g. the demo clock offset)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now


class SettingKV(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now, onupdate=app_now)
