"""ledger_covering_indexes: the ledger's read of a period answered from indexes alone (issue 12). A province-year
read every adoption row and article row it touched: 150,000 adoptions of the window's articles, 110,000 articles
sent in. Measured on the generated province (SQLite, the statements alone): the window's articles 0.8-1.0 s →
0.1 s, the adoptions with their units 1.6-1.7 s → 0.7-0.9 s, the submissions per unit and month 0.8-1.0 s → 0.45 s.
The submissions' index replaces 0011's ``(office_id, submitted_on)``, whose columns it begins with.

Revision ID: 0022_ledger_covering_indexes
Revises: 0021_bureau_cases_revisions
Create Date: 2026-12-03 18:00:00
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_ledger_covering_indexes"
down_revision = "0021_bureau_cases_revisions"
branch_labels = None
depends_on = None


#: (name, table, columns) of the indexes this migration adds
ADDED = (
    (
        "ix_article_adoptions_ledger_window",
        "article_adoptions",
        ["office_id", "adopted_on", "article_id", "cancelled_at"],
    ),
    (
        "ix_article_adoptions_ledger_rows",
        "article_adoptions",
        [
            "article_id",
            "office_id",
            "cancelled_at",
            "publication_id",
            "class_code",
            "form_code",
            "adopted_on",
        ],
    ),
    ("ix_articles_office_submitted", "articles", ["office_id", "submitted_on", "unit_id", "deleted_at"]),
)
REPLACED = ("ix_articles_office_submitted_on", "articles", ["office_id", "submitted_on"])


def upgrade():
    for name, table, columns in ADDED:
        op.create_index(name, table, columns, unique=False)
    op.drop_index(REPLACED[0], table_name=REPLACED[1])


def downgrade():
    op.create_index(REPLACED[0], REPLACED[1], REPLACED[2], unique=False)
    for name, table, _ in reversed(ADDED):
        op.drop_index(name, table_name=table)
