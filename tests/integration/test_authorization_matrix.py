"""The authorization matrix, generated from the endpoint list of all five services (running,
on the real broker): every state-changing endpoint × every role × own and other district, and
every endpoint × a set of odd tokens. What each cell must answer follows from the endpoint's
declared roles and the platform rules in services/common/auth.py:

- a missing, malformed, forged, expired or oddly-typed token → 401;
- a role the endpoint does not list → 403; an auditor writing → 403;
- a role listed but for another district (except the cross-district city roles) → 403;
- a role listed, own district → anything but 401/403 (the request is then judged on its body:
  the matrix sends an empty JSON object, so nothing is changed by a well-guarded endpoint).

An endpoint without a declared rule cannot exist (`@api` refuses roles=None without
public=True); public endpoints must be listed in PUBLIC below, so opening one is a decision
someone wrote down.
"""

from __future__ import annotations

import base64
import json
import re
import time

import jwt
import requests
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from services.cli import SERVICE_CLASSES as SERVICES
from services.cli import load_service_class
from services.common.auth import CROSS_DISTRICT_ROLES, READ_ONLY_ROLES, ROLES
from services.common.http import Api

PUBLIC = {  # (service, method, path) that anyone may call, each a decision
    ("*", "GET", "/health"), ("*", "GET", "/ready"), ("*", "GET", "/metrics"), ("*", "GET", "/openapi.json"),
    ("applications", "GET", "/public/notices"),
    ("applications", "POST", "/applications/<application_id>/objections"),
    ("allocation", "GET", "/public/rounds/<round_id>/export"),  # anyone re-checks a drawn round (issue 12 item 3)
    ("notify", "GET", "/public/notices"),
    ("notify", "GET", "/public/fund-flows"),  # 资金流向公开, rendered from finance's report
    ("finance", "GET", "/public/fund-flows"), ("finance", "GET", "/public/fund-flows.csv"),
}
SECRET = "dev-only-jwt-secret-change-me-0123456789"
_PARAM = re.compile(r"<(?:([a-z]+):)?([a-zA-Z_][a-zA-Z0-9_]*)>")


def endpoints(service: str):
    cls = load_service_class(service)
    for name in sorted(dir(cls)):
        for ep in getattr(getattr(cls, name, None), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(ep, Api):
                for method in ep.method.split(","):
                    yield name, method, ep


def _concrete(url: str) -> str:
    return _PARAM.sub(lambda m: "999999" if m.group(1) == "int" else f"matrix-no-such-{m.group(2)}", url)


def _token(role="district_officer", district="demo", secret=SECRET, alg="HS256", **claims) -> str:
    now = int(time.time())
    body = {"sub": "matrix", "role": role, "district": district, "iss": "anju", "aud": "anju",
            "iat": now, "nbf": now, "exp": now + 600, **claims}
    if role == "enterprise_officer":
        body.setdefault("enterprise", "E-matrix")
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, secret, algorithm=alg)


def _unsigned() -> str:
    def b64(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"sub": "x", "role": "city_officer", "district": "demo", "iss": "anju", "aud": "anju", "nbf": now,
              "exp": now + 600}
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


ODD_TOKENS = {
    "none": None, "not bearer": "Basic Zm9vOmJhcg==", "garbage": "Bearer x.y.z", "empty": "Bearer ",
    "alg none": f"Bearer {_unsigned()}", "other secret": f"Bearer {_token(secret='x' * 40)}",
    "expired": f"Bearer {_token(exp=int(time.time()) - 3600)}",
    "not yet": f"Bearer {_token(nbf=int(time.time()) + 3600)}",
    "wrong audience": f"Bearer {_token(aud='other')}", "wrong issuer": f"Bearer {_token(iss='evil')}",
    "unknown role": f"Bearer {_token(role='king')}", "exp as text": f"Bearer {_token(exp=str(int(time.time()) + 60))}",
    "enterprise object": f"Bearer {_token(role='enterprise_officer', enterprise={'a': 1})}",
    "enterprise officer without enterprise": f"Bearer {_token(role='enterprise_officer', enterprise='')}",
    "no sub": f"Bearer {_token(sub=None)}",
}


def _call(base, method, url, header):
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Authorization"] = header
    body = None if method in ("GET", "HEAD") else b"{}"
    return requests.request(method, base + _concrete(url), data=body, headers=headers, timeout=15)


def test_every_endpoint_has_a_declared_rule_and_public_ones_are_listed():
    seen_public = set()
    for service in SERVICES:
        for _name, method, ep in endpoints(service):
            assert ep.roles is not None or ep.public, f"{service} {method} {ep.url} has no rule"
            if ep.public:
                key = ("*" if ep.url in ("/health", "/ready", "/metrics", "/openapi.json") else service,
                       method, ep.url)
                assert key in PUBLIC, f"{service} {method} {ep.url} is public but not listed in PUBLIC"
                seen_public.add(key)
            else:
                assert ep.roles <= set(ROLES), f"{service} {ep.url}: unknown role in {sorted(ep.roles)}"
    assert seen_public == PUBLIC  # no stale entry either


def test_the_role_and_district_matrix(whole_suite):
    cells = failures = 0
    problems = []
    for service in SERVICES:
        for name, method, ep in endpoints(service):
            if ep.public or method in ("GET", "HEAD"):
                continue
            for role in ROLES:
                for district in ("demo", "other"):
                    header = f"Bearer {_token(role=role, district=district)}"
                    status = _call(whole_suite[service], method, ep.url, header).status_code
                    cells += 1
                    allowed = (role in ep.roles and role not in READ_ONLY_ROLES
                               and (district == "demo" or role in CROSS_DISTRICT_ROLES))
                    ok = status not in (401, 403) if allowed else status == 403
                    if not ok:
                        failures += 1
                        problems.append(f"{service}.{name} {method} {ep.url} as {role}@{district}: {status}")
    assert not problems, f"{failures} of {cells} cells wrong:\n" + "\n".join(problems[:40])
    assert cells > 100  # the matrix really ran over the endpoints
    print(f"role x district matrix: {cells} cells")


def test_odd_tokens_are_refused_everywhere(whole_suite):
    problems, cells = [], 0
    for service in SERVICES:
        for name, method, ep in endpoints(service):
            if ep.public:
                continue
            for label, header in ODD_TOKENS.items():
                status = _call(whole_suite[service], method, ep.url, header).status_code
                cells += 1
                if status != 401:
                    problems.append(f"{service}.{name} {method} {ep.url} with {label}: {status}")
    assert not problems, "\n".join(problems[:40])
    assert cells > 300
    print(f"odd tokens: {cells} requests")
