"""The case page, shared by every role: facts, attachments, the actions this user may take now (and the blocked
ones with the rule that blocks them), the timeline and the procedure diagram.

Each POST is one service call; the service checks permission (role × jurisdiction × state) and the domain's
guards, writes the audit row and commits. A refusal is shown with its rule and the page is re-rendered with what
the user typed (no redirect that would lose it).
"""

from __future__ import annotations

import io
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from config.rulesets import load_ruleset
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.forms import STALE_FORM_MESSAGE, choices, form_version
from webapp.core.services import uploads
from webapp.core.services.errors import BadQueryArg, ServiceError
from webapp.grading.cases import list_html
from webapp.grading.cases.forms import (
    ConcludePassFailForm,
    ConcludeScoreForm,
    EventForm,
    PassPrecheckForm,
    ReturnForCompletionForm,
    SpotCheckForm,
    UploadForm,
    event_form,
)
from webapp.grading.models import Attachment, Case
from webapp.grading.services import (
    attachments,
    case_page,
    case_search,
    cases,
    documents,
    next_steps,
    overdue,
    permissions,
    sheet_subject,
)
from webapp.grading.services import spot_checks as spot_check_service
from webapp.grading.services.case_page import CaseView
from webapp.grading.services.errors import Refused
from workflow.grading import EVENT_LABELS, EVENTS

#: labels for audit rows that are not transitions (uploads, panel, spot-checks …); transitions use EVENT_LABELS
OTHER_EVENT_LABELS: dict[str, str] = {
    "open": "创建申报草稿",
    "upload": "上传材料",
    "delete_attachment": "删除材料",
    "replace_attachment": "替换材料",
    "delete_draft": "删除申报草稿",
    "set_panel": "组建评审组",
    "spot_check": "上级抽查",
    "set_review_date": "确定评审日期",
    "declare_interest": "回避声明",
    "summary_submitted": "列入年度审批汇总报省",
    "objection_received": "收到异议",
    "objection_handled": "核实异议",
    "sheet_submitted": "提交评分表",
    "sheet_reopened": "撤回评分表提交",
}
TIMELINE_LABELS: dict[str, str] = {**OTHER_EVENT_LABELS, **EVENT_LABELS}
#: events that end, return or refuse: drawn in red so a slip of the mouse is less likely
NEGATIVE_EVENTS = frozenset(
    {"decline", "return_for_completion", "withdraw", "uphold_objection", "reject_on_objection", "refuse"}
)
UPLOAD_LIMIT_MESSAGE = "上传的文件超过 20 MiB 上限，未保存。请压缩或拆分后重新上传。"


def _is_scored(case: Case) -> bool:
    try:
        return load_ruleset(case.ruleset_id).level(case.level).scored
    except KeyError:
        return True


def _panel_url(view: CaseView) -> str | None:
    """The bureau's panel page (developer B's blueprint), when it exists and the user may form the panel."""
    if not view.abilities.get("set_panel"):
        return None
    for endpoint in ("bureau.panel", "bureau.case_panel", "bureau.set_panel"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint, case_id=view.case.id)
    return None


def _objections_url(view: CaseView) -> str | None:
    """The bureau's objection-verification page (developer B's), for the organizer while objections are open."""
    if not view.abilities.get("handle_objection") or "bureau.objections" not in current_app.view_functions:
        return None
    if not any(objection.status == "open" for objection in view.objections):
        return None
    return url_for("bureau.objections")


