"""roles: separation of duties (三员分立, 等保 2.0) and the end of ``notice_editor`` (issue 13).

- ``notice_editor`` granted nothing: its rows go.
- An account that held an administrator role (sys_admin, security_admin, auditor) next to other roles is split
  the only way a migration can without inventing accounts or passwords: it keeps its business roles (the work
  in hand goes on) and loses the administrator role, which must then be given to an account of its own
  (`kaoping create-user --role …`); an account holding only administrator roles keeps the first of
  sys_admin → security_admin → auditor. The demo accounts were already one role each.

Data only: the downgrade leaves the rows as they are (the removed roles granted nothing or cannot be told apart).

Revision ID: 0016_roles
Revises: 0013_throttles
Create Date: 2026-12-02 05:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_roles"
down_revision = "0013_throttles"
branch_labels = None
depends_on = None

ADMIN_ORDER = ("sys_admin", "security_admin", "auditor")

user_roles = sa.table("user_roles", sa.column("user_id", sa.Integer), sa.column("role", sa.String))


def upgrade():
    bind = op.get_bind()
    bind.execute(sa.delete(user_roles).where(user_roles.c.role == "notice_editor"))
    held: dict[int, set[str]] = {}
    for user_id, role in bind.execute(sa.select(user_roles.c.user_id, user_roles.c.role)):
        held.setdefault(user_id, set()).add(role)
    for user_id, roles in held.items():
        admins = [role for role in ADMIN_ORDER if role in roles]
        if not admins or roles == {admins[0]}:
            continue
        keep = roles - set(ADMIN_ORDER) if roles - set(ADMIN_ORDER) else {admins[0]}
        bind.execute(
            sa.delete(user_roles).where(user_roles.c.user_id == user_id, user_roles.c.role.not_in(sorted(keep)))
        )


def downgrade():
    pass
