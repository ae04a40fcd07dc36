"""Commissions (约稿), urgent events (紧急信息) and incidents over JSON, and a unit's open requests. Each view reads
the request and makes one service call; refusals are the usual ``{error, message, rule, field}``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user

from config.articles import load_rules
from webapp.articles.api import request_schemas as schemas
from webapp.articles.models import COMMISSION_STATUS_LABELS, INCIDENT_KINDS, CommissionTarget
from webapp.articles.models import Commission as CommissionRow
from webapp.articles.models import Incident as IncidentRow
from webapp.articles.models import UrgentEvent as EventRow
from webapp.articles.services import commissions, incidents, permissions, urgent
from webapp.articles.services.errors import Refused
from webapp.core import clock
from webapp.core.api.spec import operation
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import PAGE_MAX
from webapp.core.services.errors import BadQueryArg, InvalidInput
from workflow.articles.urgent import Timer, days_left
from workflow.errors import Refusal

# -- reading the query and deciding the side ----------------------------------------------------------------------


def _int_arg(name: str, high: int, default: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= high:
        raise BadQueryArg(f"{name} 须为 1–{high} 之间的整数，收到的是“{raw[:20]}”。", name)
    return int(raw)


def _paging() -> tuple[int, int]:
    return _int_arg("page", PAGE_MAX, 1), _int_arg("per_page", schemas.PER_PAGE_MAX, 20)


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    raw = request.args.get(name, "")
    if raw not in (*allowed, ""):
        raise BadQueryArg(f"{name} 只能是：{'、'.join(allowed)}", name)
    return raw


def _office_side() -> Any:
    """The caller's office if they are its editor or head, else None."""
    office = permissions.office_of(current_user)
    return office if office is not None and permissions.can_work_at_office(current_user, office) else None


def _unit_side() -> bool:
    return permissions.is_unit_member_of(current_user, current_user.organisation_id)


def _nobody(rule: str) -> Refused:
    detail = "只有办公室的信息编辑、信息科负责人或报送单位的信息员、分管领导可以查看"
    return Refused(Refusal("forbidden", load_rules().cite(rule, detail), rule))


def _listing(key: str, items: list[dict[str, Any]], page: Any) -> dict[str, Any]:
    return {key: items, "count": int(page.total or 0), "page": page.page, "per_page": page.per_page,
            "pages": page.pages}  # fmt: skip


# -- shapes --------------------------------------------------------------------------------------------------------


def _ref(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name}


def _target(target: CommissionTarget) -> dict[str, Any]:
    status = commissions.effective_status(target, clock.today())
    return {"id": target.id, "unit": _ref(target.unit), "status": status,
            "status_label": COMMISSION_STATUS_LABELS[status],
            "answered_on": target.answered_on.isoformat() if target.answered_on else None}  # fmt: skip


def _commission_summary(commission: CommissionRow) -> dict[str, Any]:
    return {
        "id": commission.id,
        "office": _ref(commission.office),
        "topic": commission.topic,
        "due_on": commission.due_on.isoformat(),
        "days_left": days_left(commission.due_on, clock.today()),
        "important": commission.important,
        "cancelled": commission.cancelled_at is not None,
        "rule": "INF-3.10" if commission.important else "ZG-6.2",
    }


def _commission(commission: CommissionRow) -> dict[str, Any]:
    body = _commission_summary(commission)
    body.update(
        detail=commission.detail,
        cancelled_at=commission.cancelled_at.isoformat() if commission.cancelled_at else None,
        targets=[_target(t) for t in commissions.targets_shown(current_user, commission)],
    )
    return body


