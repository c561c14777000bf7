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
