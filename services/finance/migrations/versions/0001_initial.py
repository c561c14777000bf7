"""Platform tables and fund receipts.

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
        "fund_receipts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False, unique=True),
        sa.Column("received_on", sa.String(10), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("fund_receipts")
    drop_platform_tables(op)
