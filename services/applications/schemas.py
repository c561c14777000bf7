"""Request schemas, what applications reads from other services, and its event contracts."""

from __future__ import annotations

from marshmallow import Schema, fields


class HardshipRegisteredIn(Schema):
    """What applications reads of assistance's hardship.registered."""

    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True)
