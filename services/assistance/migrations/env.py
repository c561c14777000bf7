"""Alembic environment of the assistance service (its own database)."""

from services.assistance.models import metadata
from services.common.migrations import run_env

run_env(metadata)
