"""Request schemas and the contracts of the events assistance publishes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.common.events.contracts import contract
from services.common.fields import Int, PersonName, ResidentIdNumber, Text

from .domain.hardship import HardshipCategory

CATEGORIES = [c.value for c in HardshipCategory]


class HardshipHouseholdIn(Schema):
    id_number = ResidentIdNumber(required=True)
    name = PersonName(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))


class HardshipQuery(Schema):
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    status = fields.String(load_default=None, validate=validate.OneOf(["active", "closed", "merged"]))
    person_ref = Text(max_length=40, load_default=None)
    page = Int(1, 100_000, load_default=1)
    page_size = Int(1, 200, load_default=50)


class HouseholdOut(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True)
    status = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "masked unless you are a district officer"})
    id_number = fields.String(required=True, metadata={"description": "masked unless you are a district officer"})
    masked = fields.Boolean(required=True)
    registered_at = fields.DateTime(required=True)


class HouseholdPage(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    items = fields.List(fields.Nested(HouseholdOut), required=True)


class RegisteredOut(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True)


@contract("hardship.registered", producer="assistance",
          description="A hardship household was registered (困难职工家庭建档).")
class HardshipRegistered(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    name_masked = fields.String(required=True)
