"""Shared fixtures. Integration tests use the real RabbitMQ (a fresh vhost per test, via
nameko's `rabbit_config`) and both SQLite and PostgreSQL. Nothing skips: if a server is
missing, the fixture fails with a sentence saying how to start it."""

import eventlet

eventlet.monkey_patch()  # noqa: E402 - must precede every other import, as `nameko run` does

import os  # noqa: E402
import socket  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402
from databases import create_database, pg_name  # noqa: E402

AMQP_URI = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")


def _require_port(host: str, port: int, what: str, how: str) -> None:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        pytest.fail(f"{what} is not reachable at {host}:{port}. {how}", pytrace=False)


@pytest.fixture(scope="session")
def pg_databases():
    """One PostgreSQL database per service for the session, migrated once; tests truncate."""
    _require_port("127.0.0.1", 5432, "PostgreSQL",
                  "Start it with `make services` (or pg_ctlcluster ... main start).")

    created = {}

    def get(service: str) -> str:
        if service in created:
            return created[service]
        url = create_database(pg_name(service))
        if service != "scratch_platform_only":
            from services.common.migrations import upgrade

            upgrade(service, url)
        created[service] = url
        return url

    return get


def _truncate_all(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    with engine.begin() as conn:
        # TRUNCATE waits for every lock on its tables: a session an earlier test left open in a
        # transaction would hold the next test here for ever (pytest-timeout then kills the whole
        # run without naming the test). Bounded, it fails this test with the database's words.
        conn.execute(text("SET LOCAL lock_timeout = '60s'"))
        tables = conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename<>'alembic_version'"
        )).scalars().all()
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """`database(service)` → a migrated, empty database URL of the parametrised kind."""
    kind = request.param

    def get(service: str) -> str:
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path}/{service}.db"
            from services.common.migrations import upgrade

            upgrade(service, url)
            return url
        url = request.getfixturevalue("pg_databases")(service)
        _truncate_all(url)
        return url

    get.kind = kind
    return get


@pytest.fixture(scope="session")
def vhost_pipeline(rabbit_manager, pytestconfig):
    """A fresh vhost per test, made ahead in the background as nameko's own fixture does — but
    nameko's create thread dies at the first management-API error, and every later test then
    waits for a vhost for ever (CI hit the 300 s timeout that way). Here each management call
    has a timeout, creation is retried (bounded), a vhost that still cannot be made fails the
    test that asked with the cause, and a failed delete is retried and then left behind."""
    import functools
    import random
    import string
    from urllib.parse import urlparse

    from bus import SteadyPipeline, retried
    from kombu.pools import connections

    session = rabbit_manager._session
    session.request = functools.partial(session.request, timeout=10)
    username = urlparse(pytestconfig.getoption("RABBIT_AMQP_URI")).username

    def create():
        vhost = "nameko_test_" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))
        rabbit_manager.create_vhost(vhost)
        rabbit_manager.set_vhost_permissions(vhost, username, ".*", ".*", ".*")
        return vhost

    def destroy(vhost):
        try:
            retried(lambda: rabbit_manager.delete_vhost(vhost))
        except Exception:  # noqa: BLE001 - a leftover vhost is harmless; a dead destroy thread is not
            return
        for key, pool in list(connections.items()):
            if isinstance(key, tuple) and len(key) > 4 and key[4] == vhost:
                pool.force_close_all()

    with SteadyPipeline(create, destroy).run() as vhosts:
        yield vhosts


@pytest.fixture
def rabbit(rabbit_config):
    """A fresh vhost per test (nameko's fixture); fails clearly if the broker is down."""
    return rabbit_config


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def service_config(rabbit):
    """`service_config(service, db_url, **overrides)` → a container config for tests."""

    def make(service: str, db_url: str, **overrides) -> dict:
        from services.common.config import load_config

        config = load_config(service)
        config.pop("LOGGING", None)
        config.update(
            AMQP_URI=rabbit["AMQP_URI"],
            DATABASE_URL=db_url,
            DISTRICT="demo",
            WEB_SERVER_ADDRESS=f"127.0.0.1:{_free_port()}",
            OUTBOX_POLL_SECONDS=0.1,
        )
        config.update(overrides)
        return config

    return make


@pytest.fixture
def dev_token():
    """`dev_token(role, district="demo")` → a bearer header value for the default dev secret."""
    from services.common.auth import JwtSettings, mint_token
    from services.common.config import load_config

    settings = JwtSettings.from_config(load_config("applications"))

    def mint(role: str, district: str = "demo", subject: str = "tester", **kw) -> dict:
        token = mint_token(settings, subject=subject, role=role, district=district, **kw)
        return {"Authorization": f"Bearer {token}"}

    return mint


@pytest.fixture
def running_service(container_factory):
    """`running_service(ServiceClass, config)` → the started container, with `.base` its URL."""

    def start(service_cls, config: dict):
        container = container_factory(service_cls, config)
        container.start()
        container.base = f"http://{config['WEB_SERVER_ADDRESS']}"
        return container

    return start


