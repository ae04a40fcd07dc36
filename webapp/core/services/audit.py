"""Writing, reading and checking the audit trail (append-only, hash-chained per subject).

Every procedure writes here (grading through `append_case_event`), and so do the admin services (users, roles,
passwords, organisations, the demo clock) and the score sheets (submit, reopen). A subject's page reads its
rows with `trail_of`; the admin page reads the admin subjects with `admin_trail`.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import GENESIS_HASH, AuditEvent, User
from webapp.core.models.audit import MAC_HMAC, MAC_SHA256, RESULTS, AuditRow
from webapp.core.records import plain_rows
from webapp.core.services.audit_chain import appended_last, audit_key, remember_rows
from webapp.core.services.client import client_address

AUDIT_TABLE = AuditEvent.__table__

#: Subjects of administration (who may use the system, the organisation tree, the deployment's settings), with
#: the words the admin trail shows for them.
ADMIN_SUBJECTS: dict[str, str] = {"user": "用户", "organisation": "单位", "settings": "系统设置"}
#: The deployment's settings are one subject (the demo clock, and whatever else is set for all).
SETTINGS_SUBJECT = ("settings", 0)
#: What the admin trail calls each admin event.
ADMIN_EVENT_LABELS: dict[str, str] = {
    "user_created": "新建用户",
    "user_updated": "修改用户",
    "roles_changed": "调整角色",
    "password_reset": "重置密码",
    "user_activated": "启用用户",
    "user_deactivated": "停用用户",
    "organisation_created": "新建单位",
    "organisation_updated": "修改单位",
    "demo_clock_set": "设置演示日期",
}
#: What the trail calls each sign-in and security event (part A of issue 13; the auditor's page reads it). Rows
#: about a username that does not exist have the subject ``("login", 0)``.
SECURITY_EVENT_LABELS: dict[str, str] = {
    "login_succeeded": "登录成功",
    "login_failed": "登录失败",
    "login_locked": "登录锁定",
    "lock_lifted": "解除锁定",
    "logout": "退出登录",
    "password_changed": "修改密码",
    "session_expired": "会话超时",
    "policy_changed": "修改安全策略",
    "permission_denied": "越权访问被拒绝",
}
#: the security events that are administrators' changes (shown on the admin trail with the others)
ADMIN_SECURITY_EVENTS = ("policy_changed", "lock_lifted")


#: Labels of non-transition events the procedures register (uploads, panels, settings …), for the auditor's page;
#: a procedure's transitions are labelled by its `Procedure.event_labels`.
_registered_labels: dict[str, str] = {}


def register_event_labels(labels: dict[str, str]) -> None:
    """A procedure's words for its audit events (called from its ``declaration.py``)."""
    _registered_labels.update(labels)


def registered_event_labels() -> dict[str, str]:
    return dict(_registered_labels)


#: the subject's last row (its seq and MAC, which the next row chains to), built once: every audited write reads it
_LAST = (
    sa.select(AuditEvent.seq, AuditEvent.hash)
    .where(
        AuditEvent.subject_type == sa.bindparam("subject_type"),
        AuditEvent.subject_id == sa.bindparam("subject_id"),
    )
    .order_by(AuditEvent.seq.desc())
    .limit(1)
)


def append_event(
    subject_type: str,
    subject_id: int,
    event: str,
    *,
    actor: User | None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    rule_id: str | None = None,
    ruleset_id: str | None = None,
    actor_name: str | None = None,
    result: str = "success",
    chained_to: tuple[int, str] | None = None,
) -> AuditEvent:
    """Add the next audit row about ``(subject_type, subject_id)``. Runs inside the caller's transaction:
    flushes, never commits, so the row stands or falls with the change it records.

    ``actor`` None means the system (e.g. ``kaoping tick`` or a CLI command); pass ``actor_name`` to say which.
    ``result`` is success, failure (e.g. a wrong password) or denied (refused by access control); the client's
    address is taken from the request (none outside one).

    The row chains to the subject's last row: the last this transaction added about it, else ``chained_to`` (its
    seq and MAC, ``(0, GENESIS_HASH)`` for none) where the caller read it in this transaction with what it
    decided on (a grading event reads it with the guards' facts: one statement fewer), else the one read here. A
    row another transaction added meanwhile takes the same seq, which the unique (subject, seq) index refuses:
    `unit_of_work` answers 已被他人处理，请刷新, as for any other change made meanwhile.
    """
    if result not in RESULTS:
        raise ValueError(f"unknown audit result: {result!r}")
    last = appended_last(db.session, subject_type, subject_id) or chained_to
    if last is None:
        row = db.session.execute(_LAST, {"subject_type": subject_type, "subject_id": subject_id}).first()
        last = (row.seq, row.hash) if row else (0, GENESIS_HASH)
    seq, prev_hash = last[0] + 1, last[1]
    org = actor.organisation if actor is not None else None
    row = AuditEvent(
        subject_type=subject_type,
        subject_id=subject_id,
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
        ruleset_id=ruleset_id,
        prev_hash=prev_hash,
        result=result,
        address=client_address(),
        mac_version=MAC_HMAC,
    )
    row.hash = row.compute_hash()
    db.session.add(row)
    db.session.flush()
    return row


