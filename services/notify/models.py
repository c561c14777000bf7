"""Tables of the notify service (its own database)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, platform_tables


class Base(DeclarativeBase):
    metadata = MetaData()


class PublicNotice(Base):
    """An entry on the public notice board (公示栏)."""

    __tablename__ = "public_notices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    source_event_id: Mapped[str] = mapped_column(String(36), unique=True)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    start_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # first day on the board
    end_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # last day (inclusive)
    content: Mapped[str | None] = mapped_column(Text, nullable=True)  # the notice's facts as JSON
    objection_url: Mapped[str | None] = mapped_column(String(300), nullable=True)



class Route(Base):
    """One version of an event type's routing (rules as JSON text; the newest version applies)."""

    __tablename__ = "routes"
    __table_args__ = (UniqueConstraint("event_type", "version", name="uq_routes_type_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_type: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    rules: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MessageTemplate(Base):
    """One version of the template of an event type on a channel (the newest applies)."""

    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("event_type", "channel", "version", name="uq_templates_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_type: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Delivery(Base):
    """One message to one recipient on one channel: the delivery log (送达记录). Only the masked
    recipient is kept; the address is looked up at send time and forgotten."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("event_id", "channel", "target", name="uq_deliveries_event_channel_target"),
                      Index("ix_deliveries_due", "status", "next_attempt_at"),
                      # the log's order, newest first (deliveries.LOG_ORDER): a page by cursor
                      # starts on it where the last ended instead of sorting the whole log
                      Index("ix_deliveries_log", "created_at", "id"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    event_type: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(80))  # a person_ref or a subscription id
    person_ref: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    subscription_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    critical: Mapped[bool] = mapped_column(Boolean)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # pending | sent | dead | skipped
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    recipient_masked: Mapped[str | None] = mapped_column(String(120), nullable=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InboxMessage(Base):
    """A person's in-app message (站内信)."""

    __tablename__ = "inbox_messages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)
    person_ref: Mapped[str] = mapped_column(String(80), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Subscription(Base):
    """A webhook subscriber (another government system). ``secrets`` is a JSON list, newest
    first; more than one during a rotation."""

    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[str] = mapped_column(Text)
    secrets: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # active | disabled | suspended
    status_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DigestItem(Base):
    """An event waiting in a staff queue for the daily digest."""

    __tablename__ = "digest_items"
    __table_args__ = (UniqueConstraint("event_id", "queue", name="uq_digest_items_event_queue"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    queue: Mapped[str] = mapped_column(String(40), index=True)
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(80))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    digested_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class DigestRun(Base):
    """A day whose digest was made (one a day, whatever the number of replicas)."""

    __tablename__ = "digest_runs"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OptOut(Base):
    """A person who does not want messages on a channel (critical messages still go)."""

    __tablename__ = "opt_outs"

    person_ref: Mapped[str] = mapped_column(String(80), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


metadata = Base.metadata
platform_tables(metadata)
