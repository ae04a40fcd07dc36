"""scale (issue 12), articles and campaigns: the indexes the ledger's and the lists' queries need at province
scale (three years of information work: 600,000 articles, 700,000 adoptions).

Revision ID: 0011_scale_articles
Revises: 0010_scale
Create Date: 2026-12-02 01:30:00

Each index is there because a query's plan showed a scan without it (EXPLAIN QUERY PLAN on a generated province):
- ``articles (office_id, submitted_on)``: the ledger's submissions per unit and day of a period
  (`ledger.records`) scanned every article of the office (1.2 s on 60,000 articles; 0.08 s with it).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_scale_articles"
down_revision = "0010_scale"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index("ix_articles_office_submitted_on", ["office_id", "submitted_on"], unique=False)


def downgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_office_submitted_on")
