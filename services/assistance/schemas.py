"""Request schemas and the contracts of the events assistance publishes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.common.events.contracts import contract
from services.common.fields import PersonName, ResidentIdNumber

from .domain.hardship import HardshipCategory

CATEGORIES = [c.value for c in HardshipCategory]


class HardshipHouseholdIn(Schema):
    id_number = ResidentIdNumber(required=True)
    name = PersonName(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))


@contract("hardship.registered", producer="assistance",
          description="A hardship household was registered (困难职工家庭建档).")
class HardshipRegistered(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    name_masked = fields.String(required=True)
