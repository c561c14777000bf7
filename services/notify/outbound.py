"""The service's outbound side as one dependency: delivery settings, the channel senders and
their rate-limit buckets, built once from the config (a bucket must outlive a worker)."""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from . import channels
from .domain.ratelimit import TokenBucket
from .settings import allowed_webhook_hosts, delivery_settings


class Outbound(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.settings = delivery_settings(config)
        self.senders = channels.from_config(config)
        self.buckets = {ch: TokenBucket(rate, burst) for ch, (rate, burst) in self.settings.limits.items()}
        self.allowed_hosts = allowed_webhook_hosts(config)
        self.board_days = int(config.get("BOARD_ALLOCATION_NOTICE_DAYS", 7))
        base = str(config.get("BOARD_OBJECTION_BASE_URL") or "").rstrip("/")
        self.objection_url = base + "/applications/{application_id}/objections"

    def get_dependency(self, worker_ctx):
        return self
