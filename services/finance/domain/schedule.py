"""Repayment schedules of the union housing loan (工会安居贷还款计划): 等额本息 (equal instalment)
and 等额本金 (equal principal), the union's interest subsidy (贴息), partial prepayment (提前部分还款)
with its two options, the early-settlement quote (提前结清) and penalty interest (罚息).

Arithmetic. Amounts are integer fen; rates are exact ``Fraction``s (an annual rate given as text
such as "0.0325" is read exactly by `rate`), never floats. Every rounding is half-up to the fen
(`half_up`), and there is no other rounding anywhere:

- monthly rate r = annual / 12; daily rate = annual / 360 (the banks' 日利率 convention);
- **interest of a period** = half-up(remaining principal × r);
- **等额本息**: the level payment A = half-up(P·r·(1+r)^n / ((1+r)^n − 1)) (P/n when r = 0); each
  period's principal part is A − interest; the **last instalment absorbs the rounding**: its
  principal part is whatever principal remains (so principal parts sum exactly to P) and its
  payment is that principal plus its own interest;
- **等额本金**: each period's principal part is P/n truncated to the fen; the last takes the rest
  (at most n − 1 fen more), so again the parts sum exactly to P;
- **subsidy split (贴息)**: subsidy = half-up(interest × share), the borrower's part = interest −
  subsidy, so the two parts always sum to the period's interest exactly.

A partial prepayment is applied right after the last instalment paid (on its due date): the
principal that remains is lowered by the prepayment, and the rest of the schedule is recomputed —
either the same instalment over a shorter term (`SHORTER_TERM`) or the same remaining term with a
lower instalment (`SAME_TERM`). Instalments already paid are kept as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

MAX_TERM_MONTHS = 360  # 30 years


class Method(StrEnum):
    EQUAL_INSTALMENT = "equal_instalment"  # 等额本息: the same payment every month
    EQUAL_PRINCIPAL = "equal_principal"    # 等额本金: the same principal every month, falling interest


class PrepaymentOption(StrEnum):
    SHORTER_TERM = "shorter_term"  # 缩短期限: the same instalment, fewer months
    SAME_TERM = "same_term"        # 减少月供: the same months, a lower instalment


class ScheduleError(Exception):
    """A schedule cannot be made from these inputs; ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def rate(value) -> Fraction:
    """An exact rate from a Fraction, an int, a Decimal or decimal text ("0.0325"); a float is
    refused (0.1 as a float is not one tenth)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError("a rate is exact: give decimal text, a Decimal or a Fraction, not a float")
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, Decimal | str):
        return Fraction(Decimal(value))
    raise TypeError(f"not a rate: {value!r}")


def half_up(x: Fraction) -> int:
    """The nearest whole fen, halves away from zero (四舍五入)."""
    x = Fraction(x)
    whole = (abs(x.numerator) * 2 + x.denominator) // (2 * x.denominator)
    return whole if x >= 0 else -whole


def monthly_rate(annual: Fraction) -> Fraction:
    return Fraction(annual) / 12


def split_interest(interest_fen: int, share: Fraction) -> tuple[int, int]:
    """(the union's subsidy, the borrower's part) of an interest amount: subsidy = half-up of
    interest × share; the borrower pays the rest."""
    subsidy = half_up(interest_fen * Fraction(share))
    return subsidy, interest_fen - subsidy


class Instalment(NamedTuple):
    """One month of the schedule (第 n 期). A named tuple: a 240-month schedule makes 240 of
    them, and a tuple is built several times faster than a frozen dataclass (bench/finance_loans.py).
    Unlike a plain tuple of numbers, a tuple subclass is never untracked by the cyclic garbage
    collector, so keeping thousands of schedules alive at once makes every full collection
    re-scan them (10,000 × 240 kept: 2.71× the bare arithmetic; built and read one at a time:
    1.44×, in the same `make bench`; a __slots__ dataclass is tracked the same way and measured
    no better). Callers build one loan's schedule at a time."""

    number: int
    principal_fen: int
    interest_fen: int
    subsidy_fen: int            # the union's part of the interest (贴息)
    borrower_interest_fen: int  # the borrower's part of the interest
    remaining_fen: int          # principal still owed after this instalment

    @property
    def payment_fen(self) -> int:
        """Principal plus the whole interest (what the loan earns this month)."""
        return self.principal_fen + self.interest_fen

    @property
    def borrower_due_fen(self) -> int:
        """What the borrower pays this month: principal plus their part of the interest."""
        return self.principal_fen + self.borrower_interest_fen


# Instalment(…) goes through a Python-level __new__; the loops build the tuple directly (the
# fields in their declared order), which halves the cost of a 240-month schedule.
_new = tuple.__new__


