"""GET /deliveries without a broker: the endpoint's own query schema and problem mapping around
the service method (worker_factory). A bad or forged cursor is a 400 naming ``after``; a page
asked for by number is answered as before, now with ``next``; a walk by cursor covers the log.
(tests/integration/test_notify_keyset.py asks the same of a running notify over HTTP.)"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from marshmallow import ValidationError
from nameko.testing.services import worker_factory
from notify_usecase_helpers import NOW

from services.common import paging
from services.common.auth import Principal
from services.common.http import ApiRequest
from services.notify import models, schemas
from services.notify.service import NotifyService

ENTRYPOINT = next(iter(NotifyService.search_deliveries.nameko_entrypoints))


def _log(db, count: int) -> list[str]:
    """``count`` deliveries, three to an instant (an event's channels); their ids newest first."""
    rows = []
    for n in range(count):
        at = NOW + timedelta(minutes=n // 3)
        rows.append(dict(id=str(uuid.uuid4()), event_id=str(uuid.uuid4()), event_type="application.approved",
                         channel="sms", target="ref-1", person_ref="ref-1", subscription_id=None, critical=False,
                         subject="", body="…", status="sent", attempts=1, next_attempt_at=at, claimed_until=None,
                         recipient_masked="138****5678", provider_message_id=None, last_error=None,
                         created_at=at, updated_at=at))
    with db.engine.begin() as conn:
        conn.execute(models.Delivery.__table__.insert(), rows)
    return [r["id"] for r in sorted(rows, key=lambda r: (r["created_at"], r["id"]), reverse=True)]


def _get(db, **args) -> tuple[int, dict]:
    """(status, body) of GET /deliveries?args as the HTTP layer answers it."""
    svc = worker_factory(NotifyService, db=db.worker_db())
    try:
        query = ENTRYPOINT.query_schema().load({k: str(v) for k, v in args.items()})
        reply = svc.search_deliveries(ApiRequest(body=None, query=query, path={}, request_id="rq-1",
                                                 principal=Principal(subject="op", role="operator", district="demo")))
    except ValidationError as exc:
        response = ENTRYPOINT.response_from_exception(exc)
        return response.status_code, json.loads(response.get_data())
    return 200, schemas.DeliveryPage().dump(reply)


def test_a_page_by_number_is_answered_as_before_with_next(memory_store):
    db = memory_store("notify")
    newest = _log(db, 12)
    status, page = _get(db, page=2, page_size=5)
    assert status == 200
    assert {k: page[k] for k in ("total", "page", "page_size")} == {"total": 12, "page": 2, "page_size": 5}
    assert [d["delivery_id"] for d in page["deliveries"]] == newest[5:10]
    assert paging.decode_cursor(page["next"]).page == 3
    assert _get(db, page=3, page_size=5)[1]["next"] is None


def test_a_walk_by_cursor_reads_the_log_once(memory_store):
    db = memory_store("notify")
    newest = _log(db, 12)
    _, reply = _get(db, page_size=5)
    seen = [d["delivery_id"] for d in reply["deliveries"]]
    while reply["next"] is not None:
        status, reply = _get(db, page_size=5, after=reply["next"])
        assert status == 200 and reply["total"] == 12
        seen += [d["delivery_id"] for d in reply["deliveries"]]
    assert seen == newest and reply["page"] == 3


@pytest.mark.parametrize("after", [
    "garbage", "%00", "x" * 1001,
    paging.encode_cursor(paging.Cursor(2, 12, ("not a time", "d1"))),  # decodes, but not this log's
    paging.encode_cursor(paging.Cursor(2, 12, (NOW,))),
])
def test_a_bad_cursor_is_a_400_naming_after(memory_store, after):
    db = memory_store("notify")
    _log(db, 6)
    status, problem = _get(db, page_size=5, after=after)
    assert status == 400 and set(problem["errors"]) == {"after"}, problem


def test_a_page_and_a_cursor_together_are_a_400_naming_after(memory_store):
    db = memory_store("notify")
    _log(db, 6)
    _, first = _get(db, page_size=5)
    status, problem = _get(db, page=2, page_size=5, after=first["next"])
    assert status == 400 and set(problem["errors"]) == {"after"}
