"""The platform's own tables, present in every service's database: outbox, inbox, idempotency.

Defined once as column factories so the SQLAlchemy `Table`s and each service's first Alembic
migration (`create_platform_tables(op)`) cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite as on PostgreSQL
    (SQLite would hand back naive datetimes). Times are stored in UTC, shown in Asia/Shanghai."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use an aware UTC time (utc_now())")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value


# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
_Id = BigInteger().with_variant(Integer(), "sqlite")


def _outbox_columns():
    return [
        Column("id", _Id, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(80), nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("sent_at", UtcDateTime(), nullable=True),
        Column("unrouted", Integer, nullable=False, server_default="0"),
    ]


def _inbox_columns():
    return [
        Column("event_id", String(36), primary_key=True),
        Column("handler", String(200), primary_key=True),
        Column("event_type", String(80), nullable=False),
        Column("handled_at", UtcDateTime(), nullable=False),
    ]


def _idempotency_columns():
    return [
        Column("principal", String(200), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("endpoint", String(300), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", Integer, nullable=True),
        Column("response_body", Text, nullable=True),
        Column("created_at", UtcDateTime(), nullable=False),
    ]


@dataclass(frozen=True)
class PlatformTables:
    outbox: Table
    inbox: Table
    idempotency: Table


def platform_tables(metadata: MetaData) -> PlatformTables:
    """Attach (once) the platform tables to a service's MetaData and return them."""
    if "outbox" in metadata.tables:
        t = metadata.tables
        return PlatformTables(t["outbox"], t["inbox"], t["idempotency_keys"])
    outbox = Table("outbox", metadata, *_outbox_columns())
    Index("ix_outbox_pending", outbox.c.sent_at, outbox.c.id)
    return PlatformTables(
        outbox,
        Table("inbox", metadata, *_inbox_columns()),
        Table("idempotency_keys", metadata, *_idempotency_columns()),
    )


def create_platform_tables(op) -> None:
    """For a service's first Alembic migration."""
    op.create_table("outbox", *_outbox_columns())
    op.create_index("ix_outbox_pending", "outbox", ["sent_at", "id"])
    op.create_table("inbox", *_inbox_columns())
    op.create_table("idempotency_keys", *_idempotency_columns())


def drop_platform_tables(op) -> None:
    op.drop_table("idempotency_keys")
    op.drop_table("inbox")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")
