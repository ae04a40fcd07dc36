"""Login and logout pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from webapp.core.auth.forms import LoginForm
from webapp.core.auth.permissions import login_required, public
from webapp.core.services import accounts


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths: ``next`` must not become an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@public
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data or "", form.password.data or "")
        if user is None:
            form.password.errors.append("用户名或密码错误，或账号已停用。")
        else:
            login_user(user, remember=bool(form.remember.data))
            accounts.record_login(user)
            flash(f"欢迎，{user.display_name}。", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@login_required
def logout() -> Response:
    logout_user()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))
