"""Urgent information pages (紧急信息, PUB-2.3, ZG-4.10): the office's board with live countdowns and the 迟报
suggestions, a unit's open events with the time left, registering an event, an event's page, closing it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.articles.models import OfficeUnit, UrgentEvent
from webapp.articles.requests.forms import CloseEventForm, OfficeUrgentForm, ReasonForm, UnitUrgentForm
from webapp.articles.requests.views import (
    Side,
    current_side,
    put_error,
    requests_roles,
    trail,
)
from webapp.articles.services import incidents, permissions, urgent
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.forms import choices
from webapp.core.models import Organisation
from webapp.core.request_args import page_arg
from webapp.core.services.errors import ServiceError
from workflow.articles.urgent import TIMER_LABELS


def _context() -> dict[str, object]:
    return {"TIMER_LABELS": TIMER_LABELS}


@requests_roles
def board() -> str:
    """Open events, the soonest due first, each with its server-computed countdown; ``?tab=closed`` the closed
    ones; for the office also the late first reports awaiting its decision (迟报待认定)."""
    side = current_side()
    now = clock.now()
    tab = request.args.get("tab", "open")
    if tab not in ("open", "closed", "late"):
        tab = "open"
    page_no = page_arg()
    if side.is_office:
        assert side.office is not None
        if tab == "late":
            page = urgent.late_suggestions(side.office, page=page_no)
        else:
            page = urgent.board(side.office, page=page_no, closed=tab == "closed")
    else:
        tab = "closed" if tab == "closed" else "open"
        page = urgent.unit_events(current_user, page=page_no, closed=tab == "closed")
    rows = [urgent.row(event, now) for event in page.items]
    return render_template(
        "articles/requests/urgent.html", side=side, page=page, rows=rows, tab=tab, now=now, **_context()
    )


def _unit_form_choices(form: UnitUrgentForm) -> None:
    offices = permissions.offices_of_unit(current_user.organisation_id)
    form.office_id.choices = choices((office.id, f"{office.name}（{office.label}）") for office in offices)


def _office_form_choices(form: OfficeUrgentForm, side: Side) -> None:
    assert side.office is not None
    units = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .join(OfficeUnit, OfficeUnit.unit_id == Organisation.id)
        .where(OfficeUnit.office_id == side.office.id, OfficeUnit.active.is_(True))
        .order_by(Organisation.name)
    )
    form.unit_id.choices = choices(units)


def _register(side: Side) -> tuple[UrgentEvent | None, object, int]:
    """(event, form, status) of the registration form for this side."""
    form: UnitUrgentForm | OfficeUrgentForm
    if side.is_office:
        if side.office is None or not permissions.can_run_urgent_board(current_user, side.office):
            abort(403)
        form = OfficeUrgentForm()
        _office_form_choices(form, side)
    else:
        if not permissions.can_write(current_user):
            abort(403)
        form = UnitUrgentForm()
        _unit_form_choices(form)
    if not form.is_submitted():
        return None, form, 200
    if not form.validate():
        return None, form, 400
    try:
        if isinstance(form, OfficeUrgentForm):
            event = urgent.register_by_office(
                current_user, unit_id=form.unit_id.data, title=form.title.data or "",
                occurred_at=form.occurred_at.data,
            )  # fmt: skip
        else:
            event, _ = urgent.register_by_unit(
                current_user, office_id=form.office_id.data, title=form.title.data or "",
                occurred_at=form.occurred_at.data, report_title=form.report_title.data or "",
                report_body=form.report_body.data or "", secrecy=form.secrecy.data or "none",
            )  # fmt: skip
    except ServiceError as exc:
        if exc.status == 403:
            raise
        put_error(form, exc, "title")
        return None, form, exc.status
    return event, form, 201


@requests_roles
def new() -> Response | tuple[str, int]:
    side = current_side()
    event, form, status = _register(side)
    if event is not None:
        if side.is_office:
            flash(f"已登记紧急事件“{event.title}”，并指定{event.unit.name}报送。", "success")
        else:
            flash(f"已登记紧急事件“{event.title}”，首报已存为草稿：请送分管领导审阅后报送。", "success")
        return redirect(url_for("articles_requests.urgent_event", event_id=event.id))
    return render_template("articles/requests/urgent_new.html", form=form, side=side, **_context()), status


def _show(event: UrgentEvent, close_form: CloseEventForm, dismiss_form: ReasonForm, status: int = 200
          ) -> tuple[str, int]:  # fmt: skip
    now = clock.now()
    office_view = permissions.can_run_urgent_board(current_user, event.office)
    return render_template(
        "articles/requests/urgent_show.html",
        row=urgent.row(event, now),
        event=event,
        reports=urgent.reports_of(current_user, event),
        incidents=incidents.naming(current_user, event_id=event.id),
        office_view=office_view,
        may_report=permissions.can_report_urgent(current_user, event.unit_id, event.office_id),
        may_close=office_view and event.closed_at is None,
        late_suggested=office_view and urgent.is_late_suggested(event),
        first_report=urgent.first_report(event) if office_view else None,
        close_form=close_form,
        dismiss_form=dismiss_form,
        events=trail(urgent.SUBJECT, event.id),
        now=now,
        **_context(),
    ), status


@requests_roles
def show(event_id: int) -> tuple[str, int]:
    return _show(
        urgent.load(current_user, event_id), CloseEventForm(formdata=None), ReasonForm(formdata=None)
    )


@requests_roles
def close(event_id: int) -> Response | tuple[str, int]:
    event = urgent.load(current_user, event_id)
    form = CloseEventForm()
    if form.validate_on_submit():
        try:
            urgent.close(current_user, event_id, note=form.note.data or "")
        except ServiceError as exc:
            if exc.status == 403:
                raise
            put_error(form, exc, "note")
            return _show(urgent.load(current_user, event_id), form, ReasonForm(formdata=None), exc.status)
        flash(f"紧急事件“{event.title}”已结束报送。", "success")
        return redirect(url_for("articles_requests.urgent_event", event_id=event_id))
    return _show(event, form, ReasonForm(formdata=None), 400)


@requests_roles
def dismiss_late(event_id: int) -> Response | tuple[str, int]:
    event = urgent.load(current_user, event_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            urgent.dismiss_late(current_user, event_id, reason=form.reason.data or "")
        except ServiceError as exc:
            if exc.status == 403:
                raise
            put_error(form, exc, "reason")
            return _show(urgent.load(current_user, event_id), CloseEventForm(formdata=None), form, exc.status)
        flash("已说明理由，不认定迟报。", "success")
        return redirect(url_for("articles_requests.urgent_event", event_id=event_id))
    return _show(event, CloseEventForm(formdata=None), form, 400)
