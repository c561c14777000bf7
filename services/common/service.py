"""What every service class inherits: the platform endpoints and entrypoint metrics.

    class ApplicationsService(IntakeEntrypoints, ..., PlatformService):
        name = "applications"
        error_status = errors.STATUS
        db = Database(models.metadata)
        clock = Clock()
"""

from __future__ import annotations

from kombu import Connection
from marshmallow import Schema, fields
from nameko.dependency_providers import Config
from werkzeug.wrappers import Response

from .clock import ClockNotAdjustable
from .errors import Conflict, Unavailable
from .fields import Int
from .http import api
from .metrics import EntrypointMetrics, exposition, refresh_state_gauges
from .roles import DISTRICT_OPS, READERS

MAX_CLOCK_STEP_SECONDS = 400 * 86400  # one move: at most 400 days (a demo's year and its notices)


class ClockMoveIn(Schema):
    advance_seconds = Int(1, MAX_CLOCK_STEP_SECONDS, required=True,
                          metadata={"description": "how far to move this copy's time forward"})


class ClockOut(Schema):
    now = fields.String(required=True, metadata={"description": "this copy's now, RFC 3339 UTC"})
    today = fields.Date(required=True, metadata={"description": "the district's business date now"})
    offset_seconds = fields.Float(required=True, metadata={"description": "how far ahead of real time"})
    adjustable = fields.Boolean(required=True, metadata={"description": "CLOCK_ADJUSTABLE: may be moved"})


class PlatformService:
    name = "platform"
    # The service's domain exceptions → HTTP status (its errors.STATUS); see common/errors.py.
    error_status: dict[type, int] = {}
    config = Config()
    metrics = EntrypointMetrics()
    # Functions computing the service's business gauges from its tables when /metrics is read
    # (common/metrics.py refresh_state_gauges; a service's gauges.py); none for the platform.
    state_gauges: tuple = ()

    @api("GET", "/health", public=True, summary="Liveness: the process answers")
    def health(self, req):
        return {"status": "ok", "service": self.name, "district": self.config.get("DISTRICT")}

    @api("GET", "/ready", public=True, summary="Readiness: database and broker reachable")
    def ready(self, req):
        checks = {}
        try:
            self.db.store.ping()
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            checks["database"] = f"unreachable: {type(exc).__name__}"
        try:
            with Connection(self.config["AMQP_URI"], connect_timeout=2) as conn:
                conn.connect()
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"unreachable: {type(exc).__name__}"
        if any(v != "ok" for v in checks.values()):
            raise Unavailable(f"not ready: {checks}", errors=checks)
        return {"status": "ready", "checks": checks}

    @api("GET", "/metrics", public=True, summary="Prometheus metrics")
    def prometheus(self, req):
        refresh_state_gauges(self)
        payload, content_type = exposition()
        return Response(payload, status=200, content_type=content_type)

    @api("GET", "/admin/clock", roles=READERS, response=ClockOut,
         summary="This copy's clock: now, business date, offset from real time, whether it may be moved")
    def read_clock(self, req):
        return _clock_state(self.clock)

    @api("POST", "/admin/clock", roles=DISTRICT_OPS, body=ClockMoveIn, response=ClockOut,
         summary="Move this copy's clock forward (demo and development copies only: CLOCK_ADJUSTABLE; "
                 "409 otherwise)")
    def move_clock(self, req):
        try:
            self.clock.move_forward(req.body["advance_seconds"])
        except ClockNotAdjustable as exc:
            raise Conflict(str(exc)) from None
        return _clock_state(self.clock)

    @api("GET", "/openapi.json", public=True, summary="This document")
    def openapi(self, req):
        from .openapi import openapi_spec

        return openapi_spec(type(self))


def _clock_state(clock) -> dict:
    return {"now": clock.now(), "today": clock.today(), "offset_seconds": clock.offset.total_seconds(),
            "adjustable": clock.adjustable}
