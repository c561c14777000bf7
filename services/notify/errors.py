"""notify's domain exceptions → HTTP status (registered by service.py)."""

from .deliveries import DeliveryNotFound, NotDead
from .domain.routing import RoutingRejected
from .domain.templates import TemplateRejected
from .domain.webhook_signing import WebhookRejected
from .inbox import MessageNotFound
from .routing import NoTemplate, UnknownEventType
from .subscriptions import SubscriptionNotFound

STATUS: dict[type, int] = {
    RoutingRejected: 422,
    TemplateRejected: 422,
    WebhookRejected: 422,
    UnknownEventType: 404,
    NoTemplate: 404,
    DeliveryNotFound: 404,
    SubscriptionNotFound: 404,
    NotDead: 409,
    MessageNotFound: 404,
}
