"""Schemas of what notify reads from other services, and the contracts it publishes."""

from __future__ import annotations

from marshmallow import Schema, fields

from services.common.events.contracts import contract
from services.common.fields import Day, QueryInt, Text


class FundReceivedIn(Schema):
    """What notify reads of finance's fund.received (other fields are ignored)."""

    source = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    received_on = fields.String(required=True)


class NoticeListQuery(Schema):
    kind = Text(max_length=40, load_default=None)
    limit = QueryInt(1, 500, load_default=50)


@contract("notice.published", producer="notify",
          description="An entry was published on the public notice board (公示).")
class NoticePublished(Schema):
    notice_id = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    source_event_id = fields.String(required=True)


class FundFlowQuery(Schema):
    """The period of the public fund-flow page (default: this year to date)."""

    date_from = Day(data_key="from", attribute="from", load_default=None)
    date_to = Day(data_key="to", attribute="to", load_default=None)
