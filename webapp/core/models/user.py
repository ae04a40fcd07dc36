"""People, their roles at their organisation, and API tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now

if TYPE_CHECKING:
    from webapp.core.models.organisation import Organisation


class Role(StrEnum):
    UNIT_APPLICANT = "unit_applicant"
    UNIT_LEADER = "unit_leader"
    BUREAU_STAFF = "bureau_staff"
    BUREAU_HEAD = "bureau_head"
    REVIEWER = "reviewer"
    SYS_ADMIN = "sys_admin"
    SECURITY_ADMIN = "security_admin"
    AUDITOR = "auditor"
    # information articles (信息稿件报送): at a unit, and at an office that receives articles
    INFO_OFFICER = "info_officer"
    INFO_SIGNER = "info_signer"
    OFFICE_EDITOR = "office_editor"
    OFFICE_HEAD = "office_head"
    INFO_READER = "info_reader"
    # periodic assessment campaigns (考评活动): the office that runs them, its assessment team, the units assessed
    CAMPAIGN_STAFF = "campaign_staff"
    CAMPAIGN_HEAD = "campaign_head"
    ASSESSOR = "assessor"
    CAMPAIGN_UNIT = "campaign_unit"


#: The one place role names are translated.
ROLE_LABELS: dict[str, str] = {
    Role.UNIT_APPLICANT: "单位申报员",
    Role.UNIT_LEADER: "单位负责人",
    Role.BUREAU_STAFF: "档案局经办人",
    Role.BUREAU_HEAD: "档案局负责人",
    Role.REVIEWER: "评审专家",
    Role.SYS_ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDITOR: "审计员",
    Role.INFO_OFFICER: "信息员",
    Role.INFO_SIGNER: "信息分管领导",
    Role.OFFICE_EDITOR: "信息编辑",
    Role.OFFICE_HEAD: "信息科负责人",
    Role.INFO_READER: "领导阅览",
    Role.CAMPAIGN_STAFF: "考评办经办人",
    Role.CAMPAIGN_HEAD: "考评办负责人",
    Role.ASSESSOR: "考评组成员",
    Role.CAMPAIGN_UNIT: "被考评单位填报人",
}

#: The three administrators of 等保 2.0's 三员分立 (webapp/core/services/roles.py): an account holds at most one
#: of them and then no other role, and none of them acts in a case, an article or a campaign.
ADMIN_ROLES: frozenset[str] = frozenset({Role.SYS_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(64))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: every session, remember cookie and API token carries the generation it was made under; raising it
    #: (logout, password change or reset, deactivation, role change) ends them all at once
    session_generation: Mapped[int] = mapped_column(default=1, server_default="1")
    #: when the password was last set by a person (None: set before the policy existed, never forced)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: set by an administrator's reset: the person must choose their own password at the next sign-in
    password_must_change: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    organisation: Mapped[Organisation] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserRole.role"
    )

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    # Flask-Login reads is_active; deactivated users can neither log in nor use a session they still hold.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        """True if the user holds any of ``roles``."""
        return not self.roles.isdisjoint(roles)

    @property
    def role_labels(self) -> list[str]:
        """The labels of the roles held, in the labels' order; a stored role the system no longer knows (a
        database not yet migrated, a hand edit) is neither shown nor allowed to break a page."""
        held = self.roles
        return [label for role, label in ROLE_LABELS.items() if role in held]


def acting(user: User) -> User:
    """The person itself when handed Flask-Login's ``current_user`` (a proxy that looks the person up in the
    request context at every attribute read, ~2 µs each). A case page read the person's roles and organisation
    through it some 300 times: 0.8 ms of its 10 (issue 12). Services that read the person often call this once on
    entry; anything else (a `User`, the anonymous user) is returned as it is."""
    unwrap = getattr(user, "_get_current_object", None)
    return unwrap() if callable(unwrap) else user


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, so a database leak does not leak usable tokens."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
