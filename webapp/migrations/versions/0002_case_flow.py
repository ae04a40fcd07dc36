"""case flow: forwarder and summary bureaus, notice close and decision dates, letter and certificate numbers

Revision ID: 0002_case_flow
Revises: 0001
Create Date: 2027-01-05 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002_case_flow"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    # batch mode: SQLite rebuilds the table; PostgreSQL gets plain ALTER TABLE statements
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forwarder_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("summary_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("notice_closed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("letter_no", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("certificate_no", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_forwarder_id"), ["forwarder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_summary_to_id"), ["summary_to_id"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_cases_letter_no"), ["letter_no"])
        batch_op.create_unique_constraint(batch_op.f("uq_cases_certificate_no"), ["certificate_no"])
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_forwarder_id_organisations"), "organisations", ["forwarder_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_summary_to_id_organisations"), "organisations", ["summary_to_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cases_summary_to_id_organisations"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_cases_forwarder_id_organisations"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_cases_certificate_no"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_cases_letter_no"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_cases_summary_to_id"))
        batch_op.drop_index(batch_op.f("ix_cases_forwarder_id"))
        batch_op.drop_column("certificate_no")
        batch_op.drop_column("letter_no")
        batch_op.drop_column("decided_on")
        batch_op.drop_column("notice_closed_on")
        batch_op.drop_column("summary_to_id")
        batch_op.drop_column("forwarder_id")
