"""Separation of duties (三员分立, 等保 2.0 GB/T 22239-2019 level 3, 8.1.4.2 / 8.1.10.2 访问控制与集中管控):
the system administrator, the security administrator and the auditor are three different people, and none of
them acts in a procedure.

- ``sys_admin`` keeps organisations and user accounts (create, edit, deactivate, reset a password), never roles;
- ``security_admin`` grants and withdraws roles, lifts locks and sets the security policy;
- ``auditor`` reads and exports the audit trail, nothing else.

An account holds at most one of the three and then no other role; the account services call
`check_separation` on every create and every role change, and migration 0016 split the accounts that held two.
"""

from __future__ import annotations

from collections.abc import Iterable

from webapp.core.models import ADMIN_ROLES, ROLE_LABELS
from webapp.core.services.errors import ServiceError

#: Quoted whenever a combination is refused.
SEPARATION_RULE = "依据等保 2.0（GB/T 22239—2019）三员分立：系统管理员、安全管理员、审计员须由不同账号担任，且不得兼任业务角色"


def _label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def check_separation(roles: Iterable[str]) -> None:
    """Refuse a set of roles that puts two administrators, or an administrator and a business role, on one
    account (``ServiceError`` on the form's ``roles`` field, code ``separation_of_duties``)."""
    wanted = set(roles)
    admins = sorted(wanted & ADMIN_ROLES, key=list(ROLE_LABELS).index)
    if not admins:
        return
    if len(admins) > 1:
        held = "、".join(_label(role) for role in admins)
        raise ServiceError(
            f"{held}不能由同一账号兼任。{SEPARATION_RULE}。", code="separation_of_duties", field="roles"
        )
    order = list(ROLE_LABELS)
    others = sorted(wanted - ADMIN_ROLES, key=lambda role: order.index(role) if role in order else len(order))
    if others:
        raise ServiceError(
            f"{_label(admins[0])}不能同时担任{'、'.join(_label(role) for role in others)}。{SEPARATION_RULE}。",
            code="separation_of_duties",
            field="roles",
        )


__all__ = ["ADMIN_ROLES", "SEPARATION_RULE", "check_separation"]
