"""The office's pages: the intake queue, keyboard triage of one article (its text, possible duplicates, the
decision form, forwarding and further adoptions), an article's possible duplicates, the upper office's decision
on a forwarded article.

Each POST is one service call; a refusal is shown with its rule beside what was typed (the page is rendered
again, status 4xx, no redirect that would lose it). After a triage decision the next article in the queue opens.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import Field

from webapp.articles.models import FORWARD_KIND_LABELS, FORWARD_STATUS_LABELS
from webapp.articles.office.forms import (
    AdoptAgainForm,
    CancelAdoptionForm,
    ForwardDecisionForm,
    ForwardForm,
    TriageForm,
    today_default,
)
from webapp.articles.services import adoption_changes, adoptions, duplicates, forwarding, intake, triage
from webapp.articles.services.triage import ACTION_KEYS, ACTION_LABELS, TriageView
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.forms import STALE_FORM_MESSAGE, form_version
from webapp.core.request_args import page_arg
from webapp.core.services.errors import BadQueryArg, ServiceError

#: the prefixes keep the fields of the forms on one page apart
PREFIXES = {"triage": "t-", "forward": "fwd-", "again": "again-", "decide": "decide-", "cancel": "cancel-"}


def _forms(view: TriageView, bound: dict[str, Any]) -> dict[str, Any]:
    today = clock.today()
    forms: dict[str, Any] = {}
    for name, cls in (
        ("triage", TriageForm),
        ("forward", ForwardForm),
        ("again", AdoptAgainForm),
        ("decide", ForwardDecisionForm),
        ("cancel", CancelAdoptionForm),
    ):
        form = bound.get(name) or cls(formdata=None, prefix=PREFIXES[name])
        if hasattr(form, "set_choices"):
            form.set_choices(view.choices)
            today_default(form, today)
        forms[name] = form
    forms["triage"].version.data = str(view.article.version_id)
    return forms


def _render(view: TriageView, *, status: int = 200, **bound: Any) -> tuple[str, int]:
    publication_names = {pid: name for pid, name in view.choices.publications}
    return render_template(
        "articles/office/triage.html",
        view=view,
        article=view.article,
        forms=_forms(view, bound),
        open_form=next(iter(bound), None),
        action_labels=ACTION_LABELS,
        action_keys=ACTION_KEYS,
        forward_kind_labels=FORWARD_KIND_LABELS,
        forward_status_labels=FORWARD_STATUS_LABELS,
        publication_names=publication_names,
        describe=adoptions.describe,
    ), status


def _place(form: Any, error: ServiceError) -> None:
    """A refusal beside the field it concerns, else as a message at the top."""
    field: Field | None = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "danger")


def _back(target: str | None, article_id: int) -> str:
    """Where a form posted from another page (the article page's office panel) returns: a local path only."""
    parts = urlsplit(target or "")
    if (
        target
        and not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("articles_office.triage", article_id=article_id)


@login_required
def intake_page() -> tuple[str, int]:
    """The intake queue: urgent first, then the oldest; counts per state; what lower offices passed up."""
    state = request.args.get("state") or None
    if state is not None and state not in intake.QUEUE_STATES:
        raise BadQueryArg("状态只能是已报送或编辑中，请从标签中选择。", "state")
    found = intake.intake(
        current_user, state=state, page=page_arg(), forwarded_page=page_arg("fpage"), last_if_past_end=True
    )
    return render_template("articles/office/intake.html", intake=found, state=state), 200


@login_required
def triage_page(article_id: int) -> Response | tuple[str, int]:
    view = triage.triage_view(current_user, article_id)
    if request.method == "GET":
        return _render(view)
    form = TriageForm(prefix=PREFIXES["triage"])
    form.set_choices(view.choices)
    expected = form_version(form.version.data)
    if expected is None:
        flash(STALE_FORM_MESSAGE, "danger")
        return _render(view, status=400, triage=form)
    if not form.validate():
        return _render(view, status=400, triage=form)
    action = form.action.data
    try:
        triage.act(
            current_user,
            article_id,
            action,
            reason=form.reason.data if action in ("return", "decline") else None,
            adoption=form.adoption() if action == "adopt" else None,
            expected_version=expected,
        )
    except ServiceError as error:
        _place(form, error)
        return _render(triage.triage_view(current_user, article_id), status=error.status, triage=form)
    flash(f"已{ACTION_LABELS[action]}：{view.article.title}", "success")
    office = view.office
    if office is not None and office.id == view.article.office_id:
        _, following = intake.neighbours(current_user, office, view.article)
        following = following or intake.first_in_queue(current_user, office)
        if following is not None:
            return redirect(url_for("articles_office.triage", article_id=following))
    return redirect(url_for("articles_office.intake"))


@login_required
def duplicates_page(article_id: int) -> tuple[str, int]:
    article, found = duplicates.for_article(current_user, article_id, page=page_arg())
    return render_template("articles/office/duplicates.html", article=article, found=found), 200


@login_required
def forward(article_id: int) -> Response | tuple[str, int]:
    form = ForwardForm(prefix=PREFIXES["forward"])
    if not form.validate():
        return _render(triage.triage_view(current_user, article_id), status=400, forward=form)
    try:
        done = forwarding.forward(current_user, article_id, form.kind.data, note=form.note.data or "")
    except ServiceError as error:
        _place(form, error)
        return _render(triage.triage_view(current_user, article_id), status=error.status, forward=form)
    flash(
        f"已{FORWARD_KIND_LABELS[done.kind]}（{'INF-2.5' if done.kind == 'up' else 'INF-2.6'}）。", "success"
    )
    return redirect(_back(form.next.data, article_id))


@login_required
def adopt_again(article_id: int) -> Response | tuple[str, int]:
    view = triage.triage_view(current_user, article_id)
    form = AdoptAgainForm(prefix=PREFIXES["again"])
    form.set_choices(view.choices)
    if not form.validate():
        return _render(view, status=400, again=form)
    try:
        adoption = adoption_changes.adopt_again(current_user, article_id, form.adoption())
    except ServiceError as error:
        _place(form, error)
        return _render(triage.triage_view(current_user, article_id), status=error.status, again=form)
    flash(f"已记录再次采用：{adoptions.describe(adoption)}（INF-2.8）。", "success")
    return redirect(_back(form.next.data, article_id))


@login_required
def cancel_adoption(article_id: int, adoption_id: int) -> Response | tuple[str, int]:
    form = CancelAdoptionForm(prefix=PREFIXES["cancel"])
    view = triage.triage_view(current_user, article_id)
    if not any(a.id == adoption_id for a in view.adoptions):
        abort(404)
    if not form.validate():
        return _render(view, status=400, cancel=form)
    try:
        adoption_changes.cancel(current_user, adoption_id, reason=form.reason.data)
    except ServiceError as error:
        _place(form, error)
        return _render(triage.triage_view(current_user, article_id), status=error.status, cancel=form)
    flash("已撤销该采用记录（记录保留，理由已存档）。", "success")
    return redirect(_back(form.next.data, article_id))


@login_required
def decide_forwarding(article_id: int, forwarding_id: int) -> Response | tuple[str, int]:
    """The upper office adopts a forwarded article into its publications or declines it (INF-2.5)."""
    view = triage.triage_view(current_user, article_id)
    if view.forwarding is None or view.forwarding.id != forwarding_id:
        abort(404)
    form = ForwardDecisionForm(prefix=PREFIXES["decide"])
    form.set_choices(view.choices)
    if not form.validate():
        return _render(view, status=400, decide=form)
    try:
        if form.decision.data == "adopt":
            forwarding.adopt(current_user, forwarding_id, form.adoption())
            flash(f"已采用，计入撰稿单位{view.article.unit.name}（INF-2.5）。", "success")
        else:
            forwarding.decline(current_user, forwarding_id, reason=form.reason.data)
            flash("已不予采用，理由已告知报送办公室。", "success")
    except ServiceError as error:
        _place(form, error)
        return _render(triage.triage_view(current_user, article_id), status=error.status, decide=form)
    return redirect(url_for("articles_office.intake") + "#forwarded")


def office_panel(article: Any, functions: Any) -> dict[str, Any] | None:
    """What the article page's office panel (_office_actions.html) shows this person: the link to the triage
    screen, forwarding, further adoptions and withdrawing one — None for anyone outside the deciding offices.
    Reads only (a template global, called while the article page renders)."""
    panel = triage.panel(current_user, article, frozenset(functions or ()))
    if panel is None:
        return None
    here = request.full_path.rstrip("?") if request else ""
    forward_form = ForwardForm(formdata=None, prefix=PREFIXES["forward"], data={"next": here})
    again_form = AdoptAgainForm(formdata=None, prefix=PREFIXES["again"], data={"next": here})
    again_form.set_choices(panel.choices)
    today_default(again_form, clock.today())
    cancel_form = CancelAdoptionForm(formdata=None, prefix=PREFIXES["cancel"], data={"next": here})
    return {
        "panel": panel,
        "forward_form": forward_form,
        "again_form": again_form,
        "cancel_form": cancel_form,
        "describe": adoptions.describe,
        "forward_kind_labels": FORWARD_KIND_LABELS,
        "forward_status_labels": FORWARD_STATUS_LABELS,
    }
