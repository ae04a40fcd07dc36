"""uploads: cases.deleted_at, set when an organ deletes a draft it never applied for

Revision ID: 0004_uploads
Revises: 0004_privacy
Create Date: 2027-01-06 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_uploads"
down_revision = "0004_privacy"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
