"""campaigns.standing_revision: raised at every commit that changes a campaign's units or their score sheets, so
a campaign's progress and live ranking are read once per change and shared by the pages that show them (issue 12:
the moderation page of a 400-unit campaign read its 400 units and 1,600 sheets and ranked them on every view).

Revision ID: 0020_campaign_standing_revision
Revises: 0019_covering_indexes
Create Date: 2026-12-02 18:05:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_campaign_standing_revision"
down_revision = "0019_covering_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("standing_revision", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("standing_revision")
