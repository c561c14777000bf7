"""Fixtures of the fault suite: databases it owns on the local PostgreSQL (tagged with
ANJU_TEST_DB_TAG), service processes on a fresh vhost of the shared broker, and (for broker
restarts) a private RabbitMQ node. Nothing here stops or reconfigures the shared servers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from databases import create_database, drop_database, pg_name  # noqa: E402
from harness import PrivateBroker, ServiceProcess, set_connections  # noqa: E402


def _engine(url: str):
    from sqlalchemy import create_engine

    return create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1), pool_size=2)


def truncate(url: str) -> None:
    from sqlalchemy import text

    engine = _engine(url)
    try:
        with engine.begin() as conn:
            tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname='public' "
                                       "AND tablename<>'alembic_version'")).scalars().all()
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def fault_databases():
    """service → URL of a migrated PostgreSQL database of the suite's own (created once)."""
    from services.common.migrations import upgrade

    made: dict[str, str] = {}

    def get(service: str) -> str:
        if service not in made:
            url = create_database(pg_name(f"faults_{service}"))
            upgrade(service, url)
            made[service] = url
        return made[service]

    yield get
    drop_database(*(pg_name(f"faults_{s}") for s in made))


@pytest.fixture
def fresh_db(fault_databases):
    """`fresh_db(service)` → the service's database URL, emptied; `.engine(service)` to read it."""
    engines = []

    def get(service: str) -> str:
        url = fault_databases(service)
        set_connections(url, allowed=True)
        truncate(url)
        return url

    def engine(service: str):
        engines.append(_engine(fault_databases(service)))
        return engines[-1]

    get.engine = engine
    yield get
    for e in engines:
        e.dispose()


@pytest.fixture
def services(rabbit, tmp_path):
    """`services(name, db_url, amqp_uri=None, **env)` → a started ServiceProcess (fresh vhost
    of the shared broker unless `amqp_uri` is given); all stopped after the test."""
    started: list[ServiceProcess] = []

    def start(service: str, db_url: str, amqp_uri: str | None = None, wait: bool = True, **env) -> ServiceProcess:
        proc = ServiceProcess(service, db_url, amqp_uri or rabbit["AMQP_URI"], tmp_path, **env)
        started.append(proc)
        return proc.start(wait=wait)

    start.amqp_uri = rabbit["AMQP_URI"]
    yield start
    for proc in started:
        proc.stop()


@pytest.fixture(scope="module")
def private_broker(tmp_path_factory):
    broker = PrivateBroker(tmp_path_factory.mktemp("rabbitmq"))
    broker.start()
    yield broker
    broker.stop()
