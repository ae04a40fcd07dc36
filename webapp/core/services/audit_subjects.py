"""What the auditor reads for an audit row's subject: 「用户 张三（zhangsan）」, 「考评案件 某局（2027年 省二级考评）」 —
never a record number (等保 2.0 三级 8.1.4.3 b: 审计记录应包括事件的日期和时间、用户、事件类型、事件是否成功及其他与
审计相关的信息 — the event's object named as a person recognises it; the project rule: nothing a person reads is an
internal id).

Each feature names its own subject types through `Feature.audit_subject_names`; the core names its own (users,
organisations) with `core_subject_names`. `describe` collects a page's (or an export chunk's) ids by type and
asks once per type, so a page issues the same statements whatever the trail holds. A subject that no longer
exists reads 「（已删除的考评案件）」.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from webapp.core.extensions import db
from webapp.core.feature import features
from webapp.core.models import AuditEvent, Organisation, User
from webapp.core.services.audit_chain import SUBJECT_LABELS, subject_label

#: subjects that are a place, not a record: their label is the whole name (system settings, sign-in attempts of
#: an unknown name)
LABEL_ONLY = frozenset({"settings", "login"})
#: how long a name taken from a person's text (an article's title) may be on the page and in the export
NAME_MAX = 30


@dataclass(frozen=True)
class SubjectText:
    """An audit row's subject in words: what kind of record (``label``) and which one (``name``)."""

    label: str
    #: the record's name; the 「（已删除的…）」 text when it is gone; "" for a label-only subject
    name: str = ""
    missing: bool = False

    @property
    def text(self) -> str:
        """One line for a tooltip or a spreadsheet cell: 「考评案件 某局（2027年 省二级考评）」."""
        return f"{self.label} {self.name}" if self.name and not self.missing else self.name or self.label


def shorten(text: str, limit: int = NAME_MAX) -> str:
    """``text`` on one line, cut to ``limit`` characters with 「…」 (a long title stays readable in a cell)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def gone(subject_type: str) -> str:
    return f"（已删除的{subject_label(subject_type)}）"


def core_subject_names(subject_type: str, ids: Collection[int]) -> dict[int, str]:
    """The core's own subjects: a person by display name and username, an organisation by its name."""
    if not ids:
        return {}
    if subject_type == "user":
        rows = db.session.execute(
            sa.select(User.id, User.display_name, User.username).where(User.id.in_(ids))
        ).all()
        return {row.id: f"{row.display_name}（{row.username}）" for row in rows}
    if subject_type == "organisation":
        found = db.session.execute(
            sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        )
        return {row.id: row.name for row in found}
    return {}


def names_by_type(ids_by_type: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """Every feature's names of these subjects: one call per feature and type, each answering for its own."""
    hooks = [feature.audit_subject_names for feature in features() if feature.audit_subject_names is not None]
    names: dict[tuple[str, int], str] = {}
    for subject_type, ids in ids_by_type.items():
        if subject_type in LABEL_ONLY or not ids:
            continue
        for hook in hooks:
            for subject_id, name in hook(subject_type, ids).items():
                if name:
                    names[(subject_type, subject_id)] = name
    return names


def describe(rows: Iterable[AuditEvent]) -> dict[int, SubjectText]:
    """Audit row id → its subject in words, for one page or one export chunk: one query per subject type."""
    rows = list(rows)
    ids_by_type: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        ids_by_type[row.subject_type].add(row.subject_id)
    names = names_by_type(ids_by_type)
    described: dict[int, SubjectText] = {}
    for row in rows:
        label = subject_label(row.subject_type)
        name = names.get((row.subject_type, row.subject_id))
        if name is not None:
            described[row.id] = SubjectText(label, name)
        elif row.subject_type in LABEL_ONLY or row.subject_type not in SUBJECT_LABELS:
            described[row.id] = SubjectText(label)
        else:
            described[row.id] = SubjectText(label, gone(row.subject_type), missing=True)
    return described
