"""Helpers for the finance integration tests (imported by test_finance_*.py)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import requests
from kombu import Connection, Exchange, Producer
from polling import eventually  # noqa: F401 - re-exported to the tests

from services.common.clock import Calendar
from services.finance.service import FinanceService

WANG, LI = "wang", "li"
TIMEOUT = 30  # seconds: a request that hangs fails the test naming it, never the whole run


def today():
    """The district's calendar date now (what the running service's clock says)."""
    return Calendar().date_of(datetime.now(UTC))


def relief_envelope(relief_id: str, amount_fen: int, *, kind: str = "cash", category: str = "dibao") -> dict:
    """A relief.approved envelope as assistance publishes it (DESIGN §3; built here: assistance has
    no relief cases yet)."""
    return {"event_id": str(uuid.uuid4()), "event_type": "relief.approved", "schema_version": 1,
            "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"), "district": "demo",
            "producer": "assistance",
            "data": {"relief_id": relief_id, "household_id": f"H-{relief_id}", "person_ref": f"pref-{relief_id}",
                     "kind": kind, "category": category, "amount_fen": amount_fen, "year": today().year,
                     "approved_at": datetime.now(UTC).isoformat()}}


def publish(amqp_uri: str, envelope: dict) -> None:
    exchange = Exchange(f"{envelope['producer']}.events", type="topic", durable=True)
    with Connection(amqp_uri) as conn:
        Producer(conn.default_channel).publish(
            json.dumps(envelope), exchange=exchange, routing_key=envelope["event_type"], delivery_mode=2,
            content_type="application/json", declare=[exchange])


class Finance:
    """A running finance service and two finance officers (maker and checker) and an auditor."""

    def __init__(self, container, dev_token):
        self.base = container.base
        self.container = container
        self.wang = dev_token("finance_officer", subject=WANG)
        self.li = dev_token("finance_officer", subject=LI)
        self.auditor = dev_token("auditor", subject="zhao")

    def post(self, path, body=None, who=None, **kw):
        return requests.post(f"{self.base}{path}", json=body, headers=who or self.wang, timeout=TIMEOUT, **kw)

    def put(self, path, body, who=None):
        return requests.put(f"{self.base}{path}", json=body, headers=who or self.wang, timeout=TIMEOUT)

    def get(self, path, who=None, **kw):
        return requests.get(f"{self.base}{path}", headers=who if who is not None else self.wang, timeout=TIMEOUT,
                            **kw)

    def receipt(self, amount_fen, source="finance_bureau", **extra):
        body = {"source": source, "amount_fen": amount_fen, "reference": f"BANK-{uuid.uuid4().hex[:10]}",
                "received_on": today().isoformat(), **extra}
        resp = self.post("/fund-receipts", body)
        assert resp.status_code == 201, resp.text
        return resp.json()


def start_finance(running_service, service_config, database, dev_token, **overrides) -> Finance:
    return Finance(running_service(FinanceService, service_config("finance", database("finance"), **overrides)),
                   dev_token)
