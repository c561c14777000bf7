"""总账 ledger rules at their edges, beyond domain/test_fin_ledger.py (issue 20).

Each refusal names its field and says why in words (the API shows these messages); every bound
is tested on both sides (2 and 100 lines, an amount of exactly MAX_AMOUNT_FEN, an idempotency
id of 200 characters, today and the last day of a closed month); the balance arithmetic is
checked against sums computed in the test; months follow one another across every year end.

Equivalent mutants (scripts/mutate.py excludes them from the score):

- x_check_lines__mutmut_41: debits summed over ``amount_fen >= 0``: a zero amount was refused
  earlier in the same function, and would add nothing anyway.
- x_check_lines__mutmut_46: credits over ``amount_fen <= 0``: likewise, zero is refused first.
- x_check_lines__mutmut_47: credits over ``amount_fen < 1``: for the ints left after the
  check, the same lines as ``< 0`` plus none (zero is refused first).
- x_parse_month__mutmut_4: ``text or "XXXX"``: "XXXX" is no month either, so an empty or None
  text is refused the same way, and the message quotes the text given, not the stand-in.
"""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.finance.domain.ledger import (
    Account,
    AccountNotPostable,
    AccountType,
    Cause,
    EntryDraft,
    FutureDate,
    InvalidEntry,
    LedgerError,
    Line,
    NotReversible,
    Overdraft,
    PeriodClosed,
    PeriodError,
    Periods,
    UnknownAccount,
    check_accounts,
    check_draft,
    check_lines,
    check_overdraft,
    check_reversible,
    credit,
    debit,
    line,
    month_of,
    movements,
    next_month,
    parse_month,
    reversal_lines,
)
from services.finance.domain.money import MAX_AMOUNT_FEN

BANK = Account("1002:donation", "bank", AccountType.ASSET, no_overdraft=True)
INCOME = Account("4105", "donations", AccountType.INCOME)
FUND = Account("3101:general", "fund balance", AccountType.EQUITY, no_overdraft=True)
EXPENSE = Account("5101:P1", "project", AccountType.EXPENSE)
ACCOUNTS = {a.code: a for a in (BANK, INCOME, FUND, EXPENSE)}
AMOUNT_WORDS = f"amount must be a whole number of fen from 1 to {MAX_AMOUNT_FEN}"


def refused(exc_type, call, *args, **kw) -> LedgerError:
    with pytest.raises(exc_type) as caught:
        call(*args, **kw)
    return caught.value


# -- errors carry message and field --------------------------------------------------------------------

def test_a_ledger_error_keeps_message_and_field():
    err = LedgerError("why", "where")
    assert (str(err), err.message, err.field) == ("why", "why", "where")
    assert LedgerError("why").field is None


# -- lines -----------------------------------------------------------------------------------------------

def test_line_sides_and_signs():
    assert line("1001", "debit", 7) == Line("1001", 7)
    assert line("1001", "credit", 7) == Line("1001", -7)
    assert debit("1001", MAX_AMOUNT_FEN) == Line("1001", MAX_AMOUNT_FEN)
    assert credit("1001", 1) == Line("1001", -1)
    assert Line("1001", 1).side == "debit" and Line("1001", -1).side == "credit"
    assert Line("1001", 0).side == "credit"  # not a valid line; only a debit is > 0


def test_a_bad_line_from_the_api_names_its_index_and_field():
    err = refused(InvalidEntry, line, "1001", "Debit", 5, 2)
    assert (err.message, err.field) == ("lines[2]: side must be debit or credit", "lines[2].side")
    err = refused(InvalidEntry, line, "1001", "credit", MAX_AMOUNT_FEN + 1, 4)
    assert (err.message, err.field) == (f"lines[4]: {AMOUNT_WORDS}", "lines[4].amount_fen")
    err = refused(InvalidEntry, line, "1001", "debit", 0)  # index 0 by default
    assert (err.message, err.field) == (f"lines[0]: {AMOUNT_WORDS}", "lines[0].amount_fen")
    assert refused(InvalidEntry, debit, "1001", 0).field == "lines[0].amount_fen"
    assert refused(InvalidEntry, credit, "1001", -3).field == "lines[0].amount_fen"


