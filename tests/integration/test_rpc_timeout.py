"""RPC between services always carries a timeout: a slow peer becomes 503, not a hung worker."""

import eventlet
import pytest
from nameko.rpc import rpc
from nameko.testing.services import entrypoint_hook

from services.common.errors import Unavailable
from services.common.rpc import TimedRpc


class Peer:
    name = "peer"

    @rpc
    def echo(self, value, delay=0.0):
        eventlet.sleep(delay)
        return value


class Caller:
    name = "caller"
    peer = TimedRpc("peer", timeout=0.5)

    @rpc
    def ask(self, delay):
        return self.peer.call("echo", value="pong", delay=delay)


def test_fast_answer_and_timeout(container_factory, rabbit):
    config = {"AMQP_URI": rabbit["AMQP_URI"]}
    container_factory(Peer, config).start()
    caller = container_factory(Caller, config)
    caller.start()
    with entrypoint_hook(caller, "ask") as ask:
        assert ask(delay=0) == "pong"
        started = eventlet.hubs.get_hub().clock()
        with pytest.raises(Unavailable, match="peer.echo did not answer within 0.5s"):
            ask(delay=2.0)
        assert eventlet.hubs.get_hub().clock() - started < 1.5
