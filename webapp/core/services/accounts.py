"""Users, roles, passwords and API tokens."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import ROLE_LABELS, ApiToken, Organisation, Role, User, UserRole, hash_token
from webapp.core.services import transaction
from webapp.core.services.audit import describe_changes, record_admin_change
from webapp.core.services.errors import Conflict, NotFound, ServiceError
from webapp.core.services.roles import check_separation

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
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


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"密码至少 {MIN_PASSWORD_LENGTH} 位。", field="password")


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
        user.set_password(password, method=_hash_method())
        _set_roles(user, roles)
        db.session.add(user)
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
        before, roles_before = _readable(user), set(user.roles)
        user.username = data.username
        user.display_name = data.display_name.strip()
        user.organisation_id = data.organisation_id
        user.active = data.active
        _set_roles(user, roles)
        after = _readable(user)
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
        check_password_strength(password)
        user.set_password(password, method=_hash_method())
        # A reset also revokes the user's API tokens: whoever knew the old password may have made one.
        db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))
        _record(
            user,
            "password_reset",
            f"重置用户「{user.username}」的密码，其 API 令牌全部作废",
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
        if not active:
            db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))
        if was_active != active:
            event, verb = ("user_activated", "启用") if active else ("user_deactivated", "停用")
            _record(user, event, f"{verb}用户「{user.username}」", actor, actor_name)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, else None (same answer for unknown user and bad password)."""
    user = db.session.scalar(sa.select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active or not user.check_password(password or ""):
        return None
    return user


def record_login(user: User) -> None:
    with transaction():
        user.last_login_at = clock.now()


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


def user_for_token(token: str) -> User | None:
    """The active user owning this unexpired token; stamps ``last_used_at``."""
    if not token:
        return None
    user = joinedload(ApiToken.user)  # with its roles and organisation: one statement for who is calling
    row = (
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.token_sha256 == hash_token(token))
            .options(user.joinedload(User.role_rows), user.joinedload(User.organisation))
        )
        .unique()
        .first()
    )
    wall = clock.wall_now()
    if row is None or row.expires_at <= wall or not row.user.active:
        return None
    # one write a minute per token is plenty for "last used" and keeps reads cheap
    if row.last_used_at is None or wall - row.last_used_at > timedelta(minutes=1):
        with transaction():
            row.last_used_at = wall
    return row.user
