"""Union housing loans (工会安居贷): products, loans, their transactions and overdue notices.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from services.common.tables import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "loan_products",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("annual_rate", sa.String(20), nullable=False),
        sa.Column("subsidy_share", sa.String(20), nullable=False),
        sa.Column("max_amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("terms", sa.String(200), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("penalty_rate", sa.String(20), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("allocation_order", sa.String(40), nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.Column("set_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "loans",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("product_code", sa.String(40), sa.ForeignKey("loan_products.code"), nullable=False),
        sa.Column("person_ref", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("annual_rate", sa.String(20), nullable=False),
        sa.Column("subsidy_share", sa.String(20), nullable=False),
        sa.Column("penalty_rate", sa.String(20), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("allocation_order", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("applied_by", sa.String(200), nullable=False),
        sa.Column("applied_at", UtcDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("decision_reason", sa.String(500), nullable=True),
        sa.Column("disbursed_on", sa.Date(), nullable=True),
        sa.Column("disbursement_entry_id", sa.String(36), nullable=True),
        sa.Column("settled_on", sa.Date(), nullable=True),
        *(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0") for name in (
            "booked_interest_fen", "booked_subsidy_fen", "booked_penalty_fen", "booked_principal_paid_fen",
            "booked_charges_paid_fen", "received_fen")),
    )
    op.create_index("ix_loans_person_ref", "loans", ["person_ref"])
    op.create_index("ix_loans_status", "loans", ["status"])
    op.create_table(
        "loan_transactions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("loan_id", sa.String(36), sa.ForeignKey("loans.id"), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("option", sa.String(20), nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_loan_transactions_loan_id", "loan_transactions", ["loan_id"])
    op.create_table(
        "loan_overdue_notices",
        sa.Column("loan_id", sa.String(36), primary_key=True),
        sa.Column("instalment", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("threshold_days", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("sent_at", UtcDateTime(), nullable=False),
    )


def downgrade():
    op.drop_table("loan_overdue_notices")
    op.drop_index("ix_loan_transactions_loan_id", table_name="loan_transactions")
    op.drop_table("loan_transactions")
    op.drop_index("ix_loans_status", table_name="loans")
    op.drop_index("ix_loans_person_ref", table_name="loans")
    op.drop_table("loans")
    op.drop_table("loan_products")
