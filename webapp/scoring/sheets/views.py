"""Score sheet pages. Each view turns a request into one call of `webapp.scoring.services.scoresheets`; the procedure
that owns the subject (grading: `webapp.grading.services.sheet_subject`; registered by subject type) decides who
may read or fill which sheet (applicant: self-check; each panel member: their own sheet; the lead: the agreed
sheet) and when (ARC-10.1.4, ARC-10.4.5). A refused save re-renders the page with what was typed.

A grading case's sheets keep their addresses under /cases/<id>/sheets/…; any other subject type's are under
/sheets/<subject_type>/<subject_id>/… (`sheet_url` picks the right one).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.core.auth.permissions import login_required
from webapp.core.forms import STALE_FORM_MESSAGE, form_version
from webapp.core.services.errors import Conflict, ServiceError
from webapp.scoring.models import CASE_SUBJECT, SheetKind, SubjectRef
from webapp.scoring.services.scoresheets import exports, operations, pages
from webapp.scoring.services.scoresheets.entries import field_name
from webapp.scoring.services.scoresheets.errors import SheetInvalid
from webapp.scoring.services.scoresheets.operations import FormInput
from webapp.scoring.services.scoresheets.pages import SheetsOverview
from webapp.scoring.services.scoresheets.subject import SheetSubject

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def score_sheets_overview(subject: Any) -> SheetsOverview | None:
    """Template global for the subject page's section (templates/scoring/sheets/_case_section.html)."""
    if not current_user.is_authenticated or subject is None:
        return None
    return pages.overview(current_user, SubjectRef(CASE_SUBJECT, subject.id))


def subject_url(subject: SheetSubject) -> str:
    """The subject's own page (the sheets' back link and breadcrumb), or home when its feature is off."""
    page = subject.page
    if page is not None and page.endpoint in current_app.view_functions:
        return url_for(page.endpoint, **page.values)
    return url_for("main.home")


def sheet_url(name: str, ref: SubjectRef, **values: Any) -> str:
    """The address of a subject's sheet page ``name`` (self_sheet, own_review, reviewer_sheet, agreed_sheet,
    prefill_agreed, blank_xlsx): a case's keeps grading's /cases/<id>/sheets/…, others /sheets/<type>/<id>/…."""
    if ref.type == CASE_SUBJECT:
        return url_for(f"sheets.{name}", case_id=ref.id, **values)
    return url_for(f"sheets.subject_{name}", subject_type=ref.type, subject_id=ref.id, **values)


def _open(ref: SubjectRef, kind: str, reviewer_id: int | None = None) -> Response | tuple[str, int]:
    """GET shows the sheet (or, when it does not exist yet, an unstarted sheet with a 「开始评分」 button for the
    person who fills it) and changes nothing; POST starts the sheet and then shows it."""
    if request.method == "POST":
        sheet, _ = operations.start_sheet(current_user, ref, kind)
        return redirect(url_for("sheets.show", sheet_id=sheet.id))
    slot = operations.find_sheet(current_user, ref, kind, reviewer_id)
    if slot.sheet is not None:
        return redirect(url_for("sheets.show", sheet_id=slot.sheet.id))
    return render_template(
        "scoring/sheets/missing.html",
        slot=slot,
        subject_url=subject_url(slot.subject),
        what=slot.subject.words.name(kind),
        start_url=request.path,
    ), 200


def _case(case_id: int) -> SubjectRef:
    return SubjectRef(CASE_SUBJECT, case_id)


@login_required
def self_sheet(case_id: int) -> Any:
    return _open(_case(case_id), SheetKind.SELF)


@login_required
def own_review(case_id: int) -> Any:
    return _open(_case(case_id), SheetKind.REVIEWER)


@login_required
def reviewer_sheet(case_id: int, user_id: int) -> Any:
    return _open(_case(case_id), SheetKind.REVIEWER, user_id)


@login_required
def agreed_sheet(case_id: int) -> Any:
    return _open(_case(case_id), SheetKind.AGREED)


# the same pages for a subject of any registered type (an unknown type is 404: `subject.procedure`)


@login_required
def subject_self_sheet(subject_type: str, subject_id: int) -> Any:
    return _open(SubjectRef(subject_type, subject_id), SheetKind.SELF)


@login_required
def subject_own_review(subject_type: str, subject_id: int) -> Any:
    return _open(SubjectRef(subject_type, subject_id), SheetKind.REVIEWER)


@login_required
def subject_reviewer_sheet(subject_type: str, subject_id: int, user_id: int) -> Any:
    return _open(SubjectRef(subject_type, subject_id), SheetKind.REVIEWER, user_id)


@login_required
def subject_agreed_sheet(subject_type: str, subject_id: int) -> Any:
    return _open(SubjectRef(subject_type, subject_id), SheetKind.AGREED)


