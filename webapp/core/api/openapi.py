"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 description of this API, written by hand next to the views."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from webapp.core.auth.permissions import public
from webapp.grading.models import ATTACHMENT_KINDS
from workflow.grading import CASE_STATES, EVENTS


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


CASE_ID = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ATTACHMENT_ID = {"name": "attachment_id", "in": "path", "required": True, "schema": {"type": "integer"}}
EXPECTED_VERSION = {
    "name": "expected_version",
    "in": "query",
    "required": False,
    "schema": {"type": "integer"},
    "description": "the case's version when read; refused as stale (409) if it changed",
}
SHEET_ID = {"name": "sheet_id", "in": "path", "required": True, "schema": {"type": "integer"}}
POINTS = {"type": "number"}
NULLABLE_POINTS = {"type": ["number", "null"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
ORG = {
    "type": ["object", "null"],
    "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}},
}
AUTH_ERRORS = {
    "401": _error("missing, invalid or expired token"),
    "404": _error("no such case, or not visible"),
}
SHEET_ERRORS = {
    "401": _error("missing, invalid or expired token"),
    "404": _error("no such sheet, or the caller may not read it"),
}
SHEET_KINDS = ["self", "reviewer", "agreed"]


def _sheet_schemas() -> dict[str, Any]:
    entry = {
        "type": "object",
        "description": "one item's entry in the sheet JSON of docs/schemes.md",
        "properties": {
            "awarded": POINTS,
            "deduction": POINTS,
            "defects": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
            "measures": {"type": "object", "additionalProperties": POINTS},
            "flags": {"type": "array", "items": {"type": "string"}},
            "claims": {"type": "array", "items": {"type": "string"}},
            "reason": {"type": "string", "description": "扣分原因; required below the maximum"},
            "note": {"type": "string", "description": "evidence note, not scored"},
        },
        "additionalProperties": False,
    }
    item_result = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "score": POINTS,
            "max": POINTS,
            "reasons": {"type": "array", "items": {"type": "string"}},
            "bonus": {"type": "boolean"},
            "missing": {"type": "boolean"},
            "parts": {"type": "array", "items": {"type": "object"}},
        },
    }
    return {
        "SheetEntry": entry,
        "SheetResult": {
            "type": "object",
            "description": "the engine's result: the object `kaoping score` prints (docs/schemes.md)",
            "properties": {
                "scheme": {"type": "string"},
                "version": {"type": "string"},
                "level": {"type": ["string", "null"]},
                "total": POINTS,
                "max": POINTS,
                "sections": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "name": {"type": "string"},
                            "score": POINTS,
                            "max": POINTS,
                            "bonus": POINTS,
                            "min_required": NULLABLE_POINTS,
                            "failed": {"type": "boolean"},
                        },
                    },
                },
                "items": {"type": "array", "items": item_result},
                "bonus_total": POINTS,
                "vetoed": {"type": "boolean"},
                "veto_reasons": {"type": "array", "items": {"type": "string"}},
                "section_failures": {"type": "array", "items": {"type": "string"}},
                "missing": {"type": "array", "items": {"type": "string"}},
                "pass_line": NULLABLE_POINTS,
                "passed": {"type": ["boolean", "null"]},
                "grade": {"type": ["string", "null"]},
            },
        },
        "SheetSummary": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "case_id": {"type": "integer"},
                "kind": {"type": "string", "enum": SHEET_KINDS},
                "reviewer": {"type": ["string", "null"], "description": "username, reviewer sheets only"},
                "status": {"type": "string", "enum": ["draft", "submitted"]},
                "scheme": {"type": "string", "description": "id@version the sheet is scored against"},
                "total": {"type": ["number", "null"], "description": "null while an entry cannot be scored"},
                "max": NULLABLE_POINTS,
                "passed": {"type": ["boolean", "null"]},
                "vetoed": {"type": ["boolean", "null"]},
                "version": {"type": "integer", "description": "send as version to PUT and submit"},
                "updated_at": {"type": "string", "format": "date-time"},
                "submitted_at": {"type": ["string", "null"], "format": "date-time"},
            },
        },
        "Sheet": {
            "allOf": [
                _ref("SheetSummary"),
                {
                    "type": "object",
                    "properties": {
                        "level": {"type": ["string", "null"]},
                        "editable": {
                            "type": "boolean",
                            "description": "the caller fills this sheet and it is open now "
                            "(a submitted one is reopened first)",
                        },
                        "entries": {"type": "object", "additionalProperties": _ref("SheetEntry")},
                        "result": {"oneOf": [_ref("SheetResult"), {"type": "null"}]},
                        "complete": {"type": "boolean", "description": "every entry scored"},
                        "opinion": {
                            "type": ["string", "null"],
                            "description": "agreed sheet: the panel's written opinion (评审意见)",
                        },
                        "problems": {
                            "type": "object",
                            "additionalProperties": {"type": "string"},
                            "description": "item id → why the engine left its entry out",
                        },
                        "problem_details": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "object",
                                "properties": {
                                    "error": {"type": "string", "description": "stable engine code"},
                                    "params": {"type": "object"},
                                    "message": {"type": "string", "description": "Chinese, as shown"},
                                    "item": {"type": ["string", "null"]},
                                    "field": {"type": ["string", "null"]},
                                },
                            },
                            "description": "item id → the same refusal with its code and parameters",
                        },
                    },
                },
            ]
        },
        "Spread": {
            "type": "object",
            "description": "each reviewer's score per item, their range, and review minus self-check",
            "properties": {
                "reviewers": {"type": "array", "items": {"type": "string"}},
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "item_max": POINTS,
                            "scores": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "reviewer": {"type": "string"},
                                        "score": NULLABLE_POINTS,
                                    },
                                },
                            },
                            "min": NULLABLE_POINTS,
                            "max": NULLABLE_POINTS,
                            "spread": NULLABLE_POINTS,
                            "self": NULLABLE_POINTS,
                            "agreed": NULLABLE_POINTS,
                            "self_difference": {
                                "type": ["number", "null"],
                                "description": "agreed (else the reviewers' median) minus the self-check",
                            },
                        },
                    },
                },
            },
        },
    }


