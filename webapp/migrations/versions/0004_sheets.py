"""sheets: the agreed sheet remembers which scores were pre-filled, and holds the panel's written opinion

Revision ID: 0004_sheets
Revises: 0004_features
Create Date: 2027-01-05 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_sheets"
down_revision = "0004_features"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prefilled", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("opinion", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.drop_column("opinion")
        batch_op.drop_column("prefilled")
