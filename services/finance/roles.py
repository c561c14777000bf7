"""Who may do what in finance (资金与贷款)."""

from services.common.roles import FINANCE_OFFICER

RECORD_RECEIPTS = (FINANCE_OFFICER,)
