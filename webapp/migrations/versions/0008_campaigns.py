"""campaigns: the third procedure (issue 11) — campaigns, their units, assessment teams, evidence and claims.

Revision ID: 0008_campaigns
Revises: 0007_ledger
Create Date: 2026-12-01 22:00:46.802620

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_campaigns"
down_revision = "0007_ledger"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("scheme_id", sa.String(length=60), nullable=False),
        sa.Column("scheme_version", sa.String(length=20), nullable=False),
        sa.Column("preset", sa.String(length=60), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("self_due", sa.Date(), nullable=True),
        sa.Column("materials_due", sa.Date(), nullable=True),
        sa.Column("inspection_from", sa.Date(), nullable=True),
        sa.Column("inspection_to", sa.Date(), nullable=True),
        sa.Column("results_due", sa.Date(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("bulletin_number", sa.String(length=40), nullable=False),
        sa.Column("bulletin_title", sa.String(length=120), nullable=False),
        sa.Column("bulletin_text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "period_kind IN ('month', 'quarter', 'half', 'year')", name=op.f("ck_campaigns_period_kind")
        ),
        sa.CheckConstraint(
            "state IN ('draft', 'self_assessment', 'assessment', 'moderation', 'approval', 'approved', 'published', 'cancelled')",
            name=op.f("ck_campaigns_state"),
        ),
        sa.CheckConstraint("period_start <= period_end", name=op.f("ck_campaigns_period_order")),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_campaigns_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_campaigns_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["organisations.id"], name=op.f("fk_campaigns_office_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["campaigns.id"], name=op.f("fk_campaigns_previous_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_campaigns_published_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaigns_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_state"), ["state"], unique=False)

    op.create_table(
        "campaign_assessors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lead", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_assessors_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_campaign_assessors_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_assessors")),
        sa.UniqueConstraint("campaign_id", "user_id", name="uq_campaign_assessors_user"),
    )
    with op.batch_alter_table("campaign_assessors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_assessors_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_assessors_user_id"), ["user_id"], unique=False)

    op.create_table(
        "campaign_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("group", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("vetoed", sa.Boolean(), nullable=False),
        sa.Column("veto_reason", sa.String(length=500), nullable=False),
        sa.Column("judged_fail", sa.Boolean(), nullable=False),
        sa.Column("fail_reason", sa.String(length=500), nullable=False),
        sa.Column("recognition", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_units_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_campaign_units_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_units")),
        sa.UniqueConstraint("campaign_id", "organisation_id", name="uq_campaign_units_unit"),
    )
    with op.batch_alter_table("campaign_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_units_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_campaign_units_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "campaign_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("content", sa.String(length=300), nullable=False),
        sa.Column("content_key", sa.String(length=60), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("points", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("declared", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('performance', 'fault')", name=op.f("ck_campaign_claims_kind")),
        sa.CheckConstraint(
            "status IN ('pending', 'verified', 'rejected')", name=op.f("ck_campaign_claims_status")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_unit_id"],
            ["campaign_units.id"],
            name=op.f("fk_campaign_claims_campaign_unit_id_campaign_units"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_campaign_claims_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["users.id"], name=op.f("fk_campaign_claims_verified_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_claims")),
    )
    with op.batch_alter_table("campaign_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_claims_campaign_unit_id"), ["campaign_unit_id"], unique=False
        )

    op.create_table(
        "campaign_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("dated", sa.Date(), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("stored_filename", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_unit_id"],
            ["campaign_units.id"],
            name=op.f("fk_campaign_evidence_campaign_unit_id_campaign_units"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_campaign_evidence_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_evidence")),
        sa.UniqueConstraint("stored_filename", name=op.f("uq_campaign_evidence_stored_filename")),
    )
    with op.batch_alter_table("campaign_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_evidence_campaign_unit_id"), ["campaign_unit_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("campaign_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_evidence_campaign_unit_id"))

    op.drop_table("campaign_evidence")
    with op.batch_alter_table("campaign_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_claims_campaign_unit_id"))

    op.drop_table("campaign_claims")
    with op.batch_alter_table("campaign_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_units_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_units_campaign_id"))

    op.drop_table("campaign_units")
    with op.batch_alter_table("campaign_assessors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_assessors_user_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_assessors_campaign_id"))

    op.drop_table("campaign_assessors")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_state"))
        batch_op.drop_index(batch_op.f("ix_campaigns_series_id"))
        batch_op.drop_index(batch_op.f("ix_campaigns_office_id"))

    op.drop_table("campaigns")
