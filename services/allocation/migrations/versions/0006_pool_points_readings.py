"""Pool points in any order of arrival (issue 18): an ``application.points_changed`` that
overtook its ``application.approved`` was ignored (the application was not in the pool yet), and
a late older change overwrote a newer one. The entry now records which statement its points are
(``points_as_of``, ``points_from_change``; see domain/readings.py) and a change for an
application not approved here yet waits in ``pool_early_points`` for its approval.

Existing entries keep ``points_as_of`` NULL, read as their approved_at: any change stated after
the approval is newer, as it is.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from services.common.tables import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pool_entries") as batch:
        batch.add_column(sa.Column("points_as_of", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("points_from_change", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "pool_early_points",
        sa.Column("application_id", sa.String(64), primary_key=True),
        sa.Column("points_tenths", sa.Integer(), nullable=False),
        sa.Column("priority_groups", sa.Text(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("as_of", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )


def downgrade():
    op.drop_table("pool_early_points")
    with op.batch_alter_table("pool_entries") as batch:
        batch.drop_column("points_from_change")
        batch.drop_column("points_as_of")
