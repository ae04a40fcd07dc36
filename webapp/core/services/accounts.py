"""Users, roles, passwords and API tokens."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import ROLE_LABELS, ApiToken, Organisation, Role, User, UserRole, hash_token
from webapp.core.services import passwords, person_extras, sessions, throttle, transaction
from webapp.core.services.audit import append_event, describe_changes, record_admin_change
from webapp.core.services.client import client_address
from webapp.core.services.errors import Conflict, NotFound, ServiceError
from webapp.core.services.roles import check_separation

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
#: the floor the forms check before the service applies the security policy (`passwords.check_strength`)
MIN_PASSWORD_LENGTH = 8
#: roles that only make sense at an organ, and at a bureau
ORGAN_ROLES = frozenset({Role.UNIT_APPLICANT, Role.UNIT_LEADER})
BUREAU_ROLES = frozenset({Role.BUREAU_STAFF, Role.BUREAU_HEAD})


@dataclass(frozen=True)
class UserData:
    """What a form or the CLI supplies for a user. ``roles`` None: the caller does not manage roles (the system
    administrator's form, 三员分立 — roles are the security administrator's, `set_roles`)."""

    username: str
    display_name: str
    organisation_id: int
    roles: frozenset[str] | None
    active: bool = True


def check_password_strength(password: str, user: User | None = None) -> None:
    """The security policy's password rules (`passwords.check_strength`)."""
    passwords.check_strength(password, user)


def _validate(data: UserData, user_id: int | None, roles: frozenset[str]) -> Organisation:
    """``roles``: the roles the user will hold (the given ones, or the ones kept when the caller sets none)."""
    if not USERNAME_RE.match(data.username or ""):
        raise ServiceError(
            "用户名只能使用小写字母、数字、点、下划线和连字符，2–64 位，以字母或数字开头。", field="username"
        )
    if not (data.display_name or "").strip():
        raise ServiceError("请填写姓名。", field="display_name")
    clash = db.session.scalar(sa.select(User.id).where(User.username == data.username))
    if clash is not None and clash != user_id:
        raise Conflict(f"用户名「{data.username}」已被使用。", field="username")
    org = db.session.get(Organisation, data.organisation_id)
    if org is None:
        raise ServiceError("所属单位不存在。", field="organisation_id")
    if not org.active:
        raise ServiceError(f"「{org.name}」已停用，不能添加或调整其用户。", field="organisation_id")
    if data.roles is not None and not data.roles:
        raise ServiceError("请至少选择一个角色。", field="roles")
    _validate_roles(org, roles)
    return org


def _validate_roles(org: Organisation, roles: Iterable[str]) -> None:
    unknown = set(roles) - set(ROLE_LABELS)
    if unknown:
        raise ServiceError(f"未知角色：{'、'.join(sorted(unknown))}。", field="roles")
    if org.is_bureau and set(roles) & ORGAN_ROLES:
        raise ServiceError("单位申报员、单位负责人只能设在机关（单位），不能设在档案局。", field="roles")
    if org.is_organ and set(roles) & BUREAU_ROLES:
        raise ServiceError("档案局经办人、负责人只能设在档案局。", field="roles")
    check_separation(roles)


def _set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    user.role_rows = [row for row in user.role_rows if row.role in wanted]
    have = {row.role for row in user.role_rows}
    for role in sorted(wanted - have):
        user.role_rows.append(UserRole(role=role))


def _roles_text(roles: Iterable[str]) -> str:
    return (
        "、".join(ROLE_LABELS.get(role, role) for role in sorted(roles, key=list(ROLE_LABELS).index)) or "无"
    )


def _readable(user: User) -> dict[str, str]:
    """What the admin trail says about a user (never a password or its hash)."""
    org = db.session.get(Organisation, user.organisation_id) if user.organisation_id else None
    return {
        "用户名": user.username,
        "姓名": user.display_name,
        "所属单位": org.name if org is not None else "",
        "状态": "启用" if user.active else "停用",
    }


def _record(user: User, event: str, comment: str, actor: User | None, actor_name: str) -> None:
    record_admin_change("user", user.id, event, actor=actor, actor_name=actor_name, comment=comment)


def create_user(data: UserData, password: str, *, actor: User | None = None, actor_name: str = "") -> User:
    """``actor`` None: the system or a command (``actor_name`` says which); every change here is audited."""
    roles = data.roles or frozenset()
    with transaction():
        _validate(data, None, roles)
        check_password_strength(password)
        user = User(
            username=data.username,
            display_name=data.display_name.strip(),
            organisation_id=data.organisation_id,
            active=data.active,
        )
        _set_roles(user, roles)
        db.session.add(user)
        passwords.set_password(user, password)
        db.session.flush()
        details = "；".join(f"{label}：{value}" for label, value in _readable(user).items())
        _record(
            user,
            "user_created",
            f"新建用户「{user.username}」：{details}；角色：{_roles_text(roles)}",
            actor,
            actor_name,
        )
    return user