class ServiceStore:
    """A service's database in a test: `.store` (engine and platform tables) and `.uow()`, a
    unit of work as the service's worker would get it (district demo, no relay)."""

    def __init__(self, service: str, url: str):
        import importlib

        from services.common.db import Store

        self.service = service
        self.url = url
        self.store = Store(url, importlib.import_module(f"services.{service}.models").metadata)
        self.engine = self.store.engine

    def uow(self):
        from services.common.db import UnitOfWork

        return UnitOfWork(self.store, district="demo", producer=self.service)

    def worker_db(self):
        """What a worker gets as `self.db`, on this store (for nameko's `worker_factory`)."""
        return WorkerDatabase(self)

    def dispose(self):
        self.store.dispose()


class WorkerDatabase:
    """`self.db` as a worker sees it (`unit_of_work()`, `read()`, `store`), without a container."""

    def __init__(self, service_store: ServiceStore):
        self._service_store = service_store
        self.store = service_store.store

    def unit_of_work(self):
        return self._service_store.uow()

    def read(self):
        import contextlib

        from sqlalchemy.orm import Session

        @contextlib.contextmanager
        def session():
            s = Session(self.store.engine)
            try:
                yield s
            finally:
                s.close()

        return session()


@pytest.fixture
def store_for(database):
    """`store_for(service)` → a `ServiceStore` on a migrated, empty database of the parametrised
    kind (SQLite and PostgreSQL), disposed after the test."""
    made = []

    def make(service: str) -> ServiceStore:
        made.append(ServiceStore(service, database(service)))
        return made[-1]

    make.kind = database.kind
    yield make
    for s in made:
        s.dispose()


@pytest.fixture
def memory_store():
    """`memory_store(service)` → a `ServiceStore` on an in-memory SQLite database holding the
    service's tables (from its models, not its migrations): the use-case tier's database."""
    made = []

    def make(service: str) -> ServiceStore:
        s = ServiceStore(service, "sqlite://")
        s.store.tables.outbox.metadata.create_all(s.engine)
        made.append(s)
        return s

    yield make
    for s in made:
        s.dispose()


class Suite(dict):
    """service name → base URL, with `.amqp_uri` (the suite's own vhost) and `.containers`."""


@pytest.fixture(scope="module")
def whole_suite(tmp_path_factory, vhost_pipeline, pytestconfig):
    """All five services on SQLite and the real broker (a vhost of their own), started once for
    the module (the matrix and the fuzzing make thousands of requests). Notices close at once
    (NOTICE_DAYS=0), so an approved application reaches allocation within a second."""
    import socket
    from urllib.parse import urlparse

    from nameko.containers import ServiceContainer

    from services.cli import SERVICE_CLASSES, load_service_class
    from services.common.config import load_config
    from services.common.migrations import upgrade

    tmp = tmp_path_factory.mktemp("suite")
    uri = urlparse(pytestconfig.getoption("RABBIT_AMQP_URI"))
    containers, bases = [], Suite()
    with vhost_pipeline.get() as vhost:
        bases.amqp_uri = f"{uri.scheme}://{uri.netloc}/{vhost}"
        bases.containers = containers
        for service in SERVICE_CLASSES:
            url = f"sqlite:///{tmp}/{service}.db"
            upgrade(service, url)
            config = load_config(service)
            config.pop("LOGGING", None)
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            config.update(AMQP_URI=bases.amqp_uri, DATABASE_URL=url, DISTRICT="demo",
                          WEB_SERVER_ADDRESS=f"127.0.0.1:{port}", OUTBOX_POLL_SECONDS=0.2,
                          NOTICE_DAYS=0, NOTICE_CLOSE_INTERVAL_SECONDS=0.2)
            container = ServiceContainer(load_service_class(service), config)
            container.start()
            containers.append(container)
            bases[service] = f"http://127.0.0.1:{port}"
        try:
            yield bases
        finally:
            for container in containers:
                container.stop()


@pytest.fixture
def event_tap(rabbit):
    from bus import EventTap

    taps = []

    def make(producer: str, routing_key: str = "#") -> EventTap:
        tap = EventTap(rabbit["AMQP_URI"], producer, routing_key)
        taps.append(tap)
        return tap

    yield make
    for tap in taps:
        tap.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_db(request, tmp_path):
    """`scratch_db(metadata)` → URL of an empty database holding `metadata`'s tables, for
    test-only services (real services are always built by their migrations)."""
    from sqlalchemy import create_engine

    engines = []

    def make(metadata) -> str:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path}/scratch-{uuid.uuid4().hex[:6]}.db"
        else:
            url = request.getfixturevalue("pg_databases")("scratch_platform_only")
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
        metadata.drop_all(engine)
        metadata.create_all(engine)
        engines.append((engine, metadata))
        return url

    make.kind = request.param
    yield make
    for engine, metadata in engines:
        metadata.drop_all(engine)
        engine.dispose()
