"""Incident pages (迟报/漏报/瞒报/信息失实, ZG-4.9, ZG-4.10, INF-3.7; serious ZG-4.11): the office records and
withdraws, both sides list (a unit only its own)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.articles.models import INCIDENT_KIND_LABELS, INCIDENT_KINDS, Article, UrgentEvent
from webapp.articles.requests.forms import IncidentForm, ReasonForm
from webapp.articles.requests.views import current_side, put_error, requests_roles, trail
from webapp.articles.services import articles, incidents, permissions, urgent
from webapp.core import clock
from webapp.core.request_args import SQL_INT_MAX, id_arg, page_arg
from webapp.core.services.errors import ServiceError

STATUS_FILTERS = {"": "全部", "live": "有效", "withdrawn": "已撤销"}


def _context() -> dict[str, Any]:
    return {
        "INCIDENT_KIND_LABELS": INCIDENT_KIND_LABELS,
        "rule_for": incidents.rule_for,
        "article_shown": incidents.article_shown,
        "describe": incidents.describe,
    }


@requests_roles
def index() -> str:
    side = current_side()
    kind = request.args.get("kind") or None
    kind = kind if kind in INCIDENT_KINDS else None
    status = request.args.get("status", "")
    status = status if status in STATUS_FILTERS else ""
    withdrawn = {"live": False, "withdrawn": True}.get(status)
    page_no = page_arg()
    if side.is_office:
        assert side.office is not None
        page = incidents.office_incidents(side.office, page=page_no, kind=kind, withdrawn=withdrawn)
    else:
        page = incidents.unit_incidents(current_user, page=page_no, kind=kind, withdrawn=withdrawn)
    return render_template(
        "articles/requests/incidents.html", side=side, page=page, kind=kind or "", status=status,
        status_filters=STATUS_FILTERS, **_context(),
    )  # fmt: skip


def _local_day(moment: Any) -> date:
    local = clock.local(moment)
    return local.date() if local is not None else clock.today()


def _subject_from_query(form: IncidentForm) -> tuple[Article | None, UrgentEvent | None]:
    """``?article=`` or ``?event=`` (and ``?kind=``) prefill the form: what the incident names, its date."""
    article_id, event_id = id_arg("article"), id_arg("event")
    kind = request.args.get("kind")
    article = articles.load(current_user, article_id) if article_id is not None else None
    event = urgent.load(current_user, event_id) if event_id is not None else None
    if article is not None and event is None and article.urgent_event_id is not None:
        event = urgent.load(current_user, article.urgent_event_id)
    if request.method == "GET":
        if kind in INCIDENT_KINDS:
            form.kind.data = kind
        elif article is not None:
            form.kind.data = "late" if article.kind == "urgent" else "false_info"
        elif event is not None:
            form.kind.data = "omitted"
        if event is not None:
            form.urgent_event_id.data = str(event.id)
        if article is None and event is not None and form.kind.data != "omitted":
            article = urgent.first_report(event)
        if article is not None and form.kind.data != "omitted":
            form.article_number.data = article.number or ""
        if form.kind.data == "late" and event is not None and event.first_report_at is not None:
            form.occurred_on.data = _local_day(event.first_report_at)
        elif form.kind.data == "omitted" and event is not None:
            form.occurred_on.data = _local_day(event.first_due_at)
        else:
            form.occurred_on.data = clock.today()
    return article, event


def _event_id(raw: str | None) -> int | None:
    """The hidden event id: none when empty; a value that is no id is passed on as one that names nothing (the
    service refuses it on its field), never silently dropped."""
    text = (raw or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and int(text) <= SQL_INT_MAX:
        return int(text)
    return -1


@requests_roles
def new() -> Response | tuple[str, int]:
    side = current_side()
    if side.office is None or not permissions.can_record_incident(current_user, side.office):
        abort(403)
    form = IncidentForm()
    article, event = _subject_from_query(form)
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                article_id = incidents.article_id_by_number(side.office, form.article_number.data or "")
                incident = incidents.create(
                    current_user,
                    kind=form.kind.data or "",
                    article_id=article_id,
                    urgent_event_id=_event_id(form.urgent_event_id.data),
                    occurred_on=form.occurred_on.data,
                    note=form.note.data or "",
                    serious=bool(form.serious.data),
                )
            except ServiceError as exc:
                if exc.status == 403:
                    raise
                put_error(form, exc, "note", {"article_id": "article_number", "urgent_event_id": "kind"})
                status = exc.status
            else:
                flash(f"已记录：{incidents.describe(incident)}。", "success")
                return redirect(url_for("articles_requests.incident", incident_id=incident.id))
    page = render_template(
        "articles/requests/incident_new.html",
        form=form,
        side=side,
        article=article,
        event=event,
        **_context(),
    )
    return page, status


def _show(incident_id: int, form: ReasonForm, status: int = 200) -> tuple[str, int]:
    incident = incidents.load(current_user, incident_id)
    office_view = permissions.can_work_at_office(current_user, incident.office)
    return render_template(
        "articles/requests/incident_show.html",
        incident=incident,
        office_view=office_view,
        may_withdraw=incident.withdrawn_at is None
        and permissions.can_withdraw_incident(current_user, incident.office),
        form=form,
        events=trail(incidents.SUBJECT, incident.id),
        rule=incidents.rule_for(incident.kind, incident.office),
        **_context(),
    ), status


@requests_roles
def show(incident_id: int) -> tuple[str, int]:
    return _show(incident_id, ReasonForm(formdata=None))


@requests_roles
def withdraw(incident_id: int) -> Response | tuple[str, int]:
    incidents.load(current_user, incident_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            incident = incidents.withdraw(current_user, incident_id, reason=form.reason.data or "")
        except ServiceError as exc:
            if exc.status == 403:
                raise
            put_error(form, exc, "reason")
            return _show(incident_id, form, exc.status)
        flash(f"已撤销：{incidents.describe(incident)}。", "success")
        return redirect(url_for("articles_requests.incident", incident_id=incident_id))
    return _show(incident_id, form, 400)
