"""Who may do what in assistance (困难帮扶)."""

from services.common.roles import DISTRICT_OPS

REGISTER_HARDSHIP = DISTRICT_OPS
