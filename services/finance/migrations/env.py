"""Alembic environment of the finance service (its own database)."""

from services.common.migrations import run_env
from services.finance.models import metadata

run_env(metadata)
