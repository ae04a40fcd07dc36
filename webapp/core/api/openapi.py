"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document, generated from the operations the views declare."""

from __future__ import annotations

from flask import Response, jsonify

from webapp.core.api.spec import Out, document, operation
from webapp.core.auth.permissions import public

INFO = {
    "title": "Kaoping (考评) API",
    "version": "1",
    "description": "机关档案工作目标管理等级考评 — cases, score sheets, notices and grades. Errors are "
    '{"error": code, "message": Chinese, "rule": rule id|null, "field": field|null}.',
}


class OpenApiDocument(Out, extra="allow"):
    openapi: str


@public
@operation("This document", responses={200: ("OpenAPI 3.1", OpenApiDocument)})
def openapi_json() -> Response:
    return jsonify(document("/api/v1", INFO))
