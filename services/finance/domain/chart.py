"""The chart of accounts (会计科目表) of a district's housing programme.

Codes follow the Chinese numbering (1 assets, 2 liabilities, 3 net assets / fund balances,
4 income, 5 expense). Money belongs to a *fund*: a source (财政资金, 中央专项补助, 工会经费,
社会资本, 社会捐助) and an earmark — general, a housing project, or relief (帮扶救助). The
programme's bank account (专户) is kept per fund as sub-accounts, so a fund's balance is an
account balance the no-overdraft flag guards:

    1002:<source>                    bank — the source's general fund            (asset, no overdraft)
    1002:<source>:project:<id>       bank — earmarked for a project             (asset, no overdraft)
    1002:<source>:relief             bank — the relief fund from that source     (asset, no overdraft)
    1009:<fund>                      bank — held for disbursements awaiting approval (asset, no overdraft)
    4101 … 4105                      receipts by source                          (income)
    5101:<project id>                project expense                             (expense)
    5201:<relief category>           relief expense                              (expense)

A fund's balance = 1002:<fund> (available) + 1009:<fund> (held); the sum of all 1002 and
1009 sub-accounts is the bank balance. Sub-accounts are opened when first posted to; the
header accounts (1002, 1009, 5101, 5201) only sum their sub-accounts. Part 2 adds the rent
accounts: 1021 rent collections (bank), 1131 rent receivable, 2205 rent received in advance
(credit), 4201 rent income; and the loan accounts (1022, 1301, 1303, 2206, 4301, 4302, 5301).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .funds import SOURCE_LABELS, FundSource
from .ledger import Account, AccountType

ASSET, LIABILITY, EQUITY, INCOME, EXPENSE = (AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY,
                                            AccountType.INCOME, AccountType.EXPENSE)

INCOME_CODE = {FundSource.FINANCE_BUREAU: "4101", FundSource.CENTRAL_SUBSIDY: "4102",
               FundSource.UNION_FUNDS: "4103", FundSource.SOCIAL_CAPITAL: "4104", FundSource.DONATION: "4105"}
BANK, HELD, PROJECT_EXPENSE, RELIEF_EXPENSE = "1002", "1009", "5101", "5201"
# Rent (part 2): an invoice is Dr 1131 / Cr 4201; a payment Dr 1021 / Cr 2205; applying payments
# to invoices moves 2205 → 1131, so 1131 is what tenants owe and 2205 their credit.
RENT_BANK, RENT_RECEIVABLE, RENT_IN_ADVANCE, RENT_INCOME = "1021", "1131", "2205", "4201"
# Loans (工会安居贷): disbursed Dr 1301 / Cr the union's fund; each period's interest Dr 1303 (the
# borrower's part) + Dr 5301 (the union's 贴息) / Cr 4301; penalties Dr 1303 / Cr 4302; money in
# Dr 1022 / Cr 2206; applied to the loan Dr 2206 / Cr 1301 (principal) and 1303 (interest, penalty).
LOAN_BANK, LOANS_RECEIVABLE, LOAN_CHARGES_RECEIVABLE, LOAN_UNAPPLIED = "1022", "1301", "1303", "2206"
LOAN_INTEREST_INCOME, LOAN_PENALTY_INCOME, INTEREST_SUBSIDY_EXPENSE = "4301", "4302", "5301"

BASE: dict[str, Account] = {a.code: a for a in (
    Account("1001", "库存现金 cash on hand", ASSET, no_overdraft=True),
    Account(BANK, "银行存款 bank (programme account), by fund", ASSET, no_overdraft=True, postable=False),
    Account(HELD, "银行存款—待审批支出冻结 bank, held for disbursements awaiting approval", ASSET,
            no_overdraft=True, postable=False),
    Account("1122", "其他应收款 other receivables", ASSET),
    Account("2241", "其他应付款 other payables", LIABILITY),
    Account("3001", "期初净资产 opening fund balance", EQUITY),
    Account("3101", "累计结余 accumulated fund balance", EQUITY),
    *(Account(code, f"{SOURCE_LABELS[src]}收入 receipts: {src.value}", INCOME, fund_source=src.value)
      for src, code in INCOME_CODE.items()),
    Account(RENT_BANK, "银行存款—租金收款户 bank, rent collections", ASSET, no_overdraft=True),
    Account(RENT_RECEIVABLE, "应收租金 rent receivable", ASSET),
    Account(RENT_IN_ADVANCE, "预收租金 rent received, not yet applied to an invoice (tenants' credit)", LIABILITY),
    Account(RENT_INCOME, "租金收入 rent income", INCOME),
    Account(LOAN_BANK, "银行存款—贷款收款户 bank, loan repayments", ASSET, no_overdraft=True),
    Account(LOANS_RECEIVABLE, "贷款—工会安居贷 union housing loans (principal owed)", ASSET),
    Account(LOAN_CHARGES_RECEIVABLE, "应收利息及罚息 loan interest and penalty receivable (borrowers' part)", ASSET),
    Account(LOAN_UNAPPLIED, "预收还款 loan repayments not yet applied (borrowers' credit)", LIABILITY),
    Account(LOAN_INTEREST_INCOME, "贷款利息收入 loan interest income", INCOME),
    Account(LOAN_PENALTY_INCOME, "罚息收入 penalty interest income", INCOME),
    Account(INTEREST_SUBSIDY_EXPENSE, "贴息支出 union interest subsidy expense", EXPENSE),
    Account(PROJECT_EXPENSE, "项目支出 project expense, by project", EXPENSE, postable=False),
    Account(RELIEF_EXPENSE, "救助支出 relief expense, by category", EXPENSE, postable=False),
)}

SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


def fund_suffix(source: str, earmark: str = "general", project_id: str | None = None) -> str:
    FundSource(source)  # ValueError for an unknown source
    if earmark == "general":
        return source
    if earmark == "relief":
        return f"{source}:relief"
    if earmark == "project" and project_id and SEGMENT.fullmatch(project_id):
        return f"{source}:project:{project_id}"
    raise ValueError(f"no fund {source}/{earmark}/{project_id}")


def fund_account(source: str, earmark: str = "general", project_id: str | None = None) -> str:
    """The bank sub-account holding a fund's available money."""
    return f"{BANK}:{fund_suffix(source, earmark, project_id)}"


