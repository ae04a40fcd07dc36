"""Server-side records of sign-in: the "remember me" tokens and the password history."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now


class RememberToken(db.Model):
    """One "remember me" cookie ``selector:validator``. The selector finds the row; only the validator's SHA-256
    is stored, so a database leak does not give usable cookies. The validator changes on every use."""

    __tablename__ = "remember_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    selector: Mapped[str] = mapped_column(sa.String(32), unique=True)
    validator_sha256: Mapped[str] = mapped_column(sa.String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)


class PasswordHistory(db.Model):
    """A hash of a password the user has had (the current one included), so the policy can refuse reuse."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
