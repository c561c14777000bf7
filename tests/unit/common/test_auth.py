import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.common.auth import JwtSettings, Principal, authenticate, authorise, mint_token
from services.common.errors import Forbidden, Unauthorized

HS = JwtSettings(secret="s" * 40)


def _bearer(token):
    return f"Bearer {token}"


def test_mint_and_authenticate_hs256():
    token = mint_token(HS, subject="u1", role="district_officer", district="gulou")
    p = authenticate(_bearer(token), HS)
    assert p == Principal("u1", "district_officer", "gulou")


def test_alg_none_and_foreign_algorithms_are_refused():
    claims = {"sub": "u", "role": "city_officer", "district": "x", "iss": "anju", "aud": "anju",
              "exp": int(time.time()) + 60, "nbf": int(time.time())}
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(Unauthorized):
        authenticate(_bearer(unsigned), HS)
    hs512 = jwt.encode(claims, "s" * 40, algorithm="HS512")
    with pytest.raises(Unauthorized):
        authenticate(_bearer(hs512), HS)


@pytest.mark.parametrize("change", [
    {"iss": "evil"}, {"aud": "other"}, {"exp": int(time.time()) - 3600},
    {"nbf": int(time.time()) + 3600}, {"role": "king"}, {"district": ""},
])
def test_claims_are_checked(change):
    now = int(time.time())
    claims = {"sub": "u", "role": "city_officer", "district": "x", "iss": "anju", "aud": "anju",
              "exp": now + 60, "nbf": now, **change}
    with pytest.raises(Unauthorized):
        authenticate(_bearer(jwt.encode(claims, "s" * 40, algorithm="HS256")), HS)


def test_missing_exp_is_refused():
    claims = {"sub": "u", "role": "city_officer", "district": "x", "iss": "anju", "aud": "anju",
              "nbf": int(time.time())}
    with pytest.raises(Unauthorized, match="exp"):
        authenticate(_bearer(jwt.encode(claims, "s" * 40, algorithm="HS256")), HS)


def test_rs256_with_public_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    settings = JwtSettings(algorithm="RS256", public_key=public, private_key=private)
    token = mint_token(settings, subject="u", role="auditor", district="gulou")
    assert authenticate(_bearer(token), settings).role == "auditor"
    # An HS256 token signed with the public key as secret (the classic confusion attack) fails.
    forged = jwt.encode({"sub": "u", "role": "city_officer", "district": "x", "iss": "anju",
                         "aud": "anju", "exp": int(time.time()) + 60, "nbf": int(time.time())},
                        "x" * 40, algorithm="HS256")
    with pytest.raises(Unauthorized):
        authenticate(_bearer(forged), settings)


def test_weak_or_unknown_settings_are_refused():
    with pytest.raises(ValueError):
        JwtSettings(secret="short").check()
    with pytest.raises(ValueError):
        JwtSettings(algorithm="none", secret="s" * 40).check()


def test_role_and_district_scope():
    officer = Principal("u", "district_officer", "gulou")
    authorise(officer, roles={"district_officer"}, service_district="gulou", method="POST")
    with pytest.raises(Forbidden, match="district"):
        authorise(officer, roles={"district_officer"}, service_district="taijiang", method="POST")
    city = Principal("c", "city_officer", "city")
    authorise(city, roles={"city_officer"}, service_district="gulou", method="POST")
    auditor = Principal("a", "auditor", "city")
    authorise(auditor, roles={"auditor"}, service_district="gulou", method="GET")
    with pytest.raises(Forbidden, match="read-only"):
        authorise(auditor, roles={"auditor"}, service_district="gulou", method="POST")
    with pytest.raises(Forbidden, match="role"):
        authorise(officer, roles={"city_officer"}, service_district="gulou", method="GET")


def test_a_remembered_token_still_expires_and_others_are_not_let_in(monkeypatch):
    """Verified tokens are remembered (no signature check per request) only until their time
    claims lapse: past exp + leeway the token goes through full verification again (which
    PyJWT, on its own clock, refuses as expired); another key is never fooled by the memory."""
    import services.common.auth as auth

    decoded = []
    real_decode = jwt.decode
    monkeypatch.setattr(auth.jwt, "decode", lambda *a, **kw: decoded.append(1) or real_decode(*a, **kw))
    token = mint_token(HS, subject="u1", role="district_officer", district="demo", ttl_seconds=60)
    assert authenticate(f"Bearer {token}", HS).subject == "u1"
    assert authenticate(f"Bearer {token}", HS).subject == "u1"
    assert len(decoded) == 1  # the second came from memory
    with pytest.raises(Unauthorized, match="invalid token"):
        authenticate(f"Bearer {token}", JwtSettings(secret="t" * 40))

    def expired(*a, **kw):
        raise jwt.ExpiredSignatureError("Signature has expired")

    later = time.time() + 60 + HS.leeway_seconds + 1
    monkeypatch.setattr(auth.time, "time", lambda: later)
    monkeypatch.setattr(auth.jwt, "decode", expired)  # what PyJWT says at that moment
    with pytest.raises(Unauthorized, match="expired"):
        authenticate(f"Bearer {token}", HS)


def _signed(**change):
    now = int(time.time())
    claims = {"sub": "u", "role": "district_officer", "district": "x", "iss": "anju", "aud": "anju",
              "exp": now + 60, "nbf": now, **change}
    return _bearer(jwt.encode(claims, "s" * 40, algorithm="HS256"))


@pytest.mark.parametrize("change", [
    {"exp": str(int(time.time()) + 60)}, {"nbf": str(int(time.time()))}, {"iat": "yesterday"},
    {"exp": True}, {"enterprise": {"code": "E1"}}, {"enterprise": ""}, {"district": ["x"]},
    {"sub": 7}, {"sub": "bad\nname"}, {"district": "d" * 201},
])
def test_a_correctly_signed_token_with_odd_claim_types_is_401(change):
    with pytest.raises(Unauthorized):
        authenticate(_signed(**change), HS)


def test_an_enterprise_officer_token_must_name_its_enterprise():
    with pytest.raises(Unauthorized, match="--enterprise"):
        authenticate(_signed(role="enterprise_officer"), HS)
    assert authenticate(_signed(role="enterprise_officer", enterprise="E1"), HS).enterprise == "E1"
