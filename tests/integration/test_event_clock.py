"""An event's occurred_at is the producing service's time (its Clock provider), not the wall's:
a copy whose clock was moved — a test, the demo's year — dates its events as it dates its records.
The outbox row keeps the wall's time, which is what an operator's backlog age measures."""

import json
from datetime import UTC, datetime, timedelta

from marshmallow import Schema, fields
from nameko.testing.services import entrypoint_hook
from nameko.web.handlers import http
from sqlalchemy import MetaData, select

from services.common.clock import Clock
from services.common.db import Database
from services.common.events.contracts import contract, iso_utc
from services.common.tables import platform_tables


@contract("tick.sent", producer="ticker", description="test-only event")
class TickSent(Schema):
    n = fields.Integer(required=True)


ticker_metadata = MetaData()
platform_tables(ticker_metadata)


class TickerService:
    name = "ticker"
    db = Database(ticker_metadata, relay=False)
    clock = Clock()

    @http("POST", "/tick")  # an entrypoint, so entrypoint_hook can call it; the test calls `tick`
    def tick(self, request=None):
        with self.db.unit_of_work() as uow:
            envelope = uow.publish("tick.sent", {"n": 1})
            uow.commit()
        return envelope["occurred_at"]


def test_occurred_at_follows_the_services_clock(container_factory, tmp_path):
    container = container_factory(TickerService, {"DISTRICT": "demo", "DATABASE_URL": f"sqlite:///{tmp_path}/t.db",
                                                  "AMQP_URI": "memory://"})
    provider = next(d for d in container.dependencies if isinstance(d, Database))
    provider.setup()  # the store is made at setup; create its tables before the first call
    ticker_metadata.create_all(provider.store.engine)
    container.start()
    next(d for d in container.dependencies if isinstance(d, Clock)).advance(days=40)
    with entrypoint_hook(container, "tick") as tick:
        occurred = datetime.fromisoformat(tick().replace("Z", "+00:00"))
    wall = datetime.now(UTC)
    assert timedelta(days=40) - timedelta(minutes=1) < occurred - wall < timedelta(days=40) + timedelta(minutes=1)
    with provider.store.engine.connect() as conn:
        row = conn.execute(select(provider.store.tables.outbox)).one()
    assert json.loads(row.body)["occurred_at"] == iso_utc(occurred)
    assert abs(row.created_at.replace(tzinfo=UTC) - wall) < timedelta(minutes=1)

