"""Allocation's domain exceptions → HTTP status, registered by service.py. An exception about
one input names it in ``field``, and the problem response shows it under ``errors``."""

from __future__ import annotations

from .domain.csv_import import CsvFormatError
from .domain.lottery import LotteryError, PublicValuesError, RevealMismatch
from .domain.offers import OfferError
from .domain.stock import StatusTransitionError
from .domain.tenancies import TenancyDateError

STATUS = {
    CsvFormatError: 400,         # the uploaded file as a whole is unreadable ("file")
    StatusTransitionError: 409,  # the unit's current status does not allow the one asked for
    OfferError: 422,             # the answer's date ("on") is refused by the offer's rules
    TenancyDateError: 422,       # a tenancy's start/end, move-out or violation date ("start", "end", "on")
    PublicValuesError: 400,      # the draw's public values are malformed ("public_values")
    RevealMismatch: 422,         # the secret read out does not match the commitment ("secret_hex")
    LotteryError: 422,           # any other lottery input the rules refuse
}
