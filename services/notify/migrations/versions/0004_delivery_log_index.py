"""The delivery log's order (created_at, id), indexed: a page walked by cursor starts where the
last one ended instead of sorting every delivery (GET /deliveries?after=).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_deliveries_log", "deliveries", ["created_at", "id"])


def downgrade():
    op.drop_index("ix_deliveries_log", table_name="deliveries")
