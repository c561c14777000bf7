"""Tables of the allocation service (its own database)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, platform_tables


class Base(DeclarativeBase):
    metadata = MetaData()


class Project(Base):
    """A housing project (房源项目), e.g. a converted idle building (存量盘活)."""

    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str] = mapped_column(String(30))
    supply_mode: Mapped[str] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Unit(Base):
    """A flat, or a bed in a staff-apartment dormitory (床位). Rent in fen, area in 0.1 m²."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("project_id", "building", "number", name="uq_unit_number"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    building: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(40))
    floor: Mapped[int] = mapped_column(Integer)
    rooms: Mapped[int] = mapped_column(Integer)
    area_tenths: Mapped[int] = mapped_column(Integer)
    beds: Mapped[int] = mapped_column(Integer)
    rent_fen: Mapped[int] = mapped_column(BigInteger)
    category: Mapped[str] = mapped_column(String(30))
    accessible: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20), default="vacant")


metadata = Base.metadata
platform_tables(metadata)
