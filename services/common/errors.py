"""Platform exceptions and the one table that maps exceptions to HTTP status codes.

Domain modules raise their own exceptions (they import nothing from here); each service
registers them once with `register_errors`, so the HTTP layer never guesses.
"""

from __future__ import annotations


class AnjuError(Exception):
    """Base of the platform's exceptions: a message fit to show to the caller."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, errors: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}


class BadRequest(AnjuError):
    status, title = 400, "Invalid request"


class Unauthorized(AnjuError):
    status, title = 401, "Authentication required"


class Forbidden(AnjuError):
    status, title = 403, "Not allowed"


class NotFound(AnjuError):
    status, title = 404, "Not found"


class Conflict(AnjuError):
    status, title = 409, "Conflict"


class Unprocessable(AnjuError):
    status, title = 422, "Request cannot be processed"


class Unavailable(AnjuError):
    status, title = 503, "Service unavailable"


class DuplicateEvent(Exception):
    """An inbox handler received an event it has already handled (its effect is committed)."""


class ContractViolation(ValueError):
    """An event does not match its published schema (or would leak personal data)."""


# exception class -> HTTP status. Walked along the MRO, so registering a base covers subclasses.
_STATUS: dict[type, int] = {AnjuError: 400}


def register_errors(mapping: dict[type, int]) -> None:
    for exc_type, status in mapping.items():
        if status not in (400, 401, 403, 404, 409, 422, 503):
            raise ValueError(f"{exc_type.__name__}: status {status} is not in the error table")
        _STATUS[exc_type] = status


def status_for(exc: BaseException) -> int | None:
    """The registered status for `exc`, or None when it is an unexpected (500) error."""
    if isinstance(exc, AnjuError):
        return exc.status
    for klass in type(exc).__mro__:
        if klass in _STATUS:
            return _STATUS[klass]
    return None


def registered_errors() -> tuple[type, ...]:
    """Every exception class with a status in the table (the 'expected' failures)."""
    return tuple(_STATUS)
