"""applications' domain exceptions that reach the API, with their HTTP status: one table,
registered by service.py. Each names the input it is about in ``field`` where it has one
(FactsError, PolicyError), so the problem response shows ``errors: {field: [message]}``."""

from __future__ import annotations

from .domain.eligibility import FactsError
from .domain.lifecycle import LifecycleError, TooManyObjections
from .domain.policy import PolicyError

STATUS = {
    TooManyObjections: 429,  # the application has the most open objections it may have at once
    LifecycleError: 409,  # a transition the application's state (or the time) does not allow
    FactsError: 422,  # an applicant fact the rules cannot use, e.g. hired after the check date
    PolicyError: 422,  # a policy document that does not hold together
}
