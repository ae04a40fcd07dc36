"""throttles: counters of attempts per scope and key, for the login lock and the objection limits (issue 13).

Revision ID: 0013_throttles
Revises: 0012_scale_pages
Create Date: 2026-12-02 04:45:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_throttles"
down_revision = "0012_scale_pages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "throttles",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_throttles")),
    )
    with op.batch_alter_table("throttles", schema=None) as batch_op:
        batch_op.create_index("ix_throttles_locked_until", ["locked_until"], unique=False)


def downgrade():
    with op.batch_alter_table("throttles", schema=None) as batch_op:
        batch_op.drop_index("ix_throttles_locked_until")
    op.drop_table("throttles")
