"""Tables of the applications service (its own database)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, platform_tables


class Base(DeclarativeBase):
    metadata = MetaData()


class HardshipStatus(Base):
    """The hardship category (困难类别) assistance registered for a person, used by points."""

    __tablename__ = "hardship_status"

    person_ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str | None] = mapped_column(String(30), nullable=True)
    household_id: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


metadata = Base.metadata
platform_tables(metadata)
