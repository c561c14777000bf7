"""Timers whose interval is a setting: nameko's ``@timer`` with the interval read from the
service config at setup, so an operator (or a test) can make a periodic job run more often.

    @config_timer("NOTICE_CLOSE_INTERVAL_SECONDS", 60.0)
    def close_notices_timer(self): ...
"""

from __future__ import annotations

from nameko.timer import Timer


class ConfigTimer(Timer):
    def __init__(self, config_key: str, default: float, **kwargs):
        self.config_key = config_key
        super().__init__(interval=default, **kwargs)

    def setup(self):
        super().setup()
        self.interval = float(self.container.config.get(self.config_key, self.interval))
        if self.interval <= 0:
            raise ValueError(f"{self.config_key} must be > 0 seconds")


config_timer = ConfigTimer.decorator
