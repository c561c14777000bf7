"""Alembic environment of the applications service (its own database)."""

from services.applications.models import metadata
from services.common.migrations import run_env

run_env(metadata)
