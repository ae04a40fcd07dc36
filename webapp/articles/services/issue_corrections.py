"""勘误: a locked issue changes only by a recorded correction — an item's title or text corrected, an item
withdrawn, or the editor's note corrected — with the reason and what changed (`IssueCorrection`), an audit row
about the issue citing the rule (`issues.LOCK_RULE`), and a line in its exports. Only the office's head records
one (`permissions.can_correct_issue`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from webapp.articles.models import IssueCorrection, IssueItem
from webapp.articles.models.issue import CORRECTION_KIND_LABELS, CORRECTION_KINDS
from webapp.articles.services import permissions
from webapp.articles.services.errors import Refused
from webapp.articles.services.issues import (
    LOCK_RULE,
    NOTE_MAX,
    REASON_MAX,
    audit,
    check_version,
    clean_text,
    clean_title_body,
    forbidden,
    load,
    recompute_secrecy,
    touch,
    unit_of_work,
)
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.errors import InvalidInput
from workflow.errors import Refusal


@dataclass(frozen=True)
class CorrectionInput:
    """What the head types: the kind, the item (edit/withdraw), the corrected title/text or note, the reason."""

    kind: str
    reason: str
    item_id: int | None = None
    title: str | None = None
    body: str | None = None
    editor_note: str | None = None


def correct(
    user: User,
    issue_id: int,
    data: CorrectionInput,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> IssueCorrection:
    """勘误: change a locked issue as a recorded act — an item's title or text corrected, an item withdrawn, or the
    editor's note corrected — with the reason and what changed, in the issue's trail and its exports."""
    now = now or clock.now()
    with unit_of_work():
        issue = load(user, issue_id, lock=True)
        check_version(issue, expected_version)
        if issue.state != "locked":
            raise Refused(
                Refusal("issue_not_locked", "本期尚未定稿，可直接修改，无需登记勘误。", None), field="kind"
            )
        if not permissions.can_correct_issue(user, issue):
            raise forbidden("只有信息科负责人可以登记勘误。")
        if data.kind not in CORRECTION_KINDS:
            raise InvalidInput("请选择勘误类型：更正标题或正文、撤销稿件、更正编者按。", field="kind")
        reason = clean_text(data.reason, field="reason", what="勘误原因", limit=REASON_MAX, required=True)
        item: IssueItem | None = None
        if data.kind in ("edit", "withdraw"):
            if data.item_id is None:
                raise InvalidInput("请选择要更正的稿件。", field="item_id")
            item = next((i for i in issue.items if i.id == data.item_id), None)
            if item is None:
                raise InvalidInput("本期没有这篇稿件。", field="item_id")
            if item.withdrawn_at is not None:
                raise InvalidInput("这篇稿件已撤销。", field="item_id")
        if data.kind == "edit":
            assert item is not None
            title, body = clean_title_body(data.title, data.body)
            parts = []
            if title != item.title:
                parts.append(f"标题由《{item.title}》更正为《{title}》")
            if body != item.body:
                parts.append(f"正文更正（原{len(item.body)}字，现{len(body)}字）")
            if not parts:
                raise InvalidInput("标题和正文都没有变化，无需勘误。", field="title")
            change = f"第{item.position}条《{item.title}》：" + "；".join(parts)
            item.title, item.body = title, body
        elif data.kind == "withdraw":
            assert item is not None
            change = f"撤销第{item.position}条《{item.title}》（{item.source}供稿）"
            item.withdrawn_at = now
        else:
            note = clean_text(data.editor_note, field="editor_note", what="编者按", limit=NOTE_MAX)
            if note == issue.editor_note:
                raise InvalidInput("编者按没有变化，无需勘误。", field="editor_note")
            change = f"编者按更正为：{note}" if note else "删去编者按"
            issue.editor_note = note
        correction = IssueCorrection(
            issue=issue, kind=data.kind, item=item, reason=reason, change=change, by_id=user.id, at=now
        )
        db.session.add(correction)
        recompute_secrecy(issue)
        touch(issue)
        db.session.flush()
        audit(
            user,
            issue,
            "corrected",
            f"勘误（{CORRECTION_KIND_LABELS[data.kind]}）：{change}。原因：{reason}",
            rule_id=LOCK_RULE,
        )
    return correction
