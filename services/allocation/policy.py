"""Policies from configuration (config.yaml `POLICY:`) and the district's calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from .domain.fit import FitPolicy
from .domain.offers import DeclinePolicy
from .domain.violations import ViolationPolicy

LOCAL = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """The district's calendar date (dates in offers and tenancies are local)."""
    return datetime.now(LOCAL).date()


def local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL).astimezone(UTC)


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
