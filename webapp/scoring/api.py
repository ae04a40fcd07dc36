"""Score sheets over JSON: list a subject's sheets (a grading case's under /cases/<id>/sheets, any other subject
type's under /sheets/<subject_type>/<id>) (with the spread between reviewers), read one with its result,
start one's own sheet, replace a draft's entries, submit, reopen. Each view makes one call of
`webapp.scoring.services.scoresheets` — the same operations and the same check of entries as the pages — and the
procedure that owns the case decides who reads and fills which sheet and when (ARC-10.1.4, ARC-10.4.5); the
views only turn JSON into arguments and results into JSON.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, jsonify
from flask_login import current_user

from webapp.core.api.spec import operation
from webapp.core.auth.permissions import login_required
from webapp.core.services.errors import InvalidInput
from webapp.scoring.api_schemas import CaseSheets, NewSheet, Sheet, SheetEntries, SheetVersion, SubjectSheets
from webapp.scoring.models import CASE_SUBJECT, ScoreSheet, SheetKind, SubjectRef
from webapp.scoring.services.scoresheets import operations, pages
from webapp.scoring.services.scoresheets.agreed import SpreadTable
from webapp.scoring.services.scoresheets.errors import SheetInvalid
from webapp.scoring.services.scoresheets.operations import JsonInput
from webapp.scoring.services.scoresheets.pages import SheetView


def _num(value: Any) -> int | float | None:
    """Points as JSON: whole numbers as integers, others as decimals (as `kaoping score` prints them)."""
    if value is None:
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def sheet_summary(sheet: ScoreSheet) -> dict[str, Any]:
    """The list shape: whose sheet, its state and its cached result."""
    result = sheet.result or {}
    # a grading case's sheet keeps its shape ({"case_id"}); any other subject's names its type and id
    subject = (
        {"case_id": sheet.subject_id}
        if sheet.subject_type == CASE_SUBJECT
        else {"subject_type": sheet.subject_type, "subject_id": sheet.subject_id}
    )
    return {
        "id": sheet.id,
        **subject,
        "kind": sheet.kind,
        "kind_label": sheet.kind_label,
        "reviewer": sheet.reviewer.username if sheet.reviewer else None,
        "status": sheet.status,
        "scheme": f"{sheet.scheme_id}@{sheet.scheme_version}",
        "total": _num(sheet.total),
        "max": _num(result.get("max")),
        "passed": result.get("passed"),
        "vetoed": result.get("vetoed"),
        "version": sheet.version_id,
        "updated_at": _iso(sheet.updated_at),
        "submitted_at": _iso(sheet.submitted_at),
    }


def entry_json(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A stored entry in the sheet JSON of docs/schemes.md, numbers as numbers (they are stored as text)."""
    out = dict(raw)
    for what in ("awarded", "deduction"):
        if what in out:
            out[what] = _num(out[what])
    if "measures" in out:
        out["measures"] = {key: _num(value) for key, value in out["measures"].items()}
    return out


def sheet_json(view: SheetView) -> dict[str, Any]:
    """The detail shape of ``GET /api/v1/sheets/<id>`` (`Sheet`)."""
    sheet, computed = view.sheet, view.computed
    body = sheet_summary(sheet)
    body.update(
        {
            "level": view.level,
            "editable": view.editable,
            "entries": {item_id: entry_json(raw) for item_id, raw in sheet.entries.items()},
            # `SheetResult.to_dict()`: the object `kaoping score` prints
            "result": computed.result.to_dict() if computed.result is not None else None,
            "complete": computed.complete,
            "problems": computed.problems,
            # the same refusals with the engine's code and params: {"error", "params", "message", "item", …}
            "problem_details": computed.problem_details,
            "opinion": sheet.opinion if sheet.kind == SheetKind.AGREED else None,
        }
    )
    return body


