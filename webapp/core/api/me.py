"""``GET /api/v1/me``: who the bearer token belongs to (a cheap way for clients to check a token)."""

from __future__ import annotations

from flask import Response, jsonify
from flask_login import current_user

from webapp.core.auth.permissions import login_required


@login_required
def me() -> Response:
    org = current_user.organisation
    return jsonify(
        username=current_user.username,
        display_name=current_user.display_name,
        organisation={"id": org.id, "code": org.code, "name": org.name, "kind": org.kind},
        roles=sorted(current_user.roles),
    )
