"""Relief review levels (issue 15): each case keeps the approval policy version it was assessed
under and every level's decision (pass / return for correction / reject, reviewer, reason).
Cases opened before keep version "1" (the thresholds then in force) and the decisions the
audit trail cannot give back start empty.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("relief_cases") as batch:
        batch.add_column(sa.Column("policy_version", sa.String(20), nullable=False, server_default="1"))
        batch.add_column(sa.Column("reviews", sa.JSON, nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("relief_cases") as batch:
        batch.drop_column("reviews")
        batch.drop_column("policy_version")
