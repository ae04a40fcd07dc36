"""Login, logout and 「修改密码」 pages."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from webapp.core import clock
from webapp.core.auth.forms import ChangePasswordForm, LoginForm
from webapp.core.auth.permissions import login_required, public
from webapp.core.models import User
from webapp.core.services import accounts, passwords, sessions
from webapp.core.services.client import client_address
from webapp.core.services.errors import ServiceError

ADDRESS_LOCKED = (
    "本机所在地址登录失败次数过多，已暂时锁定，请稍后再试或联系安全管理员。依据" + accounts.LOCK_RULE
)


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths: ``next`` must not become an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def open_session(user: User, *, now: datetime) -> None:
    """A fresh session for ``user`` under their current generation (whatever the browser held before is
    dropped, so a session id planted before login is worthless)."""
    session.clear()
    # the CSRF secret went with the old session: forget the token cached for this request (Flask-WTF caches it
    # on ``g``), so the next form is signed with the new session's secret
    g.pop("csrf_token", None)
    login_user(user, remember=False)  # Flask-Login's own remember cookie is never used
    session.update(sessions.session_values(user, now=now))


@public
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        outcome = accounts.attempt_login(
            form.username.data or "", form.password.data or "", address=client_address()
        )
        if outcome.status == "address_locked":
            form.password.errors.append(ADDRESS_LOCKED)
            return render_template("auth/login.html", form=form), 429
        if outcome.user is None:
            form.password.errors.append(accounts.REFUSED_LOGIN)
        else:
            user = outcome.user
            open_session(user, now=clock.wall_now())
            if form.remember.data:
                g.kaoping_remember = accounts.remember(user)
            if outcome.password_expired:
                return redirect(url_for("auth.password"))  # the page's banner says why
            flash(f"欢迎，{user.display_name}。", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@login_required
def logout() -> Response:
    """Ends every session and remember cookie of the person, not only this browser's."""
    accounts.record_logout(current_user.id)
    logout_user()
    session.clear()
    g.pop("csrf_token", None)  # signed with the cleared session's secret
    g.kaoping_remember = None
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@login_required
def change_password() -> Response | str:
    """The person changes their own password: the old one, the new one twice. Their other sessions end."""
    form = ChangePasswordForm()
    rules = passwords.policy()
    expired = passwords.is_expired(current_user, now=clock.wall_now(), rules=rules)
    if form.validate_on_submit():
        try:
            user = accounts.change_own_password(
                current_user.id, form.old_password.data or "", form.password.data or ""
            )
        except ServiceError as exc:
            field = getattr(form, exc.field or "", None) or form.password
            field.errors = [*field.errors, exc.message]
        else:
            open_session(user, now=clock.wall_now())
            g.kaoping_remember = None  # the generation rose: this browser's remember token is gone too
            flash("密码已修改。其他设备上的登录、记住登录和 API 令牌已全部作废。", "success")
            return redirect(url_for("main.home"))
    return render_template(
        "auth/password.html",
        form=form,
        requirements=passwords.requirements_text(rules),
        history=rules.password_history,
        expired=passwords.expiry_message(current_user, rules) if expired else "",
    )
