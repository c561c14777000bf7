"""Per-service configuration: one YAML file per service, `${ENV_VAR:default}` overrides.

We use nameko's own YAML loader so `nameko run --config` and our CLI read a file the same way.
"""

from __future__ import annotations

from pathlib import Path

import yaml

SERVICES = ("applications", "allocation", "finance", "assistance", "notify")
DEFAULT_PORTS = {
    "applications": 8001,
    "allocation": 8002,
    "finance": 8003,
    "assistance": 8004,
    "notify": 8005,
}
_ROOT = Path(__file__).resolve().parents[1]


def config_path(service: str) -> Path:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
    return _ROOT / service / "config.yaml"


def load_config(service: str) -> dict:
    """Read the service's YAML with environment overrides applied."""
    from nameko.cli.main import setup_yaml_parser

    setup_yaml_parser()
    with open(config_path(service), encoding="utf-8") as fh:
        return yaml.safe_load(fh)
