"""The public notice list and the objection form over JSON (no login; GAP-9)."""

from __future__ import annotations

from flask import Response, jsonify

from webapp import clock
from webapp.api.validation import InvalidInput, json_object, optional_str
from webapp.auth.permissions import public
from webapp.services import cases as case_service
from webapp.services import notices as notice_service


@public
def list_notices() -> Response:
    rows = notice_service.current_notices(today=clock.today())
    return jsonify(
        notices=[
            {
                "case_id": row.case_id,
                "organ": row.organ_name,
                "level": row.level_label,
                "kind": row.kind_label,
                "bureau": row.bureau_name,
                "start": row.start.isoformat(),
                "last_day": row.last_day.isoformat(),
                "under_objection": row.under_objection,
            }
            for row in rows
        ]
    )


@public
def submit_objection(case_id: int) -> tuple[Response, int]:
    payload = json_object()
    content = optional_str(payload, "content")
    if not content or not content.strip():
        raise InvalidInput("请填写异议内容（content）", "content")
    objection = case_service.submit_objection(
        case_id,
        content=content,
        name=optional_str(payload, "name") or "",
        contact=optional_str(payload, "contact") or "",
        today=clock.today(),
    )
    return jsonify(reference=objection.reference), 201
