"""Tables of the assistance service (its own database)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, platform_tables


class Base(DeclarativeBase):
    metadata = MetaData()


class HardshipHousehold(Base):
    """困难职工家庭: registered by real name; only the person_ref and masked name leave."""

    __tablename__ = "hardship_households"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_ref: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(40))
    id_number: Mapped[str] = mapped_column(String(18))
    name_masked: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="active")
    # person_ref while active, else NULL: unique, so a person has one active household
    active_person_ref: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    registered_by: Mapped[str] = mapped_column(String(200))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


metadata = Base.metadata
platform_tables(metadata)
