"""The ledger's rules in plain Python: balanced entries, accounts, no-overdraft flags, reversals
and accounting periods."""

from dataclasses import replace
from datetime import date

import pytest

from services.finance.domain import chart
from services.finance.domain.ledger import (
    Account,
    AccountNotPostable,
    AccountType,
    Cause,
    EntryDraft,
    FutureDate,
    InvalidEntry,
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
    reversal_lines,
)
from services.finance.domain.money import MAX_AMOUNT_FEN

BANK = Account("1002:donation", "bank", AccountType.ASSET, no_overdraft=True)
INCOME = Account("4105", "donations", AccountType.INCOME)
EXPENSE = Account("5101:P1", "project", AccountType.EXPENSE)
ACCOUNTS = {a.code: a for a in (BANK, INCOME, EXPENSE)}


def test_a_balanced_entry_passes_and_signs_say_the_side():
    lines = [debit("1002:donation", 500), credit("4105", 300), credit("4105", 200)]
    check_lines(lines)
    assert [ln.side for ln in lines] == ["debit", "credit", "credit"]
    assert movements(lines) == {"1002:donation": 500, "4105": -500}


@pytest.mark.parametrize("lines, field, words", [
    ([debit("1001", 5)], "lines", "at least two lines"),
    ([], "lines", "at least two lines"),
    ([debit("1001", 5), credit("4105", 4)], "lines", "unbalanced"),
    ([debit("1001", 5), debit("4105", 5)], "lines", "unbalanced"),
    ([Line("1001", 0), Line("4105", 0)], "lines[0].amount_fen", "amount"),
    ([Line("1001", 5.0), Line("4105", -5.0)], "lines[0].amount_fen", "amount"),
    ([Line("1001", True), Line("4105", -1)], "lines[0].amount_fen", "amount"),
    ([Line("1001", MAX_AMOUNT_FEN + 1), Line("4105", -MAX_AMOUNT_FEN - 1)], "lines[0].amount_fen", "amount"),
    ([Line("1001", 5), Line("41 05", -5)], "lines[1].account", "account code"),
])
def test_malformed_entries_are_refused_naming_the_field(lines, field, words):
    with pytest.raises((InvalidEntry, UnknownAccount)) as err:
        check_lines(lines)
    assert err.value.field == field and words in err.value.message


def test_more_lines_than_the_limit_are_refused():
    lines = [debit("1001", 1)] * 100 + [credit("4105", 100)]
    with pytest.raises(InvalidEntry, match="at most 100"):
        check_lines(lines)


@pytest.mark.parametrize("side, amount, field", [("up", 5, "lines[3].side"), ("debit", 0, "lines[3].amount_fen"),
                                                 ("credit", -5, "lines[3].amount_fen"),
                                                 ("debit", 2.5, "lines[3].amount_fen")])
def test_a_line_from_the_api_is_checked(side, amount, field):
    with pytest.raises(InvalidEntry) as err:
        line("1001", side, amount, 3)
    assert err.value.field == field


def test_a_draft_needs_a_known_kind_and_an_idempotency_id():
    good = EntryDraft("manual", date(2026, 11, 30), "", (debit("1001", 1), credit("4105", 1)), "k",
                      Cause("manual", "k"), "u")
    check_draft(good)
    with pytest.raises(InvalidEntry, match="kind"):
        check_draft(replace(good, kind="gift"))
    with pytest.raises(InvalidEntry, match="idempotency"):
        check_draft(replace(good, idempotency_id=""))
    assert replace(good, date_given=False) == good  # whether the date was chosen is not content


def test_accounts_must_exist_be_open_and_postable():
    check_accounts([debit("1002:donation", 1), credit("4105", 1)], ACCOUNTS)
    with pytest.raises(UnknownAccount) as err:
        check_accounts([debit("1002:donation", 1), credit("4999", 1)], ACCOUNTS)
    assert err.value.field == "lines[1].account"
    closed = {**ACCOUNTS, "4105": Account("4105", "donations", AccountType.INCOME, closed=True)}
    with pytest.raises(AccountNotPostable, match="closed"):
        check_accounts([debit("1002:donation", 1), credit("4105", 1)], closed)
    with pytest.raises(AccountNotPostable, match="header"):
        check_accounts([debit("1002", 1), credit("4105", 1)], {**ACCOUNTS, "1002": chart.BASE["1002"]})


