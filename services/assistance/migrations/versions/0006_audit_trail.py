"""The audit trail (审计留痕, issue 15 capability 8): every state change of a household or a
relief case, append-only — UPDATE and DELETE refused by the database (PostgreSQL: a statement
trigger; SQLite: the triggers of services/assistance/models.py, same text).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "audit_entries_no_update": """
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    "audit_entries_no_delete": """
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
}

PG_TRIGGERS = [
    """
CREATE FUNCTION assistance_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only (% on %)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'check_violation';
END $$""",
    """
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH STATEMENT EXECUTE FUNCTION assistance_audit_append_only()""",
]

PG_DROP = [
    "DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries",
    "DROP FUNCTION IF EXISTS assistance_audit_append_only()",
]


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
    )
    op.create_index("ix_audit_entries_entity", "audit_entries", ["entity", "entity_id", "id"])
    op.create_index("ix_audit_entries_actor", "audit_entries", ["actor"])
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"])
    if op.get_bind().dialect.name == "postgresql":
        for sql in PG_TRIGGERS:
            op.execute(sql.strip())
    else:
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql.strip())


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for sql in PG_DROP:
            op.execute(sql)
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("audit_entries")
