"""The statements notify's hot paths send, counted: an in-app batch costs the same three claim
statements and two writes per message (no re-read of each delivery's row: that SELECT per
message was most of an in-app send), and an event's deliveries go in one INSERT whatever their
number (scripts/notify_burst.py measured why these matter)."""

from __future__ import annotations

import contextlib

from notify_usecase_helpers import NOW, approved_data, received
from sqlalchemy import event

from services.common.clock import FixedClock
from services.notify import deliveries, models, sender


@contextlib.contextmanager
def statements(engine):
    seen: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _executemany):
        seen.append(statement.split()[0].upper() + " " + _table(statement))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _table(statement: str) -> str:
    words = statement.replace("\n", " ").split()
    for keyword in ("INTO", "UPDATE", "FROM"):
        if keyword in words:
            return words[words.index(keyword) + 1]
    return "?"


def test_an_inapp_batch_writes_two_statements_per_message_and_reads_no_row_again(memory_store, settings):
    db = memory_store("notify")
    n = 4
    for i in range(n):
        with db.uow() as uow:
            deliveries.record_event(uow, NOW, received("application.approved", approved_data(f"p-{i}")), settings)
            uow.commit()
    with statements(db.engine) as seen:
        got = sender.run_channel(db.worker_db(), FixedClock(NOW), "inapp", {}, lambda ref: None, settings, {})
    assert got == {"sent": n}
    writes = [s for s in seen if s.split()[0] in ("INSERT", "UPDATE")]
    reads = [s for s in seen if s.startswith("SELECT")]
    assert writes.count("INSERT inbox_messages") == n and writes.count("UPDATE deliveries") == n + 1  # + the lease
    assert len(reads) == 2, reads  # the due ids, the claimed rows: none per message
    with db.worker_db().read() as s:
        assert {d.status for d in s.query(models.Delivery).filter_by(channel="inapp")} == {"sent"}
        assert s.query(models.InboxMessage).count() == n


def test_an_events_deliveries_go_in_one_insert(memory_store, settings):
    db = memory_store("notify")
    with db.uow() as uow:  # the routing in force is read and cached by the first event
        deliveries.record_event(uow, NOW, received("application.approved", approved_data()), settings)
        uow.commit()
    with statements(db.engine) as seen, db.uow() as uow:
        made = deliveries.record_event(uow, NOW, received("application.approved", approved_data("p-2")), settings)
        uow.commit()
    assert sorted(d.channel for d in made) == ["email", "inapp", "sms"]
    assert seen.count("INSERT deliveries") == 1, seen
