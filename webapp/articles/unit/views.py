"""The unit's pages: my unit's articles by state, write a new article (or an answer to a commission, a report of
an urgent event), edit one, the leader's sign-off queue, the returns awaiting an answer, this period's adoptions.

Each view parses its input and calls one service; a refusal is shown beside the field it concerns (the form keeps
what was typed) or at the top of the page, quoting its rule.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.articles.models import Article, CommissionTarget, UrgentEvent
from webapp.articles.services import article_page, articles, permissions, unit_lists
from webapp.articles.services.errors import Refused
from webapp.articles.unit.forms import SECRECY_HELP, EditArticleForm, NewArticleForm
from webapp.core import clock
from webapp.core.auth.permissions import login_required, roles_required
from webapp.core.forms import STALE_FORM_MESSAGE, choices, form_version
from webapp.core.models import Role
from webapp.core.request_args import id_arg
from webapp.core.services.errors import NotFound, ServiceError
from workflow.articles import EDITABLE_STATES
from workflow.errors import Refusal

unit_roles = roles_required(Role.INFO_OFFICER, Role.INFO_SIGNER, Role.INFO_READER)


def _require_unit() -> None:
    """The unit's lists are for people of a unit that writes to an office; anyone else is refused (403)."""
    if not permissions.can_use_unit_pages(current_user):
        abort(403)


def _page_args() -> tuple[int, int]:
    return unit_lists.parse_page(request.args)  # BadQueryArg: 400 with the reason


def _show_error(form: object, error: ServiceError) -> None:
    """A refusal beside the field it names (when the form has it), else at the top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "danger")


# -- my unit's articles ----------------------------------------------------------------------------------------


@unit_roles
def index() -> tuple[str, int]:
    """My unit's articles: a tab per state with its count, keyword on the title, one page at a time."""
    _require_unit()
    args = {name: request.args.get(name, "") for name in ("state", "q")}
    filters, errors = unit_lists.parse_filters(args)
    page_no, per_page = _page_args()
    result = unit_lists.unit_articles(current_user, filters, page=page_no, per_page=per_page)
    return render_template(
        "articles/unit/index.html",
        result=result,
        filters=filters,
        errors=errors,
        kept=filters.query_args(),
        can_write=permissions.can_write(current_user),
        can_sign=permissions.can_see_signoff_queue(current_user),
    ), 400 if errors else 200


# -- writing ---------------------------------------------------------------------------------------------------


def _hidden_id(raw: str | None, field: str) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise NotFound(
            "约稿任务不存在或不是给本单位的。" if field == "commission" else "紧急事件不存在或不是本单位的。"
        )
    return int(text)


def _answering() -> tuple[CommissionTarget | None, UrgentEvent | None]:
    """What a new draft answers or reports: ``?commission=`` / ``?urgent=`` on the page, the hidden fields when
    posted. NotFound for one that is not the unit's (or a malformed id)."""
    if request.method == "GET":
        commission_id, urgent_id = id_arg("commission"), id_arg("urgent")
    else:
        commission_id = _hidden_id(request.form.get("commission_target_id"), "commission")
        urgent_id = _hidden_id(request.form.get("urgent_event_id"), "urgent")
    if commission_id is not None and urgent_id is not None:
        raise NotFound("一篇稿件只能回应一项约稿或报告一项紧急事件。")
    target = unit_lists.commission_target_for(current_user, commission_id) if commission_id else None
    event = unit_lists.urgent_event_for(current_user, urgent_id) if urgent_id else None
    return target, event


