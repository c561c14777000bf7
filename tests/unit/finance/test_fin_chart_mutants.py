"""会计科目表 the chart of accounts as a table (issue 20), beyond domain/test_fin_chart_funds.py: every
base account's code, type and flags as the module docstring and finance's part 2 define them; the
name of every kind of derived sub-account; each way a code is not an account (an empty or 41-char
segment, one part too many, a header's own code); the fund accounts' refusal in words.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_derive__mutmut_20: ``rest[0] if rest or True`` for ``if rest``: ``rest`` is never empty there —
  a code without a colon whose first part is a base account is that base account, returned above.
- x_derive__mutmut_86: ``split(None)`` for ``split(' ')``: the bank headers' names (1002, 1009)
  begin with a word with no blank in it, then one space, so both splits give the same first word.
"""
import pytest

from services.finance.domain import chart
from services.finance.domain.ledger import AccountType as T

# code: (type, no overdraft, postable, fund source) — the docstring's table, written out
EXPECTED = {
    "1001": (T.ASSET, True, True, None), "1002": (T.ASSET, True, False, None), "1009": (T.ASSET, True, False, None),
    "1122": (T.ASSET, False, True, None), "2241": (T.LIABILITY, False, True, None),
    "3001": (T.EQUITY, False, True, None), "3101": (T.EQUITY, False, True, None),
    "4101": (T.INCOME, False, True, "finance_bureau"), "4102": (T.INCOME, False, True, "central_subsidy"),
    "4103": (T.INCOME, False, True, "union_funds"), "4104": (T.INCOME, False, True, "social_capital"),
    "4105": (T.INCOME, False, True, "donation"),
    "1021": (T.ASSET, True, True, None), "1131": (T.ASSET, False, True, None), "2205": (T.LIABILITY, False, True, None),
    "4201": (T.INCOME, False, True, None),
    "1022": (T.ASSET, True, True, None), "1301": (T.ASSET, False, True, None), "1303": (T.ASSET, False, True, None),
    "2206": (T.LIABILITY, False, True, None), "4301": (T.INCOME, False, True, None),
    "4302": (T.INCOME, False, True, None), "5301": (T.EXPENSE, False, True, None),
    "5101": (T.EXPENSE, False, False, None), "5201": (T.EXPENSE, False, False, None),
}


def test_every_base_account_with_its_type_and_flags():
    assert {a.code: (a.type, a.no_overdraft, a.postable, a.fund_source) for a in chart.BASE.values()} == EXPECTED
    assert all(code == a.code for code, a in chart.BASE.items())
    assert chart.BASE["4105"].name == "社会捐助收入 receipts: donation"
    assert chart.BASE["1002"].name.split(" ")[0] == "银行存款"


@pytest.mark.parametrize("code", ["1002:donation", "1009:donation:relief", "1002:union_funds:project:P1", "5101:P1",
                                  "5201:dibao"])
def test_a_derived_account_has_the_code_asked_for(code):
    assert chart.derive(code).code == code


def test_the_names_of_derived_accounts():
    assert chart.derive("1002:donation").name == "银行存款—社会捐助 (available)"
    assert chart.derive("1002:donation:relief").name == "银行存款—社会捐助—帮扶救助 (available)"
    assert chart.derive("1009:union_funds:project:P1").name == (
        "银行存款—待审批支出冻结—工会经费—项目 P1 (held for approval)")
    assert chart.derive("1009:donation").held and not chart.derive("1002:donation").held
    a = chart.derive("5101:P1")
    assert (a.name, a.parent, a.postable, a.type) == ("项目支出—P1 project expense", "5101", True, T.EXPENSE)
    a = chart.derive("5201:dibao")
    assert (a.name, a.parent, a.postable, a.category) == ("救助支出—dibao relief expense", "5201", True, "dibao")
    assert chart.derive("1002:donation").earmark == "general" and chart.derive("1002:donation").project_id is None


@pytest.mark.parametrize("code", ["1002:", "1002:donation:", "1002:donation:project:" + "p" * 41, "5101:" + "p" * 41,
                                  "1002:donation:relief:x", "1002:donation:general", "5201:a:b", "5101:",
                                  "1021:x", "1002:donation:projekt:P1", "2241:x"])
def test_codes_that_are_not_accounts(code):
    assert chart.derive(code) is None


def test_a_40_character_segment_is_an_account():
    assert chart.derive("5101:" + "p" * 40).project_id == "p" * 40
    assert chart.derive("1002:donation:project:" + "p" * 40).project_id == "p" * 40


def test_fund_account_names_and_refusals():
    assert chart.fund_account("donation", "relief") == "1002:donation:relief"
    assert chart.fund_account("donation") == "1002:donation" and chart.fund_suffix("donation") == "donation"
    assert chart.held_account("donation") == "1009:donation"
    assert chart.income_account("union_funds") == "4103"
    assert (chart.project_expense("P1"), chart.relief_expense("dibao")) == ("5101:P1", "5201:dibao")
    with pytest.raises(ValueError, match="^no fund donation/project/bad id$"):
        chart.fund_account("donation", "project", "bad id")
    with pytest.raises(ValueError, match="^no fund donation/other/None$"):
        chart.fund_account("donation", "other")
    with pytest.raises(ValueError):
        chart.income_account("lottery")
