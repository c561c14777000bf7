"""schemathesis against every service's OpenAPI document, the five services running on the real
broker: generated requests (valid and invalid) to every operation, each answered without a
500, with a documented status and content type, and a body that matches the document.

Bounded for `make test`: FUZZ_EXAMPLES examples per operation (default 8) and a deadline per
example; `make fuzz` runs the same suite with many more. The documents are the committed ones
(docs/openapi/), which test_spec_current keeps equal to the code.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import jwt
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
SECRET = "dev-only-jwt-secret-change-me-0123456789"
SERVICES = ("applications", "allocation", "finance", "assistance", "notify")


def _schema(service: str):
    document = json.loads((ROOT / "docs" / "openapi" / f"{service}.json").read_text(encoding="utf-8"))
    return schemathesis.openapi.from_dict(document)


def token_for(roles: list[str]) -> str:
    """A token for the first role the operation allows (an auditor only if nothing else is)."""
    role = next((r for r in roles if r != "auditor"), roles[0])
    now = int(time.time())
    claims = {"sub": "fuzz", "role": role, "district": "city" if role == "city_officer" else "demo",
              "iss": "anju", "aud": "anju", "iat": now, "nbf": now, "exp": now + 3600}
    if role == "enterprise_officer":
        claims["enterprise"] = "E-fuzz"
    return jwt.encode(claims, SECRET, algorithm="HS256")


def _run(case, whole_suite, service):
    headers = {}
    roles = case.operation.definition.raw.get("x-roles")
    if roles:
        headers["Authorization"] = f"Bearer {token_for(roles)}"
    case.call_and_validate(base_url=whole_suite[service], headers=headers, timeout=20,
                           excluded_checks=NOT_CHECKED)


# Business rules refuse some schema-valid requests (a reused Idempotency-Key, a duplicate
# reference, an unknown id): a 4xx there is right, not a defect. Everything else is checked:
# no 500, documented statuses and content types, bodies matching their schema, invalid data
# rejected.
NOT_CHECKED = [checks.positive_data_acceptance]

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

allocation = _schema("allocation")
applications = _schema("applications")
finance = _schema("finance")
assistance = _schema("assistance")
notify = _schema("notify")


@allocation.parametrize()
@FUZZ
def test_allocation(case, whole_suite):
    _run(case, whole_suite, "allocation")


@applications.parametrize()
@FUZZ
def test_applications(case, whole_suite):
    _run(case, whole_suite, "applications")


@finance.parametrize()
@FUZZ
def test_finance(case, whole_suite):
    _run(case, whole_suite, "finance")


@assistance.parametrize()
@FUZZ
def test_assistance(case, whole_suite):
    _run(case, whole_suite, "assistance")


@notify.parametrize()
@FUZZ
def test_notify(case, whole_suite):
    _run(case, whole_suite, "notify")


def test_every_service_is_fuzzed():
    fuzzed = {name.removeprefix("test_") for name in globals() if name.removeprefix("test_") in SERVICES}
    assert fuzzed == set(SERVICES)
    assert set(SERVICES) == {p.stem for p in (ROOT / "docs" / "openapi").glob("*.json")}



pytestmark = pytest.mark.filterwarnings("ignore")