def _render_case(
    view: CaseView,
    *,
    bound: EventForm | None = None,
    status: int = 200,
    spot_form: SpotCheckForm | None = None,
) -> tuple[str, int]:
    """The case page; ``bound`` is the event form the user just submitted (kept with its values and errors)."""
    today = clock.today()
    scored = _is_scored(view.case)
    paper = sheet_subject.paper_review_allowed(view.case)
    version = str(view.case.version_id)
    forms: dict[str, EventForm] = {}
    for action in view.actions:
        if not action.allowed:
            continue
        if bound is not None and bound._prefix == f"{action.event}-":
            forms[action.event] = bound
        else:
            form = event_form(action.event, scored=scored, paper=paper, today=today)
            form.version.data = version
            forms[action.event] = form
    if bound is not None:
        # kept even when the event is now blocked: the user sees the refusal next to what they typed; the
        # page carries the current version, so a retry is not refused as stale
        bound.version.data = version
        forms.setdefault(bound._prefix.rstrip("-"), bound)
    open_event = bound._prefix.rstrip("-") if bound is not None else None
    return render_template(
        "grading/cases/show.html",
        view=view,
        case=view.case,
        page_ruleset=view.case.ruleset,
        forms=forms,
        open_event=open_event,
        scored=scored,
        timeline_labels=TIMELINE_LABELS,
        negative_events=NEGATIVE_EVENTS,
        panel_url=_panel_url(view),
        objections_url=_objections_url(view),
        # made only for those who may record a spot check (the page shows the form to them alone)
        spot_form=spot_form
        or (
            SpotCheckForm(formdata=None, data={"checked_on": today})
            if view.abilities.get("spot_check")
            else None
        ),
        next_step=next_steps.describe(view.case, view.functions, today),
        today=today,
    ), status


@login_required
def index() -> tuple[str, int]:
    """The cases this user may see (``permissions.visible_cases``): keyword, filters, pages, .xlsx export."""
    today = clock.today()
    filters, errors, page_no, per_page = case_search.parse_list_args(request.args)
    filters, errors, bureaus = case_search.with_bureau_choices(current_user, filters, errors)
    after, before = request.args.get("after") or None, request.args.get("before") or None
    try:
        page = case_search.browse(
            current_user, filters, today, page=page_no, per_page=per_page, after=after, before=before
        )
    except BadQueryArg as exc:  # a damaged 上一页/下一页 link: say so and show the first page
        errors = {**errors, exc.field or "cursor": exc.message}
        page = case_search.browse(current_user, filters, today, per_page=per_page)
    kept = filters.query_args()
    if per_page != case_search.PER_PAGE:
        kept["per_page"] = per_page
    flags = {case.id: overdue.flag_for(case, today) for case in page.items}
    return render_template(
        "grading/cases/index.html",
        page=page,
        filters=filters,
        errors=errors,
        kept=kept,
        flags=flags,
        bureaus=bureaus,
        export_url=url_for("cases.export", **kept),
        case_list_rows=list_html.case_list_rows,
    ), 400 if errors else 200


@login_required
def export() -> Response | tuple[str, int]:
    """/cases/ as .xlsx under the same filters (and the same visibility)."""
    today = clock.today()
    filters, errors = case_search.parse_filters(request.args)
    if errors:
        return index()
    data = case_search.export_xlsx(current_user, filters, today)
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"考评案件列表-{today.isoformat()}.xlsx",
    )


@login_required
def show(case_id: int) -> tuple[str, int]:
    return _render_case(case_page.case_view(current_user, case_id))


def _event_kwargs(event: str, form: EventForm) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"comment": (form.comment.data or "").strip()}
    if isinstance(form, PassPrecheckForm):
        kwargs["notice_start"] = form.notice_start.data
        kwargs["opinion"] = (form.opinion.data or "").strip()
    elif isinstance(form, ReturnForCompletionForm):
        kwargs["opinion"] = form.opinion.data.strip()
    elif isinstance(form, ConcludeScoreForm):
        kwargs["total_score"] = form.total_score.data
    elif isinstance(form, ConcludePassFailForm):
        kwargs["conclusion"] = form.conclusion.data
    return kwargs


