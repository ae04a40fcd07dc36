"""Issue pages (list per publication, assembly, locked issue with its corrections, .docx/PDF) and instruction pages
(the office's list and entry form, the unit's follow-ups and report form).

Each view turns the request into one service call; the services decide access (NotFound for what the person may
not see, Refused 403 for what they may see but not do) and write the audit rows. A refused form is shown again
with what was typed and the message beside its field (status 400 / 409).
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from config.articles import load_rules
from webapp.articles.models import INSTRUCTION_LEVEL_LABELS, OfficeUnit
from webapp.articles.models.issue import CORRECTION_KIND_LABELS
from webapp.articles.publishing.forms import (
    AddItemsForm,
    CorrectionForm,
    FollowUpForm,
    InstructionForm,
    IssueDetailsForm,
    ItemTextForm,
    NewIssueForm,
    OrderForm,
    ReportForm,
    VersionForm,
)
from webapp.articles.services import instructions, issue_corrections, issue_exports, issues, permissions
from webapp.articles.services.articles import load as load_article
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.extensions import db
from webapp.core.forms import STALE_FORM_MESSAGE, choice, form_version
from webapp.core.models import Organisation
from webapp.core.request_args import id_arg, page_arg
from webapp.core.services.audit import trail_of
from webapp.core.services.errors import ServiceError

Page = tuple[str, int]


def _put_error(form: Any, exc: ServiceError, default: str) -> None:
    """The service's message beside the field it names (or ``default``), so the form keeps what was typed."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None or not hasattr(field, "errors"):
        field = getattr(form, default)
    field.errors = [*list(field.errors or []), exc.message]


def _version(form: VersionForm) -> int | None:
    return form_version(form.version.data)


# --- publications and issues ----------------------------------------------------------------------------------


@login_required
def index() -> str:
    """The office's own publications, each with its number of issues."""
    publications = issues.own_publications(current_user)
    if not publications:
        abort(403)
    return render_template("articles/publishing/index.html", publications=publications)


