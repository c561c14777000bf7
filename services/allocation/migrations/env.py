"""Alembic environment of the allocation service (its own database)."""

from services.allocation.models import metadata
from services.common.migrations import run_env

run_env(metadata)
