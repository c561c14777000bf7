"""Every input an endpoint reads is bounded, so no value can reach a database column it does not
fit (a 500) or a loop it makes unbounded: every number and date field of every body and query
schema has both bounds, and every string a maximum length (or a fixed vocabulary or form).
The shared field types in services/common/fields.py carry their bounds."""

from __future__ import annotations

import pytest
from marshmallow import Schema, fields, validate
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from services.cli import SERVICE_CLASSES, load_service_class
from services.common import fields as common_fields
from services.common.http import Api

BOUNDED_FORMS = (common_fields.ResidentIdNumber, common_fields.MobilePhone, fields.Boolean, fields.UUID)


def _validators(field) -> list:
    v = field.validate
    return list(v) if isinstance(v, list | tuple) else ([v] if v else []) + list(field.validators or [])


def unbounded(schema: Schema, prefix: str = "") -> list[str]:
    out = []
    for name, field in schema.fields.items():
        path = f"{prefix}{field.data_key or name}"
        out += _field(field, path)
    return out


def _field(field, path: str) -> list[str]:
    checks = field.validators
    if isinstance(field, fields.Nested):
        return unbounded(field.schema, path + ".")
    if isinstance(field, fields.List):
        return _field(field.inner, path + "[]")
    if isinstance(field, fields.Dict):
        return _field(field.value_field, path + "{}") if field.value_field is not None else []
    if isinstance(field, BOUNDED_FORMS):
        return []
    if any(isinstance(v, validate.OneOf | validate.Equal) for v in checks):
        return []
    if isinstance(field, fields.Integer | fields.Float | fields.Decimal | fields.Date | fields.DateTime):
        ranges = [v for v in checks if isinstance(v, validate.Range)]
        if not any(r.min is not None and r.max is not None for r in ranges):
            return [f"{path}: {type(field).__name__} without both bounds"]
        return []
    if isinstance(field, fields.String):
        if not any(isinstance(v, validate.Length) and v.max is not None for v in checks) and \
                not any(isinstance(v, validate.Regexp) for v in checks):
            return [f"{path}: String without a maximum length"]
        return []
    return [f"{path}: {type(field).__name__} is not a known bounded field"]


def _schemas(service: str):
    cls = load_service_class(service)
    for name in sorted(dir(cls)):
        for ep in getattr(getattr(cls, name, None), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(ep, Api):
                for kind, schema in (("body", ep.body_schema), ("query", ep.query_schema)):
                    if schema is not None:
                        yield f"{ep.method} {ep.url} {kind}", schema


def strict_in_query(schema: Schema) -> list[str]:
    """A strict integer in a query string can never be satisfied: the query holds text."""
    return [f"{name}: strict Integer in a query (use QueryInt)" for name, f in schema.fields.items()
            if isinstance(f, fields.Integer) and f.strict]


@pytest.mark.parametrize("service", sorted(SERVICE_CLASSES))
def test_query_integers_accept_the_text_a_query_holds(service):
    problems = [f"{where}: {p}" for where, schema in _schemas(service) if where.endswith(" query")
                for p in strict_in_query(schema())]
    assert problems == []


@pytest.mark.parametrize("service", sorted(SERVICE_CLASSES))
def test_every_input_is_bounded(service):
    problems = [f"{where}: {p}" for where, schema in _schemas(service) for p in unbounded(schema())]
    assert problems == []


def test_the_check_finds_what_it_forbids():
    class Loose(Schema):
        n = fields.Integer()
        low_only = fields.Integer(validate=validate.Range(min=0))
        text = fields.String()
        day = fields.Date()
        nested = fields.Nested(type("Inner", (Schema,), {"x": fields.Float()}))
        items = fields.List(fields.String())

    class Tight(Schema):
        n = common_fields.Int(0, 10)
        text = common_fields.Text(max_length=5)
        day = common_fields.Day()
        kind = fields.String(validate=validate.OneOf(["a"]))
        who = common_fields.ResidentIdNumber()
        phone = common_fields.MobilePhone()
        flag = common_fields.Bool()

    assert sorted(p.split(":")[0] for p in unbounded(Loose())) == ["day", "items[]", "low_only", "n",
                                                                  "nested.x", "text"]
    assert unbounded(Tight()) == []
