"""The audit trail: append-only rows about any subject (a case, a user, an organisation, the settings…), each
hash-chained to the one before it about the same subject."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime

#: prev_hash of the first row of every subject's chain
GENESIS_HASH = "0" * 64
#: how a row's ``hash`` was made: 0 = unkeyed SHA-256 (rows written before migration 0015_audit_mac, never
#: re-hashed), 1 = HMAC-SHA256 under the audit key, which is kept outside the database
MAC_SHA256 = 0
MAC_HMAC = 1
#: ``result`` of a row: the action was done, failed (e.g. a wrong password) or was refused by access control
RESULTS = ("success", "failure", "denied")


class AuditRow:
    """What a trail row says from its columns alone (its canonical form and its MAC): shared by the mapped
    `AuditEvent` and the plain records a subject's page reads its trail as (`audit.trail_of`)."""

    __slots__ = ()
    subject_type: str
    subject_id: int
    seq: int
    actor_user_id: int | None
    actor_name: str
    actor_org_id: int | None
    actor_org_name: str
    at: datetime
    event: str
    from_state: str | None
    to_state: str | None
    comment: str
    rule_id: str | None
    ruleset_id: str | None
    prev_hash: str
    result: str
    address: str
    mac_version: int

    def canonical_payload(self) -> dict[str, Any]:
        at = self.at
        if at is not None:
            at = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
        payload = {
            **subject_key(self.subject_type, self.subject_id),
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
        if self.version != MAC_SHA256:
            # keyed rows also cover what the old ones did not record (the old payload stays as it was hashed)
            payload["result"] = self.result or "success"
            payload["address"] = self.address or ""
        return payload

    @property
    def version(self) -> int:
        return MAC_HMAC if self.mac_version is None else self.mac_version

    def compute_hash(self, key: bytes | None = None) -> str:
        """The row's MAC: HMAC-SHA256 under ``key`` (default: the running application's audit key) for keyed
        rows, plain SHA-256 for the old ones (``mac_version`` 0)."""
        canonical = json.dumps(
            self.canonical_payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
        if self.version == MAC_SHA256:
            return hashlib.sha256(canonical).hexdigest()
        if key is None:
            from webapp.core.services.audit_chain import audit_key  # the key lives with the app's settings

            key = audit_key()
        return hmac.new(key, canonical, hashlib.sha256).hexdigest()


class AuditEvent(AuditRow, db.Model):
    """One thing that happened to a subject: who (denormalised, survives renames), when, from, to, why.

    A subject is ``(subject_type, subject_id)``: ``("case", 7)`` for a grading case, ``("user", 3)``,
    ``("organisation", 12)``, ``("settings", 0)`` for the deployment's settings (the demo clock). Each subject
    has its own chain (``seq`` 1, 2, 3 …), so the trail of one case is read and verified on its own.

    Rows are never updated or deleted: the ORM refuses (the listeners below) and so does the database
    (triggers, `APPEND_ONLY_DDL`). ``hash`` is an HMAC-SHA256, under a key kept outside the database, of the
    row's canonical JSON and ``prev_hash``, so changing or removing any row breaks ``verify_chain``, and a
    person with only database access cannot recompute the chain after an edit.
    """

    __tablename__ = "audit_events"
    # the unique (subject, seq) index also serves reading one subject's trail and the admin trail by type
    __table_args__ = (
        sa.UniqueConstraint("subject_type", "subject_id", "seq", name="uq_audit_events_subject_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what kind of thing the row is about: a procedure's subject ("case") or an admin one ("user", …)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int] = mapped_column()
    #: 1, 2, 3 … within the subject; unique so two concurrent appends cannot fork the chain
    seq: Mapped[int] = mapped_column()
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(sa.String(64))
    actor_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    actor_org_name: Mapped[str] = mapped_column(sa.String(120), default="")
    #: indexed for the auditor's search by date range
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    event: Mapped[str] = mapped_column(sa.String(48))
    from_state: Mapped[str | None] = mapped_column(sa.String(32))
    to_state: Mapped[str | None] = mapped_column(sa.String(32))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    rule_id: Mapped[str | None] = mapped_column(sa.String(24))
    ruleset_id: Mapped[str | None] = mapped_column(sa.String(40))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: success | failure | denied (`RESULTS`)
    result: Mapped[str] = mapped_column(sa.String(16), default="success", server_default="success")
    #: the client's address (``client_address()``), "" for the system and the command line
    address: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    #: `MAC_SHA256` (old rows) or `MAC_HMAC`; a row inserted without saying counts as old, and the verifier
    #: refuses old rows written after the last one the checkpoint knows
    mac_version: Mapped[int] = mapped_column(default=MAC_HMAC, server_default="0")

    @classmethod
    def about(cls, subject_type: str, subject_id: int | None) -> sa.ColumnElement[bool]:
        """WHERE clause for the rows about one subject (e.g. ``AuditEvent.about("case", case.id)``)."""
        return sa.and_(cls.subject_type == subject_type, cls.subject_id == subject_id)


def subject_key(subject_type: str, subject_id: int) -> dict[str, Any]:
    """How the subject enters the hash. A case keeps the ``case_id`` key its rows were hashed with before the
    trail became generic (migration 0005_audit), so every row written since the start still verifies as it
    was written — the migration moves rows, it never re-hashes them (re-hashing would launder any tampering)."""
    if subject_type == "case":
        return {"case_id": subject_id}
    return {"subject_type": subject_type, "subject_id": subject_id}


class AuditRowImmutable(RuntimeError):
    """Audit rows are append-only."""


#: The database refuses UPDATE and DELETE of audit rows whoever sends them (raw SQL included). Created by
#: migration 0015_audit_mac and, for databases built by ``create_all`` (tests, ``init-db`` on an empty database),
#: by the ``after_create`` listener below. On PostgreSQL ``session_replication_role = replica`` (superuser only)
#: skips the trigger; the test suite uses it to empty its database between tests.
APPEND_ONLY_DDL: dict[str, tuple[str, ...]] = {
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$",
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events"
        " FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    ),
    "sqlite": (
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events"
        " BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (UPDATE refused)'); END",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events"
        " BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (DELETE refused)'); END",
    ),
}
DROP_APPEND_ONLY_DDL: dict[str, tuple[str, ...]] = {
    "postgresql": ("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",),
    "sqlite": (
        "DROP TRIGGER IF EXISTS audit_events_no_update",
        "DROP TRIGGER IF EXISTS audit_events_no_delete",
    ),
}


def append_only_statements(dialect: str, *, drop: bool = False) -> tuple[str, ...]:
    return (DROP_APPEND_ONLY_DDL if drop else APPEND_ONLY_DDL).get(dialect, ())


@sa.event.listens_for(AuditEvent.__table__, "after_create")
def _create_triggers(target: Any, connection: sa.Connection, **kw: Any) -> None:
    for statement in append_only_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


@sa.event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditRowImmutable(f"audit_events row {target.id} is append-only")


@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditRowImmutable(f"audit_events row {target.id} is append-only")
