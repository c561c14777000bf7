"""The demo's rent (租金): finance opens a rent account per tenancy from tenancy.started; the
month of the move-in is billed at once, then on the first day of each month the demo records
what the tenants paid and runs finance's billing (POST /admin/rent-billing/<month>), which also
sends rent.overdue for arrears crossing a threshold (1, 31, 61, 91 days) — assistance opens a
referral (转介) when the tenant is a hardship household.

Who pays how is fixed by the tenancy's position among the tenancies ordered by unit id (the
units and which are let follow from the seed), never drawn during the run:
- most pay each invoice on its due date;
- late payers (迟缴) pay 20 days after it, so each month's rent is overdue when the next run looks;
- some stop paying from the 3rd month and clear everything in the 9th (crossing 31, 61, 91 days);
- a few stop in the 7th or the 10th month and are still in arrears at the year's end;
- the first hardship household stops in the 2nd month; its referral brings a rent reduction
  (租金减免: relief of kind rent_reduction, approved in assistance, applied by finance to the
  next invoices) and it pays its arrears in the 5th month.
Payments are dated the day the tenant paid (backdated to the due date when recorded later:
finance allocates them by date), so "on time" is what finance's ageing says, not the demo.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from .client import wait_until

if TYPE_CHECKING:
    from .phases import Run

LATE_DAYS = 20
PAYMENT_BATCH = 200  # rent payments per POST /rent-payments (finance takes up to 500)
ON_TIME, LATE, ARREARS_CLEARED, ARREARS_FROM_7, ARREARS_FROM_10, HARDSHIP = (
    "on_time", "late", "arrears_cleared", "arrears_from_7", "arrears_from_10", "hardship")


def payer(position: int) -> str:
    """How the tenant of the tenancy at ``position`` (tenancies by unit id) pays."""
    if position % 50 == 19:
        return ARREARS_FROM_7
    if position % 50 == 44:
        return ARREARS_FROM_10
    if position % 25 == 11:
        return ARREARS_CLEARED
    if position % 10 == 3:
        return LATE
    return ON_TIME


def pays_nothing(kind: str, month: int) -> bool:
    """Whether a tenant of this kind pays nothing at the demo's ``month`` (1–12)."""
    return {ARREARS_CLEARED: 3 <= month <= 8, ARREARS_FROM_7: month >= 7, ARREARS_FROM_10: month >= 10,
            HARDSHIP: 2 <= month <= 4}.get(kind, False)


def clears_arrears(kind: str, month: int) -> bool:
    """The month a tenant who stopped paying pays everything owed at once."""
    return (kind, month) in ((ARREARS_CLEARED, 9), (HARDSHIP, 5))


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_from(first: date, last: date) -> list[str]:
    """The months (YYYY-MM) from ``first``'s through ``last``'s, both included."""
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


# -- the phases --------------------------------------------------------------------------------

def rent_accounts(run: Run) -> None:
    """Finance opens a rent account for every tenancy (tenancy.started); the move-in month is
    billed at once, so the first invoice is not overdue when it is first seen."""
    svc = run.svc
    tenancies = sorted(svc.pages("allocation", "/tenancies", status="active"), key=lambda t: t["unit_id"])
    bar = run.progress.phase("rent accounts", len(tenancies) + 1)
    wanted = {t["tenancy_id"] for t in tenancies}
    opened: set[str] = set()

    def all_opened() -> bool:  # finance's list of accounts, read again until it holds every tenancy
        opened.update(a["tenancy_id"] for a in svc.pages("finance", "/rent-accounts", key="accounts",
                                                          page_size=500, status="active"))
        bar.advance(len(wanted & opened) - bar.done)
        return wanted <= opened

    wait_until(f"finance's rent accounts for the {len(wanted)} tenancies", all_opened, timeout=120)
    hardship = next((t["tenancy_id"] for t in tenancies if t["person_ref"] in run.hardship_households), None)
    for n, t in enumerate(tenancies):
        run.payer_of[t["tenancy_id"]] = HARDSHIP if t["tenancy_id"] == hardship else payer(n)
    run.tenancy_ids = [t["tenancy_id"] for t in tenancies]
    _bill(run, run.today())
    bar.finish(f"{len(tenancies)} accounts")


def rent_month(run: Run, month: int) -> None:
    """Monthly hook (the clock is on the 1st): payments, the hardship referral's rent reduction
    (4th month), then the month's billing run."""
    today = run.today()
    payments = _payments(run, month, today)
    bar = run.progress.phase(f"rent collected, month {month}", len(payments))
    for i in range(0, len(payments), PAYMENT_BATCH):  # as a bank's collection file: a few batches
        batch = payments[i:i + PAYMENT_BATCH]
        run.svc.call("finance", "POST", "/rent-payments", json={"payments": [
            {"tenancy_id": t, "amount_fen": fen, "paid_on": on.isoformat(), "reference": ref}
            for t, fen, on, ref in batch]})
        bar.advance(len(batch))
    bar.finish()
    if month == 4:
        _hardship_referral(run, today)
    _bill(run, today)


