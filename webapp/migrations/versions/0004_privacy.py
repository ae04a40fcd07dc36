"""privacy: reference-number sequences, one-time objection submission keys, bureau contact for notices

Revision ID: 0004_privacy
Revises: 0003_scoring
Create Date: 2027-01-05 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_privacy"
down_revision = "0003_scoring"
branch_labels = None
depends_on = None


def upgrade():
    # Counters start empty: the first number of a (series, year) is seeded from the highest one already
    # stored (webapp.services.sequences), so existing references are never handed out again.
    op.create_table(
        "sequences",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", "year", name=op.f("pk_sequences")),
    )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_objections_submission_key"), ["submission_key"])
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("address")
        batch_op.drop_column("contact_phone")
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_objections_submission_key"), type_="unique")
        batch_op.drop_column("submission_key")
    op.drop_table("sequences")
