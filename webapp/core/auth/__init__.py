"""Authentication: login pages, session and bearer-token user loading."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from sqlalchemy.orm import joinedload

from webapp.core.auth import views
from webapp.core.extensions import db, login_manager
from webapp.core.models import User
from webapp.core.services import accounts

bp = Blueprint("auth", __name__, url_prefix="/auth")
bp.add_url_rule("/login", view_func=views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])


API_PREFIX = "/api/"


class CookielessApiSessionInterface(SecureCookieSessionInterface):
    """No session cookie is read or written under ``/api/``: the API authenticates by bearer token only, so a
    browser's login session can never be ridden into the (CSRF-exempt) API."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(API_PREFIX):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        if request.path.startswith(API_PREFIX):
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = CookielessApiSessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    # The JSON API never redirects to a login page: it answers 401 (handled by webapp.core.api as JSON).
    login_manager.blueprint_login_views = {"api": None}  # type: ignore[dict-item]
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        # roles and organisation in the same statement: every page's navigation and permission checks read them
        return db.session.get(
            User, int(user_id), options=[joinedload(User.role_rows), joinedload(User.organisation)]
        )
    except (TypeError, ValueError):
        return None


@login_manager.request_loader
def load_user_from_bearer(request: Request) -> User | None:
    """``Authorization: Bearer <token>``, honoured for the JSON API only (web pages use the session)."""
    if request.blueprint != "api":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return accounts.user_for_token(token.strip())
