"""Request schemas and the contracts of the events finance publishes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.common.events.contracts import contract

from .domain.funds import FundSource

SOURCES = [s.value for s in FundSource]


class FundReceiptIn(Schema):
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    reference = fields.String(required=True, validate=validate.Length(min=1, max=100),
                              metadata={"description": "bank or voucher reference, unique"})
    received_on = fields.Date(required=True)


@contract("fund.received", producer="finance",
          description="Money arrived in the programme from a named source (资金到账).")
class FundReceived(Schema):
    receipt_id = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    amount_fen = fields.Integer(required=True, strict=True)
    received_on = fields.Date(required=True)
