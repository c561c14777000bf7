"""What every service class inherits: the platform endpoints and entrypoint metrics.

    class ApplicationsService(IntakeEntrypoints, ..., PlatformService):
        name = "applications"
        error_status = errors.STATUS
        db = Database(models.metadata)
        clock = Clock()
"""

from __future__ import annotations

from kombu import Connection
from nameko.dependency_providers import Config
from werkzeug.wrappers import Response

from .errors import Unavailable
from .http import api
from .metrics import EntrypointMetrics, exposition


class PlatformService:
    name = "platform"
    # The service's domain exceptions → HTTP status (its errors.STATUS); see common/errors.py.
    error_status: dict[type, int] = {}
    config = Config()
    metrics = EntrypointMetrics()

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
        payload, content_type = exposition()
        return Response(payload, status=200, content_type=content_type)

    @api("GET", "/openapi.json", public=True, summary="This document")
    def openapi(self, req):
        from .openapi import openapi_spec

        return openapi_spec(type(self))
