"""The notify nameko service (通知与公示). Its modules (services/README.md):

- catalogue.py               the events notify consumes and their fields (data/events.json)
- routing.py                 routing and templates as data, versioned (defaults: data/routing.yaml)
- rendering.py               templates in Jinja2's sandbox: checked at upload, rendered per event
- deliveries.py              deliveries recorded by the event handlers; the log; dead letters
- sender.py                  the sender loop: contacts at send time, one channel per timer
- channels.py                SMS (HTTP gateway + fallback, or file sink), e-mail (SMTP or file sink), webhooks
- subscriptions.py           webhook subscribers (Standard Webhooks)
- sealing.py                 their signing secrets sealed at rest (WEBHOOK_SECRET_KEYS)
- notices.py                 the public notice board's entries
- outbound.py                Outbound: settings, senders, rate-limit buckets and the vault, built once
- entrypoints/events.py      EventEntrypoints: one inbox handler per event type
- entrypoints/setup.py       SetupEntrypoints: /routes, /templates (operator)
- entrypoints/deliveries.py  DeliveryEntrypoints: the senders' timers, /deliveries
- entrypoints/subscriptions.py SubscriptionEntrypoints: /subscriptions
- inbox.py                   a worker's in-app messages and opt-outs
- entrypoints/me.py         MeEntrypoints: /me/messages, /me/preferences (a worker's token)
- board_page.py              the board as an HTML page (data/board.html.j2)
- entrypoints/notices.py     NoticesEntrypoints: fund.received, GET /public/notices
- entrypoints/fund_flows.py  FundFlowsEntrypoints: GET /public/fund-flows (finance's report over RPC)
- settings.py, views.py, roles.py, errors.py, schemas.py, models.py,
  domain/routing.py, domain/templates.py, domain/retry.py, domain/quiet_hours.py,
  domain/webhook_signing.py, domain/sms_gateway.py, domain/ratelimit.py, domain/notices.py
"""

from __future__ import annotations

from services.common.clock import Clock
from services.common.db import Database
from services.common.rpc import TimedRpc
from services.common.service import PlatformService

from . import errors, models
from .entrypoints.deliveries import DeliveryEntrypoints
from .entrypoints.events import EventEntrypoints
from .entrypoints.fund_flows import FundFlowsEntrypoints
from .entrypoints.me import MeEntrypoints
from .entrypoints.notices import NoticesEntrypoints
from .entrypoints.setup import SetupEntrypoints
from .entrypoints.subscriptions import SubscriptionEntrypoints
from .outbound import Outbound


class NotifyService(NoticesEntrypoints, FundFlowsEntrypoints, EventEntrypoints, SetupEntrypoints,
                    DeliveryEntrypoints, SubscriptionEntrypoints, MeEntrypoints, PlatformService):
    name = "notify"
    error_status = errors.STATUS
    db = Database(models.metadata)
    clock = Clock()
    finance = TimedRpc("finance", timeout=5.0)
    applications = TimedRpc("applications", timeout=2.0)
    outbound = Outbound()
