"""Platform tables and hardship status.

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
        "hardship_status",
        sa.Column("person_ref", sa.String(40), primary_key=True),
        sa.Column("category", sa.String(30), nullable=True),
        sa.Column("household_id", sa.String(36), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("hardship_status")
    drop_platform_tables(op)
