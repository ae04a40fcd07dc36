"""Separation of duties at the door (三员分立, 等保 2.0): the system administrator, the security administrator
and the auditor never act in a procedure. Rather than trusting every procedure's checks to leave them out, one
hook refuses them every page and API call outside the areas an administrator has (deny by default: a route
added later is closed to them until it is added here). Inside those areas each view's own role check decides
(`roles_required`); the roles themselves are kept apart by `webapp.core.services.roles.check_separation`."""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask_login import current_user

from webapp.core.auth.permissions import PERMISSION_ATTR
from webapp.core.models import ADMIN_ROLES

#: Blueprints an administrator may enter: administration (organisations, accounts, roles, locks, policy,
#: scoring schemes), the audit pages, logging in and out, the home page, help and what the public reads.
ADMIN_BLUEPRINTS = frozenset({"admin", "admin_schemes", "auditor", "audit", "auth", "main", "help", "public"})
#: Single endpoints outside those blueprints: files, the health check, the API's own identity and tokens (and
#: any view marked `public`).
ADMIN_ENDPOINTS = frozenset(
    {"static", "bootstrap.static", "favicon", "healthz", "api.me", "api.create_token", "api.openapi_json"}
)


def _admin_may_enter(endpoint: str | None, blueprint: str | None) -> bool:
    if endpoint is None:
        return True  # no route: the 404 answers
    if endpoint in ADMIN_ENDPOINTS or (blueprint is not None and blueprint in ADMIN_BLUEPRINTS):
        return True
    # what the public reads (notices, an objection's status) an administrator may read too
    view = current_app.view_functions.get(endpoint)
    return getattr(view, PERMISSION_ATTR, None) == "public"


def refuse_administrators_outside_their_areas() -> None:
    if _admin_may_enter(request.endpoint, request.blueprint):
        return
    if current_user.is_authenticated and current_user.has_role(*ADMIN_ROLES):
        abort(403)


def register_separation_guard(app: Flask) -> None:
    app.before_request(refuse_administrators_outside_their_areas)
