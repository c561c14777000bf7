"""finance (资金与贷款): double-entry ledger, funds, rent accounts, union housing loans."""
