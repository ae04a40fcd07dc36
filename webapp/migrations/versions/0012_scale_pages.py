"""scale pages: the index grading's single pages need at province scale (issue 12).

Revision ID: 0012_scale_pages
Revises: 0011_scale_articles (set to 0009_sheet_subjects on the i12-pages branch; the lead relinks the chain
0010_scale → 0011_scale_articles → 0012_scale_pages at merge)
Create Date: 2026-12-02 01:50:00

``ix_cases_approver_decided (approver_id, decided_on)``: the 12月20日 summary selects a city's approvals of one
year (``approver_id IN (the city and its county bureaus) AND decided_on BETWEEN …``). Without it SQLite walks
``ix_cases_state`` over every approved case of the province (36,000 of 60,000 generated cases) to keep 1,260;
with it the plan is ``SEARCH cases USING INDEX ix_cases_approver_decided (approver_id=? AND decided_on>? AND
decided_on<?)``. (A (state, notice_start) index for the public notices was measured and did not help: the
notice states are few rows under ``ix_cases_state``; not added.)
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_scale_pages"
down_revision = "0011_scale_articles"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_approver_decided", ["approver_id", "decided_on"], unique=False)


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_approver_decided")
