"""ix_articles_queue replaces ix_articles_office_state: an office's articles by state, followed by the columns the
intake queue filters and sorts on, so its page of ids and its counts per state are read in the index alone. On the
generated province an office with 2,856 articles waiting took 13 ms of SQL for the queue page; 1 ms with this
index and the page read in two steps (issue 12).

Revision ID: 0020_articles_queue_index
Revises: 0019_cases_listing_index
Create Date: 2026-12-02 16:10:00
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_articles_queue_index"
down_revision = "0019_cases_listing_index"
branch_labels = None
depends_on = None

QUEUE = ["office_id", "state", "deleted_at", "submitted_on", "kind", "submitted_at", "created_at", "id"]


def upgrade():
    op.create_index("ix_articles_queue", "articles", QUEUE, unique=False)
    op.drop_index("ix_articles_office_state", table_name="articles")


def downgrade():
    op.create_index("ix_articles_office_state", "articles", ["office_id", "state"], unique=False)
    op.drop_index("ix_articles_queue", table_name="articles")
