"""RPC between services, always with a timeout. RPC is for queries only (DESIGN §2): state
changes travel as events. A caller that waits forever on a dead peer would hold a worker
forever, so every call is bounded and a late or missing answer becomes 503 Unavailable.

    applications = TimedRpc("applications", timeout=2.0)
    ...
    contact = self.applications.call("get_contact", person_ref=ref)
"""

from __future__ import annotations

import logging

import eventlet
from nameko.rpc import RpcProxy

from .errors import Unavailable


class TimedServiceProxy:
    def __init__(self, proxy, target: str, timeout: float):
        self._proxy = proxy
        self._target = target
        self._timeout = timeout

    def call(self, method: str, *, timeout: float | None = None, **kwargs):
        limit = self._timeout if timeout is None else timeout
        reply = getattr(self._proxy, method).call_async(**kwargs)
        try:
            with eventlet.Timeout(limit):
                return reply.result()
        except eventlet.Timeout:
            raise Unavailable(f"{self._target}.{method} did not answer within {limit:g}s; "
                              "try again shortly") from None


class TimedRpc(RpcProxy):
    """nameko's RpcProxy, but every call carries a timeout (seconds)."""

    def __init__(self, target_service: str, timeout: float = 5.0, **options):
        self.timeout = timeout
        super().__init__(target_service, **options)

    def setup(self):
        super().setup()
        # nameko logs every RPC reply's body at DEBUG ("RPC reply event complete ..."); a reply
        # may carry personal data (applications' get_contact answers a phone and an e-mail), so
        # that logger never goes below INFO, whatever the root level (the privacy scan runs at DEBUG).
        quiet = logging.getLogger("nameko.rpc")
        if quiet.getEffectiveLevel() < logging.INFO or quiet.level == logging.NOTSET:
            quiet.setLevel(logging.INFO)

    def get_dependency(self, worker_ctx):
        return TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service, self.timeout)
