"""The public notice list, the objection form and the objection look-up over JSON (no login; GAP-9)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from webapp.core import clock
from webapp.core.api.validation import InvalidInput, json_object, optional_str
from webapp.core.auth.permissions import public
from webapp.grading.services import cases as case_service
from webapp.grading.services import notices as notice_service
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
def list_notices() -> Response:
    rows = notice_service.current_notices(today=clock.today())
    return jsonify(notices=[notice_json(row) for row in rows])


@public
def submit_objection(case_id: int) -> tuple[Response, int]:
    """201 with the reference number. An ``Idempotency-Key`` header (8–64 letters, digits or ``_.:-``) makes a
    retry safe: the same key with the same content answers the objection already filed (no second one)."""
    payload = json_object()
    content = optional_str(payload, "content")
    if not content or not content.strip():
        raise InvalidInput("请填写异议内容（content）", "content")
    objection = case_service.submit_objection(
        case_id,
        content=content,
        name=optional_str(payload, "name") or "",
        contact=optional_str(payload, "contact") or "",
        submission_key=request.headers.get("Idempotency-Key") or None,
        today=clock.today(),
    )
    return jsonify(reference=objection.reference), 201


@public
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
