"""finance's domain exceptions → HTTP status (declared by service.py as error_status)."""

from .domain.funds import AlreadyDecided, BudgetExceeded, BudgetTooLow, EarmarkMismatch, SelfApproval
from .domain.ledger import (
    AccountNotPostable,
    FutureDate,
    IdempotencyConflict,
    InvalidEntry,
    NotReversible,
    Overdraft,
    PeriodClosed,
    PeriodError,
    UnknownAccount,
)
from .domain.loans import LoanError
from .domain.loans import SelfApproval as LoanSelfApproval
from .domain.relief import ReliefConflict
from .domain.rent import RentError
from .domain.schedule import ScheduleError

STATUS: dict[type, int] = {
    InvalidEntry: 400,          # unbalanced, one line, a bad amount
    UnknownAccount: 422,
    AccountNotPostable: 422,    # closed, a header account, held money
    Overdraft: 422,             # a no-overdraft account (a fund, the bank) would go below zero
    PeriodClosed: 422,
    FutureDate: 422,
    PeriodError: 422,
    BudgetExceeded: 422,
    BudgetTooLow: 422,
    EarmarkMismatch: 422,
    IdempotencyConflict: 409,   # the same id with other content
    NotReversible: 409,
    AlreadyDecided: 409,
    ReliefConflict: 409,
    RentError: 422,             # a month not begun, a payment an ended account cannot take
    ScheduleError: 422,
    LoanError: 422,             # above the product's maximum, a term it does not allow, a settled loan…
    LoanSelfApproval: 403,      # maker–checker on loans
    SelfApproval: 403,          # maker–checker: the requester never decides
}
