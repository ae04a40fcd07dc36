"""Security administration (role ``security_admin``, 安全管理员): the login locks in force (解除锁定) and the
security policy (passwords, the lock, sessions). Routes are listed in `webapp.core.admin`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import InputRequired, Length, NumberRange

from webapp.core import clock
from webapp.core.auth.permissions import roles_required
from webapp.core.feature import NavLink
from webapp.core.forms import KaopingForm
from webapp.core.models import Role, User
from webapp.core.services import accounts, passwords, transaction
from webapp.core.services import throttle as throttles
from webapp.core.services.audit import append_event
from webapp.core.services.errors import ServiceError

security_only = roles_required(Role.SECURITY_ADMIN)
#: what the lock page calls each scope
SCOPE_LABELS = {accounts.LOGIN_ACCOUNT: "账号", accounts.LOGIN_ADDRESS: "来源地址"}
#: the page shows at most this many locks (the longest-lasting first) and says so
LOCKS_SHOWN = 200


def security_nav(user: User) -> list[NavLink]:
    """The security administrator's links in the navigation bar."""
    if not user.has_role(Role.SECURITY_ADMIN):
        return []
    return [
        NavLink("登录锁定", "admin.security_locks"),
        NavLink("安全策略", "admin.security_policy"),
    ]


class LiftForm(KaopingForm):
    scope = HiddenField(validators=[InputRequired(), Length(max=32)])
    key = HiddenField(validators=[InputRequired(), Length(max=128)])


def _policy_field(key: str) -> IntegerField:
    bound = passwords.BOUNDS[key]
    message = f"{bound.label}应在 {bound.low}–{bound.high} {bound.unit}之间。"
    return IntegerField(
        f"{bound.label}（{bound.unit}）",
        validators=[InputRequired(message), NumberRange(bound.low, bound.high, message)],
        description=f"{bound.low}–{bound.high}"
        + ("；0 表示不限" if key in {"password_history", "password_max_age_days"} else ""),
    )


class PolicyForm(KaopingForm):
    password_min_length = _policy_field("password_min_length")
    password_classes = _policy_field("password_classes")
    password_history = _policy_field("password_history")
    password_max_age_days = _policy_field("password_max_age_days")
    lock_threshold = _policy_field("lock_threshold")
    lock_minutes = _policy_field("lock_minutes")
    session_idle_minutes = _policy_field("session_idle_minutes")
    session_absolute_hours = _policy_field("session_absolute_hours")
    one_active_session = BooleanField(passwords.POLICY_LABELS["one_active_session"])


@security_only
def locks() -> str:
    """The login locks in force, per account and per address, with 解除锁定."""
    now = clock.wall_now()
    rows = throttles.active_locks(accounts.LOGIN_SCOPES, now=now, limit=LOCKS_SHOWN)
    return render_template(
        "admin/security/locks.html",
        rows=rows,
        scope_labels=SCOPE_LABELS,
        lift_form=LiftForm(),
        shown=LOCKS_SHOWN,
        rule=accounts.LOCK_RULE,
        policy=passwords.policy(),
    )


@security_only
def lift_lock() -> Response:
    form = LiftForm()
    scope = request.form.get("scope", "")
    if not form.validate_on_submit() or scope not in SCOPE_LABELS:
        flash("请求无效，请刷新页面后重试。", "danger")
        return redirect(url_for("admin.security_locks"))
    key = form.key.data or ""
    with transaction():
        lifted = throttles.lift(scope, key)
        if lifted:
            append_event(
                "settings",
                0,
                "lock_lifted",
                actor=current_user,
                comment=f"解除{SCOPE_LABELS[scope]}「{key}」的登录锁定",
            )
    if lifted:
        flash(f"已解除{SCOPE_LABELS[scope]}「{key}」的登录锁定。", "success")
    else:
        flash(f"{SCOPE_LABELS[scope]}「{key}」当前没有锁定（可能已到期）。", "info")
    return redirect(url_for("admin.security_locks"))


@security_only
def policy() -> Response | str:
    current = passwords.policy()
    form = PolicyForm(data=current.__dict__ if request.method == "GET" else None)
    if form.validate_on_submit():
        values = {key: form[key].data for key in passwords.BOUNDS}
        new = passwords.SecurityPolicy(**values, one_active_session=bool(form.one_active_session.data))
        try:
            with transaction():
                passwords.save_policy(new, actor=current_user)
        except ServiceError as exc:
            field = getattr(form, exc.field or "", None)
            if field is not None:
                field.errors = [*field.errors, exc.message]
            else:
                flash(exc.message, "danger")
        else:
            flash("安全策略已保存。", "success")
            return redirect(url_for("admin.security_policy"))
    return render_template("admin/security/policy.html", form=form)
