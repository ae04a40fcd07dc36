"""The security policy (password rules, the login lock, session limits) and everything about passwords: checking
one against the policy and the user's history, setting it, verifying it in the same time whether or not the
account exists, and whether it is too old.

The policy lives in the ``settings`` table (keys `SECURITY_POLICY_KEYS`), edited by the security administrator on
「安全策略」; unset keys take the defaults of `SecurityPolicy` (等保 2.0 三级 8.1.4.1 身份鉴别).
"""

from __future__ import annotations

import secrets
import string
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import PasswordHistory, SettingKV, User
from webapp.core.models.setting import SECURITY_POLICY_KEYS, forget_request_settings, request_settings
from webapp.core.services.audit import SETTINGS_SUBJECT, append_event
from webapp.core.services.errors import ServiceError

#: the rule every password refusal quotes
PASSWORD_RULE = "等保 2.0 三级 8.1.4.1 a）：口令应具有复杂度要求并定期更换"


@dataclass(frozen=True)
class SecurityPolicy:
    password_min_length: int = 10
    #: how many of the four classes (upper case, lower case, digits, symbols) a password must mix
    password_classes: int = 3
    #: the last N passwords (the current one included) cannot be chosen again; 0: no history check
    password_history: int = 5
    #: a password older than this must be changed before anything else; 0: never forced
    password_max_age_days: int = 90
    lock_threshold: int = 5
    lock_minutes: int = 15
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    #: when on, a new login ends the user's other sessions, remember cookies and API tokens
    one_active_session: bool = False


@dataclass(frozen=True)
class Bound:
    label: str
    low: int
    high: int
    unit: str


#: what the security administrator may set, in range (the form and the service both check)
BOUNDS: dict[str, Bound] = {
    "password_min_length": Bound("密码最短长度", 8, 64, "位"),
    "password_classes": Bound("密码须包含的字符种类", 1, 4, "种"),
    "password_history": Bound("不得与前几次密码相同", 0, 24, "次"),
    "password_max_age_days": Bound("密码最长使用期限", 0, 365, "天"),
    "lock_threshold": Bound("连续登录失败锁定次数", 3, 10, "次"),
    "lock_minutes": Bound("锁定时长", 5, 1440, "分钟"),
    "session_idle_minutes": Bound("会话空闲超时", 5, 480, "分钟"),
    "session_absolute_hours": Bound("会话最长有效期", 1, 72, "小时"),
}
POLICY_LABELS: dict[str, str] = {key: bound.label for key, bound in BOUNDS.items()} | {
    "one_active_session": "同一账号只允许一处登录"
}
assert set(POLICY_LABELS) == set(SECURITY_POLICY_KEYS)


def _parse(raw: dict[str, str]) -> SecurityPolicy:
    """The stored values over the defaults; a stored value out of range or unreadable keeps its default (nothing
    stored can weaken the policy below its bounds or break a page)."""
    values: dict[str, int | bool] = {}
    for field in fields(SecurityPolicy):
        text = raw.get(field.name)
        if text is None:
            continue
        if field.name == "one_active_session":
            values[field.name] = text.strip().lower() in {"1", "true", "yes"}
            continue
        try:
            number = int(text)
        except ValueError:
            continue
        bound = BOUNDS[field.name]
        if bound.low <= number <= bound.high:
            values[field.name] = number
    return SecurityPolicy(**values)  # type: ignore[arg-type]


def policy() -> SecurityPolicy:
    """The policy in force (read with the request's other settings: no statement of its own on a page)."""
    return _parse(request_settings())


def save_policy(new: SecurityPolicy, *, actor: User) -> SecurityPolicy:
    """Store the policy (range-checked) and audit what changed (``policy_changed`` on the settings subject).
    Inside the caller's transaction."""
    for key, bound in BOUNDS.items():
        value = getattr(new, key)
        if not isinstance(value, int) or not bound.low <= value <= bound.high:
            raise ServiceError(
                f"{bound.label}应在 {bound.low}–{bound.high} {bound.unit}之间。",
                field=key,
                code="invalid_input",
            )
    old = policy()
    changed: list[str] = []
    stored = {
        row.key: row for row in db.session.scalars(sa.select(SettingKV).where(SettingKV.key.in_(BOUNDS)))
    }
    stored |= {
        row.key: row
        for row in db.session.scalars(sa.select(SettingKV).where(SettingKV.key == "one_active_session"))
    }
    for key, value in asdict(new).items():
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        if key in stored:
            stored[key].value = text
        else:
            db.session.add(SettingKV(key=key, value=text))
        before = getattr(old, key)
        if before != value:
            changed.append(f"{POLICY_LABELS[key]}：{_readable(key, before)} → {_readable(key, value)}")
    db.session.flush()
    forget_request_settings()
    if changed:
        append_event(
            *SETTINGS_SUBJECT, "policy_changed", actor=actor, comment="修改安全策略：" + "；".join(changed)
        )
    return new


