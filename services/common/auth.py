"""Staff authentication: bearer JWTs validated per RFC 8725 (JWT best current practice).

- Algorithms come from an allow-list fixed by configuration (HS256 with a shared secret by
  default, RS256 with a public key in production) and `none` is never accepted.
- `iss`, `aud`, `exp` and `nbf` are required and checked; `role` and `district` claims say
  who may do what where. A district officer acts only in their district; city officers and
  auditors see every district; auditors only read.
- Key rotation without a gap (RS256): besides the one ``PUBLIC_KEY``, the services accept a
  JSON Web Key Set (``PUBLIC_KEYS``, RFC 7517) holding the old and the new public key. A token
  names its key by the ``kid`` header and is checked with that key only; while the set holds
  both, tokens signed with either pass, so the issuer can switch keys between two requests.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

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
    # (kid, public key PEM) pairs from a JWKS, read by public_key_set()
    public_keys: tuple[tuple[str, str], ...] = ()
    private_key: str = ""  # only for minting in development
    private_key_id: str = ""  # the kid a development-minted token names, if any
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
            public_keys=public_key_set(str(jwt_cfg.get("PUBLIC_KEYS") or "")),
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
        if self.algorithm == "RS256" and not (self.public_key or self.public_keys):
            raise ValueError("JWT_PUBLIC_KEY (or a key set in JWT_PUBLIC_KEYS) is required for RS256")
        if self.public_keys and self.algorithm != "RS256":
            raise ValueError("JWT_PUBLIC_KEYS holds RSA public keys: it needs JWT_ALGORITHM=RS256")

    @property
    def verification_key(self) -> str:
        return self.secret if self.algorithm == "HS256" else self.public_key

    def key_for(self, token: str):
        """The key that checks ``token``: the key set's entry named by the token's ``kid``; the
        single ``PUBLIC_KEY`` (or a set of one) for a token without a ``kid``. A ``kid`` the set
        does not hold is refused: trying every key would let a retired key in."""
        if not self.public_keys:
            return self.verification_key
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"invalid token: {exc}") from None
        if kid is None:
            if self.public_key:
                return self.public_key
            if len(self.public_keys) == 1:
                return self.public_keys[0][1]
            raise Unauthorized("token has no 'kid' header; this service knows several keys")
        for key_id, key in self.public_keys:
            if key_id == kid:
                return key
        known = ", ".join(key_id for key_id, _ in self.public_keys)
        raise Unauthorized(f"token signed with unknown key id {str(kid)[:64]!r}; known: {known}")


def public_key_set(text: str) -> tuple[tuple[str, str], ...]:
    """``JWT_PUBLIC_KEYS``: a JSON Web Key Set of RSA public signing keys, each with a unique
    ``kid``; empty text means none. Refused (ValueError, at start-up) when it is not JSON, holds a
    key that is not an RSA public key for RS256 signatures (a symmetric ``oct`` key would reopen
    algorithm confusion, RFC 8725 §2.1) or holds private key material, which has no place in a
    service's configuration."""
    if not text.strip():
        return ()
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"JWT_PUBLIC_KEYS is not JSON: {exc}") from None
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not keys:
        raise ValueError('JWT_PUBLIC_KEYS must be a JWKS: {"keys": [{"kty": "RSA", "kid": ..., "n": ..., "e": ...}]}')
    pairs: list[tuple[str, str]] = []
    for number, jwk in enumerate(keys, 1):
        where = f"JWT_PUBLIC_KEYS key {number}"
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
            raise ValueError(f"{where}: only RSA keys (kty RSA) are accepted")
        if jwk.get("alg", "RS256") != "RS256" or jwk.get("use", "sig") != "sig":
            raise ValueError(f"{where}: must be for RS256 signatures (alg RS256, use sig)")
        if any(member in jwk for member in ("d", "p", "q", "dp", "dq", "qi")):
            raise ValueError(f"{where}: holds private key material; give the public key only")
        kid = jwk.get("kid")
        if not isinstance(kid, str) or not kid or not kid.isprintable() or len(kid) > 64:
            raise ValueError(f"{where}: needs a 'kid' (1-64 printable characters)")
        if any(kid == known for known, _ in pairs):
            raise ValueError(f"{where}: kid {kid!r} appears twice")
        try:
            key = jwt.PyJWK.from_dict(jwk, algorithm="RS256").key
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise ValueError(f"{where}: not a usable RSA public key ({exc})") from None
        # kept as PEM text: the settings are hashable (they key the verified-token cache)
        pairs.append((kid, key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()))
    return tuple(pairs)


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
    headers = {"kid": settings.private_key_id} if settings.private_key_id else None
    return jwt.encode(claims, key, algorithm=settings.algorithm, headers=headers)


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
            settings.key_for(token),
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
