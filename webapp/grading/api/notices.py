"""The public notice list, the objection form and the objection look-up over JSON (no login; GAP-9)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from webapp.core import clock
from webapp.core.api.spec import operation
from webapp.core.auth.permissions import public
from webapp.core.pagination import limit_arg
from webapp.grading.api import schemas
from webapp.grading.services import notices as notice_service
from webapp.grading.services import objection_filing
from webapp.grading.services import objections as objection_service
from webapp.grading.services.notices import NoticeRow


def notice_json(row: NoticeRow) -> dict[str, Any]:
    """A notice as published: who, which grade, by which bureau, how to reach it, for how long."""
    return {
        "case_id": row.case_id,
        "organ": row.organ_name,
        "level": row.level_label,
        "kind": row.kind_label,
        "bureau": row.bureau_name,
        "bureau_phone": row.bureau_phone,
        "bureau_address": row.bureau_address,
        "start": row.start.isoformat(),
        "last_day": row.last_day.isoformat(),
        "days": row.days,
        "under_objection": row.under_objection,
    }


@public
@operation(
    "Current public notices (no login), earliest first, a page at a time",
    description="`?limit=` 1–100 (default 20); the answer carries `next_cursor`: pass it back unchanged as "
    "`?cursor=` for the next page (null on the last page). A forged or damaged cursor is 400 naming `cursor`.",
    query=schemas.CursorQuery,
    responses={200: ("the notice list", schemas.NoticeList), 400: "bad cursor or limit (field names it)"},
)
def list_notices() -> Response:
    limit = limit_arg(request.args)
    page = notice_service.notice_cursor_page(
        today=clock.today(), cursor=request.args.get("cursor") or None, limit=limit
    )
    return jsonify(
        notices=[notice_json(row) for row in page.items], next_cursor=page.next_cursor, per_page=limit
    )


@public
@operation(
    "Raise an objection during the notice (no login)",
    description="The name and contact are shown only to the organising bureau. Send an Idempotency-Key to "
    "make retries safe: the same key and content answer the objection already filed; the same key with "
    "other content is 409.",
    body=schemas.ObjectionRequest,
    headers=(schemas.IDEMPOTENCY_KEY,),
    responses={
        201: ("the reference number", schemas.Reference),
        404: "not in notice",
        409: "outside the notice period, or the key was used for other content",
    },
)
def submit_objection(case_id: int, body: schemas.ObjectionRequest) -> tuple[Response, int]:
    """201 with the reference number. An ``Idempotency-Key`` header (8–64 letters, digits or ``_.:-``) makes a
    retry safe: the same key with the same content answers the objection already filed (no second one)."""
    objection = objection_filing.submit_objection(
        case_id,
        content=body.content,
        name=body.name or "",
        contact=body.contact or "",
        submission_key=request.headers.get("Idempotency-Key") or None,
        today=clock.today(),
    )
    return jsonify(reference=objection.reference), 201


@public
@operation(
    "Where an objection stands, by its reference number (no login; nothing personal)",
    responses={
        200: ("the objection's status", schemas.ObjectionStatus),
        400: "not a reference number",
        404: "no such objection",
    },
)
def objection_status(reference: str) -> Response:
    """Where an objection stands, by its reference number: status, dates, outcome note; nothing personal."""
    status = objection_service.objection_status(reference)
    return jsonify(
        reference=status.reference,
        received_on=status.received_on.isoformat(),
        status=status.status,
        status_label=status.status_label,
        handled_on=status.handled_on.isoformat() if status.handled_on else None,
        outcome_note=status.outcome_note,
        organ=status.organ_name,
        bureau=status.bureau_name,
    )
