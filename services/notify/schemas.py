"""Schemas of what notify reads (requests, other services' events) and the contracts it publishes."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from services.common.events.contracts import contract
from services.common.fields import Bool, Day, QueryInt, Text
from services.common.paging import KeysetPageQuery, page_of

from .domain.routing import AUDIENCES, CHANNELS, PERSON_CHANNELS

EVENT_TYPE = validate.Regexp(r"^[a-z_]{2,40}\.[a-z_]{2,40}$", error="an event type such as application.approved")
DELIVERY_STATUSES = ("pending", "sent", "dead", "skipped")
PERSON_CHANNEL = validate.OneOf(PERSON_CHANNELS)


class FundReceivedIn(Schema):
    """What notify reads of finance's fund.received (other fields are ignored)."""

    source = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    received_on = fields.String(required=True)


class NoticeListQuery(Schema):
    kind = fields.String(load_default=None, validate=validate.OneOf(["approval", "allocation_result", "fund_flow"]))
    limit = QueryInt(1, 500, load_default=50)
    period = fields.String(load_default="current", validate=validate.OneOf(["current", "all"]), metadata={
        "description": "current: the notices on the board today; all: also those whose period is over or to come"})
    format = fields.String(load_default=None, validate=validate.OneOf(["json", "html"]))


class NoticeOut(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    published_at = fields.String(required=True)
    start_on = fields.String(required=True, allow_none=True, metadata={"description": "first day on the board"})
    end_on = fields.String(required=True, allow_none=True, metadata={"description": "last day (inclusive)"})
    content = fields.Dict(required=True, metadata={
        "description": "the notice's facts (masked names and ID numbers only)"})
    objection_url = fields.String(required=True, allow_none=True)


class NoticePage(Schema):
    notices = fields.List(fields.Nested(NoticeOut), required=True)


@contract("notice.published", producer="notify",
          description="An entry was published on the public notice board (公示).")
class NoticePublished(Schema):
    notice_id = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    source_event_id = fields.String(required=True)


@contract("notification.failed", producer="notify",
          description="A delivery is dead: not retryable, or its retries are exhausted (the dead-letter list). "
                      "For a webhook whose retries ran out, the subscription is suspended until an operator "
                      "re-activates it.")
class NotificationFailed(Schema):
    delivery_id = fields.String(required=True)
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    subscription_id = fields.String(required=True, allow_none=True)
    attempts = fields.Integer(required=True)
    reason = fields.String(required=True)


class FundFlowQuery(Schema):
    """The period of the public fund-flow page (default: this year to date)."""

    date_from = Day(data_key="from", attribute="from", load_default=None)
    date_to = Day(data_key="to", attribute="to", load_default=None)


# -- routing and templates -----------------------------------------------------------------

class RuleIn(Schema):
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                           validate=validate.Length(min=1, max=len(CHANNELS)))
    critical = Bool(load_default=False)
    queue = Text(max_length=40, load_default=None)


class RouteIn(Schema):
    rules = fields.List(fields.Nested(RuleIn), required=True, validate=validate.Length(max=10))


class RuleOut(Schema):
    audience = fields.String(required=True)
    channels = fields.List(fields.String(), required=True)
    critical = fields.Boolean(required=True)
    queue = fields.String()


class RouteOut(Schema):
    event_type = fields.String(required=True)
    producer = fields.String(required=True)
    provisional = fields.Boolean(required=True, metadata={
        "description": "true while the producer has no contract for this type yet (fields as the design implies)"})
    version = fields.Integer(required=True, metadata={"description": "0: the default in data/routing.yaml"})
    rules = fields.List(fields.Nested(RuleOut), required=True)
    fields_ = fields.List(fields.String(), data_key="fields", required=True)


class RouteList(Schema):
    routes = fields.List(fields.Nested(RouteOut), required=True)


