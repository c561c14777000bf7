"""finance's policies read from its config (config.yaml; environment overrides)."""

from __future__ import annotations

from .domain.funds import FundSource
from .domain.relief import DEFAULT_SOURCE_ORDER


def relief_source_order(config) -> tuple[str, ...]:
    """The order the relief fund's sources are drawn on (RELIEF_SOURCE_ORDER, comma-separated;
    sources left out are drawn last, in the default order)."""
    raw = config.get("RELIEF_SOURCE_ORDER") if hasattr(config, "get") else None
    raw = raw if isinstance(raw, str) else ""
    named = [s.strip() for s in raw.split(",") if s.strip()]
    for source in named:
        FundSource(source)  # ValueError at start-up for a misspelt source
    return tuple(dict.fromkeys([*named, *DEFAULT_SOURCE_ORDER]))
