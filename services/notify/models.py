"""Tables of the notify service (its own database)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData, String, Text
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


metadata = Base.metadata
platform_tables(metadata)