def spread_json(table: SpreadTable) -> dict[str, Any]:
    usernames = [s.reviewer.username if s.reviewer else None for s in table.reviewer_sheets]
    items = []
    for item_id, row in table.rows.items():
        if row.high is None and row.self_score is None and row.agreed_score is None:
            continue  # nobody scored it (an item of another level, a composite scored through its parts)
        items.append(
            {
                "id": item_id,
                "item_max": _num(row.item.max),
                "scores": [
                    {"reviewer": name, "score": _num(score)}
                    for name, score in zip(usernames, row.reviewer_scores, strict=True)
                ],
                "min": _num(row.low),
                "max": _num(row.high),
                "spread": _num(row.spread),
                "self": _num(row.self_score),
                "agreed": _num(row.agreed_score),
                "self_difference": _num(row.self_difference),
            }
        )
    return {"reviewers": usernames, "items": items}


def _detail(sheet_id: int) -> dict[str, Any]:
    return sheet_json(pages.sheet_view(current_user, sheet_id))


def _api_field(field: str | None) -> str:
    """``HBS-3.1:defect:missing_file`` (a form field) → ``entries.HBS-3.1.defect.missing_file``."""
    if not field or field == "_sheet":
        return "entries"
    return "entries." + field.replace(":", ".")


@contextmanager
def _entries_refused_as_invalid_input() -> Iterator[None]:
    """The service's `SheetInvalid` (per-field messages for the form) as the API's 400 naming one field."""
    try:
        yield
    except SheetInvalid as exc:
        raise InvalidInput(exc.message, _api_field(exc.field)) from None


@login_required
@operation(
    "The score sheets of a case the caller may read, with the spread for panel and bureau",
    responses={200: ("the sheets", CaseSheets), 404: "no such case, or not visible"},
)
def list_sheets(case_id: int) -> Response:
    return jsonify(case_id=case_id, **_sheets_of(SubjectRef(CASE_SUBJECT, case_id)))


def _sheets_of(ref: SubjectRef) -> dict[str, Any]:
    found = pages.subject_sheets(current_user, ref)
    return {
        "scored": found.scored,
        "scheme": f"{found.scheme.id}@{found.scheme.version}" if found.scheme is not None else None,
        "sheets": [sheet_summary(sheet) for sheet in found.sheets],
        "spread": spread_json(found.spread) if found.spread is not None else None,
    }


@login_required
@operation(
    "The score sheets of a subject of any procedure with sheets (e.g. campaign_unit) the caller may read",
    responses={200: ("the sheets", SubjectSheets), 404: "no such subject type or subject, or not visible"},
)
def list_subject_sheets(subject_type: str, subject_id: int) -> Response:
    ref = SubjectRef(subject_type, subject_id)
    return jsonify(subject_type=subject_type, subject_id=subject_id, **_sheets_of(ref))


@login_required
@operation(
    "Start (or get) the caller's own sheet: self-check, their reviewer sheet, the agreed sheet",
    body=NewSheet,
    responses={
        201: ("created (the agreed sheet prefilled with the medians)", Sheet),
        200: ("it existed", Sheet),
        403: "the caller does not fill this sheet",
        409: "not now (ARC-10.1.4, ARC-10.4.5) or a level not scored (GAP-11)",
    },
)
def start_sheet(case_id: int, body: NewSheet) -> tuple[Response, int]:
    return _start(SubjectRef(CASE_SUBJECT, case_id), body.kind)


def _start(ref: SubjectRef, kind: str) -> tuple[Response, int]:
    sheet, created = operations.start_sheet(current_user, ref, kind)
    response = jsonify(_detail(sheet.id))
    response.headers["Location"] = f"/api/v1/sheets/{sheet.id}"
    return response, 201 if created else 200


