"""bureau_cases_revisions: one counter per bureau, raised at every commit that changes a case the bureau or a bureau
below it names (a function column, a filing) or the bureau's yearly summary, so the counts its pages show are read
once per change (issue 12: a city's worklist counted up to a thousand cases of its counties on every view). A
bureau's row is made by its first raise; no row reads as 0, so the table starts empty.

Revision ID: 0021_bureau_cases_revisions
Revises: 0020_campaign_standing_revision
Create Date: 2026-12-03 01:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_bureau_cases_revisions"
down_revision = "0020_campaign_standing_revision"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bureau_cases_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["id"],
            ["organisations.id"],
            name=op.f("fk_bureau_cases_revisions_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureau_cases_revisions")),
    )


def downgrade():
    op.drop_table("bureau_cases_revisions")
