"""A producer process that dies at a chosen point of the outbox relay: run as
`python relay_proc.py SERVICE DATABASE_URL AMQP_URI after-publish`. It publishes the first
batch of pending outbox rows with confirms and SIGKILLs itself before marking them sent,
exactly where a crash leaves rows published but still pending."""

import os
import signal
import sys

from services.common.db import Store
from services.common.events.relay import ConfirmingPublisher, OutboxRelay, event_exchange_name


def main(service: str, url: str, amqp_uri: str, point: str) -> None:
    import importlib

    metadata = importlib.import_module(f"services.{service}.models").metadata
    store = Store(url, metadata)
    relay = OutboxRelay(store, ConfirmingPublisher(amqp_uri, event_exchange_name(service)), service=service,
                        district="demo", batch_size=int(os.environ.get("BATCH", "50")),
                        after_publish=lambda rows: os.kill(os.getpid(), signal.SIGKILL))
    assert point == "after-publish"
    relay.drain()
    sys.exit("the relay returned without publishing anything")


if __name__ == "__main__":
    main(*sys.argv[1:])