def update_user(user_id: int, data: UserData, *, actor: User | None = None, actor_name: str = "") -> User:
    with transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound("用户不存在。")
        roles = frozenset(user.roles) if data.roles is None else data.roles
        _validate(data, user_id, roles)
        acting_user_id = actor.id if actor is not None else None
        if acting_user_id == user_id and not data.active:
            raise ServiceError("不能停用自己的账号。", field="active")
        if acting_user_id == user_id and set(roles) != user.roles:
            raise ServiceError("不能调整自己的角色。", field="roles")
        before, roles_before, was_active = _readable(user), set(user.roles), user.active
        user.username = data.username
        user.display_name = data.display_name.strip()
        user.organisation_id = data.organisation_id
        user.active = data.active
        _set_roles(user, roles)
        after = _readable(user)
        if set(roles) != roles_before or (was_active and not data.active):
            # a role change or a deactivation ends the user's sessions, remember cookies and API tokens
            sessions.bump_generation(user)
        if after != before:
            _record(
                user,
                "user_updated",
                f"修改用户「{user.username}」：{describe_changes(before, after)}",
                actor,
                actor_name,
            )
        if set(roles) != roles_before:
            _record(
                user,
                "roles_changed",
                f"调整用户「{user.username}」的角色：{_roles_text(roles_before)} → {_roles_text(roles)}",
                actor,
                actor_name,
            )
    return user


def set_roles(user_id: int, roles: Iterable[str], *, actor: User | None = None, actor_name: str = "") -> User:
    """The security administrator's one power over an account (三员分立): which roles it holds. Checked against
    the account's organisation and `roles.check_separation`; nobody changes their own roles."""
    wanted = frozenset(roles)
    with transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound("用户不存在。")
        if not wanted:
            raise ServiceError("请至少选择一个角色；不再使用的账号请由系统管理员停用。", field="roles")
        _validate_roles(user.organisation, wanted)
        if actor is not None and actor.id == user_id and wanted != user.roles:
            raise ServiceError("不能调整自己的角色。", field="roles")
        roles_before = set(user.roles)
        if wanted != roles_before:
            _set_roles(user, wanted)
            sessions.bump_generation(user)  # a role change ends the user's sessions, cookies and tokens
            _record(
                user,
                "roles_changed",
                f"调整用户「{user.username}」的角色：{_roles_text(roles_before)} → {_roles_text(wanted)}",
                actor,
                actor_name,
            )
    return user


def reset_password(user_id: int, password: str, *, actor: User | None = None, actor_name: str = "") -> User:
    with transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound("用户不存在。")
        check_password_strength(password, user)
        # The administrator knows the new password: the person must replace it at the next sign-in.
        passwords.set_password(user, password, must_change=True)
        # A reset ends every session, remember cookie and API token: whoever knew the old password may hold one.
        sessions.bump_generation(user)
        _record(
            user,
            "password_reset",
            f"重置用户「{user.username}」的密码，其会话、记住登录和 API 令牌全部作废，下次登录须本人修改密码",
            actor,
            actor_name,
        )
    return user


def set_active(user_id: int, active: bool, *, actor: User | None = None, actor_name: str = "") -> User:
    with transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound("用户不存在。")
        if not active and actor is not None and actor.id == user_id:
            raise ServiceError("不能停用自己的账号。")
        was_active = user.active
        user.active = active
        if not active and was_active:
            sessions.bump_generation(user)
        if was_active != active:
            event, verb = ("user_activated", "启用") if active else ("user_deactivated", "停用")
            _record(user, event, f"{verb}用户「{user.username}」", actor, actor_name)
    return user


# --- logging in --------------------------------------------------------------------------------------------------

#: the throttle scopes of the login lock (the security administrator's lock page lists them)
LOGIN_ACCOUNT, LOGIN_ADDRESS = "login_account", "login_address"
LOGIN_SCOPES = (LOGIN_ACCOUNT, LOGIN_ADDRESS)
#: the one answer to any refused login: it never says whether the username exists, is inactive or is locked
REFUSED_LOGIN = "用户名或密码错误，或账号已停用或暂时锁定。"
#: the rule a lock quotes (to the security administrator, in the audit trail and to a locked address)
LOCK_RULE = "等保 2.0 三级 8.1.4.1 b）：应具有登录失败处理功能，限制非法登录次数，登录连接超时自动退出"
#: subject of the audit rows about a username that does not exist
UNKNOWN_LOGIN_SUBJECT = ("login", 0)


