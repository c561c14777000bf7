"""The board's notices get their period (first and last day), their facts as JSON and the
place to file an objection.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("public_notices") as batch:
        batch.add_column(sa.Column("start_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("end_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("content", sa.Text(), nullable=True))
        batch.add_column(sa.Column("objection_url", sa.String(300), nullable=True))


def downgrade():
    with op.batch_alter_table("public_notices") as batch:
        for name in ("objection_url", "content", "end_on", "start_on"):
            batch.drop_column(name)