def _sheet_paths(bearer: list[dict[str, list[str]]]) -> dict[str, Any]:
    version_body = {
        "required": False,
        "content": {
            "application/json": {"schema": {"type": "object", "properties": {"version": {"type": "integer"}}}}
        },
    }
    return {
        "/cases/{case_id}/sheets": {
            "get": {
                "summary": "The score sheets of a case the caller may read, with the spread for panel and bureau",
                "security": bearer,
                "parameters": [CASE_ID],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "case_id": {"type": "integer"},
                                "scored": {"type": "boolean", "description": "false: 省特级 (GAP-11)"},
                                "scheme": {"type": ["string", "null"]},
                                "sheets": {"type": "array", "items": _ref("SheetSummary")},
                                "spread": {"oneOf": [_ref("Spread"), {"type": "null"}]},
                            },
                        },
                        "the sheets",
                    ),
                    **AUTH_ERRORS,
                },
            },
            "post": {
                "summary": "Start (or get) the caller's own sheet: self-check, their reviewer sheet, the agreed sheet",
                "security": bearer,
                "parameters": [CASE_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["kind"],
                                "properties": {"kind": {"type": "string", "enum": SHEET_KINDS}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json(_ref("Sheet"), "created (the agreed sheet prefilled with the medians)"),
                    "200": _json(_ref("Sheet"), "it existed"),
                    "400": _error("invalid kind"),
                    "403": _error("the caller does not fill this sheet"),
                    "409": _error("not now (ARC-10.1.4, ARC-10.4.5) or a level not scored (GAP-11)"),
                    **AUTH_ERRORS,
                },
            },
        },
        "/sheets/{sheet_id}": {
            "get": {
                "summary": "A sheet with its entries and the engine's result",
                "security": bearer,
                "parameters": [SHEET_ID],
                "responses": {"200": _json(_ref("Sheet"), "the sheet"), **SHEET_ERRORS},
            },
            "put": {
                "summary": "Replace a draft's entries (the sheet's filler only, while it is open)",
                "security": bearer,
                "parameters": [SHEET_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["entries"],
                                "properties": {
                                    "entries": {"type": "object", "additionalProperties": _ref("SheetEntry")},
                                    "version": {"type": "integer"},
                                    "opinion": {
                                        "type": "string",
                                        "description": "agreed sheet: the panel's written opinion (评审意见)",
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(_ref("Sheet"), "saved as a draft"),
                    "400": _error("a bad entry: field entries.<item id>[.<input>]; nothing saved"),
                    "403": _error("readable, but the caller does not fill it"),
                    "409": _error("sheet_closed (with the rule), sheet_submitted, or stale"),
                    **SHEET_ERRORS,
                },
            },
        },
        "/sheets/{sheet_id}/submit": {
            "post": {
                "summary": "Submit the stored entries",
                "security": bearer,
                "parameters": [SHEET_ID],
                "requestBody": version_body,
                "responses": {
                    "200": _json(_ref("Sheet"), "submitted"),
                    "400": _error("an item unscored or an entry refused: field entries.<item id>"),
                    "403": _error("readable, but the caller does not fill it"),
                    "409": _error("sheet_closed (with the rule) or stale"),
                    **SHEET_ERRORS,
                },
            }
        },
        "/sheets/{sheet_id}/reopen": {
            "post": {
                "summary": "Take a submitted sheet back to draft while it is still open",
                "security": bearer,
                "parameters": [SHEET_ID],
                "requestBody": version_body,
                "responses": {
                    "200": _json(_ref("Sheet"), "a draft again"),
                    "403": _error("readable, but the caller does not fill it"),
                    "409": _error("sheet_closed (with the rule) or stale"),
                    **SHEET_ERRORS,
                },
            }
        },
    }


def document() -> dict[str, Any]:
    """The OpenAPI document (a function so labels stay in sync with the models and the state machine)."""
    bearer = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kaoping (考评) API",
            "version": "1",
            "description": "机关档案工作目标管理等级考评 — cases, score sheets, notices and grades. Errors are "
            '{"error": code, "message": Chinese, "rule": rule id|null, "field": field|null}.',
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "token from POST /tokens"}
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {
                            "type": "string",
                            "description": "stable reason code, e.g. forbidden, "
                            "invalid_input, notice_period_not_elapsed, stale",
                        },
                        "message": {"type": "string", "description": "Chinese message quoting the rule"},
                        "rule": {"type": ["string", "null"], "description": "rule ID, e.g. ARC-10.3.2"},
                        "field": {"type": ["string", "null"], "description": "input field at fault"},
                    },
                },
                "CaseSummary": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "state": {"type": "string", "enum": list(CASE_STATES)},
                        "level": {"type": "string", "enum": ["second", "first", "special"]},
                        "kind": {"type": "string", "enum": ["evaluation", "recheck"]},
                        "tier": {"type": "string"},
                        "organ": ORG,
                        "organizer": ORG,
                        "approver": ORG,
                        "plan_year": {"type": ["integer", "null"]},
                        "applied_on": NULLABLE_DATE,
                        "version": {"type": "integer", "description": "send as expected_version"},
                    },
                },
                "Case": {
                    "allOf": [
                        _ref("CaseSummary"),
                        {
                            "type": "object",
                            "required": [
                                "id",
                                "state",
                                "level",
                                "kind",
                                "organ",
                                "organizer",
                                "approver",
                                "panel_size",
                                "allowed_events",
                                "notice",
                                "history",
                            ],
                            "properties": {
                                "panel_size": {
                                    "type": "array",
                                    "items": {"type": "integer"},
                                    "minItems": 2,
                                    "maxItems": 2,
                                },
                                "allowed_events": {
                                    "type": "array",
                                    "items": {"type": "string", "enum": list(EVENTS)},
                                },
                                "blocked_events": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "event": {"type": "string"},
                                            "message": {"type": "string"},
                                            "rule": {"type": ["string", "null"]},
                                        },
                                    },
                                },
                                "notice": {
                                    "type": ["object", "null"],
                                    "properties": {
                                        "start": {"type": "string", "format": "date"},
                                        "last_day": {"type": "string", "format": "date"},
                                        "may_close_on": {"type": "string", "format": "date"},
                                        "closed_on": NULLABLE_DATE,
                                    },
                                },
                                "total_score": {"type": ["number", "null"]},
                                "conclusion": {"type": ["string", "null"], "enum": ["pass", "fail", None]},
                                "letter_no": {"type": ["string", "null"]},
                                "certificate_no": {"type": ["string", "null"]},
                                "attachments": {"type": "array", "items": _ref("Attachment")},
                                "history": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "event": {"type": "string"},
                                            "from": {"type": ["string", "null"]},
                                            "to": {"type": ["string", "null"]},
                                            "actor": {"type": "string"},
                                            "organisation": {"type": ["string", "null"]},
                                            "at": {"type": "string", "format": "date-time"},
                                            "comment": {"type": "string"},
                                            "rule": {"type": ["string", "null"]},
                                        },
                                    },
                                },
                            },
                        },
                    ]
                },
                "Attachment": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "kind": {"type": "string", "enum": list(ATTACHMENT_KINDS)},
                        "filename": {"type": "string"},
                        "size": {"type": "integer"},
                        "sha256": {"type": "string"},
                    },
                },
                "Notice": {
                    "type": "object",
                    "properties": {
                        "case_id": {"type": "integer"},
                        "organ": {"type": "string"},
                        "level": {"type": "string"},
                        "kind": {"type": "string"},
                        "bureau": {"type": "string"},
                        "bureau_phone": {
                            "type": "string",
                            "description": "the organising bureau's contact phone",
                        },
                        "bureau_address": {"type": "string"},
                        "start": {"type": "string", "format": "date"},
                        "last_day": {"type": "string", "format": "date"},
                        "days": {"type": "integer", "description": "length of the notice, both ends counted"},
                        "under_objection": {"type": "boolean"},
                    },
                },
                **_sheet_schemas(),
                "Grade": {
                    "type": "object",
                    "properties": {
                        "level": {"type": ["string", "null"]},
                        "valid_from": NULLABLE_DATE,
                        "valid_to": NULLABLE_DATE,
                        "state": {
                            "type": "string",
                            "enum": ["ungraded", "graded", "recheck_pending", "lapsed", "superseded"],
                        },
                    },
                },
            },
        },
        "paths": {
            "/tokens": {
                "post": {
                    "summary": "Exchange username and password for a bearer token",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["username", "password"],
                                    "properties": {
                                        "username": {"type": "string"},
                                        "password": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            {"type": "object", "properties": {"token": {"type": "string"}}}, "token"
                        ),
                        "400": _error("not JSON / missing fields"),
                        "401": _error("bad credentials"),
                    },
                }
            },
            "/cases": {
                "get": {
                    "summary": "Cases the caller may see",
                    "security": bearer,
                    "parameters": [
                        {
                            "name": "state",
                            "in": "query",
                            "schema": {"type": "string", "enum": list(CASE_STATES)},
                        },
                        {"name": "level", "in": "query", "schema": {"type": "string"}},
                        {"name": "kind", "in": "query", "schema": {"type": "string"}},
                        {"name": "tier", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "q",
                            "in": "query",
                            "description": "organ name, case number, letter or certificate number",
                            "schema": {"type": "string", "maxLength": 60},
                        },
                        {
                            "name": "year",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
                        },
                        {
                            "name": "bureau",
                            "in": "query",
                            "description": "a bureau holding any function",
                            "schema": {"type": "integer"},
                        },
                        {"name": "overdue", "in": "query", "schema": {"type": "integer", "enum": [0, 1]}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {
                            "name": "per_page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "cases": {"type": "array", "items": _ref("CaseSummary")},
                                    "count": {"type": "integer", "description": "total under the filters"},
                                    "page": {"type": "integer"},
                                    "per_page": {"type": "integer"},
                                    "pages": {"type": "integer"},
                                },
                            },
                            "the cases",
                        ),
                        "400": _error("bad filter"),
                        "401": _error("not authenticated"),
                    },
                },
                "post": {
                    "summary": "Open a draft case for the caller's organ",
                    "security": bearer,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["level", "kind"],
                                    "properties": {
                                        "level": {"type": "string", "enum": ["second", "first", "special"]},
                                        "kind": {"type": "string", "enum": ["evaluation", "recheck"]},
                                        "preconditions": {
                                            "type": "object",
                                            "additionalProperties": {"type": "boolean"},
                                            "description": '{"ARC-5.1": true, … "ARC-5.6": true}',
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _json(_ref("Case"), "the new case"),
                        "400": _error("invalid input"),
                        "401": _error("not authenticated"),
                        "403": _error("not an organ user"),
                        "409": _error("not a candidate / a case is already running"),
                    },
                },
            },
            "/cases/{case_id}": {
                "get": {
                    "summary": "A case with its allowed events, notice and history",
                    "security": bearer,
                    "parameters": [CASE_ID],
                    "responses": {"200": _json(_ref("Case"), "the case"), **AUTH_ERRORS},
                },
                "delete": {
                    "summary": "Delete a draft the caller's organ never applied for (its files too)",
                    "security": bearer,
                    "parameters": [CASE_ID, EXPECTED_VERSION],
                    "responses": {
                        "204": {"description": "deleted"},
                        "409": _error("not a draft any more (rule ARC-10.1.1)"),
                        **AUTH_ERRORS,
                    },
                },
            },
            "/cases/{case_id}/events": {
                "post": {
                    "summary": "Fire an event (apply, plan, pass_precheck, close_notice, conclude_review, approve …)",
                    "security": bearer,
                    "parameters": [CASE_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["event"],
                                    "properties": {
                                        "event": {"type": "string", "enum": list(EVENTS)},
                                        "comment": {"type": "string"},
                                        "expected_version": {
                                            "type": "integer",
                                            "description": "the case's version; 409 stale if it moved on",
                                        },
                                        "notice_start": {
                                            "type": "string",
                                            "format": "date",
                                            "description": "pass_precheck: from today to the ruleset's "
                                            "calendar.notice_start_max_days_ahead days ahead",
                                        },
                                        "opinion": {
                                            "type": "string",
                                            "description": "pass_precheck, return_for_completion: "
                                            "required, the written pre-check opinion (ARC-10.2.1)",
                                        },
                                        "total_score": {
                                            "type": "number",
                                            "description": "conclude_review, scored",
                                        },
                                        "conclusion": {
                                            "type": "string",
                                            "enum": ["pass", "fail"],
                                            "description": "conclude_review, 省特级",
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(_ref("Case"), "the case after the event"),
                        "400": _error("invalid input"),
                        "403": _error("the caller holds no such function"),
                        "409": _error("a rule refuses it now (code, Chinese message, rule id) or stale"),
                        **AUTH_ERRORS,
                    },
                }
            },
            "/cases/{case_id}/attachments": {
                "post": {
                    "summary": "Upload a file",
                    "security": bearer,
                    "parameters": [CASE_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["kind", "file"],
                                    "properties": {
                                        "kind": {"type": "string", "enum": list(ATTACHMENT_KINDS)},
                                        "file": {"type": "string", "format": "binary"},
                                        "expected_version": {"type": "integer"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _json(_ref("Attachment"), "stored"),
                        "400": _error("invalid input"),
                        "403": _error("may not upload this kind"),
                        "409": _error("stale: the case moved on since expected_version"),
                        **AUTH_ERRORS,
                    },
                }
            },
            "/cases/{case_id}/attachments/{attachment_id}": {
                "delete": {
                    "summary": "Delete an attachment while the step allows it",
                    "description": "The applicant its own materials up to its acceptance request and while "
                    "returned for completion; the pre-checker its opinion while pre-checking.",
                    "security": bearer,
                    "parameters": [CASE_ID, ATTACHMENT_ID, EXPECTED_VERSION],
                    "responses": {
                        "204": {"description": "deleted"},
                        "403": _error("not the caller's attachment"),
                        "409": _error("the step no longer allows it (with the rule)"),
                        **AUTH_ERRORS,
                    },
                },
                "put": {
                    "summary": "Replace an attachment with a new file (same kind), in one transaction",
                    "security": bearer,
                    "parameters": [CASE_ID, ATTACHMENT_ID, EXPECTED_VERSION],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["file"],
                                    "properties": {"file": {"type": "string", "format": "binary"}},
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(_ref("Attachment"), "the new attachment"),
                        "400": _error("file refused (type checked by content)"),
                        "403": _error("not the caller's attachment"),
                        "409": _error("the step no longer allows it (with the rule)"),
                        **AUTH_ERRORS,
                    },
                },
            },
            "/cases/{case_id}/panel": {
                "put": {
                    "summary": "Form the review panel (organizing bureau)",
                    "security": bearer,
                    "parameters": [CASE_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["reviewers"],
                                    "properties": {
                                        "reviewers": {"type": "array", "items": {"type": "string"}},
                                        "lead": {"type": "string"},
                                        "expected_version": {"type": "integer"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(_ref("Case"), "the case with its panel"),
                        "400": _error("invalid input"),
                        "403": _error("not the organizer"),
                        "409": _error("size out of range / reviewer from the applicant organ / stale"),
                        **AUTH_ERRORS,
                    },
                }
            },
            **_sheet_paths(bearer),
            "/organs/{organ_id}/grade": {
                "get": {
                    "summary": "An organ's grade today",
                    "security": bearer,
                    "parameters": [
                        {"name": "organ_id", "in": "path", "required": True, "schema": {"type": "integer"}}
                    ],
                    "responses": {
                        "200": _json(_ref("Grade"), "grade status"),
                        "401": _error("not authenticated"),
                        "404": _error("no such organ, or not visible"),
                    },
                }
            },
            "/notices": {
                "get": {
                    "summary": "Current public notices (no login)",
                    "security": [],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {"notices": {"type": "array", "items": _ref("Notice")}},
                            },
                            "the notice list",
                        )
                    },
                }
            },
            "/notices/{case_id}/objections": {
                "post": {
                    "summary": "Raise an objection during the notice (no login)",
                    "description": "The name and contact are shown only to the organising bureau. Send an "
                    "Idempotency-Key to make retries safe: the same key and content answer the objection "
                    "already filed; the same key with other content is 409.",
                    "security": [],
                    "parameters": [
                        CASE_ID,
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{8,64}$"},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["content"],
                                    "properties": {
                                        "content": {"type": "string"},
                                        "name": {"type": "string"},
                                        "contact": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _json(
                            {"type": "object", "properties": {"reference": {"type": "string"}}},
                            "the reference number, e.g. GS-2027-0001",
                        ),
                        "400": _error("invalid input"),
                        "404": _error("not in notice"),
                        "409": _error("outside the notice period"),
                    },
                }
            },
            "/objections/{reference}": {
                "get": {
                    "summary": "Where an objection stands, by its reference number (no login; nothing personal)",
                    "security": [],
                    "parameters": [
                        {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "reference": {"type": "string"},
                                    "received_on": {"type": "string", "format": "date"},
                                    "status": {
                                        "type": "string",
                                        "enum": ["open", "dismissed", "upheld", "rejected_case"],
                                    },
                                    "status_label": {"type": "string"},
                                    "handled_on": NULLABLE_DATE,
                                    "outcome_note": {"type": ["string", "null"]},
                                    "organ": {"type": "string"},
                                    "bureau": {"type": "string"},
                                },
                            },
                            "the objection's status",
                        ),
                        "400": _error("not a reference number"),
                        "404": _error("no such objection"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1"}},
                }
            },
        },
    }


@public
def openapi_json() -> Response:
    return jsonify(document())
