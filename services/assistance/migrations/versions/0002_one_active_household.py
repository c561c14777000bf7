"""One active hardship household per person (issue 11 item 6): active_person_ref holds the
person_ref while the household is active (NULL otherwise) under a unique constraint, so a
second registration — also two racing ones — is refused. Existing duplicates: the earliest
registration of a person stays active, later ones become 'merged'.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hardship_households") as batch:
        batch.add_column(sa.Column("active_person_ref", sa.String(40), nullable=True))
    op.execute("""
        UPDATE hardship_households SET status = 'merged'
        WHERE status = 'active' AND id NOT IN (
            SELECT id FROM (
                SELECT id, ROW_NUMBER() OVER (PARTITION BY person_ref ORDER BY registered_at, id) AS n
                FROM hardship_households WHERE status = 'active') AS ranked
            WHERE n = 1)
    """)
    op.execute("UPDATE hardship_households SET active_person_ref = person_ref WHERE status = 'active'")
    with op.batch_alter_table("hardship_households") as batch:
        batch.create_unique_constraint("uq_hardship_households_active_person_ref", ["active_person_ref"])
    op.create_index("ix_hardship_households_registered_at", "hardship_households", ["registered_at"])


def downgrade():
    op.drop_index("ix_hardship_households_registered_at", "hardship_households")
    with op.batch_alter_table("hardship_households") as batch:
        batch.drop_constraint("uq_hardship_households_active_person_ref", type_="unique")
        batch.drop_column("active_person_ref")
