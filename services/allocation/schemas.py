"""Request schemas and the contracts of the events allocation publishes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.common.events.contracts import contract

from .domain.stock import CATEGORIES

PROGRAMMES = sorted(CATEGORIES)
SUPPLY_MODES = ["stock_conversion", "government_enterprise", "new_build"]  # 存量盘活/政企合作/新建


class ProjectIn(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    supply_mode = fields.String(required=True, validate=validate.OneOf(SUPPLY_MODES))
    address = fields.String(required=True, validate=validate.Length(min=1, max=300))


class UnitIn(Schema):
    building = fields.String(required=True, validate=validate.Length(min=1, max=40))
    number = fields.String(required=True, validate=validate.Length(min=1, max=40))
    floor = fields.Integer(required=True, strict=True, validate=validate.Range(min=-5, max=200))
    rooms = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=20))
    area_tenths = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                                 metadata={"description": "area in tenths of m² (65.5 m² → 655)"})
    beds = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=20))
    rent_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    category = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    accessible = fields.Boolean(load_default=False)


class UnitsIn(Schema):
    units = fields.List(fields.Nested(UnitIn), required=True, validate=validate.Length(min=1, max=5000))


@contract("stock.units_added", producer="allocation",
          description="Units were added to a project's housing stock (房源入库).")
class UnitsAdded(Schema):
    project_id = fields.String(required=True)
    programme = fields.String(required=True)
    unit_ids = fields.List(fields.String(), required=True)
    count = fields.Integer(required=True, strict=True)
