"""Pool, rounds, offers, waitlist, tenancies, violations, complaints, satisfaction; units.vacant_since.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LIVE_OFFER = "status IN ('open', 'accepted')"
_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.add_column("units", _ts("vacant_since", nullable=True))
    op.create_table(
        "pool_entries",
        sa.Column("application_id", sa.String(64), primary_key=True),
        sa.Column("person_ref", sa.String(128), nullable=False),
        sa.Column("programme", sa.String(30), nullable=False),
        sa.Column("district", sa.String(40), nullable=False),
        sa.Column("points_tenths", sa.Integer(), nullable=False),
        sa.Column("points_policy_version", sa.Integer(), nullable=False),
        sa.Column("breakdown", sa.Text(), nullable=False),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("preferences", sa.Text(), nullable=False),
        sa.Column("priority_groups", sa.Text(), nullable=False),
        sa.Column("needs_accessible", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("declines", sa.Integer(), nullable=False),
        sa.Column("suspended_until", sa.Date(), nullable=True),
        _ts("approved_at"),
        _ts("updated_at"),
    )
    op.create_index("ix_pool_entries_person_ref", "pool_entries", ["person_ref"])
    op.create_index("ix_pool_entries_programme", "pool_entries", ["programme"])
    op.create_table(
        "rounds",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("programme", sa.String(30), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("quotas", sa.Text(), nullable=False),
        sa.Column("quota_seats", sa.Text(), nullable=False),
        sa.Column("fit_policy", sa.Text(), nullable=False),
        sa.Column("respond_days", sa.Integer(), nullable=False),
        sa.Column("secret_hex", sa.String(128), nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("public_value_source", sa.String(500), nullable=False),
        sa.Column("draw_date", sa.Date(), nullable=False),
        sa.Column("pool_size", sa.Integer(), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("units_snapshot", sa.Text(), nullable=False),
        sa.Column("snapshot_digest", sa.String(64), nullable=False),
        sa.Column("public_values", sa.Text(), nullable=True),
        sa.Column("seed_hex", sa.String(64), nullable=True),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("results_digest", sa.String(64), nullable=True),
        sa.Column("matched", sa.Integer(), nullable=True),
        sa.Column("waitlisted", sa.Integer(), nullable=True),
        _ts("opened_at"),
        _ts("drawn_at", nullable=True),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("round_id", sa.String(36), sa.ForeignKey("rounds.id"), nullable=False),
        sa.Column("application_id", sa.String(64), nullable=False),
        sa.Column("person_ref", sa.String(128), nullable=False),
        sa.Column("unit_id", sa.String(40), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("preference_index", sa.Integer(), nullable=False),
        sa.Column("seat", sa.String(30), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("offered_on", sa.Date(), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        _ts("announced_at", nullable=True),
    )
    op.create_index("ix_offers_round_id", "offers", ["round_id"])
    op.create_index("ix_offers_respond_by", "offers", ["respond_by"])
    op.create_index("ix_offers_pending_announce", "offers", ["announced_at", "round_id"])
    op.create_index("uq_offers_unit_live", "offers", ["unit_id"], unique=True,
                    sqlite_where=sa.text(LIVE_OFFER), postgresql_where=sa.text(LIVE_OFFER))
    op.create_index("uq_offers_application_live", "offers", ["application_id"], unique=True,
                    sqlite_where=sa.text(LIVE_OFFER), postgresql_where=sa.text(LIVE_OFFER))
    op.create_table(
        "waitlist",
        sa.Column("round_id", sa.String(36), primary_key=True),
        sa.Column("rank", sa.Integer(), primary_key=True),
        sa.Column("application_id", sa.String(64), nullable=False),
    )
    op.create_table(
        "tenancies",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("unit_id", sa.String(40), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("project_id", sa.String(40), nullable=False),
        sa.Column("offer_id", sa.String(36), sa.ForeignKey("offers.id"), nullable=False, unique=True),
        sa.Column("application_id", sa.String(64), nullable=False),
        sa.Column("person_ref", sa.String(128), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("rent_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("end_reason", sa.String(20), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("notice_end_on", sa.Date(), nullable=True),
        sa.Column("violation_points_tenths", sa.Integer(), nullable=False),
        sa.Column("termination_open", sa.Boolean(), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_tenancies_unit_id", "tenancies", ["unit_id"])
    op.create_index("ix_tenancies_application_id", "tenancies", ["application_id"])
    op.create_index("ix_tenancies_person_ref", "tenancies", ["person_ref"])
    op.create_index("uq_tenancies_unit_active", "tenancies", ["unit_id"], unique=True,
                    sqlite_where=sa.text("status = 'active'"),
                    postgresql_where=sa.text("status = 'active'"))
    op.create_table(
        "violations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenancy_id", sa.String(36), sa.ForeignKey("tenancies.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(7), nullable=True),
        sa.Column("points_tenths", sa.Integer(), nullable=False),
        sa.Column("total_after_tenths", sa.Integer(), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("tenancy_id", "kind", "period", name="uq_violations_period"),
    )
    op.create_index("ix_violations_tenancy_id", "violations", ["tenancy_id"])
    op.create_table(
        "complaints",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(40), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _ts("opened_at"),
        _ts("resolved_at", nullable=True),
        sa.Column("resolution", sa.String(2000), nullable=True),
    )
    op.create_index("ix_complaints_project_id", "complaints", ["project_id"])
    op.create_table(
        "satisfaction_scores",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.String(40), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_satisfaction_scores_project_id", "satisfaction_scores", ["project_id"])


def downgrade():
    op.drop_table("satisfaction_scores")
    op.drop_table("complaints")
    op.drop_table("violations")
    op.drop_table("tenancies")
    op.drop_table("waitlist")
    op.drop_table("offers")
    op.drop_table("rounds")
    op.drop_table("pool_entries")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("vacant_since")
