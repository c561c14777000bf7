"""Staff authentication: bearer JWTs validated per RFC 8725 (JWT best current practice).

- Algorithms come from an allow-list fixed by configuration (HS256 with a shared secret by
  default, RS256 with a public key in production) and `none` is never accepted.
- `iss`, `aud`, `exp` and `nbf` are required and checked; `role` and `district` claims say
  who may do what where. A district officer acts only in their district; city officers and
  auditors see every district; auditors only read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from .errors import Forbidden, Unauthorized

ROLES = (
    "enterprise_officer",
    "district_officer",
    "city_officer",
    "finance_officer",
    "auditor",
    "operator",
    "worker",  # a worker (职工) reading their own notify inbox and preferences: the subject is their person_ref
)
CROSS_DISTRICT_ROLES = frozenset({"city_officer", "auditor"})
READ_ONLY_ROLES = frozenset({"auditor"})
_ALLOWED_ALGORITHMS = {"HS256", "RS256"}


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str
    district: str
    enterprise: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.role}:{self.subject}"


@dataclass(frozen=True)
class JwtSettings:
    algorithm: str = "HS256"
    secret: str = ""
    public_key: str = ""
    private_key: str = ""  # only for minting in development
    issuer: str = "anju"
    audience: str = "anju"
    leeway_seconds: int = 30

    @classmethod
    def from_config(cls, config: dict) -> JwtSettings:
        jwt_cfg = config.get("JWT") or {}
        settings = cls(
            algorithm=str(jwt_cfg.get("ALGORITHM", "HS256")),
            secret=str(jwt_cfg.get("SECRET") or ""),
            public_key=str(jwt_cfg.get("PUBLIC_KEY") or ""),
            issuer=str(jwt_cfg.get("ISSUER", "anju")),
            audience=str(jwt_cfg.get("AUDIENCE", "anju")),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.algorithm not in _ALLOWED_ALGORITHMS:
            raise ValueError(f"JWT algorithm {self.algorithm!r} not allowed; use HS256 or RS256")
        if self.algorithm == "HS256" and len(self.secret) < 32:
            raise ValueError("JWT_SECRET must be at least 32 characters for HS256")
        if self.algorithm == "RS256" and not self.public_key:
            raise ValueError("JWT_PUBLIC_KEY is required for RS256")

    @property
    def verification_key(self) -> str:
        return self.secret if self.algorithm == "HS256" else self.public_key


def mint_token(settings: JwtSettings, *, subject: str, role: str, district: str,
               ttl_seconds: int = 8 * 3600, enterprise: str | None = None) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    now = int(time.time())
    claims = {"sub": subject, "role": role, "district": district, "iss": settings.issuer,
              "aud": settings.audience, "iat": now, "nbf": now, "exp": now + ttl_seconds}
    if enterprise:
        claims["enterprise"] = enterprise
    key = settings.secret if settings.algorithm == "HS256" else settings.private_key
    return jwt.encode(claims, key, algorithm=settings.algorithm)


def authenticate(header: str | None, settings: JwtSettings) -> Principal:
    if not header or not header.startswith("Bearer "):
        raise Unauthorized("send 'Authorization: Bearer <token>' (mint one with `anju token`)")
    token = header[len("Bearer "):].strip()
    hit = _VERIFIED.get((token, settings))
    if hit is not None:
        principal, not_before, expires = hit
        if not_before <= time.time() < expires:
            return principal
    try:
        # The algorithm list is ours, never the token header's (RFC 8725 §3.1).
        claims = jwt.decode(
            token,
            settings.verification_key,
            algorithms=[settings.algorithm],
            audience=settings.audience,
            issuer=settings.issuer,
            leeway=settings.leeway_seconds,
            options={"require": ["exp", "nbf", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("token expired; mint a new one") from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"invalid token: {exc}") from None
    principal = principal_from_claims(claims)
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    leeway = settings.leeway_seconds
    _VERIFIED[(token, settings)] = (principal, claims["nbf"] - leeway, claims["exp"] + leeway)
    return principal


_NUMERIC_CLAIMS = ("exp", "nbf", "iat")


def principal_from_claims(claims: dict) -> Principal:
    """Who the token says the caller is, with every claim's type checked: a correctly signed
    token with an odd claim (``exp`` as text, ``enterprise`` as an object) is refused (401),
    never a 500 further on. An enterprise officer's token must name its enterprise."""
    for name in _NUMERIC_CLAIMS:
        value = claims.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise Unauthorized(f"token claim {name} must be a number")
    subject, role, district = claims.get("sub"), claims.get("role"), claims.get("district")
    enterprise = claims.get("enterprise")
    if not _short_text(subject):
        raise Unauthorized("token claim sub must be a non-empty string")
    if role not in ROLES or not _short_text(district):
        raise Unauthorized("token lacks a valid role and district claim")
    if enterprise is not None and not _short_text(enterprise):
        raise Unauthorized("token claim enterprise must be a non-empty string")
    if role == "enterprise_officer" and enterprise is None:
        raise Unauthorized("an enterprise officer's token must name the enterprise "
                           "(mint it with `anju token --role enterprise_officer --enterprise <code>`)")
    return Principal(subject=subject, role=role, district=district, enterprise=enterprise)


def _short_text(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200 and value.isprintable()


# A token that verified once verifies again until its time claims say otherwise (same bytes,
# same key and settings): staff send the same token with every request, and the signature
# check and claim parsing were ~6 % of a submission's CPU. Only the time window is re-checked.
_VERIFIED: dict[tuple, tuple[Principal, float, float]] = {}
_VERIFIED_MAX = 4096


def authorise(principal: Principal, *, roles, service_district: str, method: str) -> None:
    """Raise Forbidden unless the principal's role and district may use this endpoint."""
    if principal.role not in roles:
        raise Forbidden(f"role {principal.role} may not do this; allowed: {', '.join(sorted(roles))}")
    if principal.role in READ_ONLY_ROLES and method not in ("GET", "HEAD"):
        raise Forbidden("auditors have read-only access")
    if principal.role not in CROSS_DISTRICT_ROLES and principal.district != service_district:
        raise Forbidden(
            f"token is for district {principal.district}; this service serves {service_district}"
        )
