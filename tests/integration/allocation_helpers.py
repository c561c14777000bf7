"""Helpers for the allocation integration tests (imported by test_allocation_*.py)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import eventlet
from kombu import Connection, Exchange, Producer
from polling import eventually  # noqa: F401 - re-exported to the tests

from services.common.clock import Calendar


def today() -> date:
    """The district's calendar date now, as a running service's clock reads it."""
    return Calendar().date_of(datetime.now(UTC))


def envelope(producer: str, event_type: str, data: dict, district: str = "demo") -> dict:
    """An envelope as DESIGN.md §3 describes it (built locally: the producing services are
    not started here)."""
    return {"event_id": str(uuid.uuid4()), "event_type": event_type, "schema_version": 1,
            "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"), "district": district,
            "producer": producer, "data": data}


def publish(amqp_uri: str, producer: str, event_type: str, data: dict) -> dict:
    body = envelope(producer, event_type, data)
    with Connection(amqp_uri) as conn:
        Producer(conn.default_channel).publish(
            json.dumps(body), exchange=Exchange(f"{producer}.events", type="topic", durable=True),
            routing_key=event_type, delivery_mode=2, content_type="application/json", declare=[
                Exchange(f"{producer}.events", type="topic", durable=True)])
    return body


def approved(app_id: str, *, points_tenths: int, size: int, prefs, groups=(), programme="public_rental",
             accessible=False) -> dict:
    """An `application.approved` payload exactly as interface.md fixes it."""
    pts = f"{points_tenths // 10}.{points_tenths % 10}"
    return {"application_id": app_id, "person_ref": f"pref-{app_id}", "district": "demo",
            "programme": programme, "household_size": size, "points": pts, "points_tenths": points_tenths,
            "breakdown": {"policy_version": 1, "total": pts, "lines": [
                {"rule": "years_of_service", "input": "10", "points": pts, "uncapped": pts, "cap": None,
                 "capped": False}]},
            "preferences": list(prefs), "priority_groups": list(groups), "needs_accessible": accessible,
            "enterprise": "E1", "name_masked": "张*三", "id_number_masked": "350102********1234",
            "approved_at": datetime.now(UTC).isoformat()}


class Events:
    """Reads a tap bound to allocation.events and files events by type."""

    def __init__(self, tap):
        self.tap = tap
        self.seen: dict[str, list[dict]] = {}

    def wait(self, event_type: str, count: int = 1, timeout: float = 15.0) -> list[dict]:
        deadline = eventlet.hubs.get_hub().clock() + timeout
        while len(self.seen.get(event_type, [])) < count:
            left = deadline - eventlet.hubs.get_hub().clock()
            if left <= 0:
                raise AssertionError(f"{event_type}: wanted {count}, got {self.seen.get(event_type, [])}")
            try:
                event = self.tap.get(timeout=left)
            except AssertionError:
                continue
            self.seen.setdefault(event["event_type"], []).append(event)
        return [e["data"] for e in self.seen[event_type]]


class Documented:
    """Calls allocation over HTTP by the OpenAPI document's path templates and checks every reply
    against the committed document (docs/openapi/allocation.json): status, content type and
    body schema (schemathesis' response checks)."""

    def __init__(self, base: str, headers: dict | None = None):
        import pathlib

        import requests
        import schemathesis

        doc = pathlib.Path(__file__).resolve().parents[2] / "docs" / "openapi" / "allocation.json"
        self.schema = schemathesis.openapi.from_dict(json.loads(doc.read_text(encoding="utf-8")))
        self.base, self.headers, self.http = base, headers or {}, requests.Session()

    def __call__(self, method: str, template: str, *, headers: dict | None = None, path: dict | None = None,
                 **kw):
        from urllib.parse import quote

        url = template.format(**{k: quote(v, safe="") for k, v in (path or {}).items()})
        resp = self.http.request(method, self.base + url, headers=self.headers if headers is None else headers,
                                 timeout=30, **kw)
        self.schema[template][method].validate_response(resp)
        return resp
