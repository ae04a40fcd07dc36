"""Authentication: login pages, session and bearer-token user loading, the per-request session checks."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    Request,
    Response,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import current_user, logout_user
from sqlalchemy.orm import joinedload
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.core import clock
from webapp.core.auth import views
from webapp.core.extensions import db, login_manager
from webapp.core.models import User
from webapp.core.services import accounts, passwords, person_extras, sessions

bp = Blueprint("auth", __name__, url_prefix="/auth")
bp.add_url_rule("/login", view_func=views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])
bp.add_url_rule("/password", view_func=views.change_password, endpoint="password", methods=["GET", "POST"])


API_PREFIX = "/api/"
#: what a person whose password has expired may still open (everything else sends them to 「修改密码」)
EXPIRED_PASSWORD_ENDPOINTS = frozenset({"auth.password", "auth.logout", "auth.login", "static", "favicon"})
#: requests that neither extend nor check a session (files, the health check)
UNTRACKED_ENDPOINTS = frozenset({"static", "bootstrap.static", "favicon", "healthz"})


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


def _no_flask_login_remember_cookie(cookie: str) -> User | None:
    """Flask-Login's own remember cookie (``user_id|HMAC``, the same at every login, no server-side expiry) is
    never honoured, on a page or under ``/api/``: our remember cookie is `sessions`' rotating token. Flask-Login
    tries its cookie *instead of* the request loader when the cookie is present, so the bearer token is still
    read here."""
    return login_manager._load_user_from_request(request) if login_manager._request_callback else None


def init_app(app: Flask) -> None:
    app.session_interface = CookielessApiSessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    # The JSON API never redirects to a login page: it answers 401 (handled by webapp.core.api as JSON).
    login_manager.blueprint_login_views = {"api": None}  # type: ignore[dict-item]
    login_manager.session_protection = "basic"
    login_manager._load_user_from_remember_cookie = _no_flask_login_remember_cookie  # type: ignore[method-assign]
    app.before_request(check_session)
    hops = int(app.config.get("KAOPING_PROXY_HOPS") or 0)
    if hops:
        # behind nginx: the client's address from X-Forwarded-For (trusting exactly ``hops`` proxies), so the
        # address lock and the audit trail do not see every client as the proxy
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.after_request(write_remember_cookie)


def _signed_in(extras: list[sa.ColumnElement[Any]]) -> sa.Select[Any]:
    """The signed-in person with their roles and organisation and the values read with them (`person_extras`) in
    one statement (every page's navigation and permission checks read them)."""
    return (
        sa.select(User, *extras)
        .options(joinedload(User.role_rows), joinedload(User.organisation))
        .where(User.id == sa.bindparam("user_id"))
    )


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, if the session was made under the user's current generation (logout, a password
    change or reset, deactivation and a role change raise it: every older session ends)."""
    try:
        number = int(user_id)
    except (TypeError, ValueError):
        return None
    loaded = person_extras.statement("session", _signed_in)
    row = db.session.execute(loaded, {"user_id": number}).unique().one_or_none()
    if row is None:
        return None
    user, *extras = row
    if session.get(sessions.GEN) != user.session_generation:
        return None
    person_extras.keep(user, extras)  # the request's settings and per-request values came with the person
    return user


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


def end_session() -> None:
    """Forget the browser's login (and its remember cookie, deleted with the response)."""
    logout_user()
    session.clear()
    g.pop("csrf_token", None)  # signed with the cleared session's secret
    g.kaoping_remember = None


def check_session() -> Response | None:
    """Before every page: an existing session must be within the idle timeout and the absolute lifetime and of
    the user's current generation; without one, a valid remember cookie opens a new session (rotating the
    cookie). Never under ``/api/`` (bearer tokens only). A person whose password has expired is sent to
    「修改密码」."""
    if request.path.startswith(API_PREFIX) or request.endpoint in UNTRACKED_ENDPOINTS:
        return None
    now = clock.wall_now()
    user_id = session.get("_user_id")
    if user_id is not None:
        if not current_user.is_authenticated:  # a generation bumped since, or the user deactivated
            end_session()
            return None
        result = sessions.check_session(dict(session), passwords.policy(), now=now)
        if not result.ok:
            end_session()
            accounts.record_session_expired(int(user_id), result.reason)
            flash(f"{result.reason}，请重新登录。", "warning")
            return None
        seen = session.get(sessions.SEEN)
        if isinstance(seen, int) and sessions.epoch(now) - seen >= sessions.SEEN_GRANULARITY:
            session[sessions.SEEN] = sessions.epoch(now)
    elif sessions.REMEMBER_COOKIE in request.cookies:
        remembered = accounts.login_remembered(request.cookies[sessions.REMEMBER_COOKIE])
        if remembered is None:
            g.kaoping_remember = None
            return None
        views.open_session(remembered.user, now=now)
        g.kaoping_remember = (remembered.cookie, remembered.expires_at)
    if (
        current_user.is_authenticated
        and request.endpoint not in EXPIRED_PASSWORD_ENDPOINTS
        and passwords.is_expired(current_user, now=now)
    ):
        return redirect(
            url_for("auth.password")
        )  # the page's banner says why (no flash: it would say it twice)
    return None


def write_remember_cookie(response: Response) -> Response:
    """Set the rotated remember cookie, or delete it (logout, a cookie refused)."""
    if "kaoping_remember" not in g:
        return response
    value = g.pop("kaoping_remember")  # once: ``g`` may outlive the request (an app context pushed around it)
    if value is None:
        response.delete_cookie(sessions.REMEMBER_COOKIE, path="/")
    else:
        cookie, expires = value
        response.set_cookie(
            sessions.REMEMBER_COOKIE,
            cookie,
            expires=expires,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response
