"""Prometheus metrics for every entrypoint, the outbox and the inbox.

Metric objects are module-level (the prometheus-client convention); `service` and `district`
labels keep several containers in one process (tests, `anju run`) apart.
"""

from __future__ import annotations

import logging
import time

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.timer import Timer
from nameko.web.handlers import HttpRequestHandler
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

log = logging.getLogger(__name__)

ENTRYPOINT_CALLS = Counter(
    "anju_entrypoint_calls_total",
    "Entrypoint executions by outcome (ok / error).",
    ["service", "district", "kind", "entrypoint", "outcome"],
)
ENTRYPOINT_SECONDS = Histogram(
    "anju_entrypoint_duration_seconds",
    "Entrypoint execution time.",
    ["service", "district", "kind", "entrypoint"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX_BACKLOG = Gauge(
    "anju_outbox_backlog", "Outbox rows not yet confirmed by the broker.", ["service", "district"]
)
OUTBOX_OLDEST_PENDING = Gauge(
    "anju_outbox_oldest_pending_seconds", "Age of the oldest outbox row not yet confirmed by the broker "
    "(0 when none is pending): alert when it keeps growing.", ["service", "district"]
)
OUTBOX_PUBLISHED = Counter(
    "anju_outbox_published_total", "Events published and confirmed.", ["service", "district"]
)
OUTBOX_UNROUTED = Counter(
    "anju_outbox_unrouted_total",
    "Events no queue was bound for, parked in <service>.events.unrouted.",
    ["service", "district"],
)
INBOX_DUPLICATES = Counter(
    "anju_inbox_duplicates_total",
    "Redelivered events skipped because their effect was already committed.",
    ["service", "district", "handler"],
)
INBOX_DEAD_LETTERED = Counter(
    "anju_inbox_rejected_total",
    "Events sent straight to the dead-letter queue (invalid envelope or contract).",
    ["service", "district", "handler"],
)

# The same names `anju events status --prometheus` prints, now from each service's own
# /metrics (the relay sets them: see OutboxRelay._update_queue_gauges), so alerts need no
# textfile collector.
UNROUTED_PARKED = Gauge(
    "anju_unrouted_parked", "Events parked in <service>.events.unrouted (no queue was bound).",
    ["service", "district"],
)
DEAD_LETTERS = Gauge(
    "anju_dead_letters", "Messages in a consumer's dead-letter queue (<queue>.dlq).",
    ["service", "district", "queue"],
)
# (service, district) → the service's consumer queues, registered when its container starts;
# the relay of that service reads their dead-letter queues' depths.
CONSUMER_QUEUES: dict[tuple[str, str], list[str]] = {}


# Business gauges (applications by state, occupancy, rent collected, …) are computed from a
# service's own tables when /metrics is read: a service class lists its functions in
# ``state_gauges`` (each ``fn(session, now, today, labels)`` with labels = (service, district)),
# and they run at most every STATE_GAUGE_SECONDS per copy — /metrics is public, so a scraper (or
# anyone) reading it in a loop costs the database one round of counts per interval, not per read.
STATE_GAUGE_SECONDS = 10.0
_STATE_REFRESHED: dict[tuple[str, str], float] = {}
# (id of the gauge, service, district) → the label values set at the last refresh, so a group that
# has gone (a state emptied, a budget year past) leaves the gauge instead of keeping its old value
_STATE_SET: dict[tuple[int, str, str], set[tuple]] = {}


def set_gauge_family(gauge: Gauge, labels: tuple[str, str], values: dict[tuple, float]) -> None:
    """Set ``gauge`` for (service, district) + each key of ``values``; the children set last
    time and absent now are removed."""
    key = (id(gauge), *labels)  # gauges are module-level singletons: identity names one
    for extra, value in values.items():
        gauge.labels(*labels, *extra).set(value)
    for gone in _STATE_SET.get(key, set()) - set(values):
        try:
            gauge.remove(*labels, *gone)
        except KeyError:  # already gone
            pass
    _STATE_SET[key] = set(values)


def refresh_state_gauges(service) -> None:
    """Run the service's ``state_gauges`` in one read session, unless they ran less than
    STATE_GAUGE_SECONDS ago. A failure is logged, never raised: /metrics still answers with the
    last values (and every other metric)."""
    functions = getattr(type(service), "state_gauges", ())
    if not functions:
        return
    labels = (service.name, service.config.get("DISTRICT", "unknown"))
    now = time.monotonic()
    if now - _STATE_REFRESHED.get(labels, -STATE_GAUGE_SECONDS) < STATE_GAUGE_SECONDS:
        return
    _STATE_REFRESHED[labels] = now
    try:
        clock_now, today = service.clock.now(), service.clock.today()
        with service.db.read() as session:
            for fn in functions:
                fn(session, clock_now, today, labels)
    except Exception:  # noqa: BLE001 - a gauge is not worth failing /metrics for
        log.exception("business gauges of %s/%s", *labels)


def entrypoint_kind(entrypoint) -> str:
    for klass, kind in (
        (HttpRequestHandler, "http"),
        (EventHandler, "event"),
        (Rpc, "rpc"),
        (Timer, "timer"),
    ):
        if isinstance(entrypoint, klass):
            return kind
    return "other"


class EntrypointMetrics(DependencyProvider):
    """Times and counts every worker of the service, whatever its entrypoint."""

    def setup(self):
        self.service = self.container.service_name
        self.district = self.container.config.get("DISTRICT", "unknown")
        self._started: dict = {}
        from .events.operator import consumer_queues  # here: the events package imports this module

        CONSUMER_QUEUES[(self.service, self.district)] = consumer_queues(self.container.service_cls)

    def worker_setup(self, worker_ctx):
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self._started.pop(worker_ctx, None)
        entrypoint = worker_ctx.entrypoint
        kind = entrypoint_kind(entrypoint)
        labels = (self.service, self.district, kind, entrypoint.method_name)
        if started is not None:
            ENTRYPOINT_SECONDS.labels(*labels).observe(time.perf_counter() - started)
        ENTRYPOINT_CALLS.labels(*labels, "error" if exc_info else "ok").inc()

    def get_dependency(self, worker_ctx):
        return None


def exposition() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
