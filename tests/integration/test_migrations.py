"""Each service's Alembic migrations build exactly the tables its models declare, on SQLite
and PostgreSQL, and downgrade cleanly (no create_all anywhere but test-only services)."""

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from services.common.config import SERVICES
from services.common.migrations import downgrade, upgrade


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_models(database, service):
    url = database(service)
    metadata = importlib.import_module(f"services.{service}.models").metadata
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        assert diff == [], f"{service}: models and migrations differ: {diff}"
    finally:
        engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
def test_downgrade_and_upgrade_again(tmp_path, service):
    url = f"sqlite:///{tmp_path}/{service}.db"
    upgrade(service, url)
    downgrade(service, url)
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(service, url)
