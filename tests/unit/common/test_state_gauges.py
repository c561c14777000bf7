"""Business gauges computed at scrape time (services/common/metrics.py): a group that has gone
leaves the gauge, the functions run at most every STATE_GAUGE_SECONDS, and a failing one does
not fail /metrics."""

import contextlib
from datetime import UTC, date, datetime

from prometheus_client import REGISTRY, Gauge

from services.common import metrics

G = Gauge("anju_test_state_gauge", "test", ["service", "district", "kind"])


def value(**labels):
    return REGISTRY.get_sample_value("anju_test_state_gauge", labels)


def test_a_family_keeps_only_what_is_there_now():
    labels = ("svc-a", "d1")
    metrics.set_gauge_family(G, labels, {("x",): 3, ("y",): 4})
    metrics.set_gauge_family(G, ("svc-b", "d1"), {("x",): 7})  # another copy's: untouched below
    assert value(service="svc-a", district="d1", kind="y") == 4
    metrics.set_gauge_family(G, labels, {("x",): 5})
    assert value(service="svc-a", district="d1", kind="x") == 5
    assert value(service="svc-a", district="d1", kind="y") is None  # gone, not a stale 4
    assert value(service="svc-b", district="d1", kind="x") == 7


class FakeClock:
    def now(self):
        return datetime(2026, 3, 1, tzinfo=UTC)

    def today(self):
        return date(2026, 3, 1)


class FakeDb:
    @contextlib.contextmanager
    def read(self):
        yield "session"


def _service(name, fns):
    cls = type("Svc", (), {"state_gauges": tuple(fns)})
    svc = cls()
    svc.name, svc.config, svc.clock, svc.db = name, {"DISTRICT": "d1"}, FakeClock(), FakeDb()
    return svc


def test_the_functions_run_with_the_clock_and_at_most_every_interval(monkeypatch):
    calls = []
    svc = _service("svc-throttle", [lambda *a: calls.append(a)])
    ticks = iter([1000.0, 1001.0, 1000.0 + metrics.STATE_GAUGE_SECONDS + 0.1])
    monkeypatch.setattr(metrics.time, "monotonic", lambda: next(ticks))
    metrics.refresh_state_gauges(svc)
    metrics.refresh_state_gauges(svc)  # a second read within the interval: not recomputed
    assert calls == [("session", FakeClock().now(), date(2026, 3, 1), ("svc-throttle", "d1"))]
    metrics.refresh_state_gauges(svc)
    assert len(calls) == 2


def test_a_failing_gauge_is_logged_not_raised(caplog):
    def broken(*_):
        raise RuntimeError("table gone")

    metrics.refresh_state_gauges(_service("svc-broken", [broken]))
    assert "business gauges of svc-broken/d1" in caplog.text
