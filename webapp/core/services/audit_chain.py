"""What makes the audit trail hard to falsify beyond its per-subject chain: the MAC key kept outside the
database, the checkpoint file outside the database, and the verification of the whole trail against both.

- **Key.** Rows are MACed with HMAC-SHA256 under ``KAOPING_AUDIT_KEY`` (environment) or, when that is unset, the
  file ``instance/audit_key`` (``AUDIT_KEY_PATH``) created with mode 0600 on first use. Production refuses to
  start with neither: a key created by the application on a production server could be lost with a container.
- **Checkpoint.** After every commit that added audit rows, one line per row ``id subject_type subject_id seq
  mac`` is appended to ``instance/audit.chain`` (``AUDIT_CHECKPOINT_PATH``) under a file lock and fsync'd. The
  database can lose rows (the newest, a tail, a whole trail) or be rewritten; the file still says what was
  there. ``legacy N`` records that rows up to id N predate the key (plain SHA-256); ``purged id …`` records rows
  removed by ``kaoping audit purge`` after the retention period.
- **Verification** (`verify_all`, ``kaoping audit verify``, the auditor's 「校验审计链」): every subject's chain
  (sequence, link, MAC), every checkpoint line against its row, every row against the checkpoint, and the
  current state of cases, articles and campaigns against the last state their trail records.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from config.settings import ConfigError
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models.audit import (
    GENESIS_HASH,
    MAC_SHA256,
    AuditEvent,
    append_only_statements,
)

KEY_EXTENSION = "kaoping.audit_key"
PENDING = "kaoping.audit_pending"
#: each subject's last row among them: (subject_type, subject_id) → (seq, MAC)
PENDING_LAST = "kaoping.audit_pending_last"
#: 等保 2.0 (GB/T 22239-2019 8.1.4.3 安全审计) asks that audit records be kept; 《网络安全法》第二十一条 asks for
#: at least six months of network logs: the retention period cannot be set below 180 days.
MIN_RETENTION_DAYS = 180
RETENTION_RULE = "依据《网络安全法》第二十一条：网络日志留存不少于六个月（审计记录保存期限不少于180天）"
#: the states a procedure's trail records (``to_state``) and where the subject's current state is kept; compared
#: by `verify_all` (a state changed in the table without a transition is caught). Table names, not models: the
#: core does not import the procedures; a table absent from this application is skipped.
STATE_TABLES: tuple[tuple[str, str, str], ...] = (
    ("case", "cases", "state"),
    ("article", "articles", "state"),
    ("campaign", "campaigns", "state"),
)
#: what people call each kind of subject (verification messages, the auditor's page)
SUBJECT_LABELS: dict[str, str] = {
    "case": "考评案件",
    "article": "信息稿件",
    "article_office": "信息编辑部门",
    "publication_issue": "期刊",
    "ledger_period": "计分周期",
    "commission": "约稿",
    "incident": "紧急信息事件",
    "urgent_event": "紧急信息",
    "campaign": "考评活动",
    "campaign_unit": "参评单位",
    "user": "用户",
    "organisation": "单位",
    "settings": "系统设置",
    "login": "登录",
}


def subject_label(subject_type: str) -> str:
    return SUBJECT_LABELS.get(subject_type, "其他对象")


# --------------------------------------------------------------------------------------------------- settings


def init_app(app: Flask) -> None:
    """Defaults of the audit settings, then refuse unusable ones (called by the application factory)."""
    instance = Path(app.instance_path)
    env = os.environ
    app.config.setdefault("AUDIT_KEY", env.get("KAOPING_AUDIT_KEY") or None)
    app.config.setdefault("AUDIT_KEY_PATH", str(instance / "audit_key"))
    app.config.setdefault(
        "AUDIT_CHECKPOINT_PATH", env.get("KAOPING_AUDIT_CHECKPOINT") or str(instance / "audit.chain")
    )
    app.config.setdefault(
        "AUDIT_RETENTION_DAYS", env.get("KAOPING_AUDIT_RETENTION_DAYS") or MIN_RETENTION_DAYS
    )
    app.config.setdefault("AUDIT_EXPORT_MAX_ROWS", 10_000)
    check_settings(app.config)


def check_settings(config: Any) -> None:
    raw = str(config.get("AUDIT_RETENTION_DAYS", "")).strip()
    if not raw.isdigit() or int(raw) < MIN_RETENTION_DAYS:
        raise ConfigError(
            f"AUDIT_RETENTION_DAYS must be a whole number of days >= {MIN_RETENTION_DAYS}, got {raw!r}"
        )
    config["AUDIT_RETENTION_DAYS"] = int(raw)
    key = config.get("AUDIT_KEY")
    if key and len(str(key)) < 32:
        raise ConfigError("KAOPING_AUDIT_KEY must be at least 32 characters")
    if config.get("NAME") == "production" and not key and not Path(config["AUDIT_KEY_PATH"]).is_file():
        raise ConfigError(
            "production refuses to start without an audit key: set KAOPING_AUDIT_KEY or create "
            f"{config['AUDIT_KEY_PATH']} (mode 0600) — see docs/operations.md"
        )


def audit_key() -> bytes:
    """The running application's audit MAC key (created in the instance folder on first use outside
    production)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = app.extensions.get(KEY_EXTENSION)
    if key is None:
        key = _load_key(app)
        app.extensions[KEY_EXTENSION] = key
    return key


