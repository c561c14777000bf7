"""The public event contract: the envelope and one marshmallow schema per event type.

Producers validate strictly on publish (unknown or missing fields refuse the publish);
consumers validate only what they read and tolerate new fields, so a producer can add a
field without breaking subscribers. The catalogue spec is generated from this registry.
"""

from __future__ import annotations

import functools
import importlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from ..errors import ContractViolation
from ..identity import contains_personal_data


@dataclass(frozen=True)
class EventContract:
    event_type: str
    producer: str
    version: int
    schema: type[Schema]
    description: str


_REGISTRY: dict[str, EventContract] = {}


def contract(event_type: str, *, producer: str, version: int = 1, description: str = ""):
    """Class decorator registering a marshmallow schema as the payload of `event_type`."""

    def register(schema_cls: type[Schema]) -> type[Schema]:
        existing = _REGISTRY.get(event_type)
        if existing and existing.schema is not schema_cls:
            raise ValueError(f"event type {event_type} is already registered")
        _REGISTRY[event_type] = EventContract(
            event_type, producer, version, schema_cls, description or (schema_cls.__doc__ or "")
        )
        return schema_cls

    return register


def get_contract(event_type: str, producer: str | None = None) -> EventContract:
    """The contract of ``event_type``. A producer's contracts live in its ``schemas.py``; when
    ``producer`` is given and nothing imported that module yet (a use case called from a test
    or a benchmark, not through the service), it is imported here."""
    found = _REGISTRY.get(event_type)
    if found is None and producer is not None:
        try:
            importlib.import_module(f"services.{producer}.schemas")
        except ModuleNotFoundError:
            pass
        found = _REGISTRY.get(event_type)
    if found is None:
        raise ContractViolation(f"no contract registered for event type {event_type!r}")
    return found


def all_contracts() -> list[EventContract]:
    return sorted(_REGISTRY.values(), key=lambda c: (c.producer, c.event_type))


class EnvelopeSchema(Schema):
    """The envelope every event travels in (DESIGN.md §3)."""

    class Meta:
        unknown = EXCLUDE

    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True, validate=validate.Length(min=3, max=80))
    schema_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, format="iso")
    district = fields.String(required=True, validate=validate.Length(min=1, max=40))
    producer = fields.String(required=True, validate=validate.Length(min=1, max=40))
    data = fields.Dict(required=True)


# Raw personal data must never reach the bus. String values that look like an 18-digit
# resident ID or a mainland mobile number are refused at publish time as a last safety net.
def _leaks(value: Any, path: str = "data") -> str | None:
    if isinstance(value, str):
        if contains_personal_data(value):
            return path
    elif isinstance(value, dict):
        for key, item in value.items():
            found = _leaks(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _leaks(item, f"{path}[{index}]")
            if found:
                return found
    return None


# The batch path's leak scan: every string of every payload joined by NUL and scanned once.
# Equally strict as scanning each string alone, because NUL is neither a digit, a letter nor a
# digit separator (identity._DIGIT_SEPARATORS: spaces, dashes, dots, ·) and NFKC leaves it be:
# no match can span two strings, and each string's edges look the same as its own start/end.
_JOIN = "\x00"


def _strings(value: Any, into: list[str]) -> list[str]:
    if isinstance(value, str):
        into.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _strings(item, into)
    return into


def _any_leaks(payloads: list) -> bool:
    """Whether any string in ``payloads`` looks like a raw ID or phone: one regex pass, not one
    per string (20,000 rent.invoiced events spent most of their validation here)."""
    return contains_personal_data(_JOIN.join(_strings(payloads, [])))


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_utc(at: datetime) -> str:
    """An aware datetime as the ISO text events carry (UTC, 'Z')."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def build_envelope(
    event_type: str,
    data: dict,
    *,
    district: str,
    producer: str,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
) -> dict:
    """Validate `data` strictly against its contract and wrap it in the envelope."""
    spec = get_contract(event_type, producer)
    if spec.producer != producer:
        raise ContractViolation(f"{event_type} is produced by {spec.producer}, not {producer}")
    schema = _strict_schema(spec.schema)
    try:
        payload = schema.dump(schema.load(data))
    except ValidationError as err:
        raise ContractViolation(f"{event_type} payload invalid: {err.messages}") from None
    leaked = _leaks(payload)
    if leaked:
        raise ContractViolation(f"{event_type}: {leaked} looks like a raw ID number or phone")
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "event_type": event_type,
        "schema_version": spec.version,
        "occurred_at": iso_utc(occurred_at or utc_now()),
        "district": district,
        "producer": producer,
        "data": payload,
    }


def build_envelopes(
    event_type: str,
    payloads: list[dict],
    *,
    district: str,
    producer: str,
    occurred_at: datetime | None = None,
) -> list[dict]:
    """`build_envelope` for many events of one type: the same strict validation, leak refusal
    and envelope, the schema run once over the batch (``many=True``) and one leak scan. A bad
    payload refuses the whole batch with the message the single path gives for the first one."""
    spec = get_contract(event_type, producer)
    if spec.producer != producer:
        raise ContractViolation(f"{event_type} is produced by {spec.producer}, not {producer}")
    schema = _strict_schema(spec.schema)
    try:
        dumped = schema.dump(schema.load(payloads, many=True), many=True)
    except ValidationError as err:
        first = min((i for i in err.messages if isinstance(i, int)), default=0) if isinstance(err.messages, dict) else 0
        build_envelope(event_type, payloads[first], district=district, producer=producer)
        raise ContractViolation(f"{event_type} payload invalid: {err.messages}") from None
    if _any_leaks(dumped):
        for payload in dumped:
            leaked = _leaks(payload)
            if leaked:
                raise ContractViolation(f"{event_type}: {leaked} looks like a raw ID number or phone")
    at = iso_utc(occurred_at or utc_now())
    return [{
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "schema_version": spec.version,
        "occurred_at": at,
        "district": district,
        "producer": producer,
        "data": payload,
    } for payload in dumped]


@functools.cache
def _strict_schema(schema_cls: type[Schema]) -> Schema:
    """One instance per contract (load/dump keep no state on it; building one per event cost
    more than validating it)."""
    return schema_cls(unknown=RAISE)


def encode(envelope: dict) -> str:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class ReceivedEvent:
    """An event as a consumer sees it: the envelope, with `data` holding only what it reads."""

    event_id: str
    event_type: str
    schema_version: int
    occurred_at: datetime
    district: str
    producer: str
    data: dict


def parse_received(body: Any, data_schema: type[Schema] | None = None) -> ReceivedEvent:
    """Validate an incoming envelope, and its data with the consumer's own (lenient) schema."""
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body)
        except ValueError:
            raise ContractViolation("event body is not JSON") from None
    if not isinstance(body, dict):
        raise ContractViolation("event body is not an object")
    try:
        env = EnvelopeSchema().load(body)
        data = env["data"]
        if data_schema is not None:
            data = data_schema(unknown=EXCLUDE).load(data)
    except ValidationError as err:
        raise ContractViolation(f"event rejected: {err.messages}") from None
    return ReceivedEvent(
        event_id=str(env["event_id"]),
        event_type=env["event_type"],
        schema_version=env["schema_version"],
        occurred_at=env["occurred_at"],
        district=env["district"],
        producer=env["producer"],
        data=data,
    )
