"""Taking back what a unit may still take back: an attachment (delete, or replace with a new file) while its
step allows it, and a draft case it never applied for.

Each function is one transaction with its audit row. Files leave the disk only after the commit succeeded (a
failed commit keeps the rows, so it must keep their files); a file written for a replacement is removed when
the commit fails. Who may do what, when, is decided in `permissions.can_change_attachment` and
`permissions.can_delete_case`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.audit import append_case_event
from webapp.core.services.errors import NotFound
from webapp.grading.models import Attachment, Case
from webapp.grading.services import permissions
from webapp.grading.services.cases import (
    _check_version,
    _load,
    _today,
    _unit_of_work,
    check_upload_input,
    remove_files,
    store_attachment,
)
from webapp.grading.services.errors import Refused

#: Domain refusals about a value the person typed (not about the case): 400 with the field to show it beside.


def _path(attachment: Attachment) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / attachment.stored_filename


def _changeable(user: User, case_id: int, attachment_id: int) -> tuple[Case, Attachment, str | None]:
    """The case and attachment if ``user`` may change it now, with the rule the change rests on; `Refused`
    (with the rule) otherwise, `NotFound` when the case is not theirs to see or the attachment not of it."""
    case = _load(user, case_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise NotFound("材料不存在或您无权查看。")
    decision = permissions.can_change_attachment(user, case, attachment)
    if not decision:
        raise Refused(decision)
    return case, attachment, decision.rule


def delete_attachment(
    user: User, case_id: int, attachment_id: int, *, expected_version: int | None = None
) -> Attachment:
    """Delete an attachment (row in the transaction, file after the commit) and audit it with the rule."""
    with _unit_of_work():
        case, attachment, rule = _changeable(user, case_id, attachment_id)
        _check_version(case, expected_version)
        path = _path(attachment)
        append_case_event(
            case,
            "delete_attachment",
            actor=user,
            from_state=case.state,
            to_state=case.state,
            comment=f"删除{case.ruleset.attachment_name(attachment.kind)}：{attachment.original_filename}",
            rule_id=rule,
        )
        db.session.delete(attachment)
    remove_files([path])
    return attachment


def replace_attachment(
    user: User,
    case_id: int,
    attachment_id: int,
    file: FileStorage,
    *,
    today: date | None = None,
    expected_version: int | None = None,
) -> Attachment:
    """Upload ``file`` in place of an attachment (same kind) and delete the old one, in one transaction: both
    happen or neither. The new file is checked like any upload; the old file leaves the disk after the
    commit, the new one is removed if the commit fails."""
    today = _today(today)
    written: list[Path] = []
    try:
        with _unit_of_work():
            case, old, rule = _changeable(user, case_id, attachment_id)
            _check_version(case, expected_version)
            check_upload_input(old.kind, file)
            decision = permissions.can_upload(user, case, old.kind)
            if not decision:
                raise Refused(decision)
            new = store_attachment(user, case, old.kind, file, written)
            old_path = _path(old)
            append_case_event(
                case,
                "replace_attachment",
                actor=user,
                from_state=case.state,
                to_state=case.state,
                comment=f"以「{new.original_filename}」替换{old.kind_label}「{old.original_filename}」",
                rule_id=rule,
            )
            db.session.delete(old)
    except BaseException:
        remove_files(written)
        raise
    remove_files([old_path])
    return new


def delete_draft(user: User, case_id: int, *, expected_version: int | None = None) -> Case:
    """Delete a draft the organ never applied for: hidden from every list and page from now on (the row and
    its audit trail stay: audit rows are append-only), its attachments' rows deleted and their files removed
    after the commit."""
    with _unit_of_work():
        case = _load(user, case_id)
        decision = permissions.can_delete_case(user, case)
        if not decision:
            raise Refused(decision)
        _check_version(case, expected_version)
        attachments = list(db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case.id)))
        paths = [_path(attachment) for attachment in attachments]
        append_case_event(
            case,
            "delete_draft",
            actor=user,
            from_state=case.state,
            to_state=case.state,
            comment=f"删除申报草稿（{case.level_label}{case.kind_label}）"
            + (f"及其{len(attachments)}份材料" if attachments else ""),
            rule_id=decision.rule,
        )
        for attachment in attachments:
            db.session.delete(attachment)
        case.deleted_at = clock.now()
    remove_files(paths)
    return case


def upload_attachment(
    user: User,
    case_id: int,
    kind: str,
    file: FileStorage,
    *,
    today: date | None = None,
    expected_version: int | None = None,
) -> Attachment:
    """Store a file under instance/uploads (content-addressed name), record it, audit it. The file is checked
    by its content (`uploads.check_upload`); a file written before a failed commit is removed.
    ``expected_version``, when given, must be the case's current version (409 ``stale`` otherwise)."""
    today = _today(today)
    check_upload_input(kind, file)
    written: list[Path] = []
    try:
        with _unit_of_work():
            case = _load(user, case_id)
            _check_version(case, expected_version)
            decision = permissions.can_upload(user, case, kind)
            if not decision:
                raise Refused(decision)
            attachment = store_attachment(user, case, kind, file, written)
    except BaseException:
        remove_files(written)
        raise
    return attachment


def attachment_file(user: User, attachment_id: int) -> tuple[Attachment, Path]:
    """An attachment and the path of its bytes, if ``user`` may read its case (for download views)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("材料不存在或您无权查看。")
    _load(user, attachment.case_id)
    path = Path(current_app.config["UPLOAD_FOLDER"]) / attachment.stored_filename
    if not path.is_file():
        raise NotFound("材料文件已丢失，请联系管理员。")
    return attachment, path