def held_account(source: str, earmark: str = "general", project_id: str | None = None) -> str:
    """The bank sub-account holding a fund's money reserved by pending disbursement requests."""
    return f"{HELD}:{fund_suffix(source, earmark, project_id)}"


def income_account(source: str) -> str:
    return INCOME_CODE[FundSource(source)]


def project_expense(project_id: str) -> str:
    return f"{PROJECT_EXPENSE}:{project_id}"


def relief_expense(category: str) -> str:
    return f"{RELIEF_EXPENSE}:{category}"


def derive(code: str) -> Account | None:
    """The account a code names: a base account, or a sub-account the chart's patterns define
    (opened on first use with its parent's type and flags); None when the chart has no such
    account."""
    if code in BASE:
        return BASE[code]
    parts = code.split(":")
    parent = BASE.get(parts[0])
    if parent is None or parent.postable or not all(SEGMENT.fullmatch(p) for p in parts[1:]):
        return None
    rest = parts[1:]
    if parent.code in (BANK, HELD):
        source = rest[0] if rest else None
        if source not in SOURCE_LABELS:
            return None
        if len(rest) == 1:
            earmark, project_id = "general", None
        elif len(rest) == 2 and rest[1] == "relief":
            earmark, project_id = "relief", None
        elif len(rest) == 3 and rest[1] == "project":
            earmark, project_id = "project", rest[2]
        else:
            return None
        label = SOURCE_LABELS[FundSource(source)] + {"general": "", "relief": "—帮扶救助",
                                                     "project": f"—项目 {project_id}"}[earmark]
        what = "held for approval" if parent.code == HELD else "available"
        return replace(parent, code=code, name=f"{parent.name.split(' ')[0]}—{label} ({what})", postable=True,
                       parent=parent.code, fund_source=source, earmark=earmark, project_id=project_id,
                       held=parent.code == HELD)
    if len(rest) != 1:
        return None
    if parent.code == PROJECT_EXPENSE:
        return replace(parent, code=code, name=f"项目支出—{rest[0]} project expense", postable=True,
                       parent=parent.code, project_id=rest[0])
    if parent.code == RELIEF_EXPENSE:
        return replace(parent, code=code, name=f"救助支出—{rest[0]} relief expense", postable=True,
                       parent=parent.code, category=rest[0])
    return None