def test_the_line_count_bounds_on_both_sides():
    check_lines([debit("1001", 1), credit("4105", 1)])  # two lines: the least
    err = refused(InvalidEntry, check_lines, [debit("1001", 1)])
    assert (err.message, err.field) == ("an entry needs at least two lines (a debit and a credit)", "lines")
    check_lines([debit("1001", 1)] * 99 + [credit("4105", 99)])  # exactly 100 lines: allowed
    err = refused(InvalidEntry, check_lines, [debit("1001", 1)] * 100 + [credit("4105", 100)])
    assert (err.message, err.field) == ("an entry has at most 100 lines", "lines")


def test_amounts_at_the_bound_and_each_bad_amount_named_by_its_index():
    check_lines([Line("1001", MAX_AMOUNT_FEN), Line("4105", -MAX_AMOUNT_FEN)])
    for bad in (0, MAX_AMOUNT_FEN + 1, -MAX_AMOUNT_FEN - 1, 1.0, True):
        err = refused(InvalidEntry, check_lines, [Line("1001", 1), Line("4105", -1), Line("5101", bad)])
        assert (err.message, err.field) == (f"lines[2]: {AMOUNT_WORDS}", "lines[2].amount_fen")


def test_an_account_that_is_no_code_is_named():
    for bad in ("41 05", "", "410", 4105, None):
        err = refused(UnknownAccount, check_lines, [Line("1001", 1), Line(bad, -1)])
        assert (err.message, err.field) == (f"lines[1]: {bad!r} is not an account code", "lines[1].account")


def test_unbalanced_says_both_sums():
    err = refused(InvalidEntry, check_lines, [debit("1001", 500), debit("1002", 25), credit("4105", 500)])
    assert (err.message, err.field) == ("unbalanced entry: debits 5.25 元 ≠ credits 5.00 元", "lines")
    err = refused(InvalidEntry, check_lines, [debit("1001", 100), credit("4105", 60), credit("4106", 60)])
    assert err.message == "unbalanced entry: debits 1.00 元 ≠ credits 1.20 元"


@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=20), st.lists(st.integers(1, 10**6), min_size=1,
                                                                            max_size=20))
def test_balanced_exactly_when_debits_equal_credits(debits, credits):
    lines = [debit("1001", d) for d in debits] + [credit("4105", c) for c in credits]
    if sum(debits) == sum(credits):
        check_lines(lines)
    else:
        assert refused(InvalidEntry, check_lines, lines).field == "lines"
    balanced = [debit("1001", d) for d in debits] + [credit("4105", sum(debits))]
    check_lines(balanced)
    assert movements(balanced) == {"1001": sum(debits), "4105": -sum(debits)}


# -- drafts ------------------------------------------------------------------------------------------------

DRAFT = EntryDraft("manual", date(2026, 11, 30), "memo", (debit("1001", 1), credit("4105", 1)), "k",
                   Cause("manual", "k"), "u")


def test_a_draft_refusal_names_its_field():
    from dataclasses import replace

    err = refused(InvalidEntry, check_draft, replace(DRAFT, kind="gift"))
    assert (err.message, err.field) == ("unknown entry kind 'gift'", "kind")
    check_draft(replace(DRAFT, idempotency_id="k" * 200))
    for bad in ("", "k" * 201):
        err = refused(InvalidEntry, check_draft, replace(DRAFT, idempotency_id=bad))
        assert (err.message, err.field) == ("idempotency id must be 1 to 200 characters", "idempotency_id")
    assert refused(InvalidEntry, check_draft, replace(DRAFT, lines=(debit("1001", 1),))).field == "lines"


def test_the_fingerprint_is_the_content():
    from dataclasses import replace

    assert DRAFT.fingerprint() == ("manual", date(2026, 11, 30), "memo", (("1001", 1), ("4105", -1)), "manual", "k",
                                   None, None)
    assert DRAFT.fingerprint(with_date=False)[1] is None
    assert replace(DRAFT, posted_on=date(2026, 12, 1)).fingerprint(with_date=False) == DRAFT.fingerprint(
        with_date=False)


# -- accounts -----------------------------------------------------------------------------------------------

