"""article_offices.records_revision: raised at every commit that changes a record the ledger reads, so the live
ledger's cache is keyed by one index probe instead of counts over an office's whole history (issue 12).

Revision ID: 0018_office_records_revision
Revises: 0017_password_must_change
Create Date: 2026-12-02 13:20:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_office_records_revision"
down_revision = "0017_password_must_change"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("article_offices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("records_revision", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("article_offices", schema=None) as batch_op:
        batch_op.drop_column("records_revision")
