"""users.password_must_change: an administrator's reset makes the person choose their own password at the next
sign-in (issue 13, 等保 2.0 三级 8.1.4.1 a).

Revision ID: 0017_password_must_change
Revises: 0014_auth
Create Date: 2026-12-02 08:10:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_password_must_change"
down_revision = "0014_auth"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("password_must_change", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_must_change")
