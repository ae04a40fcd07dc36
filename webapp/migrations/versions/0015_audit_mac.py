"""audit_events: result, address and mac_version columns, an index on the date (the auditor's search); the
database refuses UPDATE and DELETE of audit rows.

Existing rows keep their unkeyed SHA-256 (``mac_version`` 0, the server default here) and are never re-hashed:
re-hashing would launder any tampering done before. Rows written from now on are HMAC-SHA256 under the audit key
kept outside the database (webapp.core.services.audit_chain). After upgrading, run ``kaoping audit checkpoint``
once: it writes the existing rows to the checkpoint file and records the last unkeyed one (docs/operations.md).

Revision ID: 0015_audit_mac
Revises: 0016_roles (0013_throttles on the i13-audit branch; relinked at merge)
Create Date: 2026-12-02 05:10:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.core.models.audit import append_only_statements

# revision identifiers, used by Alembic.
revision = "0015_audit_mac"
down_revision = "0016_roles"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", sa.String(length=16), server_default="success", nullable=False))
        batch_op.add_column(sa.Column("address", sa.String(length=64), server_default="", nullable=False))
        batch_op.add_column(sa.Column("mac_version", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index("ix_audit_events_at", ["at"], unique=False)
    connection = op.get_bind()
    for statement in append_only_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


def downgrade():
    connection = op.get_bind()
    for statement in append_only_statements(connection.dialect.name, drop=True):
        connection.exec_driver_sql(statement)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS audit_events_append_only()")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_at")
        batch_op.drop_column("mac_version")
        batch_op.drop_column("address")
        batch_op.drop_column("result")
