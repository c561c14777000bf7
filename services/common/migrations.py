"""Alembic per service: each service keeps its own `migrations/` folder and version table.

`anju migrate` (and `anju run` in development) calls `upgrade`; production runs the same
command as a Kubernetes Job before rolling out. No `create_all` anywhere in production paths.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

_ROOT = Path(__file__).resolve().parents[1]


def alembic_config(service: str, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_ROOT / service / "migrations"))
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(service: str, url: str, revision: str = "head", runtime_role: str | None = None) -> list[str]:
    """Migrate ``service``'s database at ``url``; with ``runtime_role`` (PostgreSQL, connected as
    the owner), then grant that role row access only (services.common.grants). Returns the
    grant statements run."""
    command.upgrade(alembic_config(service, url), revision)
    if not runtime_role:
        return []
    import importlib

    from .db import make_engine
    from .grants import grant_runtime_role

    metadata = importlib.import_module(f"services.{service}.models").metadata
    engine = make_engine(url, pool_size=1)
    try:
        with engine.begin() as connection:
            return grant_runtime_role(connection, runtime_role, metadata)
    finally:
        engine.dispose()


def downgrade(service: str, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(service, url), revision)


def run_env(metadata) -> None:
    """The body of every service's `migrations/env.py`."""
    from alembic import context

    from .db import make_engine

    url = context.config.attributes.get("database_url") or os.environ["DATABASE_URL"]
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=engine.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
