"""The ledger: chart of accounts, the append-only balanced journal with its hash chain, periods,
funds (receipts into funds, project budgets, two-step disbursements) and relief payments.

The journal's guards (see services/finance/models.py): on PostgreSQL a deferred constraint
trigger (an entry has at least two lines summing to zero, checked at commit), a statement
trigger refusing lines for an entry already written, and UPDATE/DELETE refused; on SQLite the
same rules as plain triggers (the entry row, written after its lines, is checked when
inserted). Receipts recorded before the ledger existed are posted as receipt entries, in the
order they were recorded, into the chain of the district named by DISTRICT (the migration Job
runs with the service's environment; default demo).

Revision ID: 0002
Revises: 0001
"""

import os
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from services.common.tables import UtcDateTime
from services.finance.journal_guards import PG_DROP, PG_TRIGGERS, SQLITE_TRIGGERS

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("fund_receipts") as b:
        b.add_column(sa.Column("earmark", sa.String(10), nullable=False, server_default="general"))
        b.add_column(sa.Column("earmark_project_id", sa.String(40), nullable=True))
        b.add_column(sa.Column("memo", sa.String(500), nullable=False, server_default=""))
        b.add_column(sa.Column("entry_id", sa.String(36), nullable=True))
        b.add_column(sa.Column("status", sa.String(10), nullable=False, server_default="recorded"))
        b.add_column(sa.Column("reversal_entry_id", sa.String(36), nullable=True))
    op.create_index("ix_fund_receipts_earmark_project_id", "fund_receipts", ["earmark_project_id"])
    op.create_index("ix_fund_receipts_received", "fund_receipts", ["received_on", "id"])

    op.create_table(
        "accounts",
        sa.Column("code", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("normal_sign", sa.Integer(), nullable=False),
        sa.Column("no_overdraft", sa.Boolean(), nullable=False),
        sa.Column("postable", sa.Boolean(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("parent_code", sa.String(80), nullable=True),
        sa.Column("fund_source", sa.String(30), nullable=True),
        sa.Column("earmark", sa.String(10), nullable=True),
        sa.Column("project_id", sa.String(40), nullable=True),
        sa.Column("category", sa.String(40), nullable=True),
        sa.Column("held", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("normal_sign IN (1, -1)", name="ck_accounts_normal_sign"),
        sa.CheckConstraint("NOT no_overdraft OR balance_fen * normal_sign >= 0", name="ck_accounts_no_overdraft"),
    )
    op.create_table(
        "ledger_chains",
        sa.Column("district", sa.String(40), primary_key=True),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("district", sa.String(40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("memo", sa.String(500), nullable=False),
        sa.Column("idempotency_id", sa.String(200), nullable=False),
        sa.Column("cause_type", sa.String(40), nullable=False),
        sa.Column("cause_id", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("reverses", sa.String(36), nullable=True, unique=True),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("district", "seq", name="uq_journal_entries_seq"),
        sa.UniqueConstraint("district", "idempotency_id", name="uq_journal_entries_idempotency"),
    )
    op.create_index("ix_journal_entries_event_id", "journal_entries", ["event_id"])
    op.create_index("ix_journal_entries_cause", "journal_entries", ["cause_type", "cause_id"])
    op.create_index("ix_journal_entries_posted", "journal_entries", ["posted_on", "seq"])
    op.create_table(
        "journal_lines",
        sa.Column("entry_id", sa.String(36), sa.ForeignKey("journal_entries.id", deferrable=True,
                                                           initially="DEFERRED"), primary_key=True),
        sa.Column("line_no", sa.Integer(), primary_key=True),
        sa.Column("account_code", sa.String(80), sa.ForeignKey("accounts.code"), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_fen <> 0", name="ck_journal_lines_nonzero"),
    )
    op.create_index("ix_journal_lines_account", "journal_lines", ["account_code", "posted_on", "entry_seq"])
    op.create_table(
        "accounting_periods",
        sa.Column("district", sa.String(40), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("closed_by", sa.String(200), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "project_budgets",
        sa.Column("project_id", sa.String(40), primary_key=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.Column("set_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "disbursement_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("idempotency_id", sa.String(200), nullable=False, unique=True),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("earmark_project_id", sa.String(40), nullable=True),
        sa.Column("fund_account", sa.String(80), nullable=False),
        sa.Column("held_account", sa.String(80), nullable=False),
        sa.Column("project_id", sa.String(40), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(500), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("hold_entry_id", sa.String(36), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_reason", sa.String(500), nullable=True),
        sa.Column("decision_entry_id", sa.String(36), nullable=True),
    )
    op.create_index("ix_disbursement_requests_project_id", "disbursement_requests", ["project_id"])
    op.create_index("ix_disbursement_requests_status", "disbursement_requests", ["status"])
    op.create_table(
        "relief_budgets",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.Column("set_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "relief_payments",
        sa.Column("relief_id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("person_ref", sa.String(64), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_issued_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_paid_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("pending_reason", sa.String(300), nullable=True),
        sa.Column("approved_at", UtcDateTime(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("paid_at", UtcDateTime(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("entry_id", sa.String(36), nullable=True),
    )
    op.create_index("ix_relief_payments_queue", "relief_payments", ["status", "received_at", "relief_id"])

    if op.get_bind().dialect.name == "postgresql":
        for sql in PG_TRIGGERS:
            op.execute(sql.strip())
    else:
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql.strip())
    _post_earlier_receipts(os.environ.get("DISTRICT") or "demo")


def _post_earlier_receipts(district: str) -> None:
    """Receipts of the skeleton (before the ledger) become receipt entries of the chain, as the
    service would have posted them: Dr 1002:<source> / Cr 41xx."""
    from services.finance.domain import chain, chart

    conn = op.get_bind()
    receipts = conn.execute(sa.text(
        "SELECT id, source, amount_fen, reference, received_on, recorded_by, recorded_at FROM fund_receipts "
        "ORDER BY recorded_at, id")).mappings().all()
    if not receipts:
        return
    accounts = sa.table("accounts", *(sa.column(c) for c in (
        "code", "name", "type", "normal_sign", "no_overdraft", "postable", "closed", "parent_code", "fund_source",
        "earmark", "project_id", "category", "held", "balance_fen", "opened_at")))
    entries = sa.table("journal_entries", *(sa.column(c) for c in (
        "id", "district", "seq", "posted_on", "kind", "memo", "idempotency_id", "cause_type", "cause_id",
        "event_id", "request_id", "recorded_by", "recorded_at", "reverses", "reason", "prev_hash", "hash")))
    lines = sa.table("journal_lines", *(sa.column(c) for c in (
        "entry_id", "line_no", "account_code", "amount_fen", "posted_on", "entry_seq")))
    receipts_t = sa.table("fund_receipts", sa.column("id"), sa.column("entry_id"))
    now = datetime.now(UTC)
    balances: dict[str, int] = {}
    posted = []
    prev, seq = chain.GENESIS, 0
    for r in receipts:
        seq += 1
        recorded_at = r["recorded_at"]
        if isinstance(recorded_at, str):
            recorded_at = datetime.fromisoformat(recorded_at)
        if recorded_at.tzinfo is None:
            recorded_at = recorded_at.replace(tzinfo=UTC)
        bank, income = chart.fund_account(r["source"]), chart.income_account(r["source"])
        body = chain.seal(chain.content(
            district=district, seq=seq, entry_id=str(uuid.uuid4()), posted_on=r["received_on"], kind="receipt",
            memo=f"receipt {r['reference']} (recorded before the ledger)", idempotency_id=f"fund_receipt:{r['id']}",
            cause_type="fund_receipt", cause_id=r["id"], event_id=None, request_id=None,
            recorded_by=r["recorded_by"], recorded_at=recorded_at, reverses=None, reason=None,
            lines=[(bank, r["amount_fen"]), (income, -r["amount_fen"])], prev_hash=prev))
        posted.append((r["id"], recorded_at, body))
        balances[bank] = balances.get(bank, 0) + r["amount_fen"]
        balances[income] = balances.get(income, 0) - r["amount_fen"]
        prev = body["hash"]
    for code, balance in balances.items():
        a = chart.derive(code)
        conn.execute(sa.insert(accounts).values(
            code=a.code, name=a.name, type=a.type.value, normal_sign=a.normal_sign, no_overdraft=a.no_overdraft,
            postable=a.postable, closed=False, parent_code=a.parent, fund_source=a.fund_source, earmark=a.earmark,
            project_id=a.project_id, category=a.category, held=a.held, balance_fen=balance, opened_at=now))
    for receipt_id, recorded_at, body in posted:
        day = date.fromisoformat(body["posted_on"])
        conn.execute(sa.insert(lines), [
            {"entry_id": body["entry_id"], "line_no": n, "account_code": account, "amount_fen": amount,
             "posted_on": day, "entry_seq": body["seq"]} for n, (account, amount) in enumerate(body["lines"], 1)])
        conn.execute(sa.insert(entries).values(
            id=body["entry_id"], district=district, seq=body["seq"], posted_on=day, kind="receipt",
            memo=body["memo"], idempotency_id=body["idempotency_id"], cause_type="fund_receipt", cause_id=receipt_id,
            event_id=None, request_id=None, recorded_by=body["recorded_by"], recorded_at=recorded_at, reverses=None,
            reason=None, prev_hash=body["prev_hash"], hash=body["hash"]))
        conn.execute(sa.update(receipts_t).where(receipts_t.c.id == receipt_id).values(entry_id=body["entry_id"]))
    conn.execute(sa.text("INSERT INTO ledger_chains (district, last_seq, last_hash, updated_at) "
                         "VALUES (:d, :s, :h, :t)"), {"d": district, "s": seq, "h": prev, "t": now})


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for sql in PG_DROP:
            op.execute(sql)
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_relief_payments_queue", table_name="relief_payments")
    op.drop_table("relief_payments")
    op.drop_table("relief_budgets")
    op.drop_index("ix_disbursement_requests_status", table_name="disbursement_requests")
    op.drop_index("ix_disbursement_requests_project_id", table_name="disbursement_requests")
    op.drop_table("disbursement_requests")
    op.drop_table("project_budgets")
    op.drop_table("accounting_periods")
    op.drop_index("ix_journal_lines_account", table_name="journal_lines")
    op.drop_table("journal_lines")
    op.drop_index("ix_journal_entries_posted", table_name="journal_entries")
    op.drop_index("ix_journal_entries_cause", table_name="journal_entries")
    op.drop_index("ix_journal_entries_event_id", table_name="journal_entries")
    op.drop_table("journal_entries")
    op.drop_table("ledger_chains")
    op.drop_table("accounts")
    op.drop_index("ix_fund_receipts_received", table_name="fund_receipts")
    op.drop_index("ix_fund_receipts_earmark_project_id", table_name="fund_receipts")
    with op.batch_alter_table("fund_receipts") as b:
        for column in ("reversal_entry_id", "status", "entry_id", "memo", "earmark_project_id", "earmark"):
            b.drop_column(column)
