"""Reading events off the bus in tests (the `event_tap` fixture makes these on a test's vhost)."""

import json
import uuid

import eventlet


class EventTap:
    """A test subscriber: a queue bound to a service's event exchange, read with a timeout."""

    def __init__(self, amqp_uri: str, producer: str, routing_key: str = "#"):
        from kombu import Connection, Exchange, Queue

        self.conn = Connection(amqp_uri)
        exchange = Exchange(f"{producer}.events", type="topic", durable=True)
        self.queue = Queue(f"tap-{producer}-{uuid.uuid4().hex[:8]}", exchange=exchange,
                           routing_key=routing_key, durable=False, auto_delete=True)
        self.queue = self.queue.bind(self.conn.default_channel)
        self.queue.declare()

    def get(self, timeout: float = 10.0) -> dict:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.queue.get(no_ack=True)
            if message is not None:
                return json.loads(message.body)
            eventlet.sleep(0.02)
        raise AssertionError(f"no event arrived within {timeout}s")

    def drain(self, settle: float = 0.5) -> list[dict]:
        eventlet.sleep(settle)
        out = []
        while (message := self.queue.get(no_ack=True)) is not None:
            out.append(json.loads(message.body))
        return out

    def close(self):
        self.conn.release()


def retried(fn, attempts: int = 10, delay: float = 1.0):
    """``fn()`` retried on any error (RabbitMQ's management API refuses now and then), at most
    ``attempts`` times; the last error is raised."""
    for attempt in range(attempts):
        try:
            return fn()
        except Exception:
            if attempt == attempts - 1:
                raise
            eventlet.sleep(delay)


class _Failed:
    def __init__(self, exc: BaseException):
        self.exc = exc


def _steady_pipeline_class():
    from contextlib import contextmanager

    from nameko.testing.utils import ResourcePipeline

    class SteadyPipeline(ResourcePipeline):
        """nameko's ResourcePipeline (vhosts made ahead in the background), except that its
        create thread survives errors: each creation is retried (bounded), and one that still
        fails is handed to the test that asks next as an error naming the cause. nameko's own
        thread dies at the first error, and every later ``get()`` then waits for ever."""

        def __init__(self, create, destroy, size=3, attempts=10, delay=1.0):
            super().__init__(create, destroy, size)
            self.attempts, self.delay = attempts, delay

        def _create(self):
            while self.running:
                try:
                    item = retried(self.create, self.attempts, self.delay)
                except Exception as exc:  # noqa: BLE001 - handed to the test that asks next
                    item = _Failed(exc)
                self.ready.put(item)

        def _destroy(self):
            while True:
                item = self.trash.get()
                if item is ResourcePipeline.STOP:
                    break
                if not isinstance(item, _Failed):
                    try:
                        self.destroy(item)
                    except Exception:  # noqa: BLE001, S112 - a leftover vhost is harmless, a dead thread is not
                        continue

        @contextmanager
        def get(self):
            item = self.ready.get()
            if isinstance(item, _Failed):
                self.trash.put(item)
                raise RuntimeError(f"could not make a RabbitMQ vhost through the management API: {item.exc!r}; "
                                   "is the management plugin enabled (rabbitmq-plugins enable "
                                   "rabbitmq_management)?") from item.exc
            try:
                yield item
            finally:
                self.trash.put(item)

    return SteadyPipeline


SteadyPipeline = _steady_pipeline_class()
