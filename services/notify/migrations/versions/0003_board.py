"""The board's notices get their period (first and last day), their facts as JSON and the
place to file an objection; the staff digest's items and runs.

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
    op.create_table(
        "digest_items",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("queue", sa.String(40), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digested_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("event_id", "queue", name="uq_digest_items_event_queue"),
    )
    op.create_index("ix_digest_items_queue", "digest_items", ["queue"])
    op.create_table(
        "digest_runs",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("digest_runs")
    op.drop_table("digest_items")
    with op.batch_alter_table("public_notices") as batch:
        for name in ("objection_url", "content", "end_on", "start_on"):
            batch.drop_column(name)
