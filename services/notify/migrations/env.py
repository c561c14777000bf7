"""Alembic environment of the notify service (its own database)."""

from services.notify.models import metadata
from services.common.migrations import run_env

run_env(metadata)
