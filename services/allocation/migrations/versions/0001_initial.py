"""Platform tables, projects and units.

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
        "projects",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("programme", sa.String(30), nullable=False),
        sa.Column("supply_mode", sa.String(30), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("project_id", sa.String(40), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("building", sa.String(40), nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("floor", sa.Integer(), nullable=False),
        sa.Column("rooms", sa.Integer(), nullable=False),
        sa.Column("area_tenths", sa.Integer(), nullable=False),
        sa.Column("beds", sa.Integer(), nullable=False),
        sa.Column("rent_fen", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("accessible", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.UniqueConstraint("project_id", "building", "number", name="uq_unit_number"),
    )
    op.create_index("ix_units_project_id", "units", ["project_id"])


def downgrade():
    op.drop_table("units")
    op.drop_table("projects")
    drop_platform_tables(op)
