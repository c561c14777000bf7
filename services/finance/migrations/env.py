"""Alembic environment of the finance service (its own database)."""

from services.finance.models import metadata
from services.common.migrations import run_env

run_env(metadata)
