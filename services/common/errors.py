"""Platform exceptions and the one table that maps exceptions to HTTP status codes.

Domain modules raise their own exceptions (they import nothing from here). Each service lists
them with their status in its ``errors.py`` (``STATUS = {LifecycleError: 409, ...}``) and its
service class declares that table (``error_status = errors.STATUS``), so the HTTP layer never
guesses, nothing is registered as a side effect of an import, and no handler translates one
exception into another. A domain exception
that is about one input carries it as ``field`` (and may carry ``message``); the problem
response then names it: ``errors: {field: [message]}``.
"""

from __future__ import annotations

# status -> the problem response's title: the one place titles come from.
TITLES = {400: "Invalid request", 401: "Authentication required", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "Request too large", 415: "Unsupported media type",
          422: "Request cannot be processed", 429: "Too many requests", 500: "Internal error",
          503: "Service unavailable"}


class AnjuError(Exception):
    """Base of the platform's exceptions: a message fit to show to the caller."""

    status = 400

    def __init__(self, detail: str, *, errors: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}


class BadRequest(AnjuError):
    status = 400


class Unauthorized(AnjuError):
    status = 401


class Forbidden(AnjuError):
    status = 403


class NotFound(AnjuError):
    status = 404


class Conflict(AnjuError):
    status = 409


class PayloadTooLarge(AnjuError):
    status = 413


class UnsupportedMediaType(AnjuError):
    status = 415


class TooManyRequests(AnjuError):
    status = 429

    def __init__(self, detail: str, *, retry_after: int | None = None, errors: dict | None = None):
        super().__init__(detail, errors=errors)
        self.retry_after = retry_after


class Unprocessable(AnjuError):
    status = 422


class Unavailable(AnjuError):
    status = 503


class DuplicateEvent(Exception):
    """An inbox handler received an event it has already handled (its effect is committed)."""


class ContractViolation(ValueError):
    """An event does not match its published schema (or would leak personal data)."""


ALLOWED_STATUSES = (400, 401, 403, 404, 409, 413, 415, 422, 429, 503)


def check_status_table(table: dict[type, int]) -> dict[type, int]:
    """A service's ``error_status`` table, checked: every status is one the API documents."""
    for exc_type, status in table.items():
        if status not in ALLOWED_STATUSES:
            raise ValueError(f"{exc_type.__name__}: status {status} is not in the error table")
    return dict(table)


def status_for(exc: BaseException, table: dict[type, int]) -> int | None:
    """The status for `exc`: its own if it is a platform error, else the first class along its
    MRO in the service's table (so listing a base covers its subclasses); None when it is an
    unexpected (500) error."""
    if isinstance(exc, AnjuError):
        return exc.status
    for klass in type(exc).__mro__:
        if klass in table:
            return table[klass]
    return None


def title_for(status: int) -> str:
    return TITLES.get(status, "Error")


def field_errors(exc: BaseException) -> dict | None:
    """The per-field errors a problem response shows: the exception's own ``errors``, or
    ``{field: [message]}`` for a domain exception that names the input it is about."""
    errors = getattr(exc, "errors", None)
    if errors:
        return errors
    name = getattr(exc, "field", None)
    if name:
        return {name: [str(getattr(exc, "message", None) or exc)]}
    return None
