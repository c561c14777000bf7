"""Generator of the expected loan schedules (tests/unit/finance/schedule_expected.json), written
independently of services/finance/domain/schedule.py: plain `decimal` at 60 digits with
ROUND_HALF_UP, the textbook formulas, no import from the code under test.

    .venv/bin/python tests/unit/finance/schedule_expected.py > tests/unit/finance/schedule_expected.json

The rules it follows are the ones the issue states: monthly rate = annual / 12; each period's
interest = remaining × monthly, half-up to the fen; 等额本息 payment = P·r·(1+r)^n/((1+r)^n − 1)
half-up, principal part = payment − interest, the last instalment takes whatever principal
remains; 等额本金 principal part = P/n cut to the fen, the last takes the rest; the union's
subsidy = interest × share half-up, the borrower pays interest − subsidy. A prepayment after
instalment k lowers the principal then owed; "same_term" recomputes over the months left,
"shorter_term" keeps the payment (等额本金: the principal part) and stops once repaid.
"""

import json
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, getcontext

getcontext().prec = 60
FEN = Decimal(1)


def fen(x: Decimal) -> int:
    return int(x.quantize(FEN, rounding=ROUND_HALF_UP))


def row(k, principal, interest, remaining, share):
    subsidy = fen(Decimal(interest) * share)
    return [k, principal, interest, subsidy, interest - subsidy, remaining]


def equal_instalment(p, annual, n, share, first=1, payment=None, stop_early=False):
    r = annual / 12
    if payment is None:
        g = (1 + r) ** n
        payment = fen(p * r * g / (g - 1)) if r else fen(Decimal(p) / n)
    rows, rem = [], p
    for i in range(n):
        interest = fen(rem * r)
        if i == n - 1 or (stop_early and payment - interest >= rem):
            rows.append(row(first + i, rem, interest, 0, share))
            break
        part = payment - interest
        rem -= part
        rows.append(row(first + i, part, interest, rem, share))
    return rows


def equal_principal(p, annual, n, share, first=1, part=None):
    r = annual / 12
    if part is None:
        part = int((Decimal(p) / n).quantize(FEN, rounding=ROUND_DOWN))
    rows, rem, i = [], p, 0
    while rem > 0:
        interest = fen(rem * r)
        take = rem if (i == n - 1 or part >= rem) else part
        rem -= take
        rows.append(row(first + i, take, interest, rem, share))
        i += 1
    return rows


CASES = [
    # name, principal fen, annual, months, method, share
    ("ei_100k_3.25_12_nosub", 10_000_000, "0.0325", 12, "equal_instalment", "0"),
    ("ei_100k_3.25_12_sub30", 10_000_000, "0.0325", 12, "equal_instalment", "0.3"),
    ("ep_100k_3.25_12_nosub", 10_000_000, "0.0325", 12, "equal_principal", "0"),
    ("ep_100k_3.25_12_sub30", 10_000_000, "0.0325", 12, "equal_principal", "0.3"),
    ("ei_odd_4.9_7_sub25", 1_234_567, "0.049", 7, "equal_instalment", "0.25"),
    ("ep_odd_4.9_7_sub25", 1_234_567, "0.049", 7, "equal_principal", "0.25"),
    ("ei_500k_3.1_240_sub30", 50_000_000, "0.031", 240, "equal_instalment", "0.3"),
    ("ep_500k_3.1_240_sub30", 50_000_000, "0.031", 240, "equal_principal", "0.3"),
    ("ei_zero_rate_7", 1_000_001, "0", 7, "equal_instalment", "0.3"),
]

PREPAYMENTS = [
    # name, base case, paid through, amount, option
    ("ei_sub30_prepay_after3_shorter", "ei_100k_3.25_12_sub30", 3, 2_000_000, "shorter_term"),
    ("ei_sub30_prepay_after3_same", "ei_100k_3.25_12_sub30", 3, 2_000_000, "same_term"),
    ("ep_sub30_prepay_after3_shorter", "ep_100k_3.25_12_sub30", 3, 2_000_000, "shorter_term"),
    ("ep_sub30_prepay_after3_same", "ep_100k_3.25_12_sub30", 3, 2_000_000, "same_term"),
    ("ei_240_prepay_after60_shorter", "ei_500k_3.1_240_sub30", 60, 10_000_000, "shorter_term"),
    ("ei_240_prepay_after60_same", "ei_500k_3.1_240_sub30", 60, 10_000_000, "same_term"),
]


def build(method, p, annual, n, share):
    return (equal_instalment if method == "equal_instalment" else equal_principal)(p, annual, n, share)


def main():
    out = {"columns": ["number", "principal_fen", "interest_fen", "subsidy_fen", "borrower_interest_fen",
                       "remaining_fen"], "cases": {}, "prepayments": {}}
    base = {}
    for name, p, annual, n, method, share in CASES:
        rows = build(method, p, Decimal(annual), n, Decimal(share))
        base[name] = (p, annual, n, method, share, rows)
        out["cases"][name] = {"principal_fen": p, "annual_rate": annual, "months": n, "method": method,
                              "subsidy_share": share, "rows": rows}
    for name, of, k, amount, option in PREPAYMENTS:
        p, annual, n, method, share, rows = base[of]
        a, s = Decimal(annual), Decimal(share)
        left = rows[k - 1][5] - amount
        months_left = n - k
        if option == "same_term":
            tail = build(method, left, a, months_left, s)
            tail = [[r[0] + k, *r[1:]] for r in tail]
        elif method == "equal_instalment":
            payment = rows[k][1] + rows[k][2]
            tail = equal_instalment(left, a, months_left, s, first=k + 1, payment=payment, stop_early=True)
        else:
            tail = equal_principal(left, a, months_left, s, first=k + 1, part=rows[k][1])
        out["prepayments"][name] = {"of": of, "paid_through": k, "amount_fen": amount, "option": option,
                                    "rows": rows[:k] + tail}
    print(json.dumps(out, indent=0, sort_keys=True))


if __name__ == "__main__":
    main()
