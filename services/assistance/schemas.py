"""Request schemas and the contracts of the events assistance publishes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.common.events.contracts import contract
from services.common.fields import PersonName, QueryInt, ResidentIdNumber, Text

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
    page = QueryInt(1, 100_000, load_default=1)
    page_size = QueryInt(1, 200, load_default=50)


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


RELIEF_KINDS = ["cash", "in_kind", "rent_reduction"]


@contract("relief.approved", producer="assistance",
          description="A relief case was approved (救助审批通过): cash (finance pays it from the relief fund), "
                      "in kind (assistance delivers the goods) or a rent reduction (finance applies it to the "
                      "tenancy's rent for the granted months). The household is known by person_ref only.")
class ReliefApproved(Schema):
    relief_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    household_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    person_ref = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(RELIEF_KINDS))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES),
                             metadata={"description": "the household's hardship category"})
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**14),
                                metadata={"description": "integer fen: the cash paid (cash), the goods' value "
                                                         "(in kind, may be 0), the reduction per month (rent)"})
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "the budget year the relief is charged to"})
    from_month = fields.String(validate=validate.Regexp(r"[0-9]{4}-(0[1-9]|1[0-2])\Z"),
                               metadata={"description": "rent reduction: the first month (YYYY-MM)"})
    months = fields.Integer(strict=True, validate=validate.Range(min=1, max=36),
                            metadata={"description": "rent reduction: how many months"})
    approved_at = fields.AwareDateTime(required=True, format="iso")
