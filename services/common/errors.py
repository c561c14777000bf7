"""Platform exceptions and the one table that maps exceptions to HTTP status codes.

Domain modules raise their own exceptions (they import nothing from here). Each service lists
them with their status in its ``errors.py`` (``STATUS = {LifecycleError: 409, ...}``) and its
``service.py`` registers that table once, explicitly, with `register_errors`, so the HTTP
layer never guesses and no handler translates one exception into another. A domain exception
that is about one input carries it as ``field`` (and may carry ``message``); the problem
response then names it: ``errors: {field: [message]}``.
"""

from __future__ import annotations

# status -> the problem response's title: the one place titles come from.
TITLES = {400: "Invalid request", 401: "Authentication required", 403: "Not allowed", 404: "Not found",
          409: "Conflict", 422: "Request cannot be processed", 500: "Internal error",
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


class Unprocessable(AnjuError):
    status = 422


class Unavailable(AnjuError):
    status = 503


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


def registered_errors() -> tuple[type, ...]:
    """Every exception class with a status in the table (the 'expected' failures)."""
    return tuple(_STATUS)