@dataclass(frozen=True)
class SystemEvent:
    """One audit row the system writes about a subject (`append_system_events`)."""

    subject_type: str
    subject_id: int
    event: str
    from_state: str | None = None
    to_state: str | None = None
    comment: str = ""
    rule_id: str | None = None
    ruleset_id: str | None = None


#: Subjects whose last rows `append_system_events` reads per query (well under every database's bound-parameter
#: limit).
_SUBJECTS_PER_QUERY = 1000


def append_system_events(events: list[SystemEvent], *, actor_name: str) -> None:
    """`append_event` for many subjects at once, written by the system (e.g. the daily tick): one query reads the
    last row of every subject (per 1,000 subjects), one bulk INSERT writes the rows, so the statements do not
    grow with the number of subjects. Same chain as `append_event`: each row links to its subject's last one
    (several events about one subject are chained in the order given). Inside the caller's transaction."""
    last: dict[tuple[str, int], tuple[int, str]] = {}
    subjects = sorted({(e.subject_type, e.subject_id) for e in events})
    for start in range(0, len(subjects), _SUBJECTS_PER_QUERY):
        chunk = subjects[start : start + _SUBJECTS_PER_QUERY]
        newer = sa.orm.aliased(AuditEvent)
        found = db.session.execute(
            sa.select(AuditEvent.subject_type, AuditEvent.subject_id, AuditEvent.seq, AuditEvent.hash).where(
                sa.tuple_(AuditEvent.subject_type, AuditEvent.subject_id).in_(chunk),
                ~sa.select(newer.id)
                .where(
                    newer.subject_type == AuditEvent.subject_type,
                    newer.subject_id == AuditEvent.subject_id,
                    newer.seq > AuditEvent.seq,
                )
                .exists(),
            )
        )
        for subject_type, subject_id, seq, hash_ in found:
            last[(subject_type, subject_id)] = (seq, hash_)
    at = clock.now().replace(microsecond=0)
    key = audit_key()
    address = client_address()
    columns = [column.key for column in AuditEvent.__table__.columns if column.key != "id"]
    rows: list[dict[str, Any]] = []
    for e in events:
        seq, prev_hash = last.get((e.subject_type, e.subject_id), (0, GENESIS_HASH))
        row = AuditEvent(
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            seq=seq + 1,
            actor_user_id=None,
            actor_name=actor_name,
            actor_org_id=None,
            actor_org_name="",
            at=at,
            event=e.event,
            from_state=e.from_state,
            to_state=e.to_state,
            comment=e.comment or "",
            rule_id=e.rule_id,
            ruleset_id=e.ruleset_id,
            prev_hash=prev_hash,
            result="success",
            address=address,
            mac_version=MAC_HMAC,
        )
        row.hash = row.compute_hash(key)
        last[(e.subject_type, e.subject_id)] = (row.seq, row.hash)
        rows.append({key: getattr(row, key) for key in columns})
    if rows:
        # a Core executemany: one statement for any number of rows (the ORM would insert one by one to read
        # back ids on SQLite); the rows are never updated, so nothing needs them in the session. The ids come
        # back with each row's (subject, seq), unique, for the checkpoint file written when the transaction
        # commits: matched by that key, not by order (asking for the rows' order makes SQLAlchemy insert row by
        # row on SQLite, so the tick's statements would grow with the rows)
        returned = db.session.execute(
            sa.insert(AuditEvent).returning(
                AuditEvent.id, AuditEvent.subject_type, AuditEvent.subject_id, AuditEvent.seq
            ),
            rows,
        ).all()
        ids = {(r.subject_type, r.subject_id, r.seq): r.id for r in returned}
        remember_rows(
            db.session(),
            [
                (
                    ids[(r["subject_type"], r["subject_id"], r["seq"])],
                    r["subject_type"],
                    r["subject_id"],
                    r["seq"],
                    r["hash"],
                )
                for r in rows
            ],
        )


def record_admin_change(
    subject_type: str, subject_id: int, event: str, *, actor: User | None, comment: str, actor_name: str = ""
) -> AuditEvent:
    """An admin change (``subject_type`` one of `ADMIN_SUBJECTS`), inside the change's own transaction."""
    if subject_type not in ADMIN_SUBJECTS:
        raise ValueError(f"not an admin subject: {subject_type!r}")
    if event not in ADMIN_EVENT_LABELS:
        raise ValueError(f"unknown admin event: {event!r}")
    return append_event(
        subject_type, subject_id, event, actor=actor, comment=comment, actor_name=actor_name or None
    )


