"""The five services as the demo reaches them: HTTP on their public admin APIs, a token per
role (minted with the development secret, as `anju token` does), paging, and bounded waits for
the bus to carry an event from one service to the next."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import requests

from services.common.config import DEFAULT_PORTS, SERVICES


class DemoError(RuntimeError):
    """A call the demo needed was refused, or the bus did not deliver in time."""


class Services:
    def __init__(self, host: str = "127.0.0.1", port_offset: int = 0, district: str = "demo",
                 bases: dict[str, str] | None = None):
        self.district = district
        self.bases = bases or {s: f"http://{host}:{DEFAULT_PORTS[s] + port_offset}" for s in SERVICES}
        self.http = requests.Session()
        self._tokens: dict[tuple, str] = {}

    def token(self, role: str, subject: str = "demo-officer", enterprise: str | None = None) -> dict:
        key = (role, subject, enterprise)
        if key not in self._tokens:
            from services.common.auth import JwtSettings, mint_token
            from services.common.config import load_config

            settings = JwtSettings.from_config(load_config("applications"))
            district = "city" if role == "city_officer" else self.district
            self._tokens[key] = mint_token(settings, subject=subject, role=role, district=district,
                                           ttl_seconds=6 * 3600, enterprise=enterprise)
        return {"Authorization": f"Bearer {self._tokens[key]}"}

    def officer(self, n: int = 1) -> dict:
        """District officer number ``n`` (relief needs approvals by different officers)."""
        return self.token("district_officer", subject=f"demo-district-officer-{n}")

    def default(self, service: str, headers: dict | None) -> dict:
        """The caller's headers, or the officer who does this service's work: a finance officer
        for finance (the books are theirs), a district officer elsewhere. ``{}``: no token."""
        if headers is not None:
            return headers
        if service == "finance":
            return self.token("finance_officer", subject="demo-finance-officer")
        return self.officer()

    def call(self, service: str, method: str, path: str, headers: dict | None = None, ok=(200, 201),
             **kw) -> requests.Response:
        """One request; a 409 asking to retry (a database race) is retried a few times. A status
        outside ``ok`` raises DemoError with the service's answer."""
        for attempt in range(5):
            resp = self.http.request(method, self.bases[service] + path, headers=self.default(service, headers),
                                     timeout=120, **kw)
            if resp.status_code == 409 and "retry" in resp.text.lower() and attempt < 4:
                time.sleep(0.2 * (attempt + 1))
                continue
            break
        if ok and resp.status_code not in ok:
            raise DemoError(f"{service} {method} {path}: {resp.status_code} {resp.text[:400]}")
        return resp

    def get(self, service: str, path: str, headers: dict | None = None, **params) -> dict:
        return self.call(service, "GET", path, headers, params=params).json()

    def pages(self, service: str, path: str, key: str = "items", headers: dict | None = None,
              page_size: int = 200, **params) -> Iterator[dict]:
        """Every item of a paged list (page/page_size/total), in the service's order."""
        page = 1
        while True:
            body = self.get(service, path, headers, page=page, page_size=page_size, **params)
            items = body.get(key) or []
            yield from items
            if not items or page * page_size >= body.get("total", 0):
                return
            page += 1

    def healthy(self) -> list[str]:
        """The services that do not answer /health."""
        down = []
        for service, base in self.bases.items():
            try:
                if self.http.get(base + "/health", timeout=3).status_code != 200:
                    down.append(service)
            except requests.RequestException:
                down.append(service)
        return down

    def has_endpoint(self, service: str, method: str, path: str) -> bool:
        """Whether the running service documents ``method path`` in its /openapi.json — how a
        phase that needs another branch's work knows it is not in this build."""
        paths = self.get(service, "/openapi.json", headers={}).get("paths", {})
        return method.lower() in paths.get(path, {})


def broker_queues(amqp_uri: str) -> list[dict]:
    """The queues of the services' vhost with their depths, from RabbitMQ's management API (the
    operator's view; port 15672 unless RABBIT_MANAGEMENT_URL says otherwise). Its depths are
    statistics the broker refreshes every few seconds. Raises requests' errors."""
    import os
    from urllib.parse import quote, urlparse

    uri = urlparse(amqp_uri.replace("pyamqp://", "amqp://", 1))
    vhost = uri.path[1:] or "/"
    api = os.environ.get("RABBIT_MANAGEMENT_URL", f"http://{uri.hostname or '127.0.0.1'}:15672")
    resp = requests.get(f"{api}/api/queues/{quote(vhost, safe='')}", timeout=10,
                        auth=(uri.username or "guest", uri.password or "guest"))
    resp.raise_for_status()
    return resp.json()


def events_in_flight(amqp_uri: str) -> int:
    """Events published and not yet consumed: the messages in the consumers' event queues
    (evt-…; not their dead-letter queues, which the check counts apart)."""
    return sum(q.get("messages", 0) for q in broker_queues(amqp_uri)
               if q["name"].startswith("evt-") and not q["name"].endswith(".dlq"))


def wait_until(what: str, check: Callable[[], bool], timeout: float = 60.0, every: float = 0.25) -> None:
    """Poll ``check`` until it holds (the bus carries events between services), at most
    ``timeout`` seconds; then DemoError naming what did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return
        if time.monotonic() > deadline:
            raise DemoError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)