def test_account_refusals_name_the_line():
    err = refused(UnknownAccount, check_accounts, [debit("1002:donation", 1), credit("4999", 1)], ACCOUNTS)
    assert (err.message, err.field) == ("lines[1]: no account 4999 in the chart", "lines[1].account")
    closed = {**ACCOUNTS, "4105": Account("4105", "donations", AccountType.INCOME, closed=True)}
    err = refused(AccountNotPostable, check_accounts, [debit("1002:donation", 1), credit("4105", 1)], closed)
    assert (err.message, err.field) == ("lines[1]: account 4105 is closed", "lines[1].account")
    header = {**ACCOUNTS, "1002": Account("1002", "bank", AccountType.ASSET, postable=False)}
    err = refused(AccountNotPostable, check_accounts, [debit("1002", 1), credit("4105", 1)], header)
    assert (err.message, err.field) == ("lines[0]: account 1002 is a header account; post to one of its sub-accounts",
                                        "lines[0].account")


# -- balances and overdraft ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, sign", [(AccountType.ASSET, 1), (AccountType.EXPENSE, 1), (AccountType.LIABILITY, -1),
                                        (AccountType.EQUITY, -1), (AccountType.INCOME, -1)])
def test_each_type_has_its_normal_side(kind, sign):
    account = Account("9999", "x", kind)
    assert account.normal_sign == sign
    assert account.natural(250) == 250 * sign and account.natural(0) == 0


def test_movements_net_each_account():
    lines = [debit("1001", 5), credit("1001", 2), credit("4105", 3), debit("5101", 4), credit("4105", 4)]
    assert movements(lines) == {"1001": 3, "4105": -7, "5101": 4}
    assert movements([]) == {}


def test_balances_after_a_posting_start_from_the_stored_ones():
    balances = {"1002:donation": 1_000, "3101:general": -5_000}
    after = check_overdraft([debit("1002:donation", 300), credit("3101:general", 300)], ACCOUNTS, balances)
    assert after == {"1002:donation": 1_300, "3101:general": -5_300}
    # an account with no stored balance starts at zero
    assert check_overdraft([debit("5101:P1", 9), credit("4105", 9)], ACCOUNTS, {}) == {"5101:P1": 9, "4105": -9}


def test_an_overdraft_says_what_the_account_holds_and_what_was_asked():
    balances = {"1002:donation": 1_000}
    err = refused(Overdraft, check_overdraft, [debit("5101:P1", 1_001), credit("1002:donation", 1_001)], ACCOUNTS,
                  balances)
    assert err.field == "lines"  # the default field
    assert err.message == ("1002:donation (bank) would go below zero: it holds 10.00 元, the posting takes 10.01 元")
    # a credit-normal fund: its natural balance is the negated stored one
    err = refused(Overdraft, check_overdraft, [debit("3101:general", 501), credit("4105", 501)], ACCOUNTS,
                  {"3101:general": -500}, "amount_fen")
    assert err.field == "amount_fen"
    assert err.message == ("3101:general (fund balance) would go below zero: it holds 5.00 元, the posting takes "
                           "5.01 元")
    # exactly to zero is fine for both
    assert check_overdraft([debit("3101:general", 500), credit("4105", 500)], ACCOUNTS,
                           {"3101:general": -500})["3101:general"] == 0
    err = refused(Overdraft, check_overdraft, [debit("5101:P1", 1), credit("1002:donation", 1)], ACCOUNTS, {})
    assert "it holds 0.00 元, the posting takes 0.01 元" in err.message


@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_a_flagged_account_overdraws_exactly_when_the_payment_exceeds_the_balance(held, paid):
    lines = [debit("5101:P1", paid), credit("1002:donation", paid)]
    if paid > held:
        refused(Overdraft, check_overdraft, lines, ACCOUNTS, {"1002:donation": held})
    else:
        assert check_overdraft(lines, ACCOUNTS, {"1002:donation": held})["1002:donation"] == held - paid


# -- reversals ----------------------------------------------------------------------------------------------------

def test_reversal_lines_flip_every_sign_and_keep_the_order():
    lines = (debit("1001", 5), credit("4105", 3), credit("4106", 2))
    assert reversal_lines(lines) == (Line("1001", -5), Line("4105", 3), Line("4106", 2))
    assert reversal_lines(reversal_lines(lines)) == lines
    assert reversal_lines(()) == ()


