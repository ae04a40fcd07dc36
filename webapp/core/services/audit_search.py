"""The auditor's search of the whole audit trail: filters checked like any typed input, keyset pages (newest
first), and the same search exported (capped) as .xlsx or .csv, with every event, subject, result and state in
words, never an internal id (each subject by its name: `audit_subjects`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.feature import features
from webapp.core.models import AuditEvent
from webapp.core.pagination import KeysetPage, SortKey, keyset_page
from webapp.core.services import audit, audit_subjects
from webapp.core.services.audit_chain import SUBJECT_LABELS

#: newest first; the id alone is a total order and is the primary key (any page costs the same)
KEYS = (SortKey(AuditEvent.id, "id"),)
PER_PAGE = 50
RESULT_LABELS: dict[str, str] = {"success": "成功", "failure": "失败", "denied": "拒绝"}
OTHER_EVENT = "其他记录"
#: oldest and latest dates a search accepts (nothing outside can be in the trail)
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
TEXT_MAX = 64


def event_labels() -> dict[str, str]:
    """What people call every event the trail can hold: each procedure's transitions and the labels the
    procedures and the core register (`audit.register_event_labels`)."""
    labels: dict[str, str] = {}
    for feature in features():
        if feature.procedure is not None:
            labels.update(feature.procedure.event_labels)
    labels.update(audit.registered_event_labels())
    labels.update(audit.ADMIN_EVENT_LABELS)
    labels.update(getattr(audit, "SECURITY_EVENT_LABELS", {}))
    return labels


def state_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for feature in features():
        if feature.procedure is not None:
            labels.update(feature.procedure.state_labels)
    return labels


@dataclass
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    actor: str = ""
    subject_type: str = ""
    event: str = ""
    result: str = ""
    address: str = ""
    #: field name → Chinese message, for the form
    errors: dict[str, str] = field(default_factory=dict)
    #: what was typed, shown again in the form
    raw: dict[str, str] = field(default_factory=dict)

    def query_args(self) -> dict[str, str]:
        return {k: v for k, v in self.raw.items() if v}


def _day(raw: str, name: str, label: str, errors: dict[str, str]) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"{label}格式应为 年-月-日（如 2027-01-05）。"
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        errors[name] = f"{label}应在{FIRST_DAY.year}年至{LAST_DAY.year}年之间。"
        return None
    return day


def parse_filters(args: Mapping[str, Any]) -> Filters:
    """The search from the query string; a bad value gets a Chinese message and is not applied."""
    names = ("date_from", "date_to", "actor", "subject_type", "event", "result", "address")
    raw = {name: str(args.get(name) or "").strip()[:200] for name in names}
    errors: dict[str, str] = {}
    found = Filters(raw=raw, errors=errors)
    found.date_from = _day(raw["date_from"], "date_from", "起始日期", errors)
    found.date_to = _day(raw["date_to"], "date_to", "截止日期", errors)
    if found.date_from and found.date_to and found.date_from > found.date_to:
        errors["date_to"] = "截止日期不能早于起始日期。"
    for name, label in (("actor", "操作人"), ("address", "地址")):
        if len(raw[name]) > TEXT_MAX:
            errors[name] = f"{label}不超过{TEXT_MAX}个字符。"
        else:
            setattr(found, name, raw[name])
    if raw["subject_type"] and raw["subject_type"] not in SUBJECT_LABELS:
        errors["subject_type"] = "请从列表中选择对象类型。"
    else:
        found.subject_type = raw["subject_type"]
    if raw["event"] and raw["event"] not in event_labels():
        errors["event"] = "请从列表中选择事项。"
    else:
        found.event = raw["event"]
    if raw["result"] and raw["result"] not in RESULT_LABELS:
        errors["result"] = "请从列表中选择结果。"
    else:
        found.result = raw["result"]
    return found


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.SHANGHAI)


def search_query(filters: Filters) -> sa.Select[Any]:
    stmt = sa.select(AuditEvent)
    if filters.date_from:
        stmt = stmt.where(AuditEvent.at >= _local_midnight(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditEvent.at < _local_midnight(filters.date_to + timedelta(days=1)))
    if filters.actor:
        stmt = stmt.where(AuditEvent.actor_name.ilike(_like(filters.actor), escape="\\"))
    if filters.subject_type:
        stmt = stmt.where(AuditEvent.subject_type == filters.subject_type)
    if filters.event:
        stmt = stmt.where(AuditEvent.event == filters.event)
    if filters.result:
        stmt = stmt.where(AuditEvent.result == filters.result)
    if filters.address:
        stmt = stmt.where(AuditEvent.address.like(filters.address.replace("%", "").replace("_", "") + "%"))
    return stmt


def search(filters: Filters, *, cursor: str | None) -> KeysetPage[AuditEvent]:
    return keyset_page(search_query(filters), KEYS, cursor=cursor, limit=PER_PAGE)


# --- export -----------------------------------------------------------------------------------------------------

HEADER = (
    "时间",
    "操作人",
    "所在单位",
    "对象",
    "对象名称",
    "事项",
    "结果",
    "地址",
    "原状态",
    "新状态",
    "说明",
    "依据",
)


def export_limit() -> int:
    return int(current_app.config.get("AUDIT_EXPORT_MAX_ROWS", 10_000))


#: rows read (and named) at a time: one query per subject type per chunk, whatever the export's size
EXPORT_CHUNK = 500


def _rows(filters: Filters) -> Iterator[tuple[str, ...]]:
    events, states = event_labels(), state_labels()
    stmt = search_query(filters).order_by(AuditEvent.id.desc()).limit(export_limit())
    result = db.session.execute(stmt.execution_options(yield_per=EXPORT_CHUNK)).scalars()
    for chunk in result.partitions():
        subjects = audit_subjects.describe(chunk)
        for row in chunk:
            local = clock.local(row.at)
            subject = subjects[row.id]
            yield (
                local.strftime("%Y-%m-%d %H:%M:%S") if local else "",
                row.actor_name,
                row.actor_org_name or "",
                subject.label,
                subject.name,
                events.get(row.event, OTHER_EVENT),
                RESULT_LABELS.get(row.result, "成功"),
                row.address or "",
                states.get(row.from_state or "", "") if row.from_state else "",
                states.get(row.to_state or "", "") if row.to_state else "",
                row.comment or "",
                row.rule_id or "",
            )


def _cap_note(count: int) -> str | None:
    limit = export_limit()
    return f"仅导出最新的{limit}条记录，更早的记录请缩小查询范围后分次导出。" if count >= limit else None


def _safe_cell(value: str) -> str:
    # a spreadsheet runs a cell that starts with = + - @ as a formula (CSV injection)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _write(filters: Filters, append: Callable[[list[str]], object]) -> bool:
    """The header, the search's rows (capped) and, when capped, a last line that says so; True when capped."""
    append(list(HEADER))
    count = 0
    for row in _rows(filters):
        append([_safe_cell(value) for value in row])
        count += 1
    note = _cap_note(count)
    if note:
        append([note])
    return note is not None


def export_csv(filters: Filters) -> tuple[bytes, bool]:
    """The search as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese); True when capped."""
    buffer = io.StringIO()
    capped = _write(filters, csv.writer(buffer).writerow)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), capped


def export_xlsx(filters: Filters) -> tuple[bytes, bool]:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    capped = _write(filters, workbook.create_sheet("审计记录").append)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), capped
