"""Waiting for something asynchronous (an event consumed, a row written) without sleeping blind."""

import eventlet


def eventually(fn, timeout=10.0):
    """Call `fn` every 50 ms until it returns something truthy or `timeout` seconds pass;
    return its last value (so the caller's assert shows what was there)."""
    deadline = eventlet.hubs.get_hub().clock() + timeout
    while True:
        value = fn()
        if value or eventlet.hubs.get_hub().clock() > deadline:
            return value
        eventlet.sleep(0.05)
