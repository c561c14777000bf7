"""nameko's web server with the platform's two rules added at the edge:

- every error is ``application/problem+json``, those the router raises too (an unknown path
  is 404, a wrong method 405 with ``Allow``), never Werkzeug's HTML page;
- a port already in use is refused at start with a sentence saying so (eventlet's listen
  would otherwise share it with the process holding it, through SO_REUSEPORT, and two copies
  of a service would serve side by side);
- the development JWT secret is never served beyond this machine.
"""

from __future__ import annotations

import errno
import json

import eventlet
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Request, Response

from .errors import title_for

PROBLEM_JSON = "application/problem+json"


def problem_body(status: int, detail: str, *, instance: str = "", errors: dict | None = None,
                 request_id: str = "") -> str:
    body = {"type": "about:blank", "title": title_for(status), "status": status, "detail": detail,
            "instance": instance}
    if errors:
        body["errors"] = errors
    if request_id:
        body["request_id"] = request_id
    return json.dumps(body, ensure_ascii=False)


class _ProblemWsgiApp(WsgiApp):
    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as exc:
            return self._routing_problem(exc, request)(environ, start_response)
        request.path_values = values
        return provider.handle_request(request)(environ, start_response)

    @staticmethod
    def _routing_problem(exc: HTTPException, request: Request) -> Response:
        status = exc.code or 404
        if status == 404:
            detail = f"no endpoint {request.path}; see /openapi.json for this service's endpoints"
        elif isinstance(exc, MethodNotAllowed):
            detail = f"{request.method} is not allowed on {request.path}; use {', '.join(exc.valid_methods or [])}"
        else:
            detail = exc.description or title_for(status)
        response = Response(problem_body(status, detail, instance=request.path), status=status,
                            content_type=PROBLEM_JSON)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response


class PortInUse(RuntimeError):
    """The service's HTTP address is taken by another process."""


class InsecureBinding(RuntimeError):
    """The service would answer other machines while anyone can mint its tokens."""


_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def check_binding(config: dict, host: str) -> None:
    """Refuse to listen beyond this machine with the development JWT secret (public in the
    repository, so anyone could mint a city officer's token)."""
    jwt = config.get("JWT") or {}
    dev_secret = str(jwt.get("ALGORITHM", "HS256")) == "HS256" and str(jwt.get("SECRET", "")).startswith("dev-only-")
    if dev_secret and host not in _LOOPBACK:
        raise InsecureBinding(f"refusing to listen on {host or '0.0.0.0'} with the development JWT secret: set "
                              "JWT_SECRET (or JWT_ALGORITHM=RS256 with JWT_PUBLIC_KEY), or HTTP_HOST=127.0.0.1")


class AnjuWebServer(WebServer):
    def get_wsgi_app(self):
        return _ProblemWsgiApp(self)

    def start(self):
        if not self._starting:
            self._starting = True
            check_binding(self.container.config, self.bind_addr[0])
            try:
                self._sock = eventlet.listen(self.bind_addr, reuse_port=False)
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                host, port = self.bind_addr
                raise PortInUse(f"{self.container.service_name}: port {port} on {host or '0.0.0.0'} is already in "
                                f"use; stop the process holding it (`ss -ltnp 'sport = :{port}'` names it) or "
                                "set HTTP_PORT") from None
            self._sock.settimeout(None)  # as nameko does: kombu issue 838
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)
