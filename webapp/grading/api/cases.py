"""Cases over JSON: list, open, detail, events, attachments, panel. Each view makes one service call."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, jsonify, request
from flask_login import current_user

from webapp.core import clock
from webapp.core.api.spec import operation
from webapp.core.api.validation import expected_version_arg, number_as_sent
from webapp.core.auth.permissions import login_required
from webapp.core.pagination import limit_arg
from webapp.core.services.errors import InvalidInput
from webapp.grading.api import schemas
from webapp.grading.models import ATTACHMENT_KINDS, Attachment, Case
from webapp.grading.services import attachments, case_page, case_search, overdue, panel
from webapp.grading.services import cases as case_service
from webapp.grading.services.case_page import CaseView
from webapp.grading.services.objections import ObjectionView


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _org(org: Any) -> dict[str, Any] | None:
    return {"id": org.id, "code": org.code, "name": org.name} if org is not None else None


def case_summary(case: Case) -> dict[str, Any]:
    """The list shape: enough to pick a case, no history."""
    return {
        "id": case.id,
        "state": case.state,
        "state_label": case.state_label,
        "level": case.level,
        "level_label": case.level_label,
        "kind": case.kind,
        "kind_label": case.kind_label,
        "tier": case.tier,
        "organ": _org(case.organ),
        "organizer": _org(case.organizer),
        "approver": _org(case.approver),
        "plan_year": case.plan_year,
        "applied_on": _iso(case.applied_on),
        "version": case.version_id,
    }


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "kind": attachment.kind,
        "kind_label": attachment.kind_label,
        "filename": attachment.original_filename,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "content_type": attachment.content_type,
        "uploaded_by": attachment.uploaded_by.username if attachment.uploaded_by else None,
        "at": attachment.at.isoformat() if attachment.at else None,
    }


def case_json(view: CaseView) -> dict[str, Any]:
    """The detail shape of ``GET /api/v1/cases/<id>`` (`schemas.Case`)."""
    case = view.case
    notice = view.notice
    body = case_summary(case)
    body.update(
        {
            "ruleset": case.ruleset_id,
            "lodged_with": _org(case.lodged_with),
            "forwarder": _org(case.forwarder),
            "planner": _org(case.planner),
            "prechecker": _org(case.prechecker),
            "panel_size": [case.panel_min, case.panel_max],
            "panel": [
                {
                    "username": m.user.username,
                    "name": m.user.display_name,
                    "lead": m.is_lead,
                    "declaration": m.declaration,  # 回避声明: null, "none" or "conflict"
                }
                for m in sorted(case.panel, key=lambda m: (not m.is_lead, m.id))
            ],
            "functions": sorted(view.functions),
            "allowed_events": [a.event for a in view.actions if a.allowed],
            "blocked_events": [
                {"event": a.event, "message": a.reason, "rule": a.rule} for a in view.actions if not a.allowed
            ],
            "abilities": view.abilities,
            "notice": None
            if notice is None
            else {
                "start": _iso(notice["start"]),
                "last_day": _iso(notice["last_day"]),
                "may_close_on": _iso(notice["may_close_on"]),
                "closed_on": _iso(notice["closed_on"]),
            },
            "preconditions": case.preconditions or {},
            "forwarded_on": _iso(case.forwarded_on),
            "decided_on": _iso(case.decided_on),
            "precheck_opinion": case.precheck_opinion,
            "total_score": float(case.total_score) if case.total_score is not None else None,
            "conclusion": case.conclusion,
            "letter_no": case.letter_no,
            "certificate_no": case.certificate_no,
            "spot_check": case.spot_check,
            "spot_checks": [
                {
                    "checked_on": _iso(check.checked_on),
                    "bureau": _org(check.bureau),
                    "outcome": check.outcome,
                    "outcome_label": check.outcome_label,
                    "findings": check.findings,
                }
                for check in case.spot_checks
            ],
            "review_date": _iso(case.review_date),
            "basis_documents": [
                {"id": d.id, "name": d.name, "present": d.present} for d in view.basis_documents
            ],
            "attachments": [attachment_json(a) for a in view.attachments],
            "objections": [objection_json(o) for o in view.objections],
            "history": [
                {
                    "seq": e.seq,
                    "event": e.event,
                    "from": e.from_state,
                    "to": e.to_state,
                    "actor": e.actor_name,
                    "organisation": e.actor_org_name or None,
                    "at": e.at.isoformat(),
                    "comment": e.comment,
                    "rule": e.rule_id,
                }
                for e in view.timeline
            ],
        }
    )
    return body


def objection_json(objection: ObjectionView) -> dict[str, Any]:
    """Reference, date, status and substance for everyone who may read the case; who objected (name,
    contact) only when the view was built for the organising bureau (`permissions.can_see_objector`)."""
    body: dict[str, Any] = {
        "reference": objection.reference,
        "status": objection.status,
        "received_at": objection.received_at.isoformat(),
        "content": objection.content,
        "handling_note": objection.handling_note,
    }
    if objection.objector_visible:
        body["objector"] = {"name": objection.name, "contact": objection.contact}
    return body


def _detail(case_id: int) -> dict[str, Any]:
    return case_json(case_page.case_view(current_user, case_id, today=clock.today()))


def _rows(cases: list[Case], today: date) -> list[dict[str, Any]]:
    items = []
    for case in cases:
        row = case_summary(case)
        flag = overdue.flag_for(case, today)  # pure: the ruleset's limits, no query
        row["overdue_days"] = flag.days if flag else 0
        items.append(row)
    return items


LIST_DESCRIPTION = """Two ways to page, newest change first (updated_at, then id):

