"""The HTTP admin layer on nameko's `@http`: JSON in and out, RFC 9457 problem details for
errors, role/district checks, body/query validation and Idempotency-Key, all declared on
the endpoint so the OpenAPI document is generated from the same declaration:

    @api("POST", "/applications", body=ApplicationIn, roles=OFFICERS, status=201)
    def submit(self, req):            # req: ApiRequest (body already validated)
        ...
        return {"application_id": ...}

Bad input never reaches the service method: it is a 400 naming the field.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from eventlet.event import Event
from marshmallow import Schema, ValidationError
from nameko.exceptions import BadRequest as NamekoBadRequest
from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from . import idempotency
from .auth import JwtSettings, Principal, authenticate, authorise
from .errors import (
    AnjuError,
    BadRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    check_status_table,
    field_errors,
    status_for,
)
from .events.contracts import iso_utc
from .logs import quiet_expected_errors
from .ratelimit import Limiter, RateLimit, client_of
from .web import PROBLEM_JSON, AnjuWebServer, problem_body

log = logging.getLogger(__name__)
MAX_JSON_BYTES = 1 * 2**20  # a JSON body larger than this is refused (413) before it is parsed
MAX_JSON_DEPTH = 32  # deeper nesting than any request needs; deeper would recurse in the parser
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass
class ApiRequest:
    """What a service method receives: validated input and who is asking."""

    body: Any
    query: dict
    path: dict
    principal: Principal | None
    request_id: str
    headers: dict = field(default_factory=dict)


def json_default(value: Any) -> Any:
    """How a reply shows what JSON has no type for: an instant as RFC 3339 in UTC with ``Z``
    (the format events use), a date as ISO 8601, anything else as its text."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("a naive datetime in a reply; the platform keeps every instant aware")
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def json_response(payload: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False, default=json_default), status=status,
                    headers=headers, content_type="application/json; charset=utf-8")


def problem(status: int, detail: str, *, instance: str = "", errors: dict | None = None,
            request_id: str = "") -> Response:
    return Response(problem_body(status, detail, instance=instance, errors=errors, request_id=request_id),
                    status=status, content_type=PROBLEM_JSON)


def parse_json(raw: bytes) -> Any:
    """A request body as JSON, or a 400 saying what is wrong with it: not UTF-8, not JSON,
    nested deeper than MAX_JSON_DEPTH, or text with lone surrogates (which no database or
    event can hold)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("request body is not UTF-8", errors={"body": ["not UTF-8"]}) from None
    if _nesting(text) > MAX_JSON_DEPTH:
        raise BadRequest(f"request body is nested deeper than {MAX_JSON_DEPTH} levels",
                         errors={"body": ["too deeply nested"]})
    try:
        data = json.loads(text)
    except ValueError:
        raise BadRequest("request body is not valid JSON", errors={"body": ["invalid JSON"]}) from None
    if _has_lone_surrogate(data):
        raise BadRequest("request body holds an invalid Unicode character (a lone surrogate)",
                         errors={"body": ["invalid Unicode"]})
    return data


def _nesting(text: str) -> int:
    """The deepest bracket nesting outside strings, counted without parsing (so a hostile body
    cannot make the parser recurse). Bodies with few brackets, nearly all of them, are
    answered by counting alone."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return 0
    depth = deepest = 0
    for ch in _STRINGS.sub("", text):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


