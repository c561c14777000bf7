"""The registry's yearly re-verification (who verified, when, the evidence, the next review
date and whose queue it is in) and moving in (回迁入住: offered / accepted / moved in, from
allocation's events, and the reason staff record for a household not moved in). Households
registered before are due a year after registration, in their registering officer's queue.

Revision ID: 0008
Revises: 0007
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = [
    ("next_review_on", sa.Date), ("review_officer", sa.String(200)), ("verified_by", sa.String(200)),
    ("verified_at", sa.DateTime(timezone=True)), ("evidence", sa.JSON), ("housing_stage", sa.String(20)),
    ("housing_unit_id", sa.String(64)), ("housing_stage_at", sa.DateTime(timezone=True)),
    ("not_moved_in_reason", sa.String(500)), ("not_moved_in_reason_by", sa.String(200)),
]


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def upgrade():
    with op.batch_alter_table("hardship_households") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_index("ix_hardship_households_next_review_on", "hardship_households", ["next_review_on"])
    op.create_index("ix_hardship_households_review_officer", "hardship_households", ["review_officer"])
    op.create_index("ix_hardship_households_housing_stage", "hardship_households", ["housing_stage"])
    t = sa.table("hardship_households", sa.column("id", sa.String), sa.column("registered_by", sa.String),
                 sa.column("registered_at", sa.DateTime(timezone=True)), sa.column("next_review_on", sa.Date),
                 sa.column("review_officer", sa.String))
    bind = op.get_bind()
    for row in bind.execute(sa.select(t.c.id, t.c.registered_by, t.c.registered_at)).all():
        registered = row.registered_at if not isinstance(row.registered_at, str) else \
            date.fromisoformat(row.registered_at[:10])
        day = registered.date() if hasattr(registered, "date") else registered
        bind.execute(t.update().where(t.c.id == row.id).values(next_review_on=_a_year_after(day),
                                                                review_officer=row.registered_by))


def downgrade():
    op.drop_index("ix_hardship_households_housing_stage", table_name="hardship_households")
    op.drop_index("ix_hardship_households_review_officer", table_name="hardship_households")
    op.drop_index("ix_hardship_households_next_review_on", table_name="hardship_households")
    with op.batch_alter_table("hardship_households") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