def _load_key(app: Flask) -> bytes:
    if app.config.get("AUDIT_KEY"):
        return str(app.config["AUDIT_KEY"]).encode()
    path = Path(app.config["AUDIT_KEY_PATH"])
    if not path.exists():
        if app.config.get("NAME") == "production":
            raise ConfigError("production has no audit key (KAOPING_AUDIT_KEY or AUDIT_KEY_PATH)")
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    key = path.read_text().strip()
    if len(key) < 32:
        raise ConfigError(f"{path} holds no usable audit key (at least 32 characters)")
    return key.encode()


# ------------------------------------------------------------------------------------------ checkpoint file


def remember_rows(session: Any, rows: list[tuple[int, str, int, int, str]]) -> None:
    """Rows ``(id, subject_type, subject_id, seq, mac)`` this transaction added: written to the checkpoint file
    when it commits, forgotten if it rolls back; each subject's last one is kept for `appended_last`."""
    session.info.setdefault(PENDING, []).extend(rows)
    last: dict[tuple[str, int], tuple[int, str]] = session.info.setdefault(PENDING_LAST, {})
    for _id, subject_type, subject_id, seq, mac in rows:
        known = last.get((subject_type, subject_id))
        if known is None or seq > known[0]:
            last[(subject_type, subject_id)] = (seq, mac)


def appended_last(session: Any, subject_type: str, subject_id: int) -> tuple[int, str] | None:
    """The last row (seq, MAC) this transaction has added about the subject, if any: the next row chains to it."""
    last: dict[tuple[str, int], tuple[int, str]] | None = session.info.get(PENDING_LAST)
    return last.get((subject_type, subject_id)) if last else None


@sa.event.listens_for(AuditEvent, "after_insert")
def _after_insert(mapper: Any, connection: Any, target: AuditEvent) -> None:
    session = sa.orm.object_session(target)
    if session is not None:
        remember_rows(session, [(target.id, target.subject_type, target.subject_id, target.seq, target.hash)])


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _after_commit(session: Any) -> None:
    rows = session.info.pop(PENDING, None)
    if rows and has_app_context():
        append_lines(Path(current_app.config["AUDIT_CHECKPOINT_PATH"]), [_line(*row) for row in rows])


@sa.event.listens_for(sa.orm.Session, "after_soft_rollback")
def _after_rollback(session: Any, previous_transaction: Any) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(PENDING_LAST, None)


