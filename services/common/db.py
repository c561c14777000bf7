"""The database dependency: an engine per container, a unit of work per use.

Shaped like nameko-sqlalchemy (engine made in `setup()`, never at import; something handed
to each worker) but for SQLAlchemy 2 and with the outbox and inbox built in:

    with self.db.unit_of_work() as uow:
        uow.session.add(application)
        uow.publish("application.submitted", {...})   # same transaction as the change
        uow.commit()

nameko runs on eventlet, so a driver that blocks in C would stall every worker. PostgreSQL
goes through psycopg2 with psycogreen's wait callback (libpq waits yield to the hub; eventlet's
monkey_patch installs an equivalent one, psycogreen makes it hold in any process);
SQLite (the embedded default) is local and fast, but its single-writer lock would deadlock
green threads, so its units of work are serialised by a lock within the process.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

from nameko.extensions import DependencyProvider
from sqlalchemy import MetaData, create_engine, event, insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from . import pg
from .errors import Conflict, DuplicateEvent
from .events.contracts import build_envelopes, encode, utc_now
from .tables import PlatformTables, platform_tables


def make_engine(url: str, pool_size: int = 10) -> Engine:
    if url.startswith(("postgresql", "postgres")):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()
        url = url.replace("postgres://", "postgresql://", 1)
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg2://" + url[len("postgresql://") :]
        engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size)
        _ping_after_idle(engine)
        return engine
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        else:  # in memory (use-case tests): one connection, or each would see its own empty database
            engine = create_engine("sqlite://", connect_args={"check_same_thread": False},
                                   poolclass=StaticPool)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            # WAL: readers (the API, /metrics) never wait for the writer nor it for them; with WAL,
            # synchronous=NORMAL syncs at checkpoints, not at every commit — a power cut may undo the
            # last commits but never corrupts, and the inbox/outbox absorb a redelivery. A commit
            # cost ~0.2 ms, 6.5% of notify's handler (scripts/notify_burst.py, profiled).
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    raise ValueError(f"DATABASE_URL must be postgresql://... or sqlite:///...; got {url.split(':')[0]}")


IDLE_PING_SECONDS = 2.0


def _ping_after_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling, paid only where it helps: a connection that sat in the
    pool for IDLE_PING_SECONDS (long enough for the server to have restarted or a proxy to
    have cut it) is pinged at checkout and replaced if dead, so a request never fails on a
    stale connection after a quiet spell. One under steady load was in use milliseconds ago;
    SQLAlchemy's pool_pre_ping would add a round trip to every transaction (~10 % of a
    submission's CPU). A server that dies under load fails the requests in flight either way,
    and the first disconnect error invalidates the whole pool."""

    @event.listens_for(engine, "connect")
    def _connected(dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()  # fresh: nothing to check yet

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, proxy):
        if time.monotonic() - record.info.get("idle_since", float("-inf")) < IDLE_PING_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)  # what pool_pre_ping runs
        except Exception:  # noqa: BLE001 - any failure to ping means: do not use it
            alive = False
        if not alive:
            raise DisconnectionError("stale pooled connection")  # the pool replaces it and retries


class Store:
    """An engine with the platform tables and the SQLite write serialisation."""

    def __init__(self, url: str, metadata: MetaData):
        self.engine = make_engine(url)
        self.tables: PlatformTables = platform_tables(metadata)
        # Built once (every event handler's first statement): building it per event cost about
        # as much as executing it.
        self.inbox_insert = insert(self.tables.inbox)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._lock = threading.Lock() if self.is_sqlite else None

    def serialised(self):
        return self._lock if self._lock is not None else contextlib.nullcontext()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


_COPY_FROM = 1000  # events in one publish_many before the outbox rows go as COPY (see _copy_outbox)


class UnitOfWork:
    """One database transaction: the domain change, its outbox rows and (in an event handler)
    the inbox record all commit together or not at all. Subclass to add repositories."""

    def __init__(self, store: Store, *, district: str, producer: str, inbox_claim=None, on_commit=None,
                 now=utc_now):
        self.store = store
        self.district = district
        self.producer = producer
        self._claim = inbox_claim
        self._on_commit = on_commit
        # The service's one clock (its Clock provider's reading, when it has one): an event's
        # occurred_at is the service's time, so a copy whose clock was moved (tests, the demo's
        # year) publishes events dated as its records are, not by the wall.
        self._now = now
        self.published: list[dict] = []

    def __enter__(self):
        self._guard = self.store.serialised()
        self._guard.__enter__()
        self.session = Session(self.store.engine, expire_on_commit=False)
        self._committed = False
        try:
            if self._claim is not None:
                self._record_inbox(*self._claim)
            self.repositories(self.session)
        except BaseException:
            self._close()
            raise
        return self

    def repositories(self, session: Session) -> None:
        """Hook: attach the service's repositories to `self`."""

    def _record_inbox(self, event_id: str, handler: str, event_type: str) -> None:
        try:
            self.session.execute(self.store.inbox_insert, {"event_id": event_id, "handler": handler,
                                                           "event_type": event_type, "handled_at": utc_now()})
        except IntegrityError:
            raise DuplicateEvent(f"{event_type} {event_id} already handled by {handler}") from None

    def publish(self, event_type: str, data: dict) -> dict:
        """Validate the event against its contract and write it to the outbox (not the bus)."""
        return self.publish_many(event_type, [data])[0]

    def publish_many(self, event_type: str, payloads: list[dict]) -> list[dict]:
        """`publish` for many events of one type: one multi-row outbox insert."""
        now = self._now()
        envelopes = build_envelopes(event_type, payloads, district=self.district, producer=self.producer,
                                    occurred_at=now)
        if envelopes:
            written = utc_now()  # the wall's time: the relay's backlog age is an operator's measure
            if len(envelopes) >= _COPY_FROM and pg.is_postgresql(self.session):
                self._copy_outbox(event_type, envelopes, written)
            else:
                self.session.execute(insert(self.store.tables.outbox), [
                    {"event_id": e["event_id"], "event_type": event_type, "body": encode(e), "created_at": written}
                    for e in envelopes])
            self.published.extend(envelopes)
        return envelopes

    def _copy_outbox(self, event_type: str, envelopes: list[dict], written) -> None:
        """A bulk job's outbox rows (a billing run's 20,000 rent.invoiced) as one COPY stream,
        encoded while the server inserts the earlier ones: the executemany cost ~1 s of the
        billing bench. Only from `_COPY_FROM` events up, because a COPY blocks the eventlet hub
        for its duration (services.common.pg): acceptable for the rare bulk jobs, not requests."""
        at = written.isoformat()
        columns = ("event_id", "event_type", "body", "created_at")
        pg.insert_rows_streaming(self.session, self.store.tables.outbox, columns,
                                 ((e["event_id"], event_type, encode(e), at) for e in envelopes))

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError:
            raise _conflict() from None
        except OperationalError as exc:
            if _collided(exc):
                raise _collision() from None
            raise
        self._committed = True
        if self.published and self._on_commit:
            self._on_commit()

    def rollback(self) -> None:
        self.session.rollback()

    def _close(self) -> None:
        try:
            if not self._committed:
                self.session.rollback()
            self.session.close()
        finally:
            self._guard.__exit__(None, None, None)

    def __exit__(self, exc_type, exc, tb):
        self._close()
        if exc_type is not None and issubclass(exc_type, IntegrityError):
            # A constraint tripped by a flush inside the block: the same 409 as at commit.
            raise _conflict() from None
        if exc_type is not None and issubclass(exc_type, OperationalError) and _collided(exc):
            raise _collision() from None
        return False