@login_required
def fire(case_id: int, event: str) -> Response | tuple[str, int]:
    if event not in EVENTS:
        abort(404)
    view = case_page.case_view(current_user, case_id)  # 404 for a case this user may not see
    form = event_form(
        event, scored=_is_scored(view.case), paper=sheet_subject.paper_review_allowed(view.case), bind=True
    )
    expected = form_version(form.version.data)
    if expected is None:
        # never "don't check": without a readable version nobody can tell whether the case moved on meanwhile.
        # Permission first, though: someone who may not act at all is told so (403), not to reload the page.
        decision = permissions.can_fire(current_user, view.case, event, clock.today())
        if not decision and decision.code == "forbidden":
            flash(decision.message, "danger")
            return _render_case(view, bound=form, status=403)
        flash(STALE_FORM_MESSAGE, "danger")
        return _render_case(view, bound=form, status=400)
    if not form.validate():
        return _render_case(view, bound=form, status=400)
    try:
        cases.fire_event(
            current_user, case_id, event, expected_version=expected, **_event_kwargs(event, form)
        )
    except Refused as refused:
        # a typed value the rule refuses (e.g. a notice start 9999-12-31) is shown beside its field
        field = getattr(form, refused.field, None) if refused.field else None
        if field is not None:
            field.errors = [*field.errors, refused.message]
        else:
            flash(refused.message, "danger")
        return _render_case(case_page.case_view(current_user, case_id), bound=form, status=refused.status)
    except ServiceError as error:
        # bad input the form could not know about (e.g. the total score's range): beside the field
        field = getattr(form, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            flash(error.message, "danger")
        return _render_case(case_page.case_view(current_user, case_id), bound=form, status=error.status)
    flash(f"已办理：{EVENT_LABELS.get(event, event)}。", "success")
    return redirect(url_for("cases.show", case_id=case_id))


@login_required
def spot_check(case_id: int) -> Response | tuple[str, int]:
    """Record a spot check (ARC-9.6): date, outcome and what was found; refusals beside the form."""
    view = case_page.case_view(current_user, case_id)  # 404 for a case this user may not see
    if not view.abilities.get("spot_check"):
        abort(403)
    form = SpotCheckForm()
    if not form.validate():
        return _render_case(view, spot_form=form, status=400)
    try:
        check = spot_check_service.record_spot_check(
            current_user,
            case_id,
            outcome=form.outcome.data,
            findings=form.findings.data or "",
            checked_on=form.checked_on.data,
        )
    except Refused as refused:
        flash(refused.message, "danger")
        return _render_case(case_page.case_view(current_user, case_id), spot_form=form, status=refused.status)
    except ServiceError as error:
        field = getattr(form, error.field or "", None)
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            flash(error.message, "danger")
        return _render_case(case_page.case_view(current_user, case_id), spot_form=form, status=error.status)
    flash(f"已记录抽查：{check.outcome_label}（ARC-9.6）。", "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#spot-checks")


# --- attachments --------------------------------------------------------------------------------------------


def _upload_page(
    view: CaseView, form: UploadForm, status: int = 200, replacing: Attachment | None = None
) -> tuple[str, int]:
    kinds = [replacing.kind] if replacing is not None else list(view.abilities.get("upload") or [])
    names = view.case.ruleset.attachment_names
    form.kind.choices = choices([("", "请选择")] + [(k, names.get(k, k)) for k in kinds])
    if replacing is not None:
        form.kind.data = replacing.kind
        form.replace.data = str(replacing.id)
    accepted = uploads.allowed_text(current_app.config["ALLOWED_UPLOAD_EXTENSIONS"])
    return render_template(
        "grading/cases/upload.html",
        view=view,
        case=view.case,
        form=form,
        kinds=kinds,
        replacing=replacing,
        accepted=accepted,
    ), status


def _replacing(view: CaseView, raw: str | None) -> Attachment | None:
    """The attachment named by ``?replace=`` (or the form's ``replace``), when it is one of the case's; None
    when nothing is named. 404 for an id that is not an attachment of this case."""
    if not raw:
        return None
    for attachment in view.attachments:
        if str(attachment.id) == raw.strip():
            return attachment
    abort(404)


@login_required
def upload(case_id: int) -> Response | tuple[str, int]:
    view = case_page.case_view(current_user, case_id)
    if not view.abilities.get("upload"):
        abort(403)
    form = UploadForm()
    replacing = _replacing(
        view, form.replace.data if request.method == "POST" else request.args.get("replace")
    )
    if replacing is not None and replacing.id not in view.abilities.get("change_attachments", []):
        decision = permissions.can_change_attachment(current_user, view.case, replacing)
        flash(decision.message, "danger")
        return redirect(url_for("cases.show", case_id=case_id) + "#attachments")
    _upload_page(view, form, replacing=replacing)  # sets the kind choices before validation
    if request.method == "POST":
        if form.validate():
            try:
                if replacing is not None:
                    attachment = attachments.replace_attachment(
                        current_user, case_id, replacing.id, form.file.data
                    )
                else:
                    attachment = attachments.upload_attachment(
                        current_user, case_id, form.kind.data, form.file.data
                    )
            except Refused as refused:
                form.file.errors = [*form.file.errors, refused.message]
                return _upload_page(view, form, refused.status, replacing)
            except ServiceError as error:
                target = getattr(form, error.field or "file", form.file)
                target.errors = [*target.errors, error.message]
                return _upload_page(view, form, error.status, replacing)
            done = "已替换" if replacing is not None else "已上传"
            flash(f"{done}：{attachment.kind_label}「{attachment.original_filename}」。", "success")
            return redirect(url_for("cases.show", case_id=case_id) + "#attachments")
        return _upload_page(view, form, 400, replacing)
    if replacing is None:
        form.kind.data = request.args.get("kind", "")
    return _upload_page(view, form, replacing=replacing)


def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """413 on the upload form: say so in Chinese beside the file field, not on a bare error page."""
    case_id = (request.view_args or {}).get("case_id")
    if request.endpoint != "cases.upload" or not current_user.is_authenticated or case_id is None:
        return render_template(
            "errors/error.html", status=413, title="上传文件过大", message=UPLOAD_LIMIT_MESSAGE
        ), 413
    view = case_page.case_view(current_user, case_id)
    form = UploadForm(formdata=None)
    form.file.errors = [UPLOAD_LIMIT_MESSAGE]
    return _upload_page(view, form, 413)


@login_required
def download(case_id: int, attachment_id: int) -> Response:
    """The file with a fixed Content-Type from the type checked at upload (never the browser's), ``nosniff``,
    and always as a download (``attachment``, the name as RFC 5987 ``filename*``)."""
    attachment, path = attachments.attachment_file(current_user, attachment_id)  # can_view, else 404
    if attachment.case_id != case_id:
        abort(404)
    response = send_file(path, mimetype=uploads.served_mime(attachment.content_type), as_attachment=True)
    response.headers["Content-Disposition"] = uploads.content_disposition(attachment.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _unreadable_version(case_id: int) -> tuple[str, int]:
    """A delete form without a readable version: 400, never "don't check" (the page says reload)."""
    flash(STALE_FORM_MESSAGE, "danger")
    return _render_case(case_page.case_view(current_user, case_id), status=400)


@login_required
def delete_attachment(case_id: int, attachment_id: int) -> Response | tuple[str, int]:
    """Delete an attachment while its step allows it (confirmed on the page); the rule is in the audit row."""
    expected = form_version(request.form.get("version"))
    if expected is None:
        return _unreadable_version(case_id)
    try:
        attachment = attachments.delete_attachment(
            current_user, case_id, attachment_id, expected_version=expected
        )
    except Refused as refused:
        flash(refused.message, "danger")
        return _render_case(case_page.case_view(current_user, case_id), status=refused.status)
    flash(f"已删除：{attachment.kind_label}「{attachment.original_filename}」。", "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#attachments")


@login_required
def delete_case(case_id: int) -> Response | tuple[str, int]:
    """Delete a draft the unit never applied for (confirmed on the page); back to the unit's page."""
    expected = form_version(request.form.get("version"))
    if expected is None:
        return _unreadable_version(case_id)
    try:
        case = attachments.delete_draft(current_user, case_id, expected_version=expected)
    except Refused as refused:
        flash(refused.message, "danger")
        return _render_case(case_page.case_view(current_user, case_id), status=refused.status)
    flash(f"已删除申报草稿（{case.level_label}{case.kind_label}，案件编号 {case.id}）。", "success")
    return redirect(url_for("unit.dashboard"))


# --- documents (确认函, 证书) ---------------------------------------------------------------------------------


def _pdf(data: bytes, name: str) -> Response:
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)


@login_required
def letter_pdf(case_id: int) -> Response:
    """确认函 (ARC-10.5.4), once approved; 404 for cases the user may not see, 403/409 when refused."""
    return _pdf(documents.confirmation_letter(current_user, case_id), f"确认函-{case_id}.pdf")


@login_required
def certificate_pdf(case_id: int) -> Response:
    """证书 or 复查合格证书 (ARC-10.5.5, ARC-11.4), once approved."""
    return _pdf(documents.certificate(current_user, case_id), f"证书-{case_id}.pdf")
