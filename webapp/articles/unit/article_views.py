"""The article page every role shares: the text, what this person may do now (and what a rule blocks, quoted),
versions and their comparison, returns, attachments, the records hanging off the article, the timeline with its
chain check and the procedure diagram. One POST per event (`fire`), the draft's deletion and the attachments.

A refusal re-renders the page with the form as typed and the reason beside its field (never a redirect that
would lose it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from webapp.articles.models import (
    ARTICLE_STATE_LABELS,
    COMMISSION_STATUS_LABELS,
    FORWARD_KIND_LABELS,
    FORWARD_STATUS_LABELS,
    INCIDENT_RULES,
)
from webapp.articles.services import adoptions, article_page, articles, attachments, revisions
from webapp.articles.services.adoptions import AdoptionInput, Choices
from webapp.articles.services.article_page import ArticlePage
from webapp.articles.unit.forms import (
    AdoptForm,
    AnswerForm,
    EventForm,
    ReasonForm,
    UploadForm,
    VersionForm,
    event_form,
)
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.forms import STALE_FORM_MESSAGE, choices, form_version
from webapp.core.request_args import id_arg
from webapp.core.services import uploads
from webapp.core.services.errors import BadQueryArg, ServiceError
from workflow import articles as domain

#: the rule each event's row cites, quoted beside what the person types with it
EVENT_RULES: dict[str, str] = {row.event: row.rule for row in domain.TRANSITIONS}
#: the words of the records' statuses and kinds (the page reads the records straight from their models)
RECORD_LABELS = {
    "commission_status": COMMISSION_STATUS_LABELS,
    "forward_kind": FORWARD_KIND_LABELS,
    "forward_status": FORWARD_STATUS_LABELS,
    "incident_rules": INCIDENT_RULES,
}


def _adopt_choices(form: AdoptForm, options: Choices) -> None:
    form.publication_id.choices = choices([("", "请选择")] + [(str(i), n) for i, n in options.publications])
    form.class_code.choices = choices([("", "请选择")] + list(options.classes))
    form.form_code.choices = choices([("", "请选择")] + list(options.forms))


def _fresh_form(event: str, page: ArticlePage, today: date) -> EventForm:
    form = event_form(event)
    form.version.data = str(page.article.version_id)
    if isinstance(form, AdoptForm):
        _adopt_choices(form, page.adoption_choices or Choices([], [], []))
        form.adopted_on.data = today
    return form


def _describe_inputs(form: EventForm, event: str) -> None:
    """The rule of the event quoted under the field the person types (ZG-6.1 under a leader's reason)."""
    words = article_page.quote(EVENT_RULES.get(event))
    if isinstance(form, ReasonForm):
        form.reason.description = words
    elif isinstance(form, AnswerForm):
        form.answer.description = words


def render_article(
    page: ArticlePage,
    *,
    bound: EventForm | None = None,
    upload_form: UploadForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The article page; ``bound`` is the event form just submitted (kept with its values and errors)."""
    today = clock.today()
    forms: dict[str, EventForm] = {}
    for action in page.allowed:
        forms[action.event] = _fresh_form(action.event, page, today)
    open_event = None
    if bound is not None:
        open_event = bound._prefix.rstrip("-")
        # kept even when the event is now blocked: the refusal stays beside what was typed; the form carries the
        # current version, so retrying is not refused as stale
        bound.version.data = str(page.article.version_id)
        forms[open_event] = bound
    for event, form in forms.items():
        _describe_inputs(form, event)
    upload_form = upload_form or UploadForm(formdata=None)
    upload_form.version.data = str(page.article.version_id)
    return render_template(
        "articles/article/show.html",
        page=page,
        article=page.article,
        functions=page.functions,
        forms=forms,
        open_event=open_event,
        upload_form=upload_form,
        version_form=VersionForm(formdata=None),
        accepted=attachments.accepted_text(),
        upload_limit=upload_limit(),
        negative_events=article_page.NEGATIVE_EVENTS,
        state_labels=ARTICLE_STATE_LABELS,
        labels=RECORD_LABELS,
        rule_quote=article_page.quote,
        today=today,
    ), status


@login_required
def view(article_id: int) -> tuple[str, int]:
    return render_article(article_page.build(current_user, article_id))


def _event_kwargs(form: EventForm) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"comment": (form.comment.data or "").strip()}
    if isinstance(form, ReasonForm):
        kwargs["reason"] = form.reason.data or ""
    elif isinstance(form, AnswerForm):
        kwargs["answer"] = form.answer.data or ""
    elif isinstance(form, AdoptForm):
        raw = (form.publication_id.data or "").strip()
        kwargs["adoption"] = AdoptionInput(
            publication_id=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 18 else 0,
            class_code=(form.class_code.data or "").strip(),
            form_code=(form.form_code.data or "").strip(),
            adopted_on=form.adopted_on.data,
            note=(form.note.data or "").strip(),
        )
    return kwargs


@login_required
def fire(article_id: int, event: str) -> Response | tuple[str, int]:
    """Fire ``event`` with what the person typed; the service checks permission, the rule and the version."""
    if event not in domain.EVENTS:
        abort(404)
    page = article_page.build(current_user, article_id)  # 404 for an article this person may not see
    form = event_form(event, bind=True)
    if isinstance(form, AdoptForm):  # the office's vocabulary, for the form kept on refusal
        _adopt_choices(form, adoptions.choices(page.article.office_id))
    expected = form_version(form.version.data)
    if expected is None:
        # never "don't check": without a readable version nobody can tell whether the article moved on. Someone
        # who may not act at all is told so (403), not to reload the page.
        refusal = domain.PROCEDURE.access(page.article.state, event, domain.Actor(page.functions))
        if refusal is not None and refusal.code == "forbidden":
            flash(refusal.message, "danger")
            return render_article(page, bound=form, status=403)
        flash(STALE_FORM_MESSAGE, "danger")
        return render_article(page, bound=form, status=400)
    if not form.validate():
        return render_article(page, bound=form, status=400)
    try:
        articles.fire(current_user, article_id, event, expected_version=expected, **_event_kwargs(form))
    except ServiceError as error:
        field = getattr(form, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            flash(error.message, "danger")
        return render_article(article_page.build(current_user, article_id), bound=form, status=error.status)
    flash(f"已办理：{domain.EVENT_LABELS[event]}。", "success")
    return redirect(url_for("articles.view", article_id=article_id))


@login_required
def delete(article_id: int) -> Response | tuple[str, int]:
    """Delete a draft never sent (confirmed on the page); back to the unit's list."""
    form = VersionForm()
    expected = form_version(form.version.data)
    if expected is None or not form.validate():
        flash(
            STALE_FORM_MESSAGE if expected is None else "页面已过期或缺少安全令牌，请刷新页面后重新提交。",
            "danger",
        )
        return render_article(article_page.build(current_user, article_id), status=400)
    try:
        articles.delete_draft(current_user, article_id, expected_version=expected)
    except ServiceError as error:
        flash(error.message, "danger")
        return render_article(article_page.build(current_user, article_id), status=error.status)
    flash("已删除草稿。", "success")
    return redirect(url_for("articles.index"))


# -- versions ----------------------------------------------------------------------------------------------------


@login_required
def revision(article_id: int, no: int) -> str:
    article, shown = revisions.revision(current_user, article_id, no)
    return render_template(
        "articles/article/revision.html", article=article, revision=shown, state_labels=ARTICLE_STATE_LABELS
    )


@login_required
def compare(article_id: int) -> str:
    """Any two versions side by side (``?a=1&b=3``), the differences marked; by default the last two."""
    article = articles.load(current_user, article_id)
    a, b = id_arg("a"), id_arg("b")
    latest = article.revision_no
    if b is None:
        b = latest
    if a is None:
        a = max(1, b - 1)
    for name, value in (("a", a), ("b", b)):
        if value > 100_000:
            raise BadQueryArg(f"稿次须为 1–{latest} 之间的整数。", name)
    comparison = revisions.compare(current_user, article_id, a, b)
    return render_template(
        "articles/article/compare.html",
        comparison=comparison,
        article=article,
        revisions=revisions.revisions_of(article_id),
    )


# -- attachments -------------------------------------------------------------------------------------------------


@login_required
def upload(article_id: int) -> Response | tuple[str, int]:
    form = UploadForm()
    expected = form_version(form.version.data)
    if expected is None or not form.validate():
        if expected is None:
            form.file.errors = [*form.file.errors, STALE_FORM_MESSAGE]
        return render_article(article_page.build(current_user, article_id), upload_form=form, status=400)
    try:
        attachment = attachments.add_attachment(
            current_user, article_id, request.files.get(form.file.name), expected_version=expected
        )
    except ServiceError as error:
        form.file.errors = [*form.file.errors, error.message]
        return render_article(
            article_page.build(current_user, article_id), upload_form=form, status=error.status
        )
    flash(f"已上传附件「{attachment.original_filename}」。", "success")
    return redirect(url_for("articles.view", article_id=article_id) + "#attachments")


def upload_limit() -> str:
    """The deployment's upload limit in words (``MAX_CONTENT_LENGTH``): 「20 MiB」."""
    size = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:g} MiB"
    return f"{size / 1024:g} KiB"


def too_large(error: RequestEntityTooLarge) -> tuple[str, int] | Response:
    """413 on the upload form: said in Chinese beside the file field, not on a bare error page."""
    message = f"上传的文件超过上限（{upload_limit()}），未保存。请压缩后重新上传。"
    article_id = (request.view_args or {}).get("article_id")
    if request.endpoint != "articles.upload" or not current_user.is_authenticated or article_id is None:
        return render_template("errors/error.html", status=413, title="上传文件过大", message=message), 413
    form = UploadForm(formdata=None)
    form.file.errors = [message]
    return render_article(article_page.build(current_user, article_id), upload_form=form, status=413)


@login_required
def download(article_id: int, attachment_id: int) -> Response:
    """The file with the Content-Type fixed at upload from its content, ``nosniff``, always as a download."""
    attachment, path = attachments.attachment_file(current_user, article_id, attachment_id)
    response = send_file(path, mimetype=uploads.served_mime(attachment.content_type), as_attachment=True)
    response.headers["Content-Disposition"] = uploads.content_disposition(attachment.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def remove_attachment(article_id: int, attachment_id: int) -> Response | tuple[str, int]:
    form = VersionForm()
    expected = form_version(form.version.data)
    if expected is None or not form.validate():
        flash(
            STALE_FORM_MESSAGE if expected is None else "页面已过期或缺少安全令牌，请刷新页面后重新提交。",
            "danger",
        )
        return render_article(article_page.build(current_user, article_id), status=400)
    try:
        attachment = attachments.remove_attachment(
            current_user, article_id, attachment_id, expected_version=expected
        )
    except ServiceError as error:
        flash(error.message, "danger")
        return render_article(article_page.build(current_user, article_id), status=error.status)
    flash(f"已删除附件「{attachment.original_filename}」。", "success")
    return redirect(url_for("articles.view", article_id=article_id) + "#attachments")
