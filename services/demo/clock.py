"""Moving the district's time: every service's clock forward by the same step, through each
copy's POST /admin/clock (services/common/service.py) — so the demo's year runs in minutes,
and never by sleeping. The services must run with CLOCK_ADJUSTABLE (what `anju run` sets for
a development run); a copy that refuses (409) stops the demo with its answer."""

from __future__ import annotations

from datetime import date

from services.common.config import SERVICES

from .client import DemoError, Services


def today(svc: Services) -> date:
    """The district's business date, as applications' clock reads it."""
    return date.fromisoformat(svc.get("applications", "/admin/clock", svc.officer())["today"])


def check_adjustable(svc: Services) -> None:
    for service in SERVICES:
        if not svc.get(service, "/admin/clock", svc.officer())["adjustable"]:
            raise DemoError(f"{service}'s clock is not adjustable: start the services with CLOCK_ADJUSTABLE=true "
                            "(`anju run` does so for a development run)")


def advance(svc: Services, days: int = 0, seconds: int = 0) -> date:
    """Move all five clocks forward together; the new business date."""
    step = days * 86400 + seconds
    for service in SERVICES:
        svc.call(service, "POST", "/admin/clock", svc.officer(), json={"advance_seconds": step})
    return today(svc)
