"""Who may do what in assistance (困难帮扶). Day-to-day work — the registry, relief cases,
approvals, budgets, referrals — belongs to the district (DISTRICT_OPS); city officers and
auditors read."""

from services.common.roles import DISTRICT_OFFICER, DISTRICT_OPS, READERS

REGISTER_HARDSHIP = DISTRICT_OPS
READ_HARDSHIP = READERS
CLOSE_HARDSHIP = DISTRICT_OPS
VERIFY_HARDSHIP = DISTRICT_OPS
RECORD_MOVING_IN = DISTRICT_OPS
REQUEST_RELIEF = DISTRICT_OPS
DECIDE_RELIEF = DISTRICT_OPS
SET_BUDGET = DISTRICT_OPS
READ_RELIEF = READERS
MANAGE_STOCK = DISTRICT_OPS
MANAGE_SUPPORT = DISTRICT_OPS
READ_SUPPORT = READERS
HANDLE_REFERRALS = DISTRICT_OPS
READ_REFERRALS = READERS
READ_REPORTS = READERS  # aggregates only
READ_AUDIT = READERS  # auditors read the trail; nobody writes it (the use cases do, with each change)


def sees_real_names(principal) -> bool:
    """Real-name relief (实名制救助): the district officers who run the registry see names and ID
    numbers; city officers and auditors see the masked record."""
    return principal is not None and principal.role == DISTRICT_OFFICER