def _timer(timer: Timer | None) -> dict[str, Any] | None:
    if timer is None:
        return None
    return {"due": timer.due.isoformat(), "reported_at": timer.reported_at.isoformat() if timer.reported_at else None,
            "status": timer.status, "label": timer.label}  # fmt: skip


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def _event(event: EventRow) -> dict[str, Any]:
    row = urgent.row(event, clock.now())
    return {
        "id": event.id,
        "office": _ref(event.office),
        "unit": _ref(event.unit),
        "title": event.title,
        "occurred_at": event.occurred_at.isoformat(),
        "first_due_at": event.first_due_at.isoformat(),
        "followup_minutes": event.followup_minutes,
        "first_report_at": _iso(event.first_report_at),
        "last_report_at": _iso(event.last_report_at),
        "closed_at": _iso(event.closed_at),
        "first_timer": _timer(row.first),
        "current_timer": _timer(row.current),
        "remaining_seconds": row.remaining_seconds,
        "overdue": row.overdue,
        "late_first_report": row.late_first_report,
    }


def _incident(incident: IncidentRow) -> dict[str, Any]:
    return {
        "id": incident.id,
        "office": _ref(incident.office),
        "unit": _ref(incident.unit),
        "kind": incident.kind,
        "kind_label": incident.kind_label,
        "article_id": incident.article_id,
        "article_title": incident.article.title if incidents.article_shown(current_user, incident) else None,  # type: ignore[union-attr]
        "urgent_event_id": incident.urgent_event_id,
        "occurred_on": incident.occurred_on.isoformat(),
        "note": incident.note,
        "serious": incident.serious,
        "rule": incidents.rule_for(incident.kind, incident.office),
        "withdrawn_at": _iso(incident.withdrawn_at),
        "withdraw_reason": incident.withdraw_reason,
    }


# -- commissions ---------------------------------------------------------------------------------------------------


@login_required
@operation(
    "Commissions: the office's own (with counts per status), or those sent to the caller's unit",
    query=schemas.Paging,
    responses={200: ("one page", schemas.CommissionList), 403: "no office or unit work"},
)
def list_commissions() -> Response:
    page_no, per_page = _paging()
    today = clock.today()
    office = _office_side()
    if office is not None:
        page = commissions.office_commissions(office, today, page=page_no, per_page=per_page)
        tallies = commissions.tallies([c.id for c in page.items], today)
        rows = []
        for commission in page.items:
            tally = tallies.get(commission.id, commissions.Tally())
            rows.append({**_commission_summary(commission), "own_target": None,
                         "tally": {"pending": tally.pending, "answered": tally.answered, "late": tally.late,
                                   "missed": tally.missed}})  # fmt: skip
        return jsonify(_listing("commissions", rows, page))
    if not _unit_side():
        raise _nobody("ZG-6.2")
    page = commissions.unit_targets(current_user, today, page=page_no, per_page=per_page)
    rows = [
        {**_commission_summary(t.commission), "tally": None, "own_target": _target(t)} for t in page.items
    ]
    return jsonify(_listing("commissions", rows, page))


@login_required
@operation(
    "Send a commission (约稿) to units of the caller's office",
    body=schemas.NewCommission,
    responses={201: ("the commission", schemas.Commission), 403: "not the office's editor or head (ZG-6.2)"},
)
def create_commission(body: schemas.NewCommission) -> tuple[Response, int]:
    commission = commissions.create(
        current_user, topic=body.topic, detail=body.detail, due_on=body.due_on, important=body.important,
        unit_ids=body.unit_ids, today=clock.today(),
    )  # fmt: skip
    response = jsonify(_commission(commission))
    response.headers["Location"] = f"/api/v1/article-commissions/{commission.id}"
    return response, 201


@login_required
@operation(
    "A commission with its targets (a unit sees its own)",
    responses={200: ("the commission", schemas.Commission), 404: "no such commission, or not visible"},
)
def get_commission(commission_id: int) -> Response:
    return jsonify(_commission(commissions.load(current_user, commission_id)))


@login_required
@operation(
    "Cancel a commission, with the reason",
    body=schemas.ReasonBody,
    responses={
        200: ("the commission", schemas.Commission),
        403: "not the commissioning office",
        409: "already cancelled",
    },
)
def cancel_commission(commission_id: int, body: schemas.ReasonBody) -> Response:
    return jsonify(_commission(commissions.cancel(current_user, commission_id, reason=body.reason)))