class TemplateIn(Schema):
    subject = Text(max_length=200, load_default="")
    body = Text(max_length=5000, min_length=1, multiline=True, required=True)


class TemplateOut(Schema):
    event_type = fields.String(required=True)
    channel = fields.String(required=True)
    version = fields.Integer(required=True)
    subject = fields.String(required=True)
    body = fields.String(required=True)


def _small_dict(value):
    if len(value) > 50:
        raise ValidationError("at most 50 fields")


class PreviewIn(Schema):
    subject = Text(max_length=200, load_default=None)
    body = Text(max_length=5000, multiline=True, load_default=None)
    data = fields.Dict(load_default=None, validate=_small_dict, metadata={
        "description": "values merged over the sample event's data"})


class PreviewOut(Schema):
    subject = fields.String(required=True)
    body = fields.String(required=True)


# -- deliveries ----------------------------------------------------------------------------

class DeliveryQuery(KeysetPageQuery):
    """Filters of the delivery log, paged by number or walked by cursor (the one paging shape:
    services/common/paging.py)."""

    event_id = fields.UUID(load_default=None)
    event_type = fields.String(load_default=None, validate=EVENT_TYPE)
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))
    status = fields.String(load_default=None, validate=validate.OneOf(DELIVERY_STATUSES))
    person_ref = Text(max_length=80, load_default=None)


class DeliveryOut(Schema):
    delivery_id = fields.String(required=True)
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    channel = fields.String(required=True)
    recipient = fields.String(required=True, allow_none=True, metadata={"description": "masked"})
    subscription_id = fields.String(required=True, allow_none=True)
    critical = fields.Boolean(required=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.String(required=True)
    provider_message_id = fields.String(required=True, allow_none=True)
    last_error = fields.String(required=True, allow_none=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)


DeliveryPage = page_of(DeliveryOut, key="deliveries", keyset=True,
                       description="newest first (then by delivery id); recipients masked")


# -- subscriptions -------------------------------------------------------------------------

class SubscriptionIn(Schema):
    name = Text(max_length=120, min_length=1, required=True)
    url = Text(max_length=2000, min_length=1, required=True)
    event_types = fields.List(fields.String(validate=EVENT_TYPE), required=True,
                              validate=validate.Length(min=1, max=100))


class SubscriptionStatusIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["active", "disabled"]))


class SubscriptionOut(Schema):
    subscription_id = fields.String(required=True)
    name = fields.String(required=True)
    url = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    status_reason = fields.String(required=True, allow_none=True)
    secrets = fields.Integer(required=True, metadata={"description": "how many secrets sign (2 during a rotation)"})
    created_at = fields.String(required=True)


class SubscriptionCreated(SubscriptionOut):
    secret = fields.String(required=True, metadata={"description": "whsec_…: shown once, keep it"})


class SubscriptionList(Schema):
    subscriptions = fields.List(fields.Nested(SubscriptionOut), required=True)


class SecretOut(Schema):
    secret = fields.String(required=True)


class ResealOut(Schema):
    resealed = fields.Integer(required=True, metadata={"description": "subscriptions sealed again"})



# -- a worker's own ------------------------------------------------------------------------

class MessageQuery(Schema):
    unread = fields.String(load_default="all", validate=validate.OneOf(["all", "only"]))
    limit = QueryInt(1, 200, load_default=50)


class MessageOut(Schema):
    message_id = fields.String(required=True)
    subject = fields.String(required=True)
    body = fields.String(required=True)
    created_at = fields.String(required=True)
    read_at = fields.String(required=True, allow_none=True)


class MessagePage(Schema):
    messages = fields.List(fields.Nested(MessageOut), required=True)


class PreferencesIn(Schema):
    opted_out = fields.List(fields.String(validate=PERSON_CHANNEL), required=True,
                            validate=validate.Length(max=len(PERSON_CHANNELS)))


class PreferencesOut(Schema):
    opted_out = fields.List(fields.String(), required=True)
