"""Policies read from the service's configuration (config.yaml ``POLICY:``)."""

from __future__ import annotations

from .domain.fit import FitPolicy
from .domain.offers import DeclinePolicy
from .domain.violations import ViolationPolicy


def _section(config: dict, name: str) -> dict:
    return dict((config.get("POLICY") or {}).get(name) or {})


def fit_policy(config: dict) -> FitPolicy:
    fit = _section(config, "FIT")
    return FitPolicy(max_persons_per_room=int(fit.get("max_persons_per_room", 2)),
                     min_area_tenths_per_person=int(fit.get("min_area_tenths_per_person", 0)))


def decline_policy(config: dict) -> DeclinePolicy:
    d = _section(config, "DECLINES")
    return DeclinePolicy(max_declines=int(d.get("max_declines", 2)),
                         suspension_days=int(d.get("suspension_days", 365)),
                         expiry_counts=bool(d.get("expiry_counts", True)))


def violation_policy(config: dict) -> ViolationPolicy:
    v = _section(config, "VIOLATIONS")
    return ViolationPolicy(termination_threshold_tenths=int(v.get("termination_threshold_tenths", 120)),
                           arrears_days=int(v.get("arrears_days", 90)))


def revocation_notice_days(config: dict) -> int:
    return int((config.get("POLICY") or {}).get("REVOCATION_NOTICE_DAYS", 90))