def login_limits(rules: passwords.SecurityPolicy) -> tuple[throttle.Limit, throttle.Limit]:
    """``lock_threshold`` failures within ``lock_minutes`` lock the account, and the address, for ``lock_minutes``."""
    minutes = timedelta(minutes=rules.lock_minutes)
    return (
        throttle.Limit(LOGIN_ACCOUNT, rules.lock_threshold, minutes, minutes),
        throttle.Limit(LOGIN_ADDRESS, rules.lock_threshold, minutes, minutes),
    )


def account_key(username: str) -> str:
    """The account lock's key: the typed name casefolded, so 「Admin」 and 「admin」 share one count."""
    return (username or "").strip().casefold()


@dataclass(frozen=True)
class LoginOutcome:
    #: ``ok``; ``refused`` (any bad credential, inactive or locked account: one answer); ``address_locked``
    status: Literal["ok", "refused", "address_locked"]
    user: User | None = None
    #: the password is older than the policy allows: the person must change it before anything else
    password_expired: bool = False


def attempt_login(username: str, password: str, *, address: str, channel: str = "登录页") -> LoginOutcome:
    """One login attempt (the login page or ``POST /api/v1/tokens``), with the lock and the audit trail.

    The password is checked exactly once whether or not the username exists (against a dummy hash when it does
    not), so a refusal takes the same time either way. A refusal is committed (the counts, a lock reached,
    the ``login_failed`` row) although the login fails; an address already locked is refused before any hash
    is computed, so a flood of guesses costs the server nothing."""
    rules = passwords.policy()
    now = clock.wall_now()
    typed = (username or "").strip()
    key = account_key(typed)
    account_limit, address_limit = login_limits(rules)
    if address and throttle.locked_until(address_limit, address, now=now) is not None:
        _record_refusal(typed, None, f"{channel}：来源地址已被锁定", now=now, limits=None)
        return LoginOutcome("address_locked")
    user = db.session.scalar(sa.select(User).where(User.username == typed)) if typed else None
    password_ok = passwords.verify(user.password_hash if user is not None else None, password)
    account_locked = throttle.locked_until(account_limit, key, now=now) is not None
    if user is None or not password_ok or not user.active or account_locked:
        if user is None:
            reason = "用户名不存在"
        elif account_locked:
            reason = "账号已被锁定" + ("（密码正确）" if password_ok else "")
        elif not password_ok:
            reason = "密码错误"
        else:
            reason = "账号已停用"
        _record_refusal(typed, user, f"{channel}：{reason}", now=now, limits=(account_limit, address_limit))
        return LoginOutcome("refused")
    with transaction():
        throttle.clear(LOGIN_ACCOUNT, key)
        if rules.one_active_session:
            sessions.bump_generation(user)  # the one-active-session rule: this login ends the others
        user.last_login_at = clock.now()
        append_event("user", user.id, "login_succeeded", actor=user, comment=f"{channel}登录成功")
    return LoginOutcome("ok", user, passwords.is_expired(user, now=now, rules=rules))


def _record_refusal(
    typed: str,
    user: User | None,
    comment: str,
    *,
    now: datetime,
    limits: tuple[throttle.Limit, throttle.Limit] | None,
) -> None:
    """Count the failure (unless the address is locked already), note a lock it reaches, and audit it — committed
    on its own although the login fails. Unknown names share one trail; two of them at once may both take its
    next ``seq``, so the loser retries (never a server error for a wrong password)."""
    subject = ("user", user.id) if user is not None else UNKNOWN_LOGIN_SUBJECT
    name = typed[:64] or "（未填用户名）"
    address = client_address()
    for attempt in range(3):
        try:
            with transaction():
                if limits is not None:
                    account_limit, address_limit = limits
                    locks = []
                    hit = throttle.hit(account_limit, account_key(typed), now=now)
                    if hit.count == account_limit.limit and hit.locked(now):
                        locks.append(f"账号「{name}」")
                    if address:
                        hit = throttle.hit(address_limit, address, now=now)
                        if hit.count == address_limit.limit and hit.locked(now):
                            locks.append(f"来源地址 {address}")
                    if locks:
                        append_event(
                            *subject,
                            "login_locked",
                            actor=None,
                            actor_name=name,
                            result="failure",
                            comment=(
                                f"连续 {account_limit.limit} 次登录失败，锁定{'、'.join(locks)} "
                                f"{int(account_limit.lock.total_seconds() // 60) if account_limit.lock else 0} 分钟。"
                                f"依据{LOCK_RULE}"
                            ),
                        )
                append_event(
                    *subject, "login_failed", actor=None, actor_name=name, comment=comment, result="failure"
                )
            return
        except IntegrityError:
            if attempt == 2:
                raise