@roles_required(Role.INFO_OFFICER)
def new() -> Response | tuple[str, int]:
    """Write a new article to one of the offices the unit writes to; from a commission (约稿) or an urgent event
    (紧急信息) the office is theirs and the draft answers or reports it."""
    if not permissions.can_write(current_user):
        abort(403)
    target, event = _answering()
    if target is not None:
        offices = [target.commission.office]
    elif event is not None:
        offices = [event.office]
    else:
        offices = permissions.offices_of_unit(current_user.organisation_id)
    form = NewArticleForm()
    form.office_id.choices = choices([(str(o.id), o.name) for o in offices])
    status = 200
    if request.method == "GET":
        form.office_id.data = str(offices[0].id)
        if target is not None:
            form.commission_target_id.data = str(target.id)
            form.title.data = target.commission.topic
        if event is not None:
            form.urgent_event_id.data = str(event.id)
            form.title.data = event.title
    elif form.validate_on_submit():
        try:
            article = articles.create_draft(
                current_user,
                office_id=int(form.office_id.data),
                title=form.title.data or "",
                body=form.body.data or "",
                secrecy=form.secrecy.data,
                commission_target_id=target.id if target else None,
                urgent_event_id=event.id if event else None,
            )
        except ServiceError as error:
            _show_error(form, error)
            status = error.status
        else:
            flash(f"已保存草稿《{article.title}》。可继续修改、上传附件，完成后送分管领导审阅。", "success")
            return redirect(url_for("articles.view", article_id=article.id))
    else:
        status = 400
    return render_template(
        "articles/unit/new.html",
        form=form,
        target=target,
        event=event,
        offices=offices,
        secrecy_help=SECRECY_HELP,
    ), status


def _forbidden_to_edit(article: Article) -> Refused:
    return Refused(Refusal("forbidden", f"稿件当前状态为“{article.state_label}”，您不能修改正文。", None))


@login_required
def edit(article_id: int) -> Response | tuple[str, int]:
    """Save a new version of the text (every version is kept) with an optional note; the unit may change the
    密级 while it holds the article. Two people saving over one version: the second is told and keeps the text."""
    article = articles.load(current_user, article_id)  # 404 for an article this person may not see
    if not permissions.can_edit_text(current_user, article):
        raise _forbidden_to_edit(article)
    unit_holds = article.state in EDITABLE_STATES
    form = EditArticleForm()
    status = 200
    if request.method == "GET":
        form.title.data, form.body.data, form.secrecy.data = article.title, article.body, article.secrecy
        form.version.data = str(article.version_id)
    else:
        expected = form_version(form.version.data)
        if expected is None:
            flash(STALE_FORM_MESSAGE, "danger")
            status = 400
        elif form.validate():
            try:
                saved = articles.save_text(
                    current_user,
                    article_id,
                    title=form.title.data or "",
                    body=form.body.data or "",
                    note=form.note.data or "",
                    secrecy=form.secrecy.data if unit_holds else None,
                    expected_version=expected,
                )
            except ServiceError as error:
                _show_error(form, error)
                status = error.status
                # the text stays as typed; the form now carries the current version, so saving again is a
                # deliberate choice after the warning (the other person's version is kept either way)
                article = articles.load(current_user, article_id)
                form.version.data = str(article.version_id)
            else:
                flash(f"已保存（当前为第{saved.revision_no}稿）。", "success")
                return redirect(url_for("articles.view", article_id=article_id))
        else:
            status = 400
    return render_template(
        "articles/unit/edit.html",
        form=form,
        article=article,
        unit_holds=unit_holds,
        secrecy_help=SECRECY_HELP,
    ), status


# -- the leader's queue, returns, adoptions ---------------------------------------------------------------------


@roles_required(Role.INFO_SIGNER)
def signoff() -> str:
    """The leader's queue (ZG-6.1): urgent reports on top, then the longest waiting, with the days waited."""
    if not permissions.can_see_signoff_queue(current_user):
        abort(403)
    page_no, per_page = _page_args()
    page, rows = unit_lists.signoff_queue(current_user, clock.today(), page=page_no, per_page=per_page)
    return render_template(
        "articles/unit/signoff.html", page=page, rows=rows, rule=article_page.quote("ZG-6.1")
    )


@unit_roles
def returns() -> str:
    """Articles returned for revision (退改) with the reason, awaiting the unit's revision and answer."""
    _require_unit()
    page_no, per_page = _page_args()
    page, rows = unit_lists.returns_awaiting(current_user, clock.today(), page=page_no, per_page=per_page)
    return render_template(
        "articles/unit/returns.html", page=page, rows=rows, rule=article_page.quote("ZG-6.1")
    )


@unit_roles
def adoptions() -> str:
    """This period's adoptions of the unit's articles: a month or a quarter, one page at a time."""
    _require_unit()
    today = clock.today()
    period = unit_lists.parse_period(request.args.get("period"), today)
    page_no, per_page = _page_args()
    page, rows = unit_lists.unit_adoptions(current_user, period, page=page_no, per_page=per_page)
    return render_template(
        "articles/unit/adoptions.html",
        page=page,
        rows=rows,
        period=period,
        periods=unit_lists.period_choices(today, period),
    )
