"""Platform tables and the public notice board.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from services.common.tables import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_platform_tables(op)
    op.create_table(
        "public_notices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_public_notices_kind", "public_notices", ["kind"])
    op.create_index("ix_public_notices_published_at", "public_notices", ["published_at"])


def downgrade():
    op.drop_table("public_notices")
    drop_platform_tables(op)