def test_a_no_overdraft_account_never_ends_below_zero():
    balances = {"1002:donation": 1_000}
    after = check_overdraft([debit("5101:P1", 1_000), credit("1002:donation", 1_000)], ACCOUNTS, balances)
    assert after == {"5101:P1": 1_000, "1002:donation": 0}  # down to exactly zero is fine
    with pytest.raises(Overdraft) as err:
        check_overdraft([debit("5101:P1", 1_001), credit("1002:donation", 1_001)], ACCOUNTS, balances, "amount_fen")
    assert err.value.field == "amount_fen"
    assert "holds 10.00 元" in err.value.message and "takes 10.01 元" in err.value.message


def test_an_account_without_the_flag_may_go_either_way():
    # income is credit-normal: a debit (a reversal) may take it below zero; expense likewise
    assert check_overdraft([debit("4105", 7), credit("5101:P1", 7)], ACCOUNTS, {}) == {"4105": 7, "5101:P1": -7}


def test_the_natural_balance_follows_the_normal_side():
    assert BANK.natural(500) == 500 and BANK.normal_sign == 1
    assert INCOME.natural(-500) == 500 and INCOME.normal_sign == -1
    liability = Account("2241", "payables", AccountType.LIABILITY, no_overdraft=True)
    with pytest.raises(Overdraft):  # a credit-normal flagged account: a net debit would overdraw it
        check_overdraft([debit("2241", 1), credit("4105", 1)], {**ACCOUNTS, "2241": liability}, {})


def test_a_reversal_flips_every_line_and_is_itself_not_reversed():
    lines = (debit("1002:donation", 500), credit("4105", 500))
    assert reversal_lines(lines) == (credit("1002:donation", 500), debit("4105", 500))
    check_lines(reversal_lines(lines))
    check_reversible("manual", False)
    with pytest.raises(NotReversible, match="already reversed"):
        check_reversible("manual", True)
    with pytest.raises(NotReversible, match="not reversed again"):
        check_reversible("reversal", False)
    with pytest.raises(NotReversible, match="workflow"):
        check_reversible("disbursement", False)
    check_reversible("receipt", False, allowed_kinds={"receipt"})


# -- periods --------------------------------------------------------------------------------------

def test_months_and_their_successors():
    assert month_of(date(2026, 1, 31)) == "2026-01"
    assert next_month("2026-11") == "2026-12" and next_month("2026-12") == "2027-01"


def test_postings_are_refused_in_the_future_and_in_closed_months():
    periods = Periods("2026-10")
    today = date(2026, 12, 1)
    periods.check_postable(date(2026, 11, 1), today)
    periods.check_postable(today, today)
    with pytest.raises(FutureDate) as err:
        periods.check_postable(date(2026, 12, 2), today, "received_on")
    assert err.value.field == "received_on"
    with pytest.raises(PeriodClosed) as err:
        periods.check_postable(date(2026, 10, 31), today)
    assert "2026-10 is closed" in err.value.message and "from 2026-11" in err.value.message
    assert Periods(None).is_closed(date(2000, 1, 1)) is False


def test_months_close_in_order_once_they_have_ended():
    today = date(2026, 12, 1)
    Periods(None).check_closable("2026-03", today)  # the first close may be any ended month
    Periods("2026-10").check_closable("2026-11", today)
    for periods, month, words in [(Periods(None), "2026-12", "not ended"),
                                  (Periods("2026-10"), "2026-10", "already"),
                                  (Periods("2026-09"), "2026-11", "2026-10 first"),
                                  (Periods(None), "2026-13", "not a month"), (Periods(None), "26-1", "not a month")]:
        with pytest.raises(PeriodError, match=words) as err:
            periods.check_closable(month, today)
        assert err.value.field == "month"
    assert Periods("2026-10").open_from() == "2026-11" and Periods(None).open_from() is None
