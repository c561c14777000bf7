"""Who may do what in assistance (困难帮扶)."""

from services.common.roles import DISTRICT_OFFICER, DISTRICT_OPS, READERS

REGISTER_HARDSHIP = DISTRICT_OPS
READ_HARDSHIP = READERS


def sees_real_names(principal) -> bool:
    """Real-name relief (实名制救助): the district officers who run the registry see names and ID
    numbers; city officers and auditors see the masked record."""
    return principal is not None and principal.role == DISTRICT_OFFICER
