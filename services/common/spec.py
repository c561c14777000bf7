"""Machine-readable contracts: AsyncAPI for the event catalogue, OpenAPI per service.

Generated from the same marshmallow schemas the code validates with; `make spec` writes
them to docs/, and a test fails when the committed files and the code disagree.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .config import SERVICES
from .events.contracts import EnvelopeSchema, all_contracts

ASYNCAPI_VERSION = "2.6.0"
CATALOGUE_VERSION = "1.0.0"


def load_all_contracts():
    for service in SERVICES:
        importlib.import_module(f"services.{service}.schemas")
    return [c for c in all_contracts() if c.producer in SERVICES]


def _json_schemas(named: dict) -> dict:
    spec = APISpec(title="x", version="1", openapi_version="3.0.3", plugins=[MarshmallowPlugin()])
    for name, schema in named.items():
        spec.components.schema(name, schema=schema)
    return spec.to_dict()["components"]["schemas"]


def asyncapi_document() -> dict:
    contracts = load_all_contracts()
    names = {f"{c.event_type}.data": c.schema for c in contracts}
    schemas = _json_schemas({"Envelope": EnvelopeSchema, **names})
    schemas = {k.replace(".", "_"): v for k, v in schemas.items()}
    channels, messages = {}, {}
    for c in contracts:
        key = c.event_type.replace(".", "_")
        messages[key] = {
            "name": c.event_type,
            "title": c.event_type,
            "summary": " ".join(c.description.split()),
            "contentType": "application/json",
            "headers": {"type": "object", "properties": {"event_type": {"type": "string"}}},
            "payload": {"allOf": [
                {"$ref": "#/components/schemas/Envelope"},
                {"type": "object", "properties": {
                    "event_type": {"const": c.event_type},
                    "schema_version": {"const": c.version},
                    "producer": {"const": c.producer},
                    "data": {"$ref": f"#/components/schemas/{key}_data"}}},
            ]},
        }
        channels[c.event_type] = {
            "description": f"Published by {c.producer} to exchange {c.producer}.events "
                           f"with routing key {c.event_type}.",
            "bindings": {"amqp": {"is": "routingKey", "exchange": {
                "name": f"{c.producer}.events", "type": "topic", "durable": True,
                "autoDelete": False, "vhost": "/"}}},
            "subscribe": {"operationId": f"receive_{key}",
                          "message": {"$ref": f"#/components/messages/{key}"}},
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": "Anju (安居) event catalogue", "version": CATALOGUE_VERSION,
                 "description": "Public, versioned contract of the events each district's suite "
                                "publishes. No raw personal data: people are person_ref."},
        "defaultContentType": "application/json",
        "servers": {"district": {"url": "amqp://{host}:5672/{vhost}", "protocol": "amqp",
                                 "variables": {"host": {"default": "rabbitmq"},
                                               "vhost": {"default": "anju-demo"}}}},
        "channels": channels,
        "components": {"schemas": schemas, "messages": messages},
    }


def openapi_documents() -> dict[str, dict]:
    from .openapi import openapi_spec

    docs = {}
    for service in SERVICES:
        module = importlib.import_module(f"services.{service}.service")
        cls = next(v for v in vars(module).values()
                   if isinstance(v, type) and getattr(v, "name", None) == service)
        docs[service] = openapi_spec(cls)
    return docs


def rendered() -> dict[str, str]:
    """Relative path → file content, exactly as `make spec` writes them."""
    out = {"asyncapi.yaml": yaml.safe_dump(asyncapi_document(), allow_unicode=True, sort_keys=True)}
    for service, doc in openapi_documents().items():
        out[f"openapi/{service}.json"] = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out


def write_specs(docs_dir: Path) -> list[Path]:
    written = []
    for rel, content in rendered().items():
        path = docs_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