# -- urgent events -------------------------------------------------------------------------------------------------


@login_required
@operation(
    "Urgent events: the office's board (open ones soonest due first) or the caller's unit's",
    query=schemas.EventQuery,
    responses={200: ("one page", schemas.UrgentEventList), 403: "no office or unit work"},
)
def list_urgent_events() -> Response:
    page_no, per_page = _paging()
    closed = _choice("state", ("open", "closed")) == "closed"
    office = _office_side()
    if office is not None:
        page = urgent.board(office, page=page_no, per_page=per_page, closed=closed)
    elif _unit_side():
        page = urgent.unit_events(current_user, page=page_no, per_page=per_page, closed=closed)
    else:
        raise _nobody("PUB-2.3")
    return jsonify(_listing("events", [_event(e) for e in page.items], page))


@login_required
@operation(
    "Register an urgent event: the office names the unit (unit_id); a unit's officer names the office and writes "
    "the first report (report_title, report_body), kept as a draft for the leader's sign-off",
    body=schemas.NewUrgentEvent,
    responses={201: ("the event", schemas.Registered), 403: "may not register here (PUB-2.3)"},
)
def register_urgent_event(body: schemas.NewUrgentEvent) -> tuple[Response, int]:
    if _office_side() is not None and body.office_id is None:
        if body.unit_id is None:
            raise InvalidInput("办公室登记紧急事件须指定报送单位（unit_id）。", "unit_id")
        event = urgent.register_by_office(
            current_user, unit_id=body.unit_id, title=body.title, occurred_at=body.occurred_at
        )
        report_id = None
    else:
        if body.office_id is None:
            raise InvalidInput("单位登记紧急事件须指明报送办公室（office_id）。", "office_id")
        event, report = urgent.register_by_unit(
            current_user, office_id=body.office_id, title=body.title, occurred_at=body.occurred_at,
            report_title=body.report_title or "", report_body=body.report_body or "", secrecy=body.secrecy,
        )  # fmt: skip
        report_id = report.id
    response = jsonify(event=_event(event), report_id=report_id)
    response.headers["Location"] = f"/api/v1/article-urgent-events/{event.id}"
    return response, 201


@login_required
@operation(
    "An urgent event with its timers",
    responses={200: ("the event", schemas.UrgentEvent), 404: "no such event, or not visible"},
)
def get_urgent_event(event_id: int) -> Response:
    return jsonify(_event(urgent.load(current_user, event_id)))


@login_required
@operation(
    "Close an urgent event: no follow-up is due any more",
    body=schemas.CloseBody,
    body_required=False,
    responses={200: ("the event", schemas.UrgentEvent), 403: "not the office", 409: "already closed"},
)
def close_urgent_event(event_id: int, body: schemas.CloseBody) -> Response:
    return jsonify(_event(urgent.close(current_user, event_id, note=body.note)))


# -- incidents -----------------------------------------------------------------------------------------------------


@login_required
@operation(
    "Incidents: the office's records, or those against the caller's unit",
    query=schemas.IncidentQuery,
    responses={200: ("one page", schemas.IncidentList), 403: "no office or unit work"},
)
def list_incidents() -> Response:
    page_no, per_page = _paging()
    kind = _choice("kind", INCIDENT_KINDS) or None
    withdrawn = {"live": False, "withdrawn": True}.get(_choice("status", ("live", "withdrawn")))
    office = _office_side()
    if office is not None:
        page = incidents.office_incidents(
            office, page=page_no, per_page=per_page, kind=kind, withdrawn=withdrawn
        )
    elif _unit_side():
        page = incidents.unit_incidents(current_user, page=page_no, per_page=per_page, kind=kind,
                                        withdrawn=withdrawn)  # fmt: skip
    else:
        raise _nobody("ZG-4.10")
    return jsonify(_listing("incidents", [_incident(i) for i in page.items], page))