def level_payment(principal_fen: int, monthly: Fraction, months: int) -> int:
    """The 等额本息 payment, half-up to the fen, from the exact annuity formula."""
    if monthly == 0:
        return half_up(Fraction(principal_fen, months))
    growth = (1 + monthly) ** months
    return half_up(principal_fen * monthly * growth / (growth - 1))


def _check(principal_fen: int, months: int, annual: Fraction, share: Fraction) -> None:
    if type(principal_fen) is not int or principal_fen < 1:
        raise ScheduleError("the principal must be a whole number of fen, at least 1", "amount_fen")
    if type(months) is not int or not 1 <= months <= MAX_TERM_MONTHS:
        raise ScheduleError(f"the term must be 1 … {MAX_TERM_MONTHS} months", "term_months")
    if not 0 <= annual < 1:
        raise ScheduleError("the annual rate must be from 0 to below 1", "annual_rate")
    if not 0 <= share <= 1:
        raise ScheduleError("the subsidy share must be from 0 to 1", "subsidy_share")


def schedule(principal_fen: int, annual_rate, months: int, method: Method | str, subsidy_share=0,
             first_number: int = 1) -> tuple[Instalment, ...]:
    """The full schedule of a loan of ``principal_fen`` over ``months`` (rules in the module
    docstring). ``first_number`` numbers the instalments (a recomputed tail goes on counting)."""
    annual, share = rate(annual_rate), rate(subsidy_share)
    _check(principal_fen, months, annual, share)
    r = monthly_rate(annual)
    if Method(method) is Method.EQUAL_INSTALMENT:
        return fixed_payment(principal_fen, r, level_payment(principal_fen, r, months), share, first_number,
                             months)
    return fixed_principal(principal_fen, r, principal_fen // months, share, first_number, months)


def fixed_payment(principal_fen: int, monthly: Fraction, payment_fen: int, share: Fraction,
                  first_number: int, months: int, *, up_to: bool = False) -> tuple[Instalment, ...]:
    """Amortise with the same payment each month: in exactly ``months`` instalments, the last
    absorbing the rounding; with ``up_to``, in as few as the payment takes (at most ``months``),
    the last then being the smaller one that repays what remains."""
    rn, rd = monthly.numerator, monthly.denominator
    sn, sd = share.numerator, share.denominator
    out, remaining, final = [], principal_fen, months - 1
    append, new, cls = out.append, _new, Instalment  # locals: this loop runs 240 times a schedule
    for k in range(months):
        interest = (2 * remaining * rn + rd) // (2 * rd)  # half_up(remaining × monthly), remaining ≥ 0
        part = payment_fen - interest
        if part >= remaining or k == final:  # the last instalment takes what remains
            part, last = remaining, up_to or k == final
        else:
            last = False
            if part < 0:
                part = 0
        remaining -= part
        subsidy = (2 * interest * sn + sd) // (2 * sd)    # split_interest: half_up(interest × share)
        append(new(cls, (first_number + k, part, interest, subsidy, interest - subsidy, remaining)))
        if last:
            break
    return tuple(out)


def fixed_principal(principal_fen: int, monthly: Fraction, part_fen: int, share: Fraction,
                    first_number: int, months: int | None = None) -> tuple[Instalment, ...]:
    """Amortise with the same principal part each month; the last instalment takes the rest.
    ``months`` given: exactly that many; else as many as the part takes (the last may be less)."""
    if months is None:
        months = max(1, -(-principal_fen // max(1, part_fen)))
    rn, rd = monthly.numerator, monthly.denominator
    sn, sd = share.numerator, share.denominator
    out, remaining, final = [], principal_fen, months - 1
    append, new, cls = out.append, _new, Instalment
    for k in range(months):
        interest = (2 * remaining * rn + rd) // (2 * rd)
        part = remaining if k == final or part_fen >= remaining else part_fen
        remaining -= part
        subsidy = (2 * interest * sn + sd) // (2 * sd)
        append(new(cls, (first_number + k, part, interest, subsidy, interest - subsidy, remaining)))
    return tuple(out)


def prepay(instalments: Sequence[Instalment], paid_through: int, amount_fen: int, annual_rate,
           method: Method | str, option: PrepaymentOption | str, subsidy_share=0) -> tuple[Instalment, ...]:
    """The schedule after a partial prepayment of ``amount_fen`` made right after instalment
    ``paid_through`` (0: before the first). Instalments up to ``paid_through`` stay; the rest is
    recomputed on the lowered principal: ``SHORTER_TERM`` keeps the instalment (等额本息: the
    level payment; 等额本金: the principal part) and ends sooner, the last instalment absorbing the
    rounding; ``SAME_TERM`` keeps the number of months left and recomputes as `schedule` would.
    A prepayment of all that remains is a settlement, not a prepayment (`settlement_quote`)."""
    annual, share = rate(annual_rate), rate(subsidy_share)
    option, method = PrepaymentOption(option), Method(method)
    if not 0 <= paid_through < len(instalments):
        raise ScheduleError("no instalment is left to recompute", "paid_through")
    kept = tuple(instalments[:paid_through])
    # What the instalments not yet due repay, not the last kept one's ``remaining_fen``: that is
    # the remaining as the schedule stood when it fell due, and a prepayment made since (a second
    # one in the same month) lowered the principal after it without rewriting it.
    remaining = sum(i.principal_fen for i in instalments[paid_through:])
    if type(amount_fen) is not int or amount_fen < 1:
        raise ScheduleError("the prepayment must be a whole number of fen, at least 1", "amount_fen")
    if amount_fen >= remaining:
        raise ScheduleError(f"the prepayment must be less than the principal still owed ({remaining} fen); "
                            "to repay it all, settle the loan", "amount_fen")
    left = remaining - amount_fen
    months_left = len(instalments) - paid_through
    r = monthly_rate(annual)
    nxt = paid_through + 1
    if option is PrepaymentOption.SAME_TERM:
        return kept + schedule(left, annual, months_left, method, share, first_number=nxt)
    following = instalments[paid_through]
    if method is Method.EQUAL_INSTALMENT:
        # the instalment kept, never less than what repays the rest within the months left (with
        # one month left the payment does not matter: the last instalment takes what remains)
        payment = max(following.payment_fen, level_payment(left, r, months_left))
        return kept + fixed_payment(left, r, payment, share, nxt, months_left, up_to=True)
    part = max(following.principal_fen, -(-left // months_left))
    return kept + fixed_principal(left, r, part, share, nxt)


# -- interest by the day: early settlement and penalties ------------------------------------------

def accrued_interest(principal_fen: int, annual_rate, days: int) -> int:
    """Interest on ``principal_fen`` for ``days`` days at the daily rate annual/360, half-up."""
    if days <= 0 or principal_fen <= 0:
        return 0
    return half_up(principal_fen * rate(annual_rate) * days / 360)


@dataclass(frozen=True)
class SettlementQuote:
    """What settling the loan on a day costs the borrower (提前结清报价)."""

    principal_fen: int            # principal still owed (including any overdue principal)
    interest_fen: int             # interest accrued since the last due date, whole
    subsidy_fen: int              # the union's part of it
    borrower_interest_fen: int
    arrears_fen: int              # overdue instalments' unpaid interest (the borrower's part) and penalties

    @property
    def total_fen(self) -> int:
        return self.principal_fen + self.borrower_interest_fen + self.arrears_fen


def settlement_quote(remaining_fen: int, annual_rate, subsidy_share, since: date, on: date,
                     arrears_fen: int = 0) -> SettlementQuote:
    """Settling on ``on``: the principal still owed, interest accrued on it from ``since`` (the
    last due date, or the disbursement date) to ``on`` by the day (split with the union's share as
    every interest is), and whatever is in arrears."""
    interest = accrued_interest(remaining_fen, annual_rate, (on - since).days)
    subsidy, borrower = split_interest(interest, rate(subsidy_share))
    return SettlementQuote(remaining_fen, interest, subsidy, borrower, arrears_fen)


def penalty_days(due: date, grace_days: int, on: date) -> int:
    """Days of penalty interest on ``on`` for an instalment due on ``due``: counted from the day
    after the grace period (due + grace_days), that day included, through ``on``."""
    return max(0, (on - due).days - grace_days)


def penalty_interest(overdue_principal_fen: int, penalty_annual_rate, due: date, grace_days: int,
                     on: date) -> int:
    """Penalty interest (罚息) on overdue principal: half-up(principal × penalty rate / 360 × the
    `penalty_days`)."""
    return accrued_interest(overdue_principal_fen, penalty_annual_rate, penalty_days(due, grace_days, on))


class Bucket(StrEnum):
    CURRENT = "current"
    D1_30 = "1-30"
    D31_60 = "31-60"
    D61_90 = "61-90"
    D90_PLUS = "90+"


def ageing_bucket(days_overdue: int) -> Bucket:
    """The ageing / delinquency bucket of a debt ``days_overdue`` days past its due date."""
    if days_overdue <= 0:
        return Bucket.CURRENT
    if days_overdue <= 30:
        return Bucket.D1_30
    if days_overdue <= 60:
        return Bucket.D31_60
    if days_overdue <= 90:
        return Bucket.D61_90
    return Bucket.D90_PLUS
