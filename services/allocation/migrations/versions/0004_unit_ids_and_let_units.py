"""One unit id form (issue 11 item 3), and units let by an active tenancy marked occupied again
(issue 12 item 1).

- Units imported by CSV had ids ``<project>/<building>/<number>``; JSON gave
  ``<project>-<building>-<number>``, the one form from now on. An old id is rewritten only when
  that is safe: nothing refers to it (no offer, no tenancy, no round's frozen snapshot — a
  round's published digests hash its unit ids), its building and number hold nothing unsafe
  in a URL, and the new id is free and fits the column. Every other old id stays as it is and
  keeps working (the status endpoint takes the path as is or percent-encoded; GET
  /units?unit_id= finds it). Events that carried an old id (``stock.units_added``) are not
  rewritten: a consumer that kept one has a unit no offer or tenancy ever named.
- ``PUT /units/<id>/status`` could move a let unit to maintenance and back to vacant. A unit
  with an active tenancy whose status is vacant or maintenance is occupied again. (A unit that
  was then offered or reserved to someone else is left as it is: that offer needs a person's
  decision; ``open_round`` no longer takes any unit an active tenancy holds.)

Downgrade changes nothing back: both id forms and the statuses are valid for the older code.

Revision ID: 0004
Revises: 0003
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UNSAFE = set("/\\?#%")
MAX_ID = 40


def upgrade():
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE units SET status = 'occupied', vacant_since = NULL WHERE status IN ('vacant', 'maintenance') "
        "AND EXISTS (SELECT 1 FROM tenancies t WHERE t.unit_id = units.id AND t.status = 'active')"))

    frozen: set[str] = set()
    for (text,) in bind.execute(sa.text("SELECT units_snapshot FROM rounds")):
        try:
            frozen.update(json.loads(text).get("unit_id", []))
        except (TypeError, ValueError, AttributeError):
            continue
    referenced = frozen | set(bind.execute(sa.text("SELECT unit_id FROM offers")).scalars()) \
        | set(bind.execute(sa.text("SELECT unit_id FROM tenancies")).scalars())
    taken = set(bind.execute(sa.text("SELECT id FROM units")).scalars())
    rows = bind.execute(sa.text("SELECT id, project_id, building, number FROM units WHERE id LIKE '%/%'")).all()
    for old, project_id, building, number in rows:
        new = f"{project_id}-{building}-{number}"
        if (old in referenced or old != f"{project_id}/{building}/{number}" or new in taken
                or len(new) > MAX_ID or (set(building) | set(number)) & UNSAFE):
            continue
        bind.execute(sa.text("UPDATE units SET id = :new WHERE id = :old"), {"new": new, "old": old})
        taken.add(new)


def downgrade():
    pass