def rent_year_end(run: Run) -> None:
    """Tenancies that ended during the year (the revocation at the re-check) settle what they
    owe at moving out; the months they lived are billed by finance from tenancy.ended."""
    svc = run.svc
    ended = [t["tenancy_id"] for t in svc.pages("allocation", "/tenancies", status="ended")]
    wait_until("finance to end the ended tenancies' rent accounts", lambda: all(
        svc.get("finance", f"/rent-accounts/{t}/statement")["account"]["status"] == "ended" for t in ended),
        timeout=60)
    bar = run.progress.phase("rent settled at moving out", len(ended))
    today = run.today()
    for tenancy_id in ended:
        owed = svc.get("finance", f"/rent-accounts/{tenancy_id}/statement")["account"]["owed_fen"]
        if owed > 0:
            _pay(run, tenancy_id, owed, today, f"DEMO-RENT-{tenancy_id}-MOVE-OUT")
        bar.advance()
    bar.finish()


# -- the steps -----------------------------------------------------------------------------------

def _bill(run: Run, today: date) -> None:
    run.svc.call("finance", "POST", f"/admin/rent-billing/{month_of(today)}", json={})


def _pay(run: Run, tenancy_id: str, amount: int, paid_on: date, reference: str) -> None:
    run.svc.call("finance", "POST", f"/rent-accounts/{tenancy_id}/payments",
                 json={"amount_fen": amount, "paid_on": paid_on.isoformat(), "reference": reference})


def _payments(run: Run, month: int, today: date) -> list[tuple[str, int, date, str]]:
    """What the tenants pay this month, as (tenancy id, fen, paid on, reference): read from two
    of finance's lists — the active accounts (what each owes) and the invoices due by today not
    yet paid off — rather than one statement per tenancy."""
    svc = run.svc
    owed = {a["tenancy_id"]: a["owed_fen"] for a in svc.pages(
        "finance", "/rent-accounts", key="accounts", page_size=500, status="active")}
    unpaid: dict[str, list[dict]] = {}
    for inv in svc.pages("finance", "/rent-invoices", key="invoices", page_size=500, status="unpaid",
                         due_to=today.isoformat()):
        unpaid.setdefault(inv["tenancy_id"], []).append(inv)
    out = []
    for tenancy_id in run.tenancy_ids:
        kind = run.payer_of[tenancy_id]
        if tenancy_id not in owed or pays_nothing(kind, month):
            continue
        if clears_arrears(kind, month):
            if owed[tenancy_id] > 0:
                out.append((tenancy_id, owed[tenancy_id], today, f"DEMO-RENT-{tenancy_id}-ARREARS-{month}"))
            continue
        delay = timedelta(days=LATE_DAYS if kind == LATE else 0)
        for inv in unpaid.get(tenancy_id, []):  # by month, oldest first
            paid_on = date.fromisoformat(inv["due_on"]) + delay
            if paid_on <= today:
                out.append((tenancy_id, inv["amount_fen"] - inv["paid_fen"], paid_on,
                            f"DEMO-RENT-{tenancy_id}-{inv['month']}"))
    return out


def _hardship_referral(run: Run, today: date) -> None:
    """The hardship household in arrears: assistance opened a referral from rent.overdue; a
    district officer closes it with a rent reduction — half the rent for six months from next
    month, approved at the levels its amount needs — which finance applies to the invoices."""
    svc = run.svc
    tenancy_id = next((t for t, k in run.payer_of.items() if k == HARDSHIP), None)
    if tenancy_id is None:
        return
    account = svc.get("finance", f"/rent-accounts/{tenancy_id}/statement")["account"]
    household = run.hardship_households[account["person_ref"]]
    wait_until("assistance's referral of the hardship household in arrears", lambda: svc.get(
        "assistance", "/referrals", household_id=household, status="open")["total"] > 0, timeout=60)
    for referral in svc.pages("assistance", "/referrals", household_id=household, status="open"):
        svc.call("assistance", "POST", f"/referrals/{referral['referral_id']}/closing",
                 json={"outcome": "rent_reduction", "note": "欠租系家庭困难所致，转租金减免"})
    case = svc.call("assistance", "POST", "/relief-cases", json={
        "household_id": household, "kind": "rent_reduction", "reason": "困难职工欠租转介：减免一半租金六个月",
        "amount_fen": account["rent_fen"] // 2, "from_month": month_of(first_of_next_month(today)),
        "months": 6}).json()
    for n in range(case["approvals_needed"]):
        svc.call("assistance", "POST", f"/relief-cases/{case['relief_id']}/approvals", svc.officer(n + 2),
                 json={"note": "核实无误，同意减免"})  # never the requester (officer 1)
    run.rent_reduction = case["relief_id"]