@sa.event.listens_for(sa.orm.Session, "after_transaction_end")
def _after_transaction_end(session: Any, transaction: Any) -> None:
    # each subject's last new row is forgotten when the transaction ends, however it ends: committed, rolled
    # back, or closed without either (no "soft rollback" event), where the next transaction would otherwise chain
    # to a row that does not exist (a savepoint rolled back is `_after_rollback`'s)
    if transaction.parent is None:
        session.info.pop(PENDING_LAST, None)


def _line(row_id: int, subject_type: str, subject_id: int, seq: int, mac: str) -> str:
    return f"{row_id} {subject_type} {subject_id} {seq} {mac}"


def append_lines(path: Path, lines: list[str]) -> None:
    """Append to the checkpoint file, whole lines under an exclusive lock, on disk before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, ("\n".join(lines) + "\n").encode())
        os.fsync(fd)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@dataclass
class Checkpoint:
    """The checkpoint file read back."""

    #: row id → (subject_type, subject_id, seq, mac)
    rows: dict[int, tuple[str, int, int, str]] = field(default_factory=dict)
    #: rows up to this id were written before the key (plain SHA-256), or None
    legacy_last_id: int | None = None
    purged: set[int] = field(default_factory=set)
    bad_lines: list[int] = field(default_factory=list)

    @property
    def head(self) -> tuple[int, int]:
        """(last id, number of rows) the file vouches for."""
        return (max(self.rows, default=0), len(self.rows))


def read_checkpoint(path: Path | None = None) -> Checkpoint:
    path = path or Path(current_app.config["AUDIT_CHECKPOINT_PATH"])
    found = Checkpoint()
    if not path.exists():
        return found
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.split()
            try:
                if not parts:
                    continue
                if parts[0] == "legacy" and len(parts) == 2:
                    if found.legacy_last_id is None:  # only the first counts: a later one cannot widen it
                        found.legacy_last_id = int(parts[1])
                elif parts[0] == "purged":
                    found.purged.update(int(p) for p in parts[1:])
                elif len(parts) == 5:
                    found.rows[int(parts[0])] = (parts[1], int(parts[2]), int(parts[3]), parts[4])
                else:
                    found.bad_lines.append(number)
            except ValueError:
                found.bad_lines.append(number)
    return found


# ------------------------------------------------------------------------------------------------ verify


@dataclass(frozen=True)
class Problem:
    subject_type: str
    subject_id: int
    seq: int | None
    row_id: int | None
    reason: str

    def describe(self) -> str:
        where = f"{subject_label(self.subject_type)} #{self.subject_id}"
        if self.seq is not None:
            where += f" 第{self.seq}条"
        if self.row_id is not None:
            where += f"（记录编号 {self.row_id}）"
        return f"{where}：{self.reason}"


@dataclass
class Verification:
    rows: int = 0
    subjects: int = 0
    checkpoint_rows: int = 0
    states_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return (
                f"审计链校验通过：{self.subjects}个对象的{self.rows}条记录完整，与校验文件的"
                f"{self.checkpoint_rows}条记录一致，{self.states_checked}个对象的当前状态与审计记录相符。"
            )
        return f"审计链校验未通过：{self.problems[0].describe()}（共发现{len(self.problems)}处问题）"


#: problems collected before verification stops listing (the first one is what matters)
MAX_PROBLEMS = 50


def _rows_in_order() -> Iterator[AuditEvent]:
    stmt = sa.select(AuditEvent).order_by(AuditEvent.subject_type, AuditEvent.subject_id, AuditEvent.seq)
    for partition in db.session.execute(stmt.execution_options(yield_per=2000)).scalars().partitions():
        yield from partition
        for row in partition:
            db.session.expunge(row)


def verify_all(checkpoint: Checkpoint | None = None) -> Verification:
    """Check the whole trail against its chains, its key and the checkpoint file (module docstring)."""
    point = checkpoint or read_checkpoint()
    key = audit_key()
    report = Verification(checkpoint_rows=len(point.rows))
    problems = report.problems

    def problem(*args: Any) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(*args))

    for number in point.bad_lines[:5]:
        problem("settings", 0, None, None, f"校验文件第{number}行格式不符（校验文件可能被改动）")
    by_position = {(st, sid, seq): (row_id, mac) for row_id, (st, sid, seq, mac) in point.rows.items()}
    seen: set[int] = set()
    subject: tuple[str, int] | None = None
    prev = GENESIS_HASH
    expected = 1
    for row in _rows_in_order():
        report.rows += 1
        seen.add(row.id)
        if (row.subject_type, row.subject_id) != subject:
            subject = (row.subject_type, row.subject_id)
            report.subjects += 1
            expected, prev = 1, GENESIS_HASH
            if row.seq != 1:
                before = by_position.get((row.subject_type, row.subject_id, row.seq - 1))
                if before is not None and before[0] in point.purged:
                    expected, prev = row.seq, before[1]  # the rows before it were purged after retention
        args = (row.subject_type, row.subject_id, row.seq, row.id)
        if row.seq != expected:
            problem(*args, f"序号不连续：应为第{expected}条（其间的记录已被删除或插入）")
        elif row.prev_hash != prev:
            problem(*args, "与上一条记录的链接不符（上一条记录已被改动、删除或替换）")
        elif row.mac_version == MAC_SHA256 and (
            point.legacy_last_id is None or row.id > point.legacy_last_id
        ):
            problem(*args, "记录未使用审计密钥签名（整条链可能已被改写）")
        elif row.compute_hash(key) != row.hash:
            problem(*args, "记录内容与其签名不符（已被改动，或签名不是用本系统的审计密钥计算的）")
        else:
            mirrored = point.rows.get(row.id)
            if mirrored is None:
                problem(*args, "校验文件中没有这条记录（记录可能是绕过系统写入的）")
            elif mirrored != (row.subject_type, row.subject_id, row.seq, row.hash):
                problem(*args, "与校验文件记录的签名不符（记录已被改写）")
        expected, prev = row.seq + 1, row.hash
    _missing_rows(point, seen, problem)
    report.states_checked = _check_states(problem)
    return report


def _missing_rows(point: Checkpoint, seen: set[int], problem: Any) -> None:
    """Checkpoint lines whose rows are gone: the newest row, a tail or a whole trail deleted."""
    missing: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for row_id, (st, sid, seq, _mac) in point.rows.items():
        if row_id not in seen and row_id not in point.purged:
            missing.setdefault((st, sid), []).append((seq, row_id))
    for (st, sid), gone in sorted(missing.items()):
        gone.sort()
        first_seq, first_id = gone[0]
        last_seq = gone[-1][0]
        span = f"第{first_seq}条" if first_seq == last_seq else f"第{first_seq}条至第{last_seq}条"
        whole = "（整条审计链已被删除）" if first_seq == 1 else ""
        problem(st, sid, first_seq, first_id, f"校验文件记录的{span}在数据库中已不存在{whole}：记录被删除")


def _check_states(problem: Any) -> int:
    """Each subject's current state against the ``to_state`` of its trail's last transition."""
    checked = 0
    tables = db.metadata.tables
    for subject_type, table_name, column in STATE_TABLES:
        table = tables.get(table_name)
        if table is None or column not in table.c:
            continue
        last_state = (
            sa.select(AuditEvent.to_state)
            .where(
                AuditEvent.subject_type == subject_type,
                AuditEvent.subject_id == table.c.id,
                AuditEvent.to_state.is_not(None),
            )
            .order_by(AuditEvent.seq.desc())
            .limit(1)
            .scalar_subquery()
        )
        stmt = sa.select(table.c.id, table.c[column], last_state.label("trail_state")).order_by(table.c.id)
        for subject_id, state, trail_state in db.session.execute(stmt.execution_options(yield_per=2000)):
            if trail_state is None:
                continue
            checked += 1
            if state != trail_state:
                problem(
                    subject_type,
                    subject_id,
                    None,
                    None,
                    f"当前状态“{state}”与审计记录最后的状态“{trail_state}”不符（状态可能被直接修改）",
                )
    return checked


# ------------------------------------------------------------------------------------- checkpoint / purge


def write_checkpoint() -> tuple[int, Verification]:
    """Put every row that verifies but is missing from the checkpoint file into it (after an upgrade from a
    version without the file, or after a crash between a commit and its lines). Refuses when the chains do not
    verify: the file would vouch for tampered rows. Returns (lines added, the verification before)."""
    point = read_checkpoint()
    lines: list[str] = []
    if point.legacy_last_id is None:
        # unkeyed rows count as old only before the first keyed row: one rewritten later cannot pass as old
        first_keyed = sa.select(sa.func.min(AuditEvent.id)).where(AuditEvent.mac_version != MAC_SHA256)
        legacy = db.session.scalar(
            sa.select(sa.func.max(AuditEvent.id)).where(
                AuditEvent.mac_version == MAC_SHA256,
                sa.or_(
                    first_keyed.scalar_subquery().is_(None), AuditEvent.id < first_keyed.scalar_subquery()
                ),
            )
        )
        if legacy is not None:
            lines.append(f"legacy {legacy}")
            point.legacy_last_id = legacy
    report = verify_all(point)
    blocking = [p for p in report.problems if "校验文件中没有这条记录" not in p.reason]
    if blocking:
        return 0, report
    for row in _rows_in_order():
        if row.id not in point.rows:
            lines.append(_line(row.id, row.subject_type, row.subject_id, row.seq, row.hash))
    if lines:
        append_lines(Path(current_app.config["AUDIT_CHECKPOINT_PATH"]), lines)
    return len(lines), report


def current_retention_days() -> int:
    return int(current_app.config["AUDIT_RETENTION_DAYS"])


def retention_cutoff(today: date) -> date:
    """The earliest date rows may be purged before: today minus the retention period."""
    return today - timedelta(days=current_retention_days())


class RetentionRefused(ValueError):
    pass


def purge_before(before: date, today: date) -> int:
    """Delete the rows dated before ``before`` (which must lie outside the retention period), recording them in
    the checkpoint file first so that verification knows they were purged, not deleted. Commits."""
    cutoff = retention_cutoff(today)
    if before > cutoff:
        raise RetentionRefused(
            f"不能删除{before.isoformat()}之前的审计记录：{RETENTION_RULE}，"
            f"保存期限为{current_app.config['AUDIT_RETENTION_DAYS']}天，目前最多可删除{cutoff.isoformat()}之前的记录。"
        )
    report = verify_all()
    if not report.ok:
        raise RetentionRefused(
            f"审计链校验未通过，不能删除记录（删除会掩盖篡改）：{report.problems[0].describe()}"
        )
    condition = AuditEvent.at < datetime.combine(before, time.min, tzinfo=clock.SHANGHAI)
    ids = list(db.session.scalars(sa.select(AuditEvent.id).where(condition).order_by(AuditEvent.id)))
    if not ids:
        return 0
    path = Path(current_app.config["AUDIT_CHECKPOINT_PATH"])
    append_lines(path, [f"purged {' '.join(map(str, ids[i : i + 500]))}" for i in range(0, len(ids), 500)])
    dialect = db.session.get_bind().dialect.name
    connection = db.session.connection()
    for statement in append_only_statements(dialect, drop=True):
        connection.exec_driver_sql(statement)
    for start_at in range(0, len(ids), 500):
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id.in_(ids[start_at : start_at + 500])))
    for statement in append_only_statements(dialect):
        connection.exec_driver_sql(statement)
    db.session.commit()
    return len(ids)
