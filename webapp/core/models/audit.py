"""The case audit trail: append-only rows, each hash-chained to the one before it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime

#: prev_hash of the first row of every case
GENESIS_HASH = "0" * 64


class CaseEvent(db.Model):
    """One thing that happened to a case: who (denormalised, survives renames), when, from, to, why.

    Rows are never updated or deleted (the ORM refuses; see the listeners below). ``hash`` covers the row's
    canonical JSON and ``prev_hash``, so changing or removing any row breaks ``verify_chain``.
    """

    __tablename__ = "case_events"
    __table_args__ = (sa.UniqueConstraint("case_id", "seq", name="uq_case_events_case_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: 1, 2, 3 … within the case; unique so two concurrent appends cannot fork the chain
    seq: Mapped[int] = mapped_column()
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(sa.String(64))
    actor_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    actor_org_name: Mapped[str] = mapped_column(sa.String(120), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    event: Mapped[str] = mapped_column(sa.String(48))
    from_state: Mapped[str | None] = mapped_column(sa.String(32))
    to_state: Mapped[str | None] = mapped_column(sa.String(32))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    rule_id: Mapped[str | None] = mapped_column(sa.String(24))
    ruleset_id: Mapped[str | None] = mapped_column(sa.String(40))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    def canonical_payload(self) -> dict[str, Any]:
        at = self.at
        if at is not None:
            at = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
        return {
            "case_id": self.case_id,
            "seq": self.seq,
            "actor_user_id": self.actor_user_id,
            "actor_name": self.actor_name,
            "actor_org_id": self.actor_org_id,
            "actor_org_name": self.actor_org_name or "",
            # microseconds dropped: not every database keeps them
            "at": at.replace(microsecond=0).isoformat() if at else None,
            "event": self.event,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "comment": self.comment or "",
            "rule_id": self.rule_id,
            "ruleset_id": self.ruleset_id,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.canonical_payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AuditRowImmutable(RuntimeError):
    """Audit rows are append-only."""


@sa.event.listens_for(CaseEvent, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: CaseEvent) -> None:
    raise AuditRowImmutable(f"case_events row {target.id} is append-only")


@sa.event.listens_for(CaseEvent, "before_delete")
def _refuse_delete(mapper: Any, connection: Any, target: CaseEvent) -> None:
    raise AuditRowImmutable(f"case_events row {target.id} is append-only")
