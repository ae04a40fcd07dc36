"""scale: the organisation tree as a closure table, and the indexes the case lists need (issue 12)

Revision ID: 0010_scale
Revises: 0009_sheet_subjects
Create Date: 2026-12-02 01:00:00

`organisation_tree` holds one row per (ancestor, descendant) pair, the organisation itself at depth 0; the app
keeps it right on every insert and re-parent (mapper events in webapp/core/models/organisation.py). It is
filled here from ``organisations.parent_id`` with one recursive query (SQLite and PostgreSQL both run
WITH RECURSIVE). Indexes: ``cases (updated_at, id)`` for the lists' order, ``cases.plan_year`` for the year
filter, ``case_filings (bureau_id, filed_on)`` for a bureau's filed tab and for visibility through filings,
``organisations.kind`` so "the bureaus under X" starts from the bureaus, and ``cases (<function>_id, state)``
for the five functions a worklist asks "where this bureau acts next" about.
The downgrade drops them all.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_scale"
down_revision = "0009_sheet_subjects"
branch_labels = None
depends_on = None

#: the worklist's function columns, each indexed with the state (the models' `ACTING_COLUMNS`, copied: a
#: migration must not change when the models do)
ACTING_COLUMNS = ("forwarder", "planner", "prechecker", "organizer", "approver")

BACKFILL = """
INSERT INTO organisation_tree (ancestor_id, descendant_id, depth)
WITH RECURSIVE walk(ancestor_id, descendant_id, depth) AS (
    SELECT id, id, 0 FROM organisations
    UNION ALL
    SELECT o.parent_id, walk.descendant_id, walk.depth + 1
    FROM walk JOIN organisations o ON o.id = walk.ancestor_id
    WHERE o.parent_id IS NOT NULL AND walk.depth < 16
)
SELECT ancestor_id, descendant_id, depth FROM walk
"""


def upgrade():
    op.create_table(
        "organisation_tree",
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.Column("descendant_id", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ancestor_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_tree_ancestor_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["descendant_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_tree_descendant_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ancestor_id", "descendant_id", name=op.f("pk_organisation_tree")),
    )
    with op.batch_alter_table("organisation_tree", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_tree_descendant_id"), ["descendant_id"], unique=False)
    op.execute(BACKFILL)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_updated_at_id", ["updated_at", "id"], unique=False)
        batch_op.create_index("ix_cases_plan_year", ["plan_year"], unique=False)
        for name in ACTING_COLUMNS:
            batch_op.create_index(f"ix_cases_{name}_state", [f"{name}_id", "state"], unique=False)
    with op.batch_alter_table("case_filings", schema=None) as batch_op:
        batch_op.create_index("ix_case_filings_bureau_filed", ["bureau_id", "filed_on"], unique=False)
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index("ix_organisations_kind", ["kind"], unique=False)


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_organisations_kind")
    with op.batch_alter_table("case_filings", schema=None) as batch_op:
        batch_op.drop_index("ix_case_filings_bureau_filed")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_plan_year")
        for name in ACTING_COLUMNS:
            batch_op.drop_index(f"ix_cases_{name}_state")
        batch_op.drop_index("ix_cases_updated_at_id")
    with op.batch_alter_table("organisation_tree", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_tree_descendant_id"))
    op.drop_table("organisation_tree")