def render_sheet(
    sheet_id: int,
    *,
    form: Any = None,
    errors: dict[str, str] | None = None,
    problems: list[str] | None = None,
    import_problems: list[str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = pages.sheet_page(current_user, sheet_id, form)
    return render_template(
        "scoring/sheets/sheet.html",
        page=page,
        field_name=field_name,
        errors=errors or {},
        warnings=page.warnings if errors is None else {},
        problems=problems or [],
        import_problems=import_problems or [],
        subject_url=subject_url(page.subject),
    ), status


@login_required
def show(sheet_id: int) -> tuple[str, int]:
    return render_sheet(sheet_id)


def _version() -> int | None:
    """The version the page's form was rendered with; None when missing or malformed, which every POST here
    answers with 400 (never "do not check", issue 7 point 4) after the usual 403/404/409 for who and when."""
    return form_version(request.form.get("version"))


def _unreadable_version(sheet_id: int, *, form: Any = None) -> tuple[str, int]:
    """400 for a form without a readable version, the page re-rendered with what was typed; but first the
    refusal a save would give to someone who may not change this sheet (403/404/409)."""
    operations.check_editable(current_user, sheet_id)
    flash(STALE_FORM_MESSAGE, "danger")
    return render_sheet(sheet_id, form=form, errors={} if form is not None else None, status=400)


@login_required
def save(sheet_id: int) -> Any:
    submit = request.form.get("action") == "submit"
    version = _version()
    if version is None:
        return _unreadable_version(sheet_id, form=request.form)
    try:
        outcome = operations.save_sheet(
            current_user, sheet_id, FormInput(request.form), submit=submit, expected_version=version
        )
    except SheetInvalid as exc:
        flash(exc.message, "danger")
        return render_sheet(sheet_id, form=request.form, errors=exc.errors, problems=exc.problems, status=400)
    except Conflict as exc:
        flash(exc.message, "danger")
        return render_sheet(sheet_id, form=request.form, errors={}, status=409)
    if submit:
        flash("评分表已提交。", "success")
    elif outcome.warnings or outcome.problems:
        flash("草稿已保存；标出的项目在提交前须改正。", "warning")
    else:
        flash("草稿已保存。", "success")
    return redirect(url_for("sheets.show", sheet_id=sheet_id))


@login_required
def reopen(sheet_id: int) -> Response | tuple[str, int]:
    version = _version()
    if version is None:
        return _unreadable_version(sheet_id)
    operations.reopen_sheet(current_user, sheet_id, expected_version=version)
    flash("已撤回提交，评分表恢复为草稿。", "info")
    return redirect(url_for("sheets.show", sheet_id=sheet_id))


def _prefill_agreed(ref: SubjectRef) -> Response | tuple[str, int]:
    method = request.form.get("method", "median")
    version = _version()
    if version is None:
        agreed = operations.find_sheet(current_user, ref, SheetKind.AGREED).sheet
        if agreed is None:  # the pre-fill form is on the agreed sheet's page: this did not come from it
            raise ServiceError(STALE_FORM_MESSAGE, code="bad_version", field="version")
        return _unreadable_version(agreed.id)
    sheet = operations.prefill_agreed(current_user, ref, method, expected_version=version)
    flash("已按评审专家评分的" + ("平均数" if method == "mean" else "中位数") + "预填，请逐项核定。", "info")
    return redirect(url_for("sheets.show", sheet_id=sheet.id))


@login_required
def prefill_agreed(case_id: int) -> Response | tuple[str, int]:
    return _prefill_agreed(_case(case_id))


@login_required
def subject_prefill_agreed(subject_type: str, subject_id: int) -> Response | tuple[str, int]:
    return _prefill_agreed(SubjectRef(subject_type, subject_id))


def send(filename: str, content: bytes, mimetype: str, *, attachment: bool = True) -> Response:
    return send_file(BytesIO(content), mimetype=mimetype, as_attachment=attachment, download_name=filename)


@login_required
def export_xlsx(sheet_id: int) -> Response:
    filename, content = exports.export_xlsx(current_user, sheet_id, blank=request.args.get("blank") == "1")
    return send(filename, content, XLSX)


@login_required
def blank_xlsx(case_id: int) -> Response:
    filename, content = exports.export_blank(current_user, _case(case_id))
    return send(filename, content, XLSX)


@login_required
def subject_blank_xlsx(subject_type: str, subject_id: int) -> Response:
    filename, content = exports.export_blank(current_user, SubjectRef(subject_type, subject_id))
    return send(filename, content, XLSX)


@login_required
def import_xlsx(sheet_id: int) -> Any:
    version = _version()
    if version is None:
        return _unreadable_version(sheet_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要导入的 .xlsx 文件。", "danger")
        return render_sheet(sheet_id, import_problems=["未选择文件"], status=400)
    try:
        operations.import_xlsx(current_user, sheet_id, upload.read(), expected_version=version)
    except SheetInvalid as exc:
        flash(exc.message, "danger")
        return render_sheet(sheet_id, import_problems=exc.problems, status=400)
    flash("已从Excel导入评分（草稿），请核对后提交。", "success")
    return redirect(url_for("sheets.show", sheet_id=sheet_id))