def change_own_password(user_id: int, old_password: str, new_password: str) -> User:
    """The person changes their own password (「修改密码」): the old one must be right and the new one pass the
    policy. Ends every other session, remember cookie and API token of the person (the caller re-opens the
    current session under the new generation).

    A wrong old password counts towards the account's and the address's login lock like a failed login, and a
    locked account cannot change its password either: a session left open on a shared computer must not become
    a way to guess the password."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound("用户不存在。")
    rules = passwords.policy()
    now = clock.wall_now()
    account_limit, address_limit = login_limits(rules)
    if throttle.locked_until(account_limit, account_key(user.username), now=now) is not None:
        raise ServiceError(
            f"账号因连续登录失败已被锁定，请于 {rules.lock_minutes} 分钟后再试或联系安全管理员。依据{LOCK_RULE}",
            field="old_password",
            code="locked",
        )
    if not passwords.verify(user.password_hash, old_password):
        _record_refusal(
            user.username, user, "修改密码：原密码错误", now=now, limits=(account_limit, address_limit)
        )
        raise ServiceError("原密码不正确。", field="old_password", code="invalid_input")
    with transaction():
        check_password_strength(new_password, user)
        passwords.set_password(user, new_password)
        sessions.bump_generation(user)
        append_event(
            "user",
            user.id,
            "password_changed",
            actor=user,
            comment="本人修改密码，其他会话、记住登录和 API 令牌全部作废",
        )
    return user


def record_logout(user_id: int) -> None:
    """Logout ends every session of the person (the generation rises), not only this browser's."""
    with transaction():
        user = db.session.get(User, user_id)
        if user is None:
            return
        sessions.bump_generation(user)
        append_event("user", user.id, "logout", actor=user, comment="退出登录，其全部会话和记住登录作废")


def record_session_expired(user_id: int, reason: str) -> None:
    with transaction():
        user = db.session.get(User, user_id)
        if user is not None:
            append_event("user", user.id, "session_expired", actor=None, actor_name="系统", comment=reason)


def issue_token(user: User) -> str:
    """A new bearer token for ``user``; the plain token is returned once and never stored."""
    token = "kp_" + secrets.token_urlsafe(32)
    ttl = timedelta(days=int(current_app.config.get("API_TOKEN_TTL_DAYS", 30)))
    with transaction():
        # Token expiry is security, so it runs on the wall clock, never on the demo clock.
        db.session.add(
            ApiToken(user_id=user.id, token_sha256=hash_token(token), expires_at=clock.wall_now() + ttl)
        )
    return token


def _token(extras: list[sa.ColumnElement[Any]]) -> sa.Select[Any]:
    """The token with its user, the user's roles and organisation and the values read with the person
    (`person_extras`, correlated to the joined ``users``): one statement for who is calling."""
    return (
        sa.select(ApiToken, *extras)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_sha256 == sa.bindparam("sha256"))
        .options(
            joinedload(ApiToken.user).joinedload(User.role_rows),
            joinedload(ApiToken.user).joinedload(User.organisation),
        )
    )


def user_for_token(token: str) -> User | None:
    """The active user owning this unexpired token; stamps ``last_used_at``."""
    if not token:
        return None
    loaded = person_extras.statement("bearer", _token)
    found = db.session.execute(loaded, {"sha256": hash_token(token)}).unique().first()
    if found is None:
        return None
    row, *extras = found
    wall = clock.wall_now()
    if row.expires_at <= wall or not row.user.active:
        return None
    # one write a minute per token is plenty for "last used" and keeps reads cheap
    if row.last_used_at is None or wall - row.last_used_at > timedelta(minutes=1):
        with transaction():
            row.last_used_at = wall
    person_extras.keep(row.user, extras)  # after the write: a commit forgets what the request kept
    return row.user


def login_remembered(cookie: str) -> sessions.Remembered | None:
    """A "remember me" cookie opens a session: the token rotates, the login is audited. None if refused."""
    with transaction():
        remembered = sessions.use_remember_token(cookie)
        if remembered is not None:
            if passwords.policy().one_active_session:
                # one active session: this login ends the others, but keeps the token just used (re-issued)
                sessions.bump_generation(remembered.user)
                cookie_value, expires = sessions.issue_remember_token(remembered.user)
                remembered = sessions.Remembered(remembered.user, cookie_value, expires)
            remembered.user.last_login_at = clock.now()
            append_event(
                "user",
                remembered.user.id,
                "login_succeeded",
                actor=remembered.user,
                comment="凭“记住登录”自动登录",
            )
    return remembered


def remember(user: User) -> tuple[str, datetime]:
    """A new remember token for the person who ticked 「在本机保持登录」."""
    with transaction():
        return sessions.issue_remember_token(user)
