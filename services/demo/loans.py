"""The demo's union housing loans (工会安居贷): one product (等额本息, 3.25 % a year, 30 % of the
interest paid by the union — 贴息); a few loans taken by one finance officer and decided by
ANOTHER (maker-checker: the maker's own approval is refused, which the demo checks), one
rejected; disbursed from the union's fund; then, month by month, every instalment repaid on its
due day, except that the first loan stops paying in the 8th month (overdue at the year's end),
the second prepays a quarter of its principal in the 6th (缩短期限) and the third is settled
early in the 9th (提前结清) at finance's quote of the day.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .phases import Run

PRODUCT = "AJD"
PRODUCT_BODY = {"name": "工会安居贷", "annual_rate": "0.0325", "subsidy_share": "0.3", "max_amount_fen": 30_000_000,
                "terms": [60, 120, 240], "method": "equal_instalment", "penalty_rate": "0.05", "grace_days": 5}
OVERDUE, PREPAID, SETTLED = 0, 1, 2  # which loan (in the order taken) does what


def loan_count(workers: int) -> int:
    """A few: 4, one more per 100 workers beyond 400, at most 20 (the last one is rejected)."""
    return max(4, min(20, workers // 100))


def amount_of(n: int) -> int:
    """The n-th loan's amount in fen: 15,000, 20,000 or 25,000 元 — the union's fund lends at
    most 120,000 元 per 100 workers in the demo district, so they always fit."""
    return 1_500_000 + 500_000 * (n % 3)


def checker(run: Run) -> dict:
    """The second finance officer, who decides what the first took (审贷分离)."""
    return run.svc.token("finance_officer", subject="demo-finance-officer-2")


def loans(run: Run) -> None:
    """The product, the applications (borrowers: tenants, by unit id), the decisions by the
    other officer, the disbursements."""
    svc = run.svc
    svc.call("finance", "PUT", f"/loan-products/{PRODUCT}", json=PRODUCT_BODY)
    tenants = sorted(svc.pages("allocation", "/tenancies", status="active"), key=lambda t: t["unit_id"])
    borrowers = [t["person_ref"] for t in tenants][: loan_count(len(run.district.workers))]
    bar = run.progress.phase("loans", len(borrowers))
    for n, person_ref in enumerate(borrowers):
        loan = svc.call("finance", "POST", "/loans", json={
            "product_code": PRODUCT, "person_ref": person_ref, "amount_fen": amount_of(n),
            "term_months": PRODUCT_BODY["terms"][n % 2]}).json()
        if n == 0:  # maker-checker: the officer who took it may not approve it
            svc.call("finance", "POST", f"/loans/{loan['loan_id']}/decision", ok=(403,), json={"approve": True})
        rejected = n == len(borrowers) - 1
        svc.call("finance", "POST", f"/loans/{loan['loan_id']}/decision", checker(run), json={
            "approve": not rejected, "reason": "家庭收入证明不足，不予贷款" if rejected else "资料齐全，同意贷款"})
        if not rejected:
            svc.call("finance", "POST", f"/loans/{loan['loan_id']}/disbursement", checker(run), json={})
            run.loan_ids.append(loan["loan_id"])
        run.all_loan_ids.append(loan["loan_id"])
        bar.advance()
    bar.finish(f"{len(run.loan_ids)} disbursed")


def loans_month(run: Run, month: int) -> None:
    """Monthly hook: instalments repaid on their due days; the prepayment, the settlement and
    the loan that stops paying; then finance books the month (overdue check)."""
    svc, today = run.svc, run.today()
    active = {x["loan_id"]: x for x in svc.pages("finance", "/loans", key="loans", status="active")}
    for n, loan_id in enumerate(run.loan_ids):
        loan = active.get(loan_id)
        if loan is None or (n == OVERDUE and month >= 8):
            continue
        for inst in loan["schedule"]:
            due_on = date.fromisoformat(inst["due_on"])
            left = inst["borrower_due_fen"] - (inst["paid_fen"] or 0)
            if due_on <= today and left > 0:
                svc.call("finance", "POST", f"/loans/{loan_id}/repayments", json={
                    "amount_fen": left, "paid_on": inst["due_on"],
                    "reference": f"DEMO-LOAN-{loan_id}-{inst['number']}"})
        if n == PREPAID and month == 6:
            principal = svc.get("finance", f"/loans/{loan_id}")["principal_left_fen"]
            svc.call("finance", "POST", f"/loans/{loan_id}/prepayments", json={
                "amount_fen": principal // 4 // 100 * 100, "reference": f"DEMO-LOAN-{loan_id}-PREPAY",
                "option": "shorter_term"})
        if n == SETTLED and month == 9:
            quote = svc.get("finance", f"/loans/{loan_id}/settlement-quote")
            svc.call("finance", "POST", f"/loans/{loan_id}/settlement", json={
                "amount_fen": quote["total_fen"], "reference": f"DEMO-LOAN-{loan_id}-SETTLE"})
    svc.call("finance", "POST", "/admin/loan-overdue/check", json={})
