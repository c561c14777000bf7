"""Pool departures (issue 18): a withdrawal or revocation that overtook its approval is kept,
so the late approval enters the pool already departed instead of making the application
active. Existing withdrawn and revoked entries are copied in, so a redelivered approval
finds them too.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from services.common.tables import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pool_departures",
        sa.Column("application_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("departed_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    departures = sa.table("pool_departures", sa.column("application_id"), sa.column("status"),
                          sa.column("departed_on", sa.Date()), sa.column("recorded_at", UtcDateTime()))
    entries = sa.table("pool_entries", sa.column("application_id"), sa.column("status"),
                       sa.column("updated_at", UtcDateTime()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(entries.c.application_id, entries.c.status, entries.c.updated_at)
                        .where(entries.c.status.in_(["withdrawn", "revoked"]))).all()
    # The departure day is not kept on the entry; the day it was last changed (UTC) stands in.
    if rows:
        bind.execute(departures.insert(), [{"application_id": a, "status": st, "departed_on": at.date(),
                                            "recorded_at": at} for a, st, at in rows])

def downgrade():
    op.drop_table("pool_departures")
