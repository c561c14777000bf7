"""notify's delivery log walked by cursor, on migrated SQLite and PostgreSQL: every delivery once,
newest first, through pages that cut through deliveries made at one instant; deliveries recorded
during the walk stay out of it; filters still apply; over HTTP a bad cursor is a 400 naming
``after`` and a page asked for by number is answered as before."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from marshmallow import ValidationError
from notify_helpers import notify_config

from services.common import paging
from services.notify import deliveries, models
from services.notify.service import NotifyService

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
CHANNELS = ("sms", "email", "inapp")


def delivery(at: datetime, channel: str, status: str = "sent", event_id: str | None = None) -> dict:
    return dict(id=str(uuid.uuid4()), event_id=event_id or str(uuid.uuid4()), event_type="application.approved",
                channel=channel, target="ref-1", person_ref="ref-1", subscription_id=None, critical=False,
                subject="", body="…", status=status, attempts=1, next_attempt_at=at, claimed_until=None,
                recipient_masked=None, provider_message_id=None, last_error=None, created_at=at, updated_at=at)


def insert(store, rows: list[dict]) -> None:
    with store.engine.begin() as conn:
        conn.execute(models.Delivery.__table__.insert(), rows)


def a_log(store, events: int) -> list[dict]:
    """``events`` events a minute apart, each one delivery per channel at one instant (ties on
    created_at, as an event's deliveries are); the third event's are dead."""
    rows = []
    for n in range(events):
        event_id = str(uuid.uuid4())
        rows += [delivery(T0 + timedelta(minutes=n), c, "dead" if n == 2 else "sent", event_id) for c in CHANNELS]
    insert(store, rows)
    return rows


def newest_first(rows) -> list[str]:
    return [r["id"] for r in sorted(rows, key=lambda r: (r["created_at"], r["id"]), reverse=True)]


def walk(store, page_size: int, between=None, **filters) -> list[paging.KeysetPage]:
    with store.worker_db().read() as s:
        found = deliveries.search(s, page_size=page_size, **filters)
    pages = [found]
    while found.next is not None:
        if between:
            between(len(pages))
        with store.worker_db().read() as s:
            found = deliveries.search(s, page_size=page_size, after=paging.decode_cursor(found.next), **filters)
        pages.append(found)
    return pages


def ids(pages) -> list[str]:
    return [d.id for p in pages for d in p.items]


def test_a_walk_by_cursor_reads_every_delivery_once_newest_first(store_for):
    store = store_for("notify")
    rows = a_log(store, 7)  # 21 deliveries, pages of 4 cut through an event's three
    pages = walk(store, 4)
    assert ids(pages) == newest_first(rows)
    assert [p.page for p in pages] == [1, 2, 3, 4, 5, 6] and {p.total for p in pages} == {21}
    assert pages[-1].next is None and len(pages[-1].items) == 1
    # the pages by number are the same pages
    with store.worker_db().read() as s:
        by_number = [[d.id for d in deliveries.search(s, page=n, page_size=4).items] for n in range(1, 7)]
    assert by_number == [[d.id for d in p.items] for p in pages]


def test_deliveries_recorded_during_a_walk_stay_out_of_it(store_for):
    store = store_for("notify")
    rows = a_log(store, 6)
    moved = newest_first(rows)[10]  # read on the third page: its status changes before then

    def meanwhile(pages_read):
        later = T0 + timedelta(hours=1, minutes=pages_read)
        insert(store, [delivery(later, c) for c in CHANNELS])  # newer than where the walk began
        with store.engine.begin() as conn:
            conn.execute(models.Delivery.__table__.update().where(models.Delivery.id == moved).values(status="pending"))

    pages = walk(store, 4, between=meanwhile)
    assert ids(pages) == newest_first(rows)  # each once, in order: none of the new ones, none twice
    assert {p.total for p in pages} == {18}  # the count of the walk's first page
    again = walk(store, 50)
    assert len(ids(again)) == 18 + 3 * (len(pages) - 1) and again[0].total == len(ids(again))


def test_filters_apply_to_a_walk(store_for):
    store = store_for("notify")
    rows = a_log(store, 5)
    sms = walk(store, 2, channel="sms")
    assert ids(sms) == newest_first(r for r in rows if r["channel"] == "sms") and sms[0].total == 5
    dead = walk(store, 2, status="dead")
    assert ids(dead) == newest_first(r for r in rows if r["status"] == "dead") and len(ids(dead)) == 3
    one = rows[4]["event_id"]
    by_event = walk(store, 1, event_id=one, channel="email")
    assert ids(by_event) == [r["id"] for r in rows if r["event_id"] == one and r["channel"] == "email"]


@pytest.mark.parametrize("position", [("2026-11-23T02:00:00+00:00", "x"), (T0,), (T0, 5), (7, "x")])
def test_a_cursor_that_does_not_fit_the_log_is_refused_before_the_database(store_for, position):
    store = store_for("notify")
    a_log(store, 1)
    with store.worker_db().read() as s, pytest.raises(ValidationError) as err:
        deliveries.search(s, page_size=2, after=paging.Cursor(2, 3, position))
    assert set(err.value.messages) == {"after"}


def test_over_http_a_bad_cursor_is_a_400_naming_it_and_pages_by_number_are_as_before(
        store_for, running_service, service_config, dev_token, tmp_path):
    store = store_for("notify")
    rows = a_log(store, 4)
    base = running_service(NotifyService, notify_config(service_config, store.url, tmp_path)).base
    op = dev_token("operator")

    def get(**params):
        return requests.get(f"{base}/deliveries", params=params, headers=op, timeout=10)

    page = get(page=2, page_size=5).json()
    assert {k: page[k] for k in ("total", "page", "page_size")} == {"total": 12, "page": 2, "page_size": 5}
    assert [d["delivery_id"] for d in page["deliveries"]] == newest_first(rows)[5:10]
    first = get(page_size=5).json()
    seen, reply = [d["delivery_id"] for d in first["deliveries"]], first
    while reply["next"] is not None:
        reply = get(page_size=5, after=reply["next"]).json()
        seen += [d["delivery_id"] for d in reply["deliveries"]]
        assert reply["total"] == 12
    assert seen == newest_first(rows) and reply["page"] == 3
    forged = paging.encode_cursor(paging.Cursor(2, 12, ("not a time", "x")))
    for bad in ("garbage", first["next"][:-3], forged, first["next"] + "%00"):
        resp = get(page_size=5, after=bad)
        assert resp.status_code == 400 and set(resp.json()["errors"]) == {"after"}, resp.text
    both = get(page=2, page_size=5, after=first["next"])
    assert both.status_code == 400 and set(both.json()["errors"]) == {"after"}