def describe_changes(before: dict[str, str], after: dict[str, str]) -> str:
    """「名称：甲 → 乙；状态：启用 → 停用」 for the labelled values that changed (both sides already readable)."""
    changed = [
        f"{label}：{before.get(label) or '（空）'} → {value or '（空）'}"
        for label, value in after.items()
        if before.get(label) != value
    ]
    return "；".join(changed) or "无变化"


class AuditRecord(namedtuple("AuditRecord", AUDIT_TABLE.c.keys()), AuditRow):  # type: ignore[misc]
    """A trail row's columns, named as `AuditEvent` names them, read without the ORM; checked as the mapped row
    is (`AuditRow`). Rows are never changed, so a page has nothing to do with a trail row but read it."""

    __slots__ = ()


#: one subject's trail in order, built once (`records.plain_rows`)
_TRAIL = (
    sa.select(AUDIT_TABLE)
    .where(
        AUDIT_TABLE.c.subject_type == sa.bindparam("subject_type"),
        AUDIT_TABLE.c.subject_id == sa.bindparam("subject_id"),
    )
    .order_by(AUDIT_TABLE.c.seq)
)


def trail_of(subject_type: str, subject_id: int) -> list[AuditRecord]:
    """The subject's rows in order (a case's timeline), as records: every page with a timeline reads one
    (issue 12: a case's 13 rows as mapped rows from a statement built at each call cost 0.54 ms of Python, as
    records 0.19)."""
    params = {"subject_type": subject_type, "subject_id": subject_id}
    return [AuditRecord._make(row) for row in plain_rows(_TRAIL, params)]


def admin_trail(*, page: int, per_page: int, subject_type: str | None = None) -> Any:
    """Admin changes, newest first, one page at a time (a Flask-SQLAlchemy pagination). A user's own sign-ins
    (their trail's `SECURITY_EVENT_LABELS` rows) are not admin changes and stay off this page, except the
    security administrator's changes (policy, lifted locks)."""
    types = [subject_type] if subject_type in ADMIN_SUBJECTS else list(ADMIN_SUBJECTS)
    events = [*ADMIN_EVENT_LABELS, *ADMIN_SECURITY_EVENTS]
    stmt = (
        sa.select(AuditEvent)
        .where(AuditEvent.subject_type.in_(types), AuditEvent.event.in_(events))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    #: seq of the first row that does not verify, or None
    broken_at: int | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def verify_chain(subject_type: str, subject_id: int) -> ChainCheck:
    """Recompute every MAC of the subject's trail: detects edited, removed, inserted or reordered rows, and a
    chain recomputed without the audit key. The cheap check of one subject (a case's page); the checkpoint file
    (deleted newest rows, whole trails) is read by `audit_chain.verify_all`."""
    return check_rows(trail_of(subject_type, subject_id))


def check_rows(rows: Sequence[AuditRow], *, current_state: str | None = None) -> ChainCheck:
    """`verify_chain` of a trail already loaded (in ``seq`` order); with ``current_state``, also that the
    subject's state is the one its last transition recorded (a state changed directly in its table)."""
    prev = GENESIS_HASH
    key = audit_key()
    keyed = False
    last_state: str | None = None
    for expected_seq, row in enumerate(rows, start=1):
        if row.version == MAC_SHA256 and keyed:
            # unkeyed rows predate the key: once a trail has keyed rows, a later unkeyed one is a rewrite
            return ChainCheck(False, expected_seq - 1, row.seq, "记录未使用审计密钥签名（可能已被改写）")
        keyed = keyed or row.version != MAC_SHA256
        if row.seq != expected_seq:
            return ChainCheck(
                False, expected_seq - 1, row.seq, f"序号不连续：应为 {expected_seq}，实为 {row.seq}"
            )
        if row.prev_hash != prev:
            return ChainCheck(False, expected_seq - 1, row.seq, "与上一条记录的链接不符")
        if row.compute_hash(key) != row.hash:
            return ChainCheck(False, expected_seq - 1, row.seq, "记录内容与其签名不符（已被改动）")
        prev = row.hash
        last_state = row.to_state or last_state
    if current_state is not None and last_state is not None and current_state != last_state:
        return ChainCheck(False, len(rows), None, "当前状态与审计记录最后的状态不符（状态可能被直接修改）")
    return ChainCheck(True, len(rows))


class _Case(Protocol):
    id: int | None
    ruleset_id: str


def append_case_event(
    case: _Case,
    event: str,
    *,
    actor: User | None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    rule_id: str | None = None,
    actor_name: str | None = None,
    chained_to: tuple[int, str] | None = None,
) -> AuditEvent:
    """The next row of a grading case's trail (subject ``("case", id)``), stamped with the case's ruleset
    (``chained_to``: `append_event`)."""
    if case.id is None:
        db.session.flush()
    assert case.id is not None
    return append_event(
        "case",
        case.id,
        event,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        rule_id=rule_id,
        ruleset_id=case.ruleset_id,
        actor_name=actor_name,
        chained_to=chained_to,
    )