@login_required
def issue_list(publication_id: int) -> Response | Page:
    publication = issues.publication_for(current_user, publication_id)
    may_assemble = permissions.can_assemble_issue(current_user, publication)
    form = NewIssueForm(data={"issued_on": clock.today()} if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if not may_assemble:
            abort(403)
        if form.validate_on_submit():
            try:
                issue = issues.create(
                    current_user,
                    publication.id,
                    issued_on=form.issued_on.data,
                    editor_note=form.editor_note.data or "",
                    distribution=form.distribution.data if form.distribution.data else None,
                    copies=form.copies.data,
                )
            except ServiceError as exc:
                _put_error(form, exc, "issued_on")
                status = exc.status
            else:
                flash(f"已新建{publication.name}{issue.number_label}，请编入稿件。", "success")
                return redirect(url_for("articles_publishing.issue", issue_id=issue.id))
        else:
            status = 400
    page = issues.list_issues(current_user, publication.id, page=page_arg())
    counts = issues.item_counts([issue.id for issue in page.items])
    body = render_template(
        "articles/publishing/issues.html",
        publication=publication,
        page=page,
        counts=counts,
        form=form if may_assemble else None,
    )
    return body, status


def _render_issue(issue_id: int, status: int = 200, **forms: Any) -> Page:
    user = current_user
    issue = issues.load(user, issue_id)
    version = {"version": issue.version_id}
    may_assemble = issue.state == "assembling" and permissions.can_assemble_issue(user, issue.publication)
    context: dict[str, Any] = {
        "issue": issue,
        "items": sorted(issue.items, key=lambda i: i.position),
        "may_assemble": may_assemble,
        "may_lock": permissions.can_lock_issue(user, issue),
        "may_correct": permissions.can_correct_issue(user, issue),
        "may_download": permissions.can_download_issue(user, issue),
        "button": VersionForm(formdata=None, data=version),
        "correction_kinds": CORRECTION_KIND_LABELS,
        "lock_rule": issues.LOCK_RULE,
        "trail": trail_of(issues.SUBJECT, issue.id),
    }
    if may_assemble:
        candidates = issues.candidates(user, issue, page=page_arg("cpage"))
        add_form = forms.get("add_form") or AddItemsForm(formdata=None, data=version)
        add_form.adoption_ids.choices = [choice(a.id, a.article.title) for a in candidates.items]
        details = forms.get("details_form") or IssueDetailsForm(
            formdata=None,
            data={
                **version,
                "issued_on": issue.issued_on,
                "editor_note": issue.editor_note,
                "distribution": issue.distribution,
                "copies": issue.copies,
            },
        )
        context.update(
            candidates=candidates,
            add_form=add_form,
            details_form=details,
            order_form=OrderForm(formdata=None, data=version),
        )
    if context["may_correct"]:
        correction = forms.get("correction_form") or CorrectionForm(formdata=None, data=version)
        correction.item_id.choices = [choice(0, "请选择稿件")] + [
            choice(item.id, f"第{item.position}条 {item.title}")
            for item in context["items"]
            if item.withdrawn_at is None
        ]
        context["correction_form"] = correction
    return render_template("articles/publishing/issue.html", **context), status


@login_required
def issue(issue_id: int) -> Page:
    return _render_issue(issue_id)


def _issue_action(
    issue_id: int, form: Any, run: Any, done: str, field: str, form_name: str
) -> Response | Page:
    """Validate, check the version, call the service; on refusal show the issue page again with the message:
    beside the field it names (the form keeps what was typed), else at the top of the page."""
    forms = {form_name: form} if form_name else {}
    if not form.validate_on_submit():
        if not form_name:  # a button: only its token or version can be wrong
            flash("页面已过期或缺少安全令牌，请刷新页面后重新提交。", "danger")
        return _render_issue(issue_id, 400, **forms)
    version = _version(form)
    if version is None:
        flash(STALE_FORM_MESSAGE, "danger")
        return _render_issue(issue_id, 400, **forms)
    try:
        run(version)
    except ServiceError as exc:
        if form_name and exc.field and hasattr(getattr(form, exc.field, None), "errors"):
            _put_error(form, exc, field)
        else:
            flash(exc.message, "danger")
        return _render_issue(issue_id, exc.status, **forms)
    flash(done, "success")
    return redirect(url_for("articles_publishing.issue", issue_id=issue_id))


@login_required
def issue_details(issue_id: int) -> Response | Page:
    form = IssueDetailsForm()
    return _issue_action(
        issue_id,
        form,
        lambda version: issues.update_details(
            current_user,
            issue_id,
            issued_on=form.issued_on.data,
            editor_note=form.editor_note.data or "",
            distribution=form.distribution.data or "",
            copies=form.copies.data,
            expected_version=version,
        ),
        "已保存出刊日期、编者按和分送范围。",
        "issued_on",
        "details_form",
    )


@login_required
def add_items(issue_id: int) -> Response | Page:
    form = AddItemsForm()
    # the choices are what the page offered; the service checks each id again (publication, not yet in an issue)
    form.adoption_ids.choices = [choice(value, "") for value in _posted_ids("adoption_ids")]
    return _issue_action(
        issue_id,
        form,
        lambda version: issues.add_items(
            current_user, issue_id, form.adoption_ids.data or [], expected_version=version
        ),
        "已编入所选稿件。",
        "adoption_ids",
        "add_form",
    )


def _posted_ids(name: str) -> list[int]:
    ids = []
    for raw in request.form.getlist(name)[: issues.ADD_MAX + 1]:
        text = raw.strip()
        if text.isascii() and text.isdigit() and len(text) <= 18:
            ids.append(int(text))
    return ids


@login_required
def move_item(issue_id: int, item_id: int, direction: str) -> Response | Page:
    if direction not in ("up", "down"):
        abort(404)
    form = VersionForm()
    return _issue_action(
        issue_id,
        form,
        lambda version: issues.move(current_user, issue_id, item_id, direction, expected_version=version),
        "已调整顺序。",
        "version",
        "",
    )


@login_required
def reorder(issue_id: int) -> Response | Page:
    form = OrderForm()
    parts = [part.strip() for part in (form.order.data or "").split(",") if part.strip()]
    if len(parts) > 500 or not all(p.isascii() and p.isdigit() and len(p) <= 18 for p in parts):
        flash("顺序数据不正确，请刷新后重试。", "danger")
        return _render_issue(issue_id, 400)
    ids = [int(part) for part in parts]
    return _issue_action(
        issue_id,
        form,
        lambda version: issues.reorder(current_user, issue_id, ids, expected_version=version),
        "已保存新的顺序。",
        "version",
        "",
    )


@login_required
def remove_item(issue_id: int, item_id: int) -> Response | Page:
    form = VersionForm()
    return _issue_action(
        issue_id,
        form,
        lambda version: issues.remove(current_user, issue_id, item_id, expected_version=version),
        "已将稿件移出本期。",
        "version",
        "",
    )


@login_required
def item_text(issue_id: int, item_id: int) -> Response | Page:
    """The printed title and text of one item, while the issue is assembled."""
    issue = issues.load(current_user, issue_id)
    item = next((i for i in issue.items if i.id == item_id), None)
    if item is None:
        abort(404)
    if issue.state != "assembling" or not permissions.can_assemble_issue(current_user, issue.publication):
        abort(403)
    form = ItemTextForm(
        data={"title": item.title, "body": item.body, "version": issue.version_id}
        if request.method == "GET"
        else None
    )
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        elif (version := _version(form)) is None:
            flash(STALE_FORM_MESSAGE, "danger")
            status = 400
        else:
            try:
                issues.edit_item(
                    current_user,
                    issue_id,
                    item_id,
                    title=form.title.data,
                    body=form.body.data,
                    expected_version=version,
                )
            except ServiceError as exc:
                _put_error(form, exc, "body")
                status = exc.status
            else:
                flash("已保存刊发稿。", "success")
                return redirect(url_for("articles_publishing.issue", issue_id=issue_id))
    page = render_template("articles/publishing/item_text.html", issue=issue, item=item, form=form)
    return page, status


@login_required
def lock(issue_id: int) -> Response | Page:
    form = VersionForm()
    return _issue_action(
        issue_id,
        form,
        lambda version: issues.lock(current_user, issue_id, expected_version=version),
        "本期已定稿。此后的任何更正须登记勘误。",
        "version",
        "",
    )


@login_required
def correct(issue_id: int) -> Response | Page:
    form = CorrectionForm()
    return _issue_action(
        issue_id,
        form,
        lambda version: issue_corrections.correct(
            current_user,
            issue_id,
            issue_corrections.CorrectionInput(
                kind=form.kind.data or "",
                reason=form.reason.data or "",
                item_id=form.item_id.data or None,
                title=form.title.data,
                body=form.body.data,
                editor_note=form.editor_note.data,
            ),
            expected_version=version,
        ),
        "已登记勘误。",
        "reason",
        "correction_form",
    )


@login_required
def export(issue_id: int, fmt: str) -> Response:
    if fmt not in issue_exports.FORMATS:
        abort(404)
    exported = issue_exports.export(current_user, issue_id, fmt)
    return send_file(
        BytesIO(exported.content),
        mimetype=exported.mimetype,
        as_attachment=True,
        download_name=exported.filename,
    )


# --- instructions and follow-ups -----------------------------------------------------------------------------


def _unit_choices(office_id: int) -> list[Any]:
    rows = db.session.execute(
        db.select(Organisation.id, Organisation.name)
        .join(OfficeUnit, OfficeUnit.unit_id == Organisation.id)
        .where(OfficeUnit.office_id == office_id, OfficeUnit.active.is_(True))
        .order_by(Organisation.name)
    ).all()
    return [choice(0, "请选择单位")] + [choice(row.id, row.name) for row in rows]


def _office_or_403() -> Any:
    office = permissions.office_of(current_user)
    if office is None or not permissions.can_work_at_office(current_user, office):
        abort(403)
    return office


@login_required
def instruction_list() -> str:
    _office_or_403()
    page = instructions.office_instructions(current_user, page=page_arg())
    return render_template(
        "articles/publishing/instructions.html",
        page=page,
        level_labels=INSTRUCTION_LEVEL_LABELS,
        today=clock.today(),
        is_late=instructions.is_late,
    )


@login_required
def instruction_new() -> Response | Page:
    office = _office_or_403()
    article_id = id_arg("article")
    if article_id is None:
        abort(404)
    article = load_article(current_user, article_id)  # 404 for what the person may not see
    form = InstructionForm(data={"instructed_on": clock.today()} if request.method == "GET" else None)
    form.unit_id.choices = _unit_choices(office.id)
    if request.method == "GET":
        form.unit_id.data = article.unit_id
    status = 200
    if not permissions.can_record_instruction(current_user, article):
        status = 409
        flash(load_rules().cite(instructions.RULE, "稿件尚未被本办公室采用，不能录入批示"), "warning")
    elif request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            follow_up = None
            if form.with_follow_up.data:
                follow_up = instructions.FollowUpInput(
                    unit_id=form.unit_id.data or None,
                    due_on=form.due_on.data,
                    request=form.request.data or "",
                )
            try:
                instructions.record(
                    current_user,
                    article.id,
                    leader=form.leader.data or "",
                    level=form.level.data or "",
                    text=form.text.data or "",
                    instructed_on=form.instructed_on.data,
                    follow_up=follow_up,
                )
            except ServiceError as exc:
                _put_error(form, exc, "text")
                status = exc.status
            else:
                flash("已录入领导批示。", "success")
                return redirect(url_for("articles_publishing.instructions"))
    page = render_template("articles/publishing/instruction_new.html", article=article, form=form)
    return page, status


@login_required
def follow_up_new(instruction_id: int) -> Response | Page:
    office = _office_or_403()
    instruction = instructions.load(current_user, instruction_id)
    form = FollowUpForm(data={"unit_id": instruction.article.unit_id} if request.method == "GET" else None)
    form.unit_id.choices = _unit_choices(office.id)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                instructions.assign_follow_up(
                    current_user,
                    instruction.id,
                    instructions.FollowUpInput(
                        form.unit_id.data or None, form.due_on.data, form.request.data or ""
                    ),
                )
            except ServiceError as exc:
                _put_error(form, exc, "request")
                status = exc.status
            else:
                flash("已交办落实反馈。", "success")
                return redirect(url_for("articles_publishing.instructions"))
    page = render_template(
        "articles/publishing/follow_up_new.html",
        instruction=instruction,
        form=form,
        level_labels=INSTRUCTION_LEVEL_LABELS,
    )
    return page, status


@login_required
def follow_up_list() -> str:
    if not current_user.has_role(*permissions.UNIT_ROLES, "info_reader") or not permissions.offices_of_unit(
        current_user.organisation_id
    ):
        abort(403)
    page = instructions.unit_follow_ups(current_user, page=page_arg())
    visible = instructions.visible_article_ids(current_user, [f.instruction.article_id for f in page.items])
    return render_template(
        "articles/publishing/follow_ups.html",
        page=page,
        visible=visible,
        today=clock.today(),
        is_late=instructions.is_late,
        level_labels=INSTRUCTION_LEVEL_LABELS,
    )


@login_required
def follow_up(follow_up_id: int) -> Response | Page:
    item = instructions.load_follow_up(current_user, follow_up_id)
    form = ReportForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                instructions.report(current_user, item.id, form.report.data or "")
            except ServiceError as exc:
                _put_error(form, exc, "report")
                status = exc.status
            else:
                late = instructions.is_late(item)
                flash(
                    "已报告落实情况（逾期反馈）。" if late else "已报告落实情况。",
                    "warning" if late else "success",
                )
                return redirect(url_for("articles_publishing.follow_up", follow_up_id=item.id))
    today: date = clock.today()
    page = render_template(
        "articles/publishing/follow_up.html",
        item=item,
        form=form,
        today=today,
        may_report=permissions.can_report_follow_up(current_user, item),
        show_article=permissions.can_view(current_user, item.instruction.article),
        is_late=instructions.is_late,
        level_labels=INSTRUCTION_LEVEL_LABELS,
    )
    return page, status
