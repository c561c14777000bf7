"""The public fund-flow report (资金流向公开), computed from the ledger (domain/report.py says
what it shows and what it never shows)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import func, select

from . import models, repository
from .domain import report
from .domain.relief import ReliefStatus

RECEIVED_KINDS = ("receipt",)
DISBURSED_KINDS = ("disbursement", "relief_payment")


def fund_flow_report(session, district: str, date_from: date, date_to: date) -> dict:
    accounts = {r.code: r for r in repository.fund_accounts(session)}
    opening = repository.balances_as_of(session, date_from - timedelta(days=1), list(accounts))
    closing = repository.balances_as_of(session, date_to, list(accounts))
    flows: dict[tuple, dict] = {}
    for code, a in accounts.items():
        f = flows.setdefault((a.fund_source, a.earmark, a.project_id),
                             {"opening": 0, "closing": 0, "received": 0, "disbursed": 0})
        f["opening"] += opening.get(code, 0)
        f["closing"] += closing.get(code, 0)
    reversed_receipts = _receipt_reversals(session, date_from, date_to)
    for row in repository.fund_movements(session, date_from, date_to):
        a = accounts[row.account_code]
        f = flows[(a.fund_source, a.earmark, a.project_id)]
        if row.kind in RECEIVED_KINDS:
            f["received"] += int(row.amount)
        elif row.kind in DISBURSED_KINDS:
            f["disbursed"] -= int(row.amount)
    for key, amount in reversed_receipts.items():
        if key in flows:
            flows[key]["received"] -= amount
    funds = [report.FundFlow(source, earmark, project_id, f["opening"], f["received"], f["disbursed"], f["closing"])
             for (source, earmark, project_id), f in flows.items()
             if any(f.values())]
    uses = [report.Use(r.fund_source, "project" if r.project_id else "relief", r.project_id or r.category,
                       int(r.amount)) for r in repository.uses(session, date_from, date_to)]
    return report.build(district, date_from, date_to, funds, uses, _relief_totals(session, date_from, date_to),
                        repository.chain_head(session, district))


def _receipt_reversals(session, date_from: date, date_to: date) -> dict[tuple, int]:
    """Receipts reversed within the period, per fund: they count against "received"."""
    E, R = repository.ENTRIES, models.FundReceipt
    rows = session.execute(
        select(R.source, R.earmark, R.earmark_project_id, func.sum(R.amount_fen))
        .join(E, E.c.id == R.reversal_entry_id)
        .where(E.c.posted_on >= date_from, E.c.posted_on <= date_to)
        .group_by(R.source, R.earmark, R.earmark_project_id)).all()
    return {(s, e, p): int(total) for s, e, p, total in rows}


def _relief_totals(session, date_from: date, date_to: date) -> list[report.ReliefTotal]:
    R = models.ReliefPayment
    paid = {c: (n, int(s)) for c, n, s in session.execute(
        select(R.category, func.count(), func.sum(R.amount_paid_fen))
        .where(R.status == ReliefStatus.PAID, R.paid_on >= date_from, R.paid_on <= date_to)
        .group_by(R.category))}
    waiting = {c: (n, int(s)) for c, n, s in session.execute(
        select(R.category, func.count(), func.sum(R.amount_issued_fen))
        .where(R.status == ReliefStatus.PENDING).group_by(R.category))}
    return [report.ReliefTotal(c, *paid.get(c, (0, 0)), *waiting.get(c, (0, 0)))
            for c in sorted(set(paid) | set(waiting))]


def as_csv(data: dict) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(report.csv_rows(data))
    return buf.getvalue()
