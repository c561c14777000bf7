"""Who may do what in finance (资金与贷款). Maker and checker are both finance officers — two
different people (domain.funds.check_decider); auditors and the city level read."""

from services.common.roles import AUDITOR, CITY_OFFICER, FINANCE_OFFICER

RECORD_RECEIPTS = (FINANCE_OFFICER,)
KEEP_BOOKS = (FINANCE_OFFICER,)        # accountants' entries, reversals, periods, accounts
SET_BUDGETS = (FINANCE_OFFICER,)
DISBURSE = (FINANCE_OFFICER,)          # request, and approve or reject another officer's request
READ_BOOKS = (FINANCE_OFFICER, AUDITOR, CITY_OFFICER)
AUDIT = (FINANCE_OFFICER, AUDITOR, CITY_OFFICER)  # export and verify the chain
COLLECT_RENT = (FINANCE_OFFICER,)     # payments, reversals, the billing and overdue triggers
LEND = (FINANCE_OFFICER,)             # loan products, applications, approval (another officer), repayments
