"""The service's outbound side as one dependency: delivery settings, the channel senders,
their rate-limit buckets and the vault of webhook secrets, built once from the config (a bucket
must outlive a worker)."""

from __future__ import annotations

from nameko.extensions import DependencyProvider
from nameko.web.server import parse_address

from . import channels, sealing
from .domain.ratelimit import TokenBucket
from .settings import allowed_webhook_hosts, delivery_settings


class Outbound(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.settings = delivery_settings(config)
        self.buckets = {ch: TokenBucket(rate, burst) for ch, (rate, burst) in self.settings.limits.items()}
        self.allowed_hosts = allowed_webhook_hosts(config)
        self.vault = sealing.vault_from_config(config)
        self.senders = channels.from_config(config, self.vault)
        host = parse_address(config.get("WEB_SERVER_ADDRESS", "0.0.0.0:8000")).address
        sealing.refuse_development_key(self.vault, host)
        self.board_days = int(config.get("BOARD_ALLOCATION_NOTICE_DAYS", 7))
        base = str(config.get("BOARD_OBJECTION_BASE_URL") or "").rstrip("/")
        self.objection_url = base + "/applications/{application_id}/objections"

    def get_dependency(self, worker_ctx):
        return self
