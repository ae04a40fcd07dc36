"""features: state_since and review_date on cases, panel conflict declarations, spot-check findings, summaries
submitted to the province

Revision ID: 0004_features
Revises: 0004_uploads
Create Date: 2027-01-06 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_features"
down_revision = "0004_uploads"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state_since", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("review_date", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_state_since"), ["state_since"], unique=False)
    # Existing cases: the best known day they entered their state is their last update. Done row by row in
    # Python because no CAST to DATE means the same on SQLite (numeric affinity) and PostgreSQL.
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("state_since", sa.Date()),
    )
    bind = op.get_bind()
    for case_id, updated_at in bind.execute(sa.select(cases.c.id, cases.c.updated_at)).all():
        if updated_at is not None:
            bind.execute(cases.update().where(cases.c.id == case_id).values(state_since=updated_at.date()))

    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declaration", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("declaration_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("declared_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_panel_members_declaration"),
            "declaration IS NULL OR declaration IN ('none', 'conflict')",
        )

    op.create_table(
        "spot_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('no_issue', 'issues_found', 'rectify')", name=op.f("ck_spot_checks_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_spot_checks_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["organisations.id"], name=op.f("fk_spot_checks_bureau_id_organisations")
        ),
        sa.ForeignKeyConstraint(["checked_by_id"], ["users.id"], name=op.f("fk_spot_checks_checked_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_checks")),
    )
    with op.batch_alter_table("spot_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spot_checks_case_id"), ["case_id"], unique=False)

    op.create_table(
        "summary_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["organisations.id"], name=op.f("fk_summary_submissions_bureau_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_summary_submissions_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_submissions")),
        sa.UniqueConstraint("bureau_id", "year", name="uq_summary_submissions_bureau_year"),
    )
    with op.batch_alter_table("summary_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_summary_submissions_bureau_id"), ["bureau_id"], unique=False)


def downgrade():
    with op.batch_alter_table("summary_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_summary_submissions_bureau_id"))
    op.drop_table("summary_submissions")
    with op.batch_alter_table("spot_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spot_checks_case_id"))
    op.drop_table("spot_checks")
    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_panel_members_declaration"), type_="check")
        batch_op.drop_column("declared_at")
        batch_op.drop_column("declaration_note")
        batch_op.drop_column("declaration")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_state_since"))
        batch_op.drop_column("review_date")
        batch_op.drop_column("state_since")
