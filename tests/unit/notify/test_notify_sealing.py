"""Webhook secrets sealed at rest (sealing.py): what is stored gives nothing away, a key
rotation needs no gap, and a copy answering other machines refuses the development key."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet

from services.notify.sealing import (
    DEVELOPMENT_KEY,
    PREFIX,
    SealError,
    SecretVault,
    refuse_development_key,
    vault_from_config,
)

SECRETS = ["whsec_bmV3IHNlY3JldCAxMjM0NTY3ODkwYWJjZGVm", "whsec_b2xkIHNlY3JldA=="]


def test_sealed_text_holds_no_secret_and_opens_to_the_same_list():
    vault = SecretVault([Fernet.generate_key().decode()])
    stored = vault.seal(SECRETS)
    assert stored.startswith(PREFIX)
    assert not any(s in stored or s.removeprefix("whsec_") in stored for s in SECRETS)
    assert vault.open(stored) == SECRETS


def test_two_seals_of_the_same_secrets_differ():  # a fresh IV each time: equal secrets are not visible as equal
    vault = SecretVault([Fernet.generate_key().decode()])
    assert vault.seal(SECRETS) != vault.seal(SECRETS)


def test_rotation_new_key_first_opens_old_rows_and_reseal_moves_them_to_the_new_key():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored = SecretVault([old]).seal(SECRETS)
    both = SecretVault([new, old])
    assert both.open(stored) == SECRETS
    moved = both.reseal(stored)
    assert SecretVault([new]).open(moved) == SECRETS
    with pytest.raises(SealError, match="not in WEBHOOK_SECRET_KEYS"):
        SecretVault([new]).open(stored)  # the old row without its key: a clear error, not garbage


def test_rows_written_before_sealing_are_read_and_sealed_by_reseal():
    vault = SecretVault([Fernet.generate_key().decode()])
    legacy = json.dumps(SECRETS)
    assert vault.open(legacy) == SECRETS
    assert vault.reseal(legacy).startswith(PREFIX)


def test_a_value_in_no_known_form_is_refused():
    with pytest.raises(SealError, match="no known form"):
        SecretVault([Fernet.generate_key().decode()]).open("whsec_plain")


@pytest.mark.parametrize("raw", ["", " , ", "short", "not base64 at all but 32 chars!!"])
def test_a_bad_key_set_is_refused_at_start_with_how_to_make_one(raw):
    with pytest.raises(SealError, match="WEBHOOK_SECRET_KEYS"):
        SecretVault([k.strip() for k in raw.split(",") if k.strip()])


def test_config_keys_first_seals_every_one_opens(monkeypatch):
    monkeypatch.delenv("WEBHOOK_SECRET_KEYS", raising=False)
    a, b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    vault = vault_from_config({"WEBHOOK_SECRET_KEYS": f" {a} , {b} "})
    stored = vault.seal(SECRETS)
    assert SecretVault([a]).open(stored) == SECRETS  # sealed with the first
    assert vault.open(SecretVault([b]).seal(SECRETS)) == SECRETS  # opens with the second
    assert not vault.development


def test_the_environment_is_read_when_the_config_has_no_keys(monkeypatch):
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("WEBHOOK_SECRET_KEYS", key)
    assert SecretVault([key]).open(vault_from_config({}).seal(SECRETS)) == SECRETS


def test_no_keys_means_the_development_key_which_only_loopback_may_use(monkeypatch):
    monkeypatch.delenv("WEBHOOK_SECRET_KEYS", raising=False)
    vault = vault_from_config({})
    assert vault.development and SecretVault([DEVELOPMENT_KEY]).open(vault.seal(SECRETS)) == SECRETS
    for host in ("127.0.0.1", "::1", "localhost"):
        refuse_development_key(vault, host)
    for host in ("0.0.0.0", "", "10.1.2.3"):
        with pytest.raises(SealError, match="development webhook key"):
            refuse_development_key(vault, host)
    refuse_development_key(SecretVault([Fernet.generate_key().decode()]), "0.0.0.0")  # an own key: fine
