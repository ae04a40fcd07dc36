"""sheet subjects: a score sheet belongs to a subject of a procedure (subject_type, subject_id), no longer only to
a case — the second procedure with sheets (periodic assessment campaigns, issue 11) scores campaign units.

Revision ID: 0009_sheet_subjects
Revises: 0008_campaigns
Create Date: 2026-12-08 10:00:00

`score_sheets.case_id` becomes `subject_id` without its foreign key (a subject may be a campaign unit); the
existing rows are grading's and take subject_type 'case'. Cases are never deleted (no code path deletes one),
so the dropped ON DELETE CASCADE removed no behaviour. The downgrade keeps only the 'case' rows.
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0009_sheet_subjects"
down_revision = "0008_campaigns"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.drop_constraint("fk_score_sheets_case_id_cases", type_="foreignkey")
        batch_op.drop_constraint("uq_score_sheets_case_slot", type_="unique")
        batch_op.drop_index("ix_score_sheets_case_id")
        batch_op.alter_column("case_id", new_column_name="subject_id", existing_type=sa.Integer(), nullable=False)
        batch_op.add_column(
            sa.Column("subject_type", sa.String(length=20), nullable=False, server_default="case")
        )
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_score_sheets_subject_slot", ["subject_type", "subject_id", "slot"]
        )
        batch_op.create_index("ix_score_sheets_subject", ["subject_type", "subject_id"], unique=False)


def downgrade():
    op.execute(sa.text("DELETE FROM score_sheets WHERE subject_type <> 'case'"))
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.drop_index("ix_score_sheets_subject")
        batch_op.drop_constraint("uq_score_sheets_subject_slot", type_="unique")
        batch_op.drop_column("subject_type")
        batch_op.alter_column("subject_id", new_column_name="case_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_score_sheets_case_id_cases", "cases", ["case_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_unique_constraint("uq_score_sheets_case_slot", ["case_id", "slot"])
        batch_op.create_index("ix_score_sheets_case_id", ["case_id"], unique=False)