def _readable(key: str, value: int | bool) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value == 0 and key in {"password_history", "password_max_age_days"}:
        return "不限"
    return f"{value} {BOUNDS[key].unit}"


# --- checking and setting a password --------------------------------------------------------------------------

_CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c in string.digits),
    ("符号", lambda c: not c.isalnum()),
)


def requirements_text(rules: SecurityPolicy | None = None) -> str:
    rules = rules or policy()
    names = "、".join(name for name, _ in _CLASSES)
    return f"至少 {rules.password_min_length} 位，须包含{names}中的至少 {rules.password_classes} 种"


def check_strength(password: str, user: User | None = None, *, rules: SecurityPolicy | None = None) -> None:
    """Refuse a password the policy does not allow (length, classes, the user's recent passwords)."""
    rules = rules or policy()
    password = password or ""
    if len(password) > 256:
        raise ServiceError("密码不能超过 256 位。", field="password", code="invalid_input")
    kinds = sum(1 for _, is_kind in _CLASSES if any(is_kind(c) for c in password))
    if len(password) < rules.password_min_length or kinds < rules.password_classes:
        raise ServiceError(
            f"密码不符合安全策略：{requirements_text(rules)}。依据{PASSWORD_RULE}",
            field="password",
            code="invalid_input",
        )
    if user is not None and user.id is not None and rules.password_history > 0:
        recent = db.session.scalars(
            sa.select(PasswordHistory.password_hash)
            .where(PasswordHistory.user_id == user.id)
            .order_by(PasswordHistory.id.desc())
            .limit(rules.password_history)
        ).all()
        if any(check_password_hash(old, password) for old in [user.password_hash, *recent] if old):
            raise ServiceError(
                f"新密码不能与最近 {rules.password_history} 次使用过的密码相同。依据{PASSWORD_RULE}",
                field="password",
                code="invalid_input",
            )


def hash_method() -> str:
    return str(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def set_password(user: User, password: str, *, must_change: bool = False) -> None:
    """Set the password (already checked), stamp its age and keep it in the history. ``must_change``: set by
    an administrator, so the person must replace it at the next sign-in. Inside a transaction."""
    user.set_password(password, method=hash_method())
    user.password_changed_at = clock.wall_now()
    user.password_must_change = must_change
    if user.id is None:
        db.session.flush()
    db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))


def is_expired(user: User, *, now: datetime, rules: SecurityPolicy | None = None) -> bool:
    """The person must change the password before anything else: an administrator set it, or it is older than
    the policy allows."""
    if user.password_must_change:
        return True
    rules = rules or policy()
    if rules.password_max_age_days <= 0 or user.password_changed_at is None:
        return False
    return now - user.password_changed_at > timedelta(days=rules.password_max_age_days)


def expiry_message(user: User, rules: SecurityPolicy | None = None, *, then: str = "才能继续使用系统") -> str:
    """Why the person must change the password now (the page's banner, the flash, the API's refusal)."""
    if user.password_must_change:
        return (
            f"您的密码由管理员重置，须先在「修改密码」中改为只有您本人知道的密码{then}。依据{PASSWORD_RULE}"
        )
    days = (rules or policy()).password_max_age_days
    return f"您的密码已超过 {days} 天未更换，须先在「修改密码」中修改{then}。依据{PASSWORD_RULE}"


#: method → a hash of a random password nobody knows, made once per process
_DUMMY_HASHES: dict[str, str] = {}


def dummy_hash() -> str:
    method = hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(24), method=method)
    return _DUMMY_HASHES[method]


def verify(password_hash: str | None, password: str) -> bool:
    """The one place a login checks a password. For an unknown user the caller passes ``None`` and the password
    is checked against `dummy_hash` all the same, so a refusal takes as long whether or not the name exists."""
    if not password_hash:
        check_password_hash(dummy_hash(), password or "")
        return False
    return check_password_hash(password_hash, password or "")
