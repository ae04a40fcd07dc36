"""scoring: scheme versions (shipped or imported, one active per ruleset) and score sheets per case

Revision ID: 0003_scoring
Revises: 0002_case_flow
Create Date: 2027-01-05 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_scoring"
down_revision = "0002_case_flow"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheme_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.String(length=60), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("toml_text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("active_for", sa.String(length=40), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activated_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("validation", sa.JSON(), nullable=False),
        sa.CheckConstraint("source IN ('shipped', 'imported')", name=op.f("ck_scheme_versions_source")),
        sa.ForeignKeyConstraint(
            ["activated_by_id"], ["users.id"], name=op.f("fk_scheme_versions_activated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_scheme_versions_imported_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_versions")),
        sa.UniqueConstraint("active_for", name=op.f("uq_scheme_versions_active_for")),
        sa.UniqueConstraint("scheme_id", "version", name="uq_scheme_versions_scheme_version"),
    )
    with op.batch_alter_table("scheme_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheme_versions_scheme_id"), ["scheme_id"], unique=False)

    op.create_table(
        "score_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("slot", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("scheme_id", sa.String(length=60), nullable=False),
        sa.Column("scheme_version", sa.String(length=20), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("total", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('self', 'reviewer', 'agreed')", name=op.f("ck_score_sheets_kind")),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f("ck_score_sheets_status")),
        sa.CheckConstraint(
            "(kind = 'reviewer' AND reviewer_id IS NOT NULL) OR (kind <> 'reviewer' AND reviewer_id IS NULL)",
            name=op.f("ck_score_sheets_reviewer_matches_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_score_sheets_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_score_sheets_reviewer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_score_sheets_submitted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_score_sheets_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheets")),
        sa.UniqueConstraint("case_id", "slot", name="uq_score_sheets_case_slot"),
    )
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_sheets_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_sheets_reviewer_id"), ["reviewer_id"], unique=False)


def downgrade():
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_sheets_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_score_sheets_case_id"))
    op.drop_table("score_sheets")
    with op.batch_alter_table("scheme_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheme_versions_scheme_id"))
    op.drop_table("scheme_versions")
