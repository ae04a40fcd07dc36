"""``GET /api/v1/me``: who the bearer token belongs to (a cheap way for clients to check a token)."""

from __future__ import annotations

from flask import Response, jsonify
from flask_login import current_user

from webapp.core.api.spec import Out, operation
from webapp.core.auth.permissions import login_required


class MyOrganisation(Out):
    id: int
    code: str
    name: str
    kind: str


class Me(Out):
    username: str
    display_name: str
    organisation: MyOrganisation
    roles: list[str]


@login_required
@operation("Who the token belongs to", responses={200: ("the caller", Me)})
def me() -> Response:
    org = current_user.organisation
    return jsonify(
        username=current_user.username,
        display_name=current_user.display_name,
        organisation={"id": org.id, "code": org.code, "name": org.name, "kind": org.kind},
        roles=sorted(current_user.roles),
    )