@login_required
@operation(
    "Record an incident (迟报/漏报/瞒报/信息失实) naming its article, or for 漏报 the urgent event",
    body=schemas.NewIncident,
    responses={201: ("the incident", schemas.Incident), 403: "not the office's editor or head"},
)
def create_incident(body: schemas.NewIncident) -> tuple[Response, int]:
    incident = incidents.create(
        current_user, kind=body.kind, article_id=body.article_id, urgent_event_id=body.urgent_event_id,
        occurred_on=body.occurred_on, note=body.note, serious=body.serious,
    )  # fmt: skip
    response = jsonify(_incident(incident))
    response.headers["Location"] = f"/api/v1/article-incidents/{incident.id}"
    return response, 201


@login_required
@operation(
    "An incident",
    responses={200: ("the incident", schemas.Incident), 404: "no such incident, or not visible"},
)
def get_incident(incident_id: int) -> Response:
    return jsonify(_incident(incidents.load(current_user, incident_id)))


@login_required
@operation(
    "Withdraw an incident recorded in error, with the reason (kept on file)",
    body=schemas.ReasonBody,
    responses={
        200: ("the incident", schemas.Incident),
        403: "not the office's head",
        409: "already withdrawn",
    },
)
def withdraw_incident(incident_id: int, body: schemas.ReasonBody) -> Response:
    return jsonify(_incident(incidents.withdraw(current_user, incident_id, reason=body.reason)))


# -- a unit's open requests ----------------------------------------------------------------------------------------


@login_required
@operation(
    "The caller's unit's open requests: commissions to answer, urgent events awaiting a report",
    query=schemas.Paging,
    responses={200: ("both lists, one page each", schemas.OpenRequests), 403: "not at a unit"},
)
def open_requests() -> Response:
    page_no, per_page = _paging()
    if not _unit_side():
        raise _nobody("ZG-6.2")
    today = clock.today()
    targets = commissions.open_targets(current_user, today, page=page_no, per_page=per_page)
    events = urgent.unit_events(current_user, page=page_no, per_page=per_page)
    return jsonify(
        commissions=[
            {"target_id": t.id, "commission_id": t.commission_id, "office": _ref(t.commission.office),
             "topic": t.commission.topic, "due_on": t.commission.due_on.isoformat(),
             "days_left": days_left(t.commission.due_on, today), "important": t.commission.important,
             "status": commissions.effective_status(t, today)}
            for t in targets.items
        ],
        commissions_count=int(targets.total or 0),
        urgent_events=[_event(e) for e in events.items],
        urgent_events_count=int(events.total or 0),
        page=page_no,
        per_page=per_page,
    )  # fmt: skip


def register(bp: Blueprint) -> None:
    """The URLs of commissions, urgent events, incidents and a unit's open requests."""
    bp.add_url_rule("/article-commissions", view_func=list_commissions, methods=["GET"])
    bp.add_url_rule("/article-commissions", view_func=create_commission, methods=["POST"])
    bp.add_url_rule("/article-commissions/<int:commission_id>", view_func=get_commission, methods=["GET"])
    bp.add_url_rule(
        "/article-commissions/<int:commission_id>/cancel", view_func=cancel_commission, methods=["POST"]
    )
    bp.add_url_rule("/article-urgent-events", view_func=list_urgent_events, methods=["GET"])
    bp.add_url_rule("/article-urgent-events", view_func=register_urgent_event, methods=["POST"])
    bp.add_url_rule("/article-urgent-events/<int:event_id>", view_func=get_urgent_event, methods=["GET"])
    bp.add_url_rule(
        "/article-urgent-events/<int:event_id>/close", view_func=close_urgent_event, methods=["POST"]
    )
    bp.add_url_rule("/article-incidents", view_func=list_incidents, methods=["GET"])
    bp.add_url_rule("/article-incidents", view_func=create_incident, methods=["POST"])
    bp.add_url_rule("/article-incidents/<int:incident_id>", view_func=get_incident, methods=["GET"])
    bp.add_url_rule(
        "/article-incidents/<int:incident_id>/withdraw", view_func=withdraw_incident, methods=["POST"]
    )
    bp.add_url_rule("/article-requests/open", view_func=open_requests, methods=["GET"])
