"""OpenAPI 3 documents generated from the `@api` declarations and their marshmallow schemas."""

from __future__ import annotations

import re
from decimal import Decimal

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from .http import Api

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


def _endpoints(service_cls):
    for name in sorted(dir(service_cls)):
        method = getattr(service_cls, name, None)
        for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, Api):
                yield name, entrypoint


def _problem_ref(status: int) -> dict:
    return {"description": {400: "Invalid input (fields named in `errors`)", 401: "No valid token",
                            403: "Role or district not allowed", 404: "Not found",
                            409: "Conflict with the current state", 413: "Body too large",
                            415: "Body is not application/json", 422: "Refused by a rule",
                            429: "Too many requests (see Retry-After)",
                            503: "Not ready (database or broker unreachable)"}
            .get(status, "Error"),
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def openapi_spec(service_cls, *, version: str = "0.1.0") -> dict:
    name = service_cls.name
    spec = APISpec(title=f"Anju {name} service", version=version, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Problem", {"type": "object", "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True}}})
    paths: dict[str, dict] = {}
    for method_name, ep in _endpoints(service_cls):
        path = _CONVERTER.sub(r"{\1}", ep.url)
        operation: dict = {"operationId": method_name, "summary": ep.summary or method_name,
                           "responses": {}}
        params = [{"in": "path", "name": p, "required": True, "schema": {"type": "string"}}
                  for p in _CONVERTER.findall(ep.url)]
        if ep.query_schema is not None:
            params.append({"in": "query", "schema": ep.query_schema})
        if params:
            operation["parameters"] = params
        if ep.body_schema is not None:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": ep.body_schema}}}
        ok: dict = {"description": "OK"}
        if ep.response_schema is not None:
            ok["content"] = {"application/json": {"schema": ep.response_schema}}
        for content_type, schema in getattr(ep, "other_content", {}).items():
            ok.setdefault("content", {})[content_type] = {"schema": schema}
        operation["responses"][str(ep.status)] = ok
        statuses = [400] if (ep.body_schema or ep.query_schema) else []
        if _CONVERTER.search(ep.url):
            statuses.append(404)
        if ep.body_schema is not None:
            statuses += [413, 415]
        if ep.url == "/ready":
            statuses.append(503)
        if ep.limit is not None:
            statuses.append(429)
            operation["x-rate-limit"] = {"count": ep.limit.count, "per_seconds": ep.limit.per_seconds}
        if ep.roles is not None:
            operation["security"] = [{"bearer": []}]
            operation["x-roles"] = sorted(ep.roles)
            statuses += [401, 403]
        if ep.idempotent:
            operation.setdefault("parameters", []).append(
                {"in": "header", "name": "Idempotency-Key", "required": False,
                 "schema": {"type": "string", "maxLength": 200}})
            statuses += [409, 422]
        for status in sorted(set(statuses)):
            operation["responses"][str(status)] = _problem_ref(status)
        for verb in ep.method.split(","):
            paths.setdefault(path, {})[verb.lower()] = dict(operation)
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return _numbers(spec.to_dict())


def _numbers(node):
    """Decimal bounds (a Range on a Decimal field) as JSON numbers: apispec keeps them as
    Decimal, which would be written as strings and make the document invalid."""
    if isinstance(node, dict):
        return {k: _numbers(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_numbers(v) for v in node]
    if isinstance(node, Decimal):
        return int(node) if node == node.to_integral_value() else float(node)
    return node
