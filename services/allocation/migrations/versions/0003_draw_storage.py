"""Draw storage: the waitlist becomes a column of its round; pending-announcement index;
PostgreSQL storage settings for units and the round's large text columns.

- ``rounds.waitlist`` (JSON array of application ids, rank order) replaces the ``waitlist``
  table: a 200,000-applicant draw wrote ~150,000 rows by COPY (0.46 s) that only waitlist
  promotion ever read, in order, for one round. Existing rows are carried over both ways.
- ``ix_offers_pending_announce`` becomes ``(round_id, id) WHERE announced_at IS NULL``: the
  announcer's ``WHERE announced_at IS NULL ORDER BY round_id, id LIMIT 500`` is then an
  ordered index range instead of a scan and sort of every pending offer per batch, and
  announced offers leave the index.
- ``ix_pool_entries_inactive``: ``pool_entries (programme) WHERE status <> 'active'``, for the
  draw's "who left the pool since it was frozen" (a scan of 200,000 entries, 0.08 s, before).
- PostgreSQL only: ``units`` fillfactor 50, so that a draw's ``status``/``vacant_since``
  UPDATE of (nearly) every unit finds room on the same page and is HOT (no index entries);
  at 70 only ~40 % of a full-stock update was HOT. ALTER TABLE ... SET (fillfactor) applies
  to pages written from now on: an existing database gets it for its current rows after a
  ``VACUUM FULL units`` (not run here: it cannot run inside the migration's transaction and
  locks the table).
- PostgreSQL 14+ built with lz4: ``rounds.snapshot``, ``units_snapshot``, ``results`` and
  ``waitlist`` are compressed with lz4 instead of pglz (writing the 6 MB results of a
  200,000 draw: 0.19 s → 0.05 s). Applies to values written from now on.

Revision ID: 0003
Revises: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PENDING = "announced_at IS NULL"
INACTIVE = "status <> 'active'"
LZ4_COLUMNS = ("snapshot", "units_snapshot", "results", "waitlist")


def _lz4_available(bind) -> bool:
    if bind.dialect.name != "postgresql" or bind.dialect.server_version_info < (14,):
        return False
    return bool(bind.execute(sa.text(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")).scalar())


def upgrade():
    bind = op.get_bind()
    op.add_column("rounds", sa.Column("waitlist", sa.Text(), nullable=True))
    by_round: dict[str, list[str]] = {}
    for round_id, application_id in bind.execute(sa.text(
            "SELECT round_id, application_id FROM waitlist ORDER BY round_id, rank")):
        by_round.setdefault(round_id, []).append(application_id)
    for round_id, ids in by_round.items():
        bind.execute(sa.text("UPDATE rounds SET waitlist = :w WHERE id = :id"),
                     {"w": json.dumps(ids, ensure_ascii=False, separators=(",", ":")), "id": round_id})
    op.drop_table("waitlist")

    op.drop_index("ix_offers_pending_announce", table_name="offers")
    op.create_index("ix_offers_pending_announce", "offers", ["round_id", "id"],
                    sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))
    op.create_index("ix_pool_entries_inactive", "pool_entries", ["programme"],
                    sqlite_where=sa.text(INACTIVE), postgresql_where=sa.text(INACTIVE))

    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE units SET (fillfactor = 50)")
        if _lz4_available(bind):
            for column in LZ4_COLUMNS:
                op.execute(f"ALTER TABLE rounds ALTER COLUMN {column} SET COMPRESSION lz4")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        if _lz4_available(bind):
            for column in LZ4_COLUMNS:
                op.execute(f"ALTER TABLE rounds ALTER COLUMN {column} SET COMPRESSION default")
        op.execute("ALTER TABLE units RESET (fillfactor)")

    op.drop_index("ix_pool_entries_inactive", table_name="pool_entries")
    op.drop_index("ix_offers_pending_announce", table_name="offers")
    op.create_index("ix_offers_pending_announce", "offers", ["announced_at", "round_id"])

    waitlist = op.create_table(
        "waitlist",
        sa.Column("round_id", sa.String(36), primary_key=True),
        sa.Column("rank", sa.Integer(), primary_key=True),
        sa.Column("application_id", sa.String(64), nullable=False),
    )
    for round_id, text in bind.execute(sa.text("SELECT id, waitlist FROM rounds WHERE waitlist IS NOT NULL")):
        rows = [{"round_id": round_id, "rank": k, "application_id": a}
                for k, a in enumerate(json.loads(text), start=1)]
        if rows:
            op.bulk_insert(waitlist, rows)
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("waitlist")