@login_required
@operation(
    "Start (or get) the caller's own sheet on a subject of any procedure with sheets (e.g. campaign_unit)",
    body=NewSheet,
    responses={
        201: ("created (the agreed sheet prefilled with the medians)", Sheet),
        200: ("it existed", Sheet),
        403: "the caller does not fill this sheet",
        404: "no such subject type or subject, or not visible",
        409: "not now (the procedure's rule) or a level not scored",
    },
)
def start_subject_sheet(subject_type: str, subject_id: int, body: NewSheet) -> tuple[Response, int]:
    return _start(SubjectRef(subject_type, subject_id), body.kind)


@login_required
@operation(
    "A sheet with its entries and the engine's result",
    responses={200: ("the sheet", Sheet), 404: "no such sheet, or the caller may not read it"},
)
def get_sheet(sheet_id: int) -> Response:
    return jsonify(_detail(sheet_id))


@login_required
@operation(
    "Replace a draft's entries (the sheet's filler only, while it is open)",
    body=SheetEntries,
    responses={
        200: ("saved as a draft", Sheet),
        400: "a bad entry: field entries.<item id>[.<input>]; nothing saved",
        403: "readable, but the caller does not fill it",
        404: "no such sheet, or the caller may not read it",
        409: "sheet_closed (with the rule), sheet_submitted, or stale",
    },
)
def put_sheet(sheet_id: int, body: SheetEntries) -> Response:
    with _entries_refused_as_invalid_input():
        operations.save_sheet(
            current_user,
            sheet_id,
            JsonInput(body.entries, body.opinion),
            expected_version=body.version,
            hide_unreadable=True,
        )
    return jsonify(_detail(sheet_id))


@login_required
@operation(
    "Submit the stored entries",
    body=SheetVersion,
    body_required=False,
    responses={
        200: ("submitted", Sheet),
        400: "an item unscored or an entry refused: field entries.<item id>",
        403: "readable, but the caller does not fill it",
        404: "no such sheet, or the caller may not read it",
        409: "sheet_closed (with the rule) or stale",
    },
)
def submit_sheet(sheet_id: int, body: SheetVersion) -> Response:
    with _entries_refused_as_invalid_input():
        operations.submit_sheet(current_user, sheet_id, expected_version=body.version, hide_unreadable=True)
    return jsonify(_detail(sheet_id))


@login_required
@operation(
    "Take a submitted sheet back to draft while it is still open",
    body=SheetVersion,
    body_required=False,
    responses={
        200: ("a draft again", Sheet),
        403: "readable, but the caller does not fill it",
        404: "no such sheet, or the caller may not read it",
        409: "sheet_closed (with the rule) or stale",
    },
)
def reopen_sheet(sheet_id: int, body: SheetVersion) -> Response:
    operations.reopen_sheet(current_user, sheet_id, expected_version=body.version, hide_unreadable=True)
    return jsonify(_detail(sheet_id))


def register_api(bp: Blueprint) -> None:
    """Every URL of the score-sheet API, added to the shared ``/api/v1`` blueprint."""
    bp.add_url_rule("/cases/<int:case_id>/sheets", view_func=list_sheets, methods=["GET"])
    bp.add_url_rule("/cases/<int:case_id>/sheets", view_func=start_sheet, methods=["POST"])
    bp.add_url_rule("/sheets/<subject_type>/<int:subject_id>", view_func=list_subject_sheets, methods=["GET"])
    bp.add_url_rule(
        "/sheets/<subject_type>/<int:subject_id>", view_func=start_subject_sheet, methods=["POST"]
    )
    bp.add_url_rule("/sheets/<int:sheet_id>", view_func=get_sheet, methods=["GET"])
    bp.add_url_rule("/sheets/<int:sheet_id>", view_func=put_sheet, methods=["PUT"])
    bp.add_url_rule("/sheets/<int:sheet_id>/submit", view_func=submit_sheet, methods=["POST"])
    bp.add_url_rule("/sheets/<int:sheet_id>/reopen", view_func=reopen_sheet, methods=["POST"])
