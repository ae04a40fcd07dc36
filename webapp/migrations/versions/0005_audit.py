"""audit: one hash-chained trail for every subject (cases, users, organisations, settings), not only cases

Revision ID: 0005_audit
Revises: 0004_sheets
Create Date: 2027-01-12 12:00:00

Upgrade moves every ``case_events`` row into ``audit_events`` as subject ("case", case_id), keeping its seq,
prev_hash and hash untouched: a case's rows are hashed with the same ``case_id`` key as before
(``AuditEvent.canonical_payload``), so every chain still verifies and nothing is re-hashed. Downgrade moves the
case rows back the same way; rows about other subjects (admin changes) have no table before this revision and
are dropped by a downgrade — say so before running one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_audit"
down_revision = "0004_sheets"
branch_labels = None
depends_on = None

#: the columns both tables share, copied as they are
SHARED = (
    "seq, actor_user_id, actor_name, actor_org_id, actor_org_name, at, event, from_state, to_state, comment,"
    " rule_id, ruleset_id, prev_hash, hash"
)


def _common_columns() -> list[sa.Column]:
    return [
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("actor_org_id", sa.Integer(), nullable=True),
        sa.Column("actor_org_name", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=48), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=True),
        sa.Column("to_state", sa.String(length=32), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.String(length=24), nullable=True),
        sa.Column("ruleset_id", sa.String(length=40), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        *_common_columns(),
        sa.ForeignKeyConstraint(
            ["actor_org_id"], ["organisations.id"], name=op.f("fk_audit_events_actor_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(["actor_user_id"], ["users.id"], name=op.f("fk_audit_events_actor_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("subject_type", "subject_id", "seq", name="uq_audit_events_subject_seq"),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_events_hash")),
    )
    # in id order, so the new ids keep the order the rows were written in
    op.execute(
        f"INSERT INTO audit_events (subject_type, subject_id, {SHARED})"
        f" SELECT 'case', case_id, {SHARED} FROM case_events ORDER BY id"
    )
    op.drop_table("case_events")


def downgrade() -> None:
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        *_common_columns(),
        sa.ForeignKeyConstraint(
            ["actor_org_id"], ["organisations.id"], name=op.f("fk_case_events_actor_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(["actor_user_id"], ["users.id"], name=op.f("fk_case_events_actor_user_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
        sa.UniqueConstraint("case_id", "seq", name="uq_case_events_case_seq"),
        sa.UniqueConstraint("hash", name=op.f("uq_case_events_hash")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)
    op.execute(
        f"INSERT INTO case_events (case_id, {SHARED})"
        f" SELECT subject_id, {SHARED} FROM audit_events WHERE subject_type = 'case' ORDER BY id"
    )
    op.drop_table("audit_events")
