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


# -- key rotation: a JSON Web Key Set holding the old and the new key ---------------------------

def _rsa_pair():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return private, pem


def _jwk(private, kid, **extra):
    import json as _json

    jwk = _json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update(kid=kid, **extra)
    return jwk


def _jwks(*jwks):
    import json as _json

    return _json.dumps({"keys": list(jwks)})


OLD, OLD_PEM = _rsa_pair()
NEW, NEW_PEM = _rsa_pair()
STRANGER, STRANGER_PEM = _rsa_pair()


def _rs_token(pem, kid):
    return mint_token(JwtSettings(algorithm="RS256", public_key="x", private_key=pem, private_key_id=kid),
                      subject="u1", role="district_officer", district="gulou")


def _rotating():
    return JwtSettings.from_config({"JWT": {"ALGORITHM": "RS256",
                                            "PUBLIC_KEYS": _jwks(_jwk(OLD, "2026-11"), _jwk(NEW, "2026-12"))}})


def test_during_a_rotation_tokens_of_either_key_pass():
    settings = _rotating()
    for pem, kid in ((OLD_PEM, "2026-11"), (NEW_PEM, "2026-12")):
        assert authenticate(_bearer(_rs_token(pem, kid)), settings).subject == "u1"


def test_a_token_is_checked_with_the_key_its_kid_names_only():
    settings = _rotating()
    # signed by the new key but claiming the old key's id: the old key does not verify it
    with pytest.raises(Unauthorized, match="invalid token"):
        authenticate(_bearer(_rs_token(NEW_PEM, "2026-11")), settings)
    with pytest.raises(Unauthorized, match="unknown key id '2025-01'; known: 2026-11, 2026-12"):
        authenticate(_bearer(_rs_token(STRANGER_PEM, "2025-01")), settings)
    with pytest.raises(Unauthorized, match="no 'kid' header"):
        authenticate(_bearer(_rs_token(OLD_PEM, "")), settings)


def test_a_retired_key_fails_once_the_set_drops_it():
    after = JwtSettings.from_config({"JWT": {"ALGORITHM": "RS256", "PUBLIC_KEYS": _jwks(_jwk(NEW, "2026-12"))}})
    assert authenticate(_bearer(_rs_token(NEW_PEM, "2026-12")), after).subject == "u1"
    assert authenticate(_bearer(_rs_token(NEW_PEM, "")), after).subject == "u1"  # a set of one: no kid needed
    with pytest.raises(Unauthorized, match="unknown key id '2026-11'"):
        authenticate(_bearer(_rs_token(OLD_PEM, "2026-11")), after)


def test_the_single_public_key_still_checks_tokens_without_kid_beside_a_set():
    old_public = OLD.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    settings = JwtSettings.from_config({"JWT": {"ALGORITHM": "RS256", "PUBLIC_KEY": old_public,
                                                "PUBLIC_KEYS": _jwks(_jwk(NEW, "2026-12"))}})
    assert authenticate(_bearer(_rs_token(OLD_PEM, "")), settings).subject == "u1"
    assert authenticate(_bearer(_rs_token(NEW_PEM, "2026-12")), settings).subject == "u1"


@pytest.mark.parametrize("text, message", [
    ("{not json", "not JSON"),
    ('{"keys": []}', "must be a JWKS"),
    ('[1, 2]', "must be a JWKS"),
    (_jwks({"kty": "oct", "k": "c2VjcmV0", "kid": "h"}), "only RSA keys"),
    (_jwks(_jwk(OLD, "a", alg="RS512")), "alg RS256"),
    (_jwks(_jwk(OLD, "a", use="enc")), "use sig"),
    (_jwks(_jwk(OLD, "")), "needs a 'kid'"),
    (_jwks(_jwk(OLD, "a"), _jwk(NEW, "a")), "kid 'a' appears twice"),
    (_jwks({**_jwk(OLD, "a"), "n": "!!"}), "not a usable RSA public key"),
])
def test_a_bad_key_set_stops_the_service_at_start_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        JwtSettings.from_config({"JWT": {"ALGORITHM": "RS256", "PUBLIC_KEYS": text}})


def test_a_key_set_with_private_material_is_refused():
    import json as _json

    private_jwk = _json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(OLD))
    private_jwk["kid"] = "a"
    with pytest.raises(ValueError, match="private key material"):
        JwtSettings.from_config({"JWT": {"ALGORITHM": "RS256", "PUBLIC_KEYS": _jwks(private_jwk)}})


def test_a_key_set_needs_rs256():
    with pytest.raises(ValueError, match="needs JWT_ALGORITHM=RS256"):
        JwtSettings.from_config({"JWT": {"ALGORITHM": "HS256", "SECRET": "s" * 40,
                                         "PUBLIC_KEYS": _jwks(_jwk(OLD, "a"))}})


def test_every_service_reads_the_key_set_from_JWT_PUBLIC_KEYS(monkeypatch):
    from services.common.config import SERVICES, load_config

    monkeypatch.setenv("JWT_ALGORITHM", "RS256")
    monkeypatch.setenv("JWT_PUBLIC_KEYS", _jwks(_jwk(OLD, "2026-11"), _jwk(NEW, "2026-12")))
    for service in SERVICES:
        settings = JwtSettings.from_config(load_config(service))
        assert [kid for kid, _ in settings.public_keys] == ["2026-11", "2026-12"], service
        assert authenticate(_bearer(_rs_token(NEW_PEM, "2026-12")), settings).subject == "u1"
