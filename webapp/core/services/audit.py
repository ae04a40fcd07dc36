"""Writing and checking the case audit trail (append-only, hash-chained)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import GENESIS_HASH, CaseEvent, User
from webapp.grading.models import Case


def append_case_event(
    case: Case,
    event: str,
    *,
    actor: User | None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    rule_id: str | None = None,
    actor_name: str | None = None,
) -> CaseEvent:
    """Add the next audit row for ``case``. Runs inside the caller's transaction: flushes, never commits.

    ``actor`` None means the system (e.g. ``kaoping tick``); pass ``actor_name`` to say which job.
    """
    if case.id is None:
        db.session.flush()
    last = db.session.execute(
        sa.select(CaseEvent.seq, CaseEvent.hash)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS_HASH)
    org = actor.organisation if actor is not None else None
    row = CaseEvent(
        case_id=case.id,
        seq=seq,
        actor_user_id=actor.id if actor is not None else None,
        actor_name=actor.display_name if actor is not None else (actor_name or "系统"),
        actor_org_id=org.id if org is not None else None,
        actor_org_name=org.name if org is not None else "",
        at=clock.now().replace(microsecond=0),
        event=event,
        from_state=from_state,
        to_state=to_state,
        comment=comment or "",
        rule_id=rule_id,
        ruleset_id=case.ruleset_id,
        prev_hash=prev_hash,
    )
    row.hash = row.compute_hash()
    db.session.add(row)
    db.session.flush()
    return row


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    #: seq of the first row that does not verify, or None
    broken_at: int | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def verify_chain(case_id: int) -> ChainCheck:
    """Recompute every hash of the case's trail: detects edited, removed, inserted or reordered rows."""
    rows = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
    ).all()
    prev = GENESIS_HASH
    for expected_seq, row in enumerate(rows, start=1):
        if row.seq != expected_seq:
            return ChainCheck(
                False, expected_seq - 1, row.seq, f"序号不连续：应为 {expected_seq}，实为 {row.seq}"
            )
        if row.prev_hash != prev:
            return ChainCheck(False, expected_seq - 1, row.seq, "与上一条记录的链接不符")
        if row.compute_hash() != row.hash:
            return ChainCheck(False, expected_seq - 1, row.seq, "记录内容与其哈希不符（已被改动）")
        prev = row.hash
    return ChainCheck(True, len(rows))
