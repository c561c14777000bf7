"""Relief cases approved by amount, yearly budgets per kind, referrals on rent arrears, and a
household's closing (issue 15).

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
    with op.batch_alter_table("hardship_households") as batch:
        batch.add_column(sa.Column("closed_reason", sa.String(30), nullable=True))
        batch.add_column(sa.Column("closed_note", sa.String(500), nullable=True))
        batch.add_column(sa.Column("closed_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "relief_cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), sa.ForeignKey("hardship_households.id"), nullable=False),
        sa.Column("person_ref", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("total_fen", sa.BigInteger, nullable=False),
        sa.Column("from_month", sa.String(7), nullable=True),
        sa.Column("months", sa.Integer, nullable=True),
        sa.Column("items", sa.JSON, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("duplicate_key", sa.String(120), nullable=True, unique=True),
        sa.Column("source_ref", sa.String(80), nullable=True, unique=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("approvals_needed", sa.Integer, nullable=False),
        sa.Column("approvers", sa.JSON, nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(500), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_relief_cases_household_id", "relief_cases", ["household_id"])
    op.create_index("ix_relief_cases_person_ref", "relief_cases", ["person_ref"])
    op.create_index("ix_relief_cases_kind", "relief_cases", ["kind"])
    op.create_index("ix_relief_cases_status", "relief_cases", ["status"])
    op.create_index("ix_relief_cases_requested_at", "relief_cases", ["requested_at"])
    op.create_table(
        "relief_budgets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("total_fen", sa.BigInteger, nullable=False),
        sa.Column("used_fen", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("year", "kind", name="uq_relief_budgets_year_kind"),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), sa.ForeignKey("hardship_households.id"), nullable=False),
        sa.Column("person_ref", sa.String(40), nullable=False),
        sa.Column("tenancy_id", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("days_overdue", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("tenancy_id", "period", name="uq_referrals_tenancy_period"),
    )
    op.create_index("ix_referrals_household_id", "referrals", ["household_id"])
    op.create_index("ix_referrals_status", "referrals", ["status"])
    op.create_index("ix_referrals_opened_at", "referrals", ["opened_at"])


def downgrade():
    op.drop_table("referrals")
    op.drop_table("relief_budgets")
    op.drop_table("relief_cases")
    with op.batch_alter_table("hardship_households") as batch:
        for column in ("closed_at", "closed_by", "closed_note", "closed_reason"):
            batch.drop_column(column)
