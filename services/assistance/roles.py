"""Who may do what in assistance (困难帮扶)."""

from services.common.roles import OFFICERS

REGISTER_HARDSHIP = OFFICERS
