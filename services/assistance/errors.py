"""assistance's domain exceptions → HTTP status (registered by service.py)."""

from .domain.hardship import RegistryRuleError
from .domain.relief import ApprovalRefused, BudgetExceeded, InvalidRelief, OutOfStock
from .domain.support import SupportRuleError

STATUS: dict[type, int] = {
    InvalidRelief: 422,
    ApprovalRefused: 409,
    BudgetExceeded: 409,
    OutOfStock: 409,
    SupportRuleError: 422,
    RegistryRuleError: 422,
}