* **Cursor (recommended, any depth at the same cost):** ask the first page with `?cursor=` (empty) or
  `?limit=n` and no cursor; the answer carries `next_cursor`. Pass it back unchanged as `?cursor=` (with the
  same filters) for the next page; `next_cursor` is null on the last page. `limit` is 1–100 (default 20). A
  cursor is opaque; a forged or damaged one is refused with 400 naming `cursor`. The answer has no count.
* **Page numbers (kept for existing clients):** `?page=&per_page=` (per_page ≤ 100). `count` is exact up to
  1,000; a longer list answers `count` 1,000 with `count_is_estimate: true`, and `pages` then only promises the
  pages up to the count and the one after the current page while rows remain. Deep pages cost more (OFFSET);
  to walk on from any numbered page, pass its `next_cursor` as `?cursor=`."""


@login_required
@operation(
    "Cases the caller may see",
    query=schemas.CaseFilters,
    responses={200: ("the cases", schemas.CaseList), 400: "bad filter or cursor (field names it)"},
    description=LIST_DESCRIPTION,
)
def list_cases() -> Response:
    """GET /cases?q=&state=&level=&kind=&tier=&year=&bureau=&overdue=1 and either ?cursor=&limit= or
    ?page=&per_page=; the filters are read by the case search's parser, the one the case list page uses."""
    filters, errors = case_search.parse_filters(request.args)
    if errors:
        raise case_search.FilterError(errors)
    today = clock.today()
    if "cursor" in request.args or "limit" in request.args:
        limit = limit_arg(request.args)
        found = case_search.search_after(
            current_user, filters, today, cursor=request.args.get("cursor") or None, limit=limit
        )
        return jsonify(cases=_rows(list(found.items), today), next_cursor=found.next_cursor, per_page=limit)
    page_no, per_page = case_search.parse_page(request.args)
    page = case_search.search(current_user, filters, today, page=page_no, per_page=per_page)
    items = list(page.items)
    return jsonify(
        cases=_rows(items, today),
        next_cursor=case_search.cursor_of(items[-1]) if page.more and items else None,
        count=min(page.total or 0, page.cap),
        count_is_estimate=page.capped,
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
    )


@login_required
@operation(
    "Open a draft case for the caller's organ",
    body=schemas.NewCase,
    responses={
        201: ("the new case", schemas.Case),
        403: "not an organ user",
        409: "not a candidate / a case is already running (with the rule)",
    },
)
def create_case(body: schemas.NewCase) -> tuple[Response, int]:
    case = case_service.open_case(
        current_user, level=body.level, kind=body.kind, preconditions=body.preconditions, today=clock.today()
    )
    response = jsonify(_detail(case.id))
    response.headers["Location"] = f"/api/v1/cases/{case.id}"
    return response, 201


@login_required
@operation(
    "A case with its allowed events, notice and history",
    responses={200: ("the case", schemas.Case), 404: "no such case, or not visible"},
)
def get_case(case_id: int) -> Response:
    return jsonify(_detail(case_id))


@login_required
@operation(
    "Fire an event (apply, plan, pass_precheck, close_notice, conclude_review, approve …)",
    body=schemas.EventRequest,
    headers=(schemas.PREFER,),
    responses={
        200: (
            "the case after the event (with Prefer: return=minimal its id, state and version)",
            schemas.EventAnswer,
        ),
        403: "the caller holds no such function (with the rule)",
        409: "a rule refuses it now (code, Chinese message, rule id) or stale",
    },
)
def fire_event(case_id: int, body: schemas.EventRequest) -> Response:
    minimal = _prefers_minimal()
    answer = case_service.fire_event(
        current_user,
        case_id,
        body.event,
        comment=body.comment or "",
        today=clock.today(),
        expected_version=body.expected_version,
        notice_start=body.notice_start,
        opinion=body.opinion,
        total_score=number_as_sent("total_score"),  # checked as typed: 1e-400 is not a total
        conclusion=body.conclusion,
        # the case as the event left it: read in the event's own transaction where the database allows (see
        # fire_event), by the id asked for (after a commit the case's own attributes would be read again first)
        answer=_where_it_stands if minimal else lambda _case: _detail(case_id),
    )
    response = jsonify(answer)
    response.vary.add("Prefer")
    if minimal:
        response.headers["Preference-Applied"] = "return=minimal"
    return response