class Api(HttpRequestHandler):
    """A JSON endpoint. `roles=None` requires `public=True`, so no endpoint is open by accident."""

    server = AnjuWebServer()  # problem+json for routing errors too; a taken port is refused

    def __init__(self, method: str, url: str, *, body: type[Schema] | None = None,
                 query: type[Schema] | None = None, roles=None, public: bool = False,
                 status: int = 200, summary: str = "", response: type[Schema] | None = None,
                 idempotent: bool | None = None, limit: RateLimit | None = None,
                 other_content: dict | None = None, **kwargs):
        if roles is None and not public:
            raise ValueError(f"{method} {url}: give roles=... or public=True")
        self.body_schema = body
        self.query_schema = query
        self.roles = frozenset(roles) if roles is not None else None
        self.public = public
        self.status = status
        self.summary = summary
        self.response_schema = response
        self.idempotent = method != "GET" if idempotent is None else idempotent
        self.limit = limit
        # content types the endpoint may answer besides JSON (e.g. notify's board as an HTML
        # page), each with its OpenAPI schema: {"text/html": {"type": "string"}}
        self.other_content = dict(other_content or {})
        super().__init__(method, url, **kwargs)

    def setup(self):
        super().setup()
        config = self.container.config
        self.district = config.get("DISTRICT", "unknown")
        # The service's domain exceptions and their statuses (its errors.py). 4xx outcomes are
        # the caller's mistake, not ours: nameko logs them as warnings.
        self.error_status = check_status_table(getattr(self.container.service_cls, "error_status", {}))
        self.expected_exceptions = (AnjuError, *self.error_status, ValidationError)
        quiet_expected_errors()
        self.jwt_settings = JwtSettings.from_config(config) if self.roles is not None else None
        # One schema instance per endpoint: building one per request (nested fields are deep-
        # copied) cost more than the load itself; load() keeps no state on the instance.
        self._body_loader = self.body_schema() if self.body_schema is not None else None
        self._limiter = Limiter(self.limit) if self.limit is not None else None
        self._trust_forwarded_for = bool(config.get("TRUST_FORWARDED_FOR", False))
        self._query_loader = self.query_schema() if self.query_schema is not None else None

    def _store(self):
        from .db import Database

        for dep in self.container.dependencies:
            if isinstance(dep, Database):
                return dep.store
        raise RuntimeError("Idempotency-Key needs a Database dependency on the service")

    # -- input -----------------------------------------------------------------------------

    def _load_body(self, request):
        if self.body_schema is None:
            return None
        if request.content_length and request.content_length > MAX_JSON_BYTES:
            raise PayloadTooLarge(f"request body is larger than {MAX_JSON_BYTES} bytes",
                                  errors={"body": [f"at most {MAX_JSON_BYTES} bytes"]})
        raw = request.get_data(cache=True)
        if len(raw) > MAX_JSON_BYTES:
            raise PayloadTooLarge(f"request body is larger than {MAX_JSON_BYTES} bytes",
                                  errors={"body": [f"at most {MAX_JSON_BYTES} bytes"]})
        if raw and not _is_json(request.mimetype):
            raise UnsupportedMediaType(f"send the body as application/json, not {request.mimetype or 'untyped'}",
                                       errors={"Content-Type": ["must be application/json"]})
        data = parse_json(raw) if raw else None
        if data is None:
            raise BadRequest("a JSON body is required", errors={"body": ["missing"]})
        return self._body_loader.load(data)

    def _load_query(self, request):
        if self.query_schema is None:
            return {}
        return self._query_loader.load(request.args.to_dict())

    # -- request ---------------------------------------------------------------------------

    def handle_request(self, request):
        request.shallow = False
        request_id = request.headers.get("X-Request-Id", "")
        if not _REQUEST_ID.match(request_id):  # a caller's id is echoed only in a safe form
            request_id = uuid.uuid4().hex
        key = request.headers.get("Idempotency-Key") if self.idempotent else None
        principal = None
        claimed = False
        try:
            if self.roles is not None:
                principal = authenticate(request.headers.get("Authorization"), self.jwt_settings)
                authorise(principal, roles=self.roles, service_district=self.district,
                          method=request.method)
            body = self._load_body(request)
            query = self._load_query(request)
            if self._limiter is not None:  # only well-formed, authorised requests count
                self._limiter.hit(client_of(request, principal, self._trust_forwarded_for))
            call = ApiRequest(body=body, query=query, path=dict(request.path_values),
                              principal=principal, request_id=request_id,
                              headers=dict(request.headers))
            if key:
                who = principal.ref if principal else "public:" + (request.remote_addr or "")
                store = self._store()
                digest = idempotency.request_hash(request.method, request.path, request.get_data())
                replay = idempotency.claim(store, who, key, f"{request.method} {self.url}", digest)
                if replay is not None:
                    response = Response(replay.body, status=replay.status, content_type=PROBLEM_JSON
                                        if replay.status >= 400 else "application/json; charset=utf-8")
                    response.headers["Idempotent-Replayed"] = "true"
                    return response
                claimed = True
            response = self._run_worker(call, request_id)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a problem response
            response = self.response_from_exception(exc, request, request_id)
        if claimed:
            if response.status_code >= 500:
                idempotency.release(store, who, key)
            else:
                idempotency.complete(store, who, key, response.status_code,
                                     response.get_data(as_text=True))
        response.headers["X-Request-Id"] = request_id
        return response

    def _run_worker(self, call: ApiRequest, request_id: str) -> Response:
        done = Event()
        self.container.spawn_worker(
            self, (call,), {}, context_data={"request_id": request_id},
            handle_result=lambda worker_ctx, result, exc_info: (done.send(result, exc_info),
                                                                (result, exc_info))[1])
        return self.response_from_result(done.wait())

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        if isinstance(result, tuple):
            status, payload, *rest = result
            return json_response(payload, status, rest[0] if rest else None)
        return json_response(result, self.status)

    def response_from_exception(self, exc, request=None, request_id=""):
        instance = request.path if request is not None else ""
        if isinstance(exc, ValidationError):
            fields_ = exc.messages if isinstance(exc.messages, dict) else {"body": exc.messages}
            names = ", ".join(sorted(str(k) for k in fields_))
            return problem(400, f"invalid field(s): {names}", instance=instance, errors=fields_,
                           request_id=request_id)
        if isinstance(exc, NamekoBadRequest):
            return problem(400, str(exc), instance=instance, request_id=request_id)
        status = status_for(exc, self.error_status)
        if status is None:
            log.exception("request %s failed", request_id, exc_info=exc)
            return problem(500, "unexpected error; quote the request id when reporting it",
                           instance=instance, request_id=request_id)
        response = problem(status, str(exc), instance=instance, errors=field_errors(exc), request_id=request_id)
        if getattr(exc, "retry_after", None):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response


api = Api.decorator
