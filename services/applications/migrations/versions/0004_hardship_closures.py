"""Closed hardship households, remembered so a late hardship.registered cannot reinstate one.

Existing statuses whose category is NULL were closed: their households are recorded as closed.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from services.common.tables import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hardship_closures",
        sa.Column("household_id", sa.String(36), primary_key=True),
        sa.Column("person_ref", sa.String(40), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_hardship_closures_person_ref", "hardship_closures", ["person_ref"])
    op.execute("INSERT INTO hardship_closures (household_id, person_ref, closed_at) "
               "SELECT household_id, person_ref, updated_at FROM hardship_status "
               "WHERE category IS NULL AND household_id <> ''")


def downgrade() -> None:
    op.drop_index("ix_hardship_closures_person_ref", table_name="hardship_closures")
    op.drop_table("hardship_closures")