def _prefers_minimal() -> bool:
    """``Prefer: return=minimal`` among the request's preferences (RFC 7240: comma-separated, parameters after
    a semicolon, names case-insensitive, possibly over several header lines)."""
    preferences = (
        part.split(";", 1)[0] for line in request.headers.getlist("Prefer") for part in line.split(",")
    )
    return any(preference.strip().replace(" ", "").lower() == "return=minimal" for preference in preferences)


def _where_it_stands(case: Case) -> dict[str, Any]:
    """The short answer: the case row as the event leaves it (its new version included)."""
    case = case_service.settled(case)
    return {"id": case.id, "state": case.state, "state_label": case.state_label, "version": case.version_id}


@login_required
@operation(
    "Upload a file",
    form=schemas.UploadForm,
    responses={
        201: ("stored", schemas.Attachment),
        403: "may not upload this kind",
        409: "not at this step (with the rule), or stale: the case moved on since expected_version",
        413: "the file is too large",
    },
)
def upload_attachment(case_id: int) -> tuple[Response, int]:
    kind = request.form.get("kind", "")
    if kind not in ATTACHMENT_KINDS:
        raise InvalidInput(f"kind 只能是：{'、'.join(ATTACHMENT_KINDS)}", "kind")
    file = request.files.get("file")
    if file is None or not file.filename:
        raise InvalidInput("请以 multipart/form-data 上传 file 字段", "file")
    attachment = attachments.upload_attachment(
        current_user,
        case_id,
        kind,
        file,
        today=clock.today(),
        expected_version=expected_version_arg(),
    )
    return jsonify(attachment_json(attachment)), 201


@login_required
@operation(
    "Delete an attachment while the step allows it",
    description="The applicant its own materials up to its acceptance request and while returned for "
    "completion; the pre-checker its opinion while pre-checking.",
    query=schemas.VersionQuery,
    responses={
        204: ("deleted", None),
        403: "not the caller's attachment",
        409: "the step no longer allows it (with the rule), or stale",
    },
)
def delete_attachment(case_id: int, attachment_id: int) -> tuple[Response, int]:
    """204 once deleted; 409 with the rule when the step no longer allows it (see permissions)."""
    attachments.delete_attachment(
        current_user, case_id, attachment_id, expected_version=expected_version_arg()
    )
    return Response(status=204), 204


@login_required
@operation(
    "Replace an attachment with a new file (same kind), in one transaction",
    form=schemas.ReplaceForm,
    query=schemas.VersionQuery,
    responses={
        200: ("the new attachment", schemas.Attachment),
        403: "not the caller's attachment",
        409: "the step no longer allows it (with the rule), or stale",
        413: "the file is too large",
    },
)
def replace_attachment(case_id: int, attachment_id: int) -> tuple[Response, int]:
    """A new file (multipart ``file``) in place of the attachment, same kind, in one transaction."""
    file = request.files.get("file")
    if file is None or not file.filename:
        raise InvalidInput("请以 multipart/form-data 上传 file 字段", "file")
    attachment = attachments.replace_attachment(
        current_user,
        case_id,
        attachment_id,
        file,
        today=clock.today(),
        expected_version=expected_version_arg(),
    )
    return jsonify(attachment_json(attachment)), 200


@login_required
@operation(
    "Delete a draft the caller's organ never applied for (its files too)",
    query=schemas.VersionQuery,
    responses={204: ("deleted", None), 403: "not the applicant", 409: "not a draft any more (ARC-10.1.1)"},
)
def delete_case(case_id: int) -> tuple[Response, int]:
    """Delete a draft the unit never applied for; 409 with the rule once it has applied."""
    attachments.delete_draft(current_user, case_id, expected_version=expected_version_arg())
    return Response(status=204), 204


@login_required
@operation(
    "Form the review panel (organizing bureau)",
    body=schemas.PanelRequest,
    responses={
        200: ("the case with its panel", schemas.Case),
        403: "not the organizer",
        409: "size out of range / reviewer from the applicant organ / stale (with the rule)",
    },
)
def set_panel(case_id: int, body: schemas.PanelRequest) -> Response:
    panel.set_panel(
        current_user,
        case_id,
        body.reviewers,
        lead=body.lead,
        today=clock.today(),
        expected_version=body.expected_version,
    )
    return jsonify(_detail(case_id))
