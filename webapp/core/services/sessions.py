"""Sessions: the per-user session generation, the idle and absolute limits, and our own "remember me" tokens.

A browser session stores the user's ``_gen`` (generation) when it is made; `bump_generation` raises the user's
generation and deletes their remember tokens and API tokens, which ends every session, cookie and token of the
user at once (logout, password change or reset, deactivation, role change). ``_auth_at`` (when the person logged
in) and ``_seen`` (their last request) are UTC epoch seconds checked on every request against the policy's
absolute lifetime and idle timeout. All of it runs on the machine's clock (`clock.wall_now`): a demo date must not
stretch or cut short a session.

The remember cookie is ``selector:validator``: the selector finds the row, the validator is compared by its
SHA-256 in constant time, and every use replaces the validator (a stolen cookie works once at most, and its
legitimate owner's next use then fails and is logged out). Flask-Login's own remember cookie is never used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import ApiToken, RememberToken, User
from webapp.core.services.passwords import SecurityPolicy

REMEMBER_COOKIE = "kaoping_remember"
REMEMBER_DAYS = 14
#: session keys this module owns
GEN, AUTH_AT, SEEN = "_gen", "_auth_at", "_seen"
#: ``_seen`` is rewritten at most this often (not on every request: the cookie need not change each time)
SEEN_GRANULARITY = 60


def bump_generation(user: User) -> None:
    """End every session, remember cookie and API token of ``user``. Inside the caller's transaction."""
    user.session_generation = (user.session_generation or 1) + 1
    db.session.execute(sa.delete(RememberToken).where(RememberToken.user_id == user.id))
    db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def session_values(user: User, *, now: datetime) -> dict[str, int]:
    """What a new session of ``user`` stores besides Flask-Login's ``_user_id``."""
    return {GEN: user.session_generation, AUTH_AT: epoch(now), SEEN: epoch(now)}


@dataclass(frozen=True)
class SessionCheck:
    ok: bool
    #: why it ended, in Chinese, for the audit row and the flash message
    reason: str = ""


def check_session(values: dict[str, object], rules: SecurityPolicy, *, now: datetime) -> SessionCheck:
    """Is a session with these values still within the idle timeout and the absolute lifetime?"""
    auth_at, seen = values.get(AUTH_AT), values.get(SEEN)
    if not isinstance(auth_at, int) or not isinstance(seen, int):
        return SessionCheck(False, "会话缺少登录时间，须重新登录")
    current = epoch(now)
    if current - seen > rules.session_idle_minutes * 60:
        return SessionCheck(False, f"超过 {rules.session_idle_minutes} 分钟无操作，会话已超时")
    if current - auth_at > rules.session_absolute_hours * 3600:
        return SessionCheck(False, f"登录已超过 {rules.session_absolute_hours} 小时，会话已到期")
    return SessionCheck(True)


# --- remember me ----------------------------------------------------------------------------------------------


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def issue_remember_token(user: User, *, now: datetime | None = None) -> tuple[str, datetime]:
    """A new remember token for ``user``: (cookie value, expiry). Inside the caller's transaction."""
    now = now or clock.wall_now()
    selector, validator = secrets.token_hex(12), secrets.token_urlsafe(32)
    expires = now + timedelta(days=REMEMBER_DAYS)
    db.session.add(
        RememberToken(
            user_id=user.id, selector=selector, validator_sha256=_sha256(validator), expires_at=expires
        )
    )
    return f"{selector}:{validator}", expires


@dataclass(frozen=True)
class Remembered:
    user: User
    #: the rotated cookie value and its (unchanged) expiry
    cookie: str
    expires_at: datetime


def use_remember_token(cookie: str, *, now: datetime | None = None) -> Remembered | None:
    """The active user the cookie belongs to, with a new validator for the cookie; None for anything else
    (malformed, unknown, wrong validator, expired, inactive user). Inside the caller's transaction: a wrong
    validator for a known selector deletes that token (the cookie was copied and used elsewhere)."""
    now = now or clock.wall_now()
    selector, sep, validator = (cookie or "").partition(":")
    if not sep or not selector or not validator or len(selector) > 32 or len(validator) > 128:
        return None
    row = db.session.scalar(sa.select(RememberToken).where(RememberToken.selector == selector))
    if row is None:
        return None
    if not hmac.compare_digest(row.validator_sha256, _sha256(validator)) or row.expires_at <= now:
        db.session.delete(row)
        return None
    user = db.session.get(
        User, row.user_id, options=[joinedload(User.role_rows), joinedload(User.organisation)]
    )
    if user is None or not user.active:
        db.session.delete(row)
        return None
    fresh = secrets.token_urlsafe(32)
    row.validator_sha256 = _sha256(fresh)
    return Remembered(user, f"{selector}:{fresh}", row.expires_at)


def forget_remember_token(cookie: str) -> None:
    """Delete the token a cookie names (inside the caller's transaction)."""
    selector = (cookie or "").partition(":")[0]
    if selector:
        db.session.execute(sa.delete(RememberToken).where(RememberToken.selector == selector[:32]))


def forget_expired(*, now: datetime) -> int:
    """Expired remember tokens (the daily tick may call this; they are refused anyway)."""
    result = db.session.execute(sa.delete(RememberToken).where(RememberToken.expires_at <= now))
    return int(result.rowcount or 0)
