"""Request schemas and the contracts of the events assistance publishes."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from services.common.events.contracts import contract
from services.common.identity import InvalidResidentId, parse_resident_id

from .domain.hardship import HardshipCategory

CATEGORIES = [c.value for c in HardshipCategory]


class HardshipHouseholdIn(Schema):
    id_number = fields.String(required=True, metadata={"description": "18-digit resident ID"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))

    @validates("id_number")
    def _id_number(self, value, **_):
        try:
            parse_resident_id(value)
        except InvalidResidentId as exc:
            raise ValidationError(f"invalid resident ID: {exc}") from None


@contract("hardship.registered", producer="assistance",
          description="A hardship household was registered (困难职工家庭建档).")
class HardshipRegistered(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    name_masked = fields.String(required=True)