_COLLISIONS = {"40P01", "40001"}  # PostgreSQL: deadlock detected, serialization failure


def _collided(exc: OperationalError) -> bool:
    return getattr(getattr(exc, "orig", None), "pgcode", None) in _COLLISIONS


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached now (server down, connections
    refused or terminated, the database closed to connections), as opposed to a bad
    statement or a conflict. Such a failure is transient: a request gets 503 and may be
    retried; an event handler keeps its message and tries again (nothing was written)."""
    if isinstance(exc, DisconnectionError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, InterfaceError):  # psycopg2: "connection already closed"
        return True
    if not isinstance(exc, OperationalError) or _collided(exc):
        return False
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "pgcode", None)
    if code is None:  # psycopg2 gives no SQLSTATE when it cannot connect or the socket dropped
        text_ = str(orig).lower()
        if "sqlite" in type(orig).__module__:
            return "database is locked" in text_
        return True
    # 08: connection exception; 57P01-57P05: admin shutdown, crash shutdown, cannot connect now,
    # database dropped, idle session timeout; 53300: too many connections.
    return code.startswith("08") or code.startswith("57P") or code == "53300"


def _collision() -> Conflict:
    # Two transactions each waited for the other; PostgreSQL undid this one: nothing was written.
    return Conflict("the change collided with another made at the same moment and was not saved; retry")


def _conflict() -> Conflict:
    # The driver's message would quote the row's values (maybe personal data): say it plainly.
    return Conflict("the change conflicts with existing data (a unique value is already "
                    "taken or a referenced record is missing); reload and retry")


class DatabaseAccess:
    """What a worker gets as `self.db`."""

    def __init__(self, provider: Database, inbox_claim):
        self._provider = provider
        self._claim = inbox_claim
        self.store = provider.store

    def unit_of_work(self) -> UnitOfWork:
        claim, self._claim = self._claim, None  # the first unit of work records the event
        return self._provider.uow_class(
            self.store,
            district=self._provider.district,
            producer=self._provider.container.service_name,
            inbox_claim=claim,
            on_commit=self._provider.wake_relay,
            now=self._provider.now,
        )

    @contextlib.contextmanager
    def read(self):
        """A session for queries only; nothing it does is committed."""
        session = Session(self.store.engine)
        try:
            yield session
        finally:
            session.close()  # ends the transaction; loaded objects stay readable (detached)


class Database(DependencyProvider):
    """The service's database, with the outbox relay running beside it."""

    def __init__(self, metadata: MetaData, uow_class: type[UnitOfWork] = UnitOfWork, relay: bool = True):
        self.metadata = metadata
        self.uow_class = uow_class
        self.with_relay = relay
        self.relay = None

    def setup(self):
        from .clock import Clock, Reading
        from .events.relay import OutboxRelay

        config = self.container.config
        self.district = config["DISTRICT"]
        clocks = [d for d in self.container.dependencies if isinstance(d, Clock)]
        self.now = Reading(clocks[0]).now if clocks else utc_now
        self.store = Store(config["DATABASE_URL"], self.metadata)
        if self.with_relay and config.get("OUTBOX_RELAY", True):
            self.relay = OutboxRelay.from_config(self.store, self.container.service_name, config)

    def start(self):
        if self.relay is not None:
            self.container.spawn_managed_thread(self.relay.run_forever, identifier="outbox-relay")

    def stop(self):
        if self.relay is not None:
            self.relay.stop()
        self.store.dispose()

    def kill(self):
        self.stop()

    def wake_relay(self) -> None:
        if self.relay is not None:
            self.relay.wake()

    def get_dependency(self, worker_ctx):
        claim_for = getattr(worker_ctx.entrypoint, "inbox_claim", None)
        return DatabaseAccess(self, claim_for(worker_ctx) if claim_for else None)
