"""Reference-number counters: one row per (series, year), incremented inside the caller's transaction."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.extensions import db


class Sequence(db.Model):
    """The last number handed out in a series (``objection``, ``certificate``, ``letter:宜``) for a year.

    Numbers are taken with ``UPDATE … SET value = value + 1`` (see `webapp.core.services.sequences`), which locks
    the row until the transaction ends, so two concurrent transactions can never be given the same number.
    """

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(sa.Integer, default=0)