def test_reversal_refusals_in_words():
    err = refused(NotReversible, check_reversible, "reversal", False)
    assert (err.message, err.field) == ("a reversal is not reversed again; post a new entry instead", "entry_id")
    err = refused(NotReversible, check_reversible, "reversal", True)  # a reversal's reason comes first
    assert err.message.startswith("a reversal is not reversed again")
    err = refused(NotReversible, check_reversible, "manual", True)
    assert (err.message, err.field) == ("this entry is already reversed", "entry_id")
    err = refused(NotReversible, check_reversible, "receipt", False)
    assert (err.message, err.field) == ("a receipt entry belongs to its workflow; correct it there (e.g. reverse the "
                                        "receipt), not by a bare reversal", "entry_id")
    check_reversible("manual", False)
    refused(NotReversible, check_reversible, "manual", False, allowed_kinds=frozenset({"receipt"}))


# -- periods ---------------------------------------------------------------------------------------------------------

def test_month_text_is_zero_padded():
    assert month_of(date(987, 3, 9)) == "0987-03"
    assert month_of(date(2026, 12, 31)) == "2026-12"


@pytest.mark.parametrize("month, after", [("2026-01", "2026-02"), ("2026-09", "2026-10"), ("2026-11", "2026-12"),
                                          ("2026-12", "2027-01"), ("0999-12", "1000-01")])
def test_next_month_by_hand(month, after):
    assert next_month(month) == after


@given(st.dates(date(1000, 1, 1), date(9998, 12, 1)))
def test_next_month_is_the_month_of_the_first_day_after_this_month(day):
    first_of_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    assert next_month(month_of(day)) == month_of(first_of_next)


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-1", "26-01", "2026/01", "2026-01-01", "", None])
def test_a_month_is_yyyy_mm(bad):
    err = refused(PeriodError, parse_month, bad)
    assert (err.message, err.field) == (f"{bad!r} is not a month (YYYY-MM)", "month")


def test_parse_month_gives_numbers():
    assert parse_month("2026-07") == (2026, 7) and parse_month("0001-12") == (1, 12)


def test_closed_through_is_inclusive():
    periods = Periods("2026-10")
    assert periods.is_closed(date(2026, 10, 31)) and periods.is_closed(date(2025, 12, 1))
    assert not periods.is_closed(date(2026, 11, 1))


def test_posting_date_refusals_in_words():
    periods, today = Periods("2026-10"), date(2026, 12, 1)
    err = refused(FutureDate, periods.check_postable, date(2026, 12, 2), today)
    assert (err.message, err.field) == ("2026-12-02 is in the future (today is 2026-12-01)", "posted_on")
    err = refused(PeriodClosed, periods.check_postable, date(2026, 10, 31), today, "received_on")
    assert (err.message, err.field) == ("2026-10 is closed (closed through 2026-10); date the posting in the open "
                                        "period, from 2026-11", "received_on")
    periods.check_postable(date(2026, 11, 1), today)  # the first open day
    Periods(None).check_postable(today, today)


def test_closing_refusals_in_words():
    today = date(2026, 12, 1)
    Periods(None).check_closable("2026-11", today)  # the month before today's has ended
    err = refused(PeriodError, Periods(None).check_closable, "2026-12", today)
    assert (err.message, err.field) == ("2026-12 has not ended yet (today is 2026-12-01)", "month")
    refused(PeriodError, Periods(None).check_closable, "2027-01", today)
    err = refused(PeriodError, Periods("2026-10").check_closable, "2026-09", today)
    assert (err.message, err.field) == ("2026-09 is already closed (closed through 2026-10)", "month")
    err = refused(PeriodError, Periods("2026-09").check_closable, "2026-11", today)
    assert (err.message, err.field) == ("close 2026-10 first: months close in order", "month")
    err = refused(PeriodError, Periods("2026-09").check_closable, "2026/11", today)
    assert err.message == "'2026/11' is not a month (YYYY-MM)"


def test_the_open_period_starts_after_the_last_closed_month():
    assert Periods("2026-12").open_from() == "2027-01"
    assert Periods(None).open_from() is None
