"""Uploads checked by content, attachments deleted or replaced while the step allows it, a draft deleted, and no
file left behind by a failed commit (webapp/grading/services/cases.py, attachments.py, permissions.py)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from tests.factories import TODAY
from tests.walk import PRECONDITIONS, events_of, fire, upload, user
from tests.walk import case as get
from tests.webapp.services.flow import drive
from webapp.core.extensions import db
from webapp.core.services.errors import NotFound, ServiceError
from webapp.grading.models import Attachment, Case
from webapp.grading.services import attachments, cases, grades, permissions
from webapp.grading.services.errors import Refused

NEW_PDF = b"%PDF-1.7 new version"


def _folder() -> set[str]:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _rows(case_id: int) -> list[Attachment]:
    return list(db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case_id)))


def _first(case_id: int, kind: str = "application_form") -> Attachment:
    return next(a for a in _rows(case_id) if a.kind == kind)


def _file(data: bytes, name: str, mimetype: str = "application/pdf") -> FileStorage:
    return FileStorage(BytesIO(data), filename=name, content_type=mimetype)


def _fail_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise RuntimeError("injected commit failure")

    monkeypatch.setattr(db.session, "commit", refuse)


# -- the upload check on the service path -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "file_type_refused"),
        ("page.html", b"<html><script>alert(1)</script></html>", "file_type_refused"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "file_type_refused",
        ),
        (
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "file_type_refused",
        ),
        ("申报审批表.pdf", "纯文本冒充PDF".encode(), "file_type_refused"),
        ("申报审批表.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "file_type_mismatch"),
    ],
)
def test_a_refused_file_writes_neither_a_row_nor_a_file(ctx, name, data, code):
    case_id = drive("unit-county", to="draft")
    before_rows, before_files = len(_rows(case_id)), _folder()
    with pytest.raises(ServiceError) as refused:
        attachments.upload_attachment(user("unit-county"), case_id, "other", _file(data, name), today=TODAY)
    assert (refused.value.code, refused.value.field) == (code, "file")
    assert len(_rows(case_id)) == before_rows and _folder() == before_files


def test_the_stored_type_is_the_checked_one_and_the_name_is_cleaned(ctx):
    case_id = drive("unit-county", to="draft")
    attachment = attachments.upload_attachment(
        user("unit-county"),
        case_id,
        "other",
        _file(b"%PDF-1.4 x", "..\\\u202e说明.pdf", "text/html"),
        today=TODAY,
    )
    assert (attachment.content_type, attachment.original_filename) == ("application/pdf", "说明.pdf")
    assert events_of(case_id)[-1].comment == "上传其他材料：说明.pdf"


def test_a_file_written_before_a_failed_commit_is_removed_and_no_row_is_left(ctx, monkeypatch):
    case_id = drive("unit-county", to="draft")
    before_rows, before_files = len(_rows(case_id)), _folder()
    _fail_commit(monkeypatch)
    with pytest.raises(RuntimeError):
        attachments.upload_attachment(
            user("unit-county"), case_id, "other", _file(NEW_PDF, "新.pdf"), today=TODAY
        )
    monkeypatch.undo()
    db.session.rollback()
    assert _folder() == before_files
    assert len(_rows(case_id)) == before_rows


# -- who may delete or replace, when ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "applied", "planned"])
def test_the_applicant_may_delete_its_materials_until_it_requests_acceptance_arc_10_1_4(ctx, state):
    case_id = drive("unit-county", to=state)
    attachment = _first(case_id)
    decision = permissions.can_change_attachment(user("unit-county"), get(case_id), attachment)
    assert decision and decision.rule == "ARC-10.1.4"
    path = Path(current_app.config["UPLOAD_FOLDER"]) / attachment.stored_filename
    attachments.delete_attachment(user("unit-county"), case_id, attachment.id)
    assert db.session.get(Attachment, attachment.id) is None and not path.exists()
    row = events_of(case_id)[-1]
    assert (row.event, row.rule_id, row.from_state, row.to_state) == (
        "delete_attachment",
        "ARC-10.1.4",
        state,
        state,
    )
    assert row.comment == "删除申报审批表：application_form.pdf"


@pytest.mark.parametrize("state", ["acceptance_requested", "prechecking", "in_notice"])
def test_once_acceptance_is_requested_the_applicant_cannot_delete_or_replace_arc_10_1_4(ctx, state):
    case_id = drive("unit-county", to=state)
    attachment = _first(case_id)
    for attempt in (
        lambda: attachments.delete_attachment(user("unit-county"), case_id, attachment.id),
        lambda: attachments.replace_attachment(
            user("unit-county"), case_id, attachment.id, _file(NEW_PDF, "新.pdf"), today=TODAY
        ),
    ):
        with pytest.raises(Refused) as refused:
            attempt()
        assert (refused.value.code, refused.value.rule, refused.value.status) == (
            "attachment_locked",
            "ARC-10.1.4",
            409,
        )
        assert "依据第十条：向具有考评权限的档案局提出验收申请报告 · ARC-10.1.4" in refused.value.message
    assert db.session.get(Attachment, attachment.id) is not None
    assert (Path(current_app.config["UPLOAD_FOLDER"]) / attachment.stored_filename).exists()


def test_a_case_returned_for_completion_lets_the_applicant_replace_its_materials_gap_8(ctx):
    case_id = drive("unit-county", to="prechecking")
    fire("county-staff", case_id, "return_for_completion", opinion="自查评分表缺签字")
    old = _first(case_id, "self_check_sheet")
    old_path = Path(current_app.config["UPLOAD_FOLDER"]) / old.stored_filename
    new = attachments.replace_attachment(
        user("unit-county"), case_id, old.id, _file(NEW_PDF, "自查评分表（签字）.pdf"), today=TODAY
    )
    assert (new.kind, new.original_filename, new.content_type) == (
        "self_check_sheet",
        "自查评分表（签字）.pdf",
        "application/pdf",
    )
    assert db.session.get(Attachment, old.id) is None and not old_path.exists()
    assert (Path(current_app.config["UPLOAD_FOLDER"]) / new.stored_filename).read_bytes() == NEW_PDF
    assert [(e.event, e.rule_id) for e in events_of(case_id)[-2:]] == [
        ("upload", "ARC-10.1.4"),
        ("replace_attachment", "GAP-8"),
    ]


def test_the_prechecker_may_change_only_its_own_opinion_and_only_while_prechecking_arc_10_2_1(ctx):
    case_id = drive("unit-county", to="prechecking")
    upload("county-staff", case_id, "precheck_opinion")
    opinion = _first(case_id, "precheck_opinion")
    staff, unit = user("county-staff"), user("unit-county")
    assert permissions.can_change_attachment(staff, get(case_id), opinion).rule == "ARC-10.2.1"
    refused = permissions.can_change_attachment(staff, get(case_id), _first(case_id))
    assert (refused.allowed, refused.code) == (False, "forbidden")  # the unit's material is not the bureau's
    assert not permissions.can_change_attachment(unit, get(case_id), opinion)  # nor the opinion the unit's
    replaced = attachments.replace_attachment(
        staff, case_id, opinion.id, _file(NEW_PDF, "预检意见.pdf"), today=TODAY
    )
    fire("county-staff", case_id, "pass_precheck", opinion="同意公示", notice_start=TODAY)
    with pytest.raises(Refused) as late:
        attachments.delete_attachment(staff, case_id, replaced.id)
    assert (late.value.code, late.value.rule) == ("attachment_locked", "ARC-10.2.1")


@pytest.mark.parametrize("username", ["unit-city", "city-staff", "reviewer-1", "admin"])
def test_nobody_outside_the_case_deletes_its_attachments(ctx, username):
    """An upper bureau may read the case (ARC-9.6) but not act in it; the others do not see it at all."""
    case_id = drive("unit-county", to="applied")
    attachment = _first(case_id)
    with pytest.raises((NotFound, Refused)) as refused:
        attachments.delete_attachment(user(username), case_id, attachment.id)
    assert refused.value.code in ("not_found", "forbidden")
    assert db.session.get(Attachment, attachment.id) is not None


def test_an_attachment_of_another_case_is_not_found(ctx):
    mine = drive("unit-county", to="draft")
    other = drive("unit-city", to="draft")
    with pytest.raises(NotFound):
        attachments.delete_attachment(user("unit-county"), mine, _first(other).id)


def test_a_replacement_with_a_refused_file_keeps_the_old_attachment(ctx):
    case_id = drive("unit-county", to="draft")
    old = _first(case_id)
    before = _folder()
    with pytest.raises(ServiceError) as refused:
        attachments.replace_attachment(
            user("unit-county"), case_id, old.id, _file(b"<html></html>", "a.pdf"), today=TODAY
        )
    assert refused.value.code == "file_type_refused"
    assert db.session.get(Attachment, old.id) is not None and _folder() == before


def test_a_replacement_whose_commit_fails_keeps_the_old_file_and_leaves_no_new_one(ctx, monkeypatch):
    case_id = drive("unit-county", to="draft")
    old = _first(case_id)
    old_id, before, count = old.id, _folder(), len(_rows(case_id))
    _fail_commit(monkeypatch)
    with pytest.raises(RuntimeError):
        attachments.replace_attachment(
            user("unit-county"), case_id, old_id, _file(NEW_PDF, "新.pdf"), today=TODAY
        )
    monkeypatch.undo()
    db.session.rollback()
    assert _folder() == before and len(_rows(case_id)) == count
    assert db.session.get(Attachment, old_id) is not None


def test_a_deletion_whose_commit_fails_keeps_the_file(ctx, monkeypatch):
    case_id = drive("unit-county", to="draft")
    attachment = _first(case_id)
    before = _folder()
    _fail_commit(monkeypatch)
    with pytest.raises(RuntimeError):
        attachments.delete_attachment(user("unit-county"), case_id, attachment.id)
    monkeypatch.undo()
    db.session.rollback()
    assert _folder() == before and db.session.get(Attachment, attachment.id) is not None


# -- deleting a draft ------------------------------------------------------------------------------------------


def test_the_unit_deletes_its_own_draft_with_its_files_and_may_apply_again_arc_10_1_1(ctx):
    case_id = drive("unit-county", to="draft")
    files = {a.stored_filename for a in _rows(case_id)}
    assert files and files <= _folder()
    unit = user("unit-county")
    attachments.delete_draft(unit, case_id, expected_version=get(case_id).version_id)
    assert not files & _folder() and _rows(case_id) == []
    with pytest.raises(NotFound):
        cases.get_case(unit, case_id)
    assert case_id not in [c.id for c in cases.list_cases(unit)]
    assert case_id not in [c.id for c in grades.organ_overview(unit, today=TODAY).cases]
    row = events_of(case_id)[-1]
    assert (row.event, row.rule_id, row.actor_name) == ("delete_draft", "ARC-10.1.1", unit.display_name)
    assert "4份材料" in row.comment
    again = cases.open_case(unit, level="second", kind="evaluation", preconditions=PRECONDITIONS, today=TODAY)
    assert again.id != case_id


def test_a_case_applied_for_cannot_be_deleted_arc_10_1_1(ctx):
    case_id = drive("unit-county", to="applied")
    with pytest.raises(Refused) as refused:
        attachments.delete_draft(user("unit-county"), case_id)
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "not_a_draft",
        "ARC-10.1.1",
        409,
    )
    assert "可以撤回" in refused.value.message
    assert db.session.get(Case, case_id).deleted_at is None


def test_only_the_organ_deletes_its_draft(ctx):
    case_id = drive("unit-county", to="draft")
    for username in ("county-staff", "unit-city"):
        with pytest.raises(NotFound):  # a draft is the organ's own: others do not even see it
            attachments.delete_draft(user(username), case_id)
    assert db.session.get(Case, case_id).deleted_at is None


def test_a_draft_deletion_whose_commit_fails_keeps_the_case_and_its_files(ctx, monkeypatch):
    case_id = drive("unit-county", to="draft")
    before = _folder()
    _fail_commit(monkeypatch)
    with pytest.raises(RuntimeError):
        attachments.delete_draft(user("unit-county"), case_id)
    monkeypatch.undo()
    db.session.rollback()
    assert _folder() == before and db.session.get(Case, case_id).deleted_at is None


def test_the_change_windows_come_from_the_state_machine():
    """ARC-10.1.4 / GAP-8: up to the acceptance request and while returned; ARC-10.2.1: while pre-checking;
    ARC-10.1.1: a draft only."""
    assert {"draft", "applied", "forwarded", "planned", "returned"} == permissions.APPLICANT_CHANGE_STATES
    assert {"prechecking"} == permissions.PRECHECKER_CHANGE_STATES
    assert {"draft"} == permissions.DELETABLE_STATES
