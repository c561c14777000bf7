"""What applications reads from its config (config.yaml, overridden by the environment)."""

from __future__ import annotations


def notice_days(config) -> int:
    """公示 period in days for eligibility policies that do not set notice_period_days."""
    return int(config.get("NOTICE_DAYS", 7))


def person_ref_key(config) -> bytes:
    """The key of the keyed hash that turns a resident ID into the person_ref events carry."""
    return str(config["PERSON_REF_KEY"]).encode()
