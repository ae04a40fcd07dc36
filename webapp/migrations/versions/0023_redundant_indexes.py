"""redundant_indexes: drop the 21 indexes that are the leading part of another index or unique constraint of
their table (issue 12). Both databases answer a lookup on those columns from the wider index (a bureau's cases as
planner from ``(planner_id, state)``, an article's adoptions from the ledger's covering index, a foreign key's
check on delete likewise), so no query needs them; every insert, and every update that moves the row, wrote them
too. A case's transition updates the row's state, day and version: 21 indexes of ``cases`` were written, 5 of them
such copies. ``tests/webapp/test_indexes.py`` keeps a new one from coming back.

Revision ID: 0023_redundant_indexes
Revises: 0022_ledger_covering_indexes
Create Date: 2026-12-05 20:40:00
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_redundant_indexes"
down_revision = "0022_ledger_covering_indexes"
branch_labels = None
depends_on = None


#: (table, column) of each index dropped; each was ``ix_<table>_<column>`` on that one column
DROPPED = (
    ("article_adoptions", "article_id"),  # ix_article_adoptions_ledger_rows begins with it
    ("article_adoptions", "office_id"),  # ix_article_adoptions_ledger_window
    ("article_commission_targets", "commission_id"),  # uq_article_commission_targets
    ("article_issues", "publication_id"),  # uq_article_issues_number, uq_article_issues_total
    ("article_office_units", "office_id"),  # uq_article_office_units
    ("article_publications", "office_id"),  # uq_article_publications_code
    ("article_revisions", "article_id"),  # uq_article_revisions_no
    ("article_terms", "office_id"),  # uq_article_terms_code
    ("articles", "office_id"),  # ix_articles_office_submitted, ix_articles_queue
    ("articles", "unit_id"),  # ix_articles_unit_state
    ("campaign_assessors", "campaign_id"),  # uq_campaign_assessors_user
    ("campaign_units", "campaign_id"),  # uq_campaign_units_unit
    ("cases", "approver_id"),  # ix_cases_approver_state, ix_cases_approver_decided
    ("cases", "forwarder_id"),  # ix_cases_forwarder_state
    ("cases", "organizer_id"),  # ix_cases_organizer_state
    ("cases", "planner_id"),  # ix_cases_planner_state
    ("cases", "prechecker_id"),  # ix_cases_prechecker_state
    ("ledger_periods", "office_id"),  # uq_ledger_periods_period
    ("panel_members", "case_id"),  # uq_panel_members_case_user
    ("scheme_versions", "scheme_id"),  # uq_scheme_versions_scheme_version
    ("summary_submissions", "bureau_id"),  # uq_summary_submissions_bureau_year
)


def upgrade():
    for table, column in DROPPED:
        op.drop_index(f"ix_{table}_{column}", table_name=table)


def downgrade():
    for table, column in reversed(DROPPED):
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
