"""Rent: accounts per tenancy, monthly invoices (one per tenancy and month), payments, rent
reductions, tenancy ends that arrived before their start, overdue notices and billing runs.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from services.common.tables import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rent_accounts",
        sa.Column("tenancy_id", sa.String(64), primary_key=True),
        sa.Column("person_ref", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("project_id", sa.String(64), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("rent_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("invoiced_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("applied_fen", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.create_index("ix_rent_accounts_person_ref", "rent_accounts", ["person_ref"])
    op.create_index("ix_rent_accounts_status", "rent_accounts", ["status"])
    op.create_table(
        "rent_invoices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenancy_id", sa.String(64), sa.ForeignKey("rent_accounts.tenancy_id"), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("gross_fen", sa.BigInteger(), nullable=False),
        sa.Column("reduction_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("paid_off_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=True),
        sa.UniqueConstraint("tenancy_id", "month", name="uq_rent_invoices_month"),
    )
    op.create_table(
        "rent_payments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenancy_id", sa.String(64), sa.ForeignKey("rent_accounts.tenancy_id"), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False, unique=True),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
        sa.Column("reversal_entry_id", sa.String(36), nullable=True),
        sa.Column("reversal_reason", sa.String(500), nullable=True),
    )
    op.create_index("ix_rent_payments_tenancy_id", "rent_payments", ["tenancy_id"])
    op.create_table(
        "rent_reductions",
        sa.Column("relief_id", sa.String(64), primary_key=True),
        sa.Column("tenancy_id", sa.String(64), nullable=True),
        sa.Column("person_ref", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("from_month", sa.String(7), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_rent_reductions_tenancy_id", "rent_reductions", ["tenancy_id"])
    op.create_table(
        "rent_early_ends",
        sa.Column("tenancy_id", sa.String(64), primary_key=True),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "rent_overdue_notices",
        sa.Column("tenancy_id", sa.String(64), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("threshold_days", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("days_overdue", sa.Integer(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "rent_billing_runs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("invoices", sa.Integer(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_rent_billing_runs_month", "rent_billing_runs", ["month"])


def downgrade():
    op.drop_index("ix_rent_billing_runs_month", table_name="rent_billing_runs")
    op.drop_table("rent_billing_runs")
    op.drop_table("rent_overdue_notices")
    op.drop_table("rent_early_ends")
    op.drop_index("ix_rent_reductions_tenancy_id", table_name="rent_reductions")
    op.drop_table("rent_reductions")
    op.drop_index("ix_rent_payments_tenancy_id", table_name="rent_payments")
    op.drop_table("rent_payments")
    op.drop_table("rent_invoices")
    op.drop_index("ix_rent_accounts_status", table_name="rent_accounts")
    op.drop_index("ix_rent_accounts_person_ref", table_name="rent_accounts")
    op.drop_table("rent_accounts")
