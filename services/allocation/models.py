"""Tables of the allocation service (its own database).

Invariants the database itself enforces (not just the code):
- a unit has at most one open-or-accepted offer (partial unique index ``uq_offers_unit_live``)
  and at most one active tenancy (``uq_tenancies_unit_active``);
- an application holds at most one open-or-accepted offer (``uq_offers_application_live``);
- a rent-arrears period is recorded once per tenancy (``uq_violations_period``).
Unit status changes are conditional UPDATEs (``... WHERE status = 'vacant'``), so two
writers racing for one unit cannot both win.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, platform_tables

_Id = BigInteger().with_variant(Integer(), "sqlite")
LIVE_OFFER = "status IN ('open', 'accepted')"


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
    """A flat, or a bed in a staff-apartment dormitory (床位). Rent in fen, area in 0.1 m² (the
    API shows m² with two decimals). The id is ``<project>-<building>-<number>``
    (domain.stock.unit_id); units imported by CSV before that keep ``<project>/<building>/
    <number>`` where an offer, tenancy or round names them (migration 0004).

    ``vacant_since`` is set whenever the unit becomes vacant (vacancy duration reports).
    On PostgreSQL the table has fillfactor 50 (migration 0003): status changes touch no
    indexed column, so with room on the page they are HOT updates."""

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
    vacant_since: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class PoolEntry(Base):
    """The local read model of an approved application (轮候库), fed by applications' events.
    JSON columns hold canonical JSON text. No names or ID numbers: ``person_ref`` only."""

    __tablename__ = "pool_entries"
    __table_args__ = (
        # Who left the pool (revoked, withdrawn, housed): the draw asks for these among a
        # programme's 200,000 entries; without it that is a scan of the whole table.
        Index("ix_pool_entries_inactive", "programme",
              sqlite_where=text("status <> 'active'"), postgresql_where=text("status <> 'active'")),
    )

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_ref: Mapped[str] = mapped_column(String(128), index=True)
    programme: Mapped[str] = mapped_column(String(30), index=True)
    district: Mapped[str] = mapped_column(String(40))
    points_tenths: Mapped[int] = mapped_column(Integer)
    points_policy_version: Mapped[int] = mapped_column(Integer)
    breakdown: Mapped[str] = mapped_column(Text)
    household_size: Mapped[int] = mapped_column(Integer)
    preferences: Mapped[str] = mapped_column(Text)
    priority_groups: Mapped[str] = mapped_column(Text)
    needs_accessible: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20))  # active|revoked|withdrawn|housed
    declines: Mapped[int] = mapped_column(Integer, default=0)
    suspended_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Which statement of applications the points and priority groups above are (domain/readings.py):
    # its instant, and whether it was a points change (else the approval). A change or approval
    # stated earlier than this, arriving late, leaves the points as they are. NULL (entries from
    # before migration 0006): as of the approval, approved_at.
    points_as_of: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    points_from_change: Mapped[bool] = mapped_column(Boolean, default=False)


class PoolEarlyPoints(Base):
    """The newest ``application.points_changed`` of an application the pool has not seen
    approved yet. Changes and approvals travel on separate queues, so a change can overtake
    its approval; it waits here and the approval applies it (then deletes the row), instead of
    the change being lost."""

    __tablename__ = "pool_early_points"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    points_tenths: Mapped[int] = mapped_column(Integer)
    priority_groups: Mapped[str] = mapped_column(Text)  # canonical JSON list, as pool_entries
    policy_version: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[datetime] = mapped_column(UtcDateTime())  # the change event's occurred_at
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PoolDeparture(Base):
    """An application's departure from the pool (撤回 withdrawn / 退出 revoked), kept even when
    its approval has not arrived yet. The pool's handlers each read their own queue, so
    ``application.withdrawn`` can overtake ``application.approved``; an approval can never
    follow a departure of the same application (both are terminal in applications'
    lifecycle), so a late approval finds this row and enters the pool already departed."""

    __tablename__ = "pool_departures"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # withdrawn|revoked
    departed_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Round(Base):
    """An allocation round (配租轮次). The secret is stored here and nowhere else: no GET
    returns it before the draw and no event carries it before ``round.drawn``."""

    __tablename__ = "rounds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    programme: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))  # opened|drawn
    quotas: Mapped[str] = mapped_column(Text)         # [[group, percent], ...] in order
    quota_seats: Mapped[str] = mapped_column(Text)    # [[group, seats], ...]
    fit_policy: Mapped[str] = mapped_column(Text)
    respond_days: Mapped[int] = mapped_column(Integer)
    secret_hex: Mapped[str] = mapped_column(String(128))
    commitment: Mapped[str] = mapped_column(String(64))
    public_value_source: Mapped[str] = mapped_column(String(500))
    draw_date: Mapped[date] = mapped_column(Date)
    pool_size: Mapped[int] = mapped_column(Integer)
    unit_count: Mapped[int] = mapped_column(Integer)
    # The four large text columns are lz4-compressed on PostgreSQL (migration 0003).
    # The four large columns (snapshot, units_snapshot, results, waitlist: ~21 MB for a
    # 200,000-applicant round) load only when read, so
    # GET /rounds/<id> and the timers that read a round's settings do not carry them.
    snapshot: Mapped[str] = mapped_column(Text, deferred=True)       # frozen pool: columnar JSON, see snapshots.py
    units_snapshot: Mapped[str] = mapped_column(Text, deferred=True)  # frozen units on offer
    snapshot_digest: Mapped[str] = mapped_column(String(64))
    public_values: Mapped[str | None] = mapped_column(Text, nullable=True)
    seed_hex: Mapped[str | None] = mapped_column(String(64), nullable=True)
    results: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)  # canonical JSON
    results_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # 轮候 order of the drawn round: JSON array of the unmatched application ids, rank 1 first
    # (the same list as results["waitlist"], kept apart so promotion need not parse results).
    waitlist: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    matched: Mapped[int | None] = mapped_column(Integer, nullable=True)
    waitlisted: Mapped[int | None] = mapped_column(Integer, nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    drawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Offer(Base):
    """配租通知. status: open|accepted|declined|expired|withdrawn|moved_in.
    ``announced_at`` is NULL until its ``allocation.offered`` event is in the outbox."""

    __tablename__ = "offers"
    __table_args__ = (
        Index("uq_offers_unit_live", "unit_id", unique=True,
              sqlite_where=text(LIVE_OFFER), postgresql_where=text(LIVE_OFFER)),
        Index("uq_offers_application_live", "application_id", unique=True,
              sqlite_where=text(LIVE_OFFER), postgresql_where=text(LIVE_OFFER)),
        # Only offers still to announce, in the announcer's order (round_id, id).
        Index("ix_offers_pending_announce", "round_id", "id",
              sqlite_where=text("announced_at IS NULL"), postgresql_where=text("announced_at IS NULL")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[str] = mapped_column(String(64))
    person_ref: Mapped[str] = mapped_column(String(128))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    preference_index: Mapped[int] = mapped_column(Integer)
    seat: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(20))  # draw|waitlist
    status: Mapped[str] = mapped_column(String(20))
    offered_on: Mapped[date] = mapped_column(Date)
    respond_by: Mapped[date] = mapped_column(Date, index=True)
    answered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    announced_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Tenancy(Base):
    """A tenancy (租赁合同). ``notice_end_on`` is a scheduled end (revocation notice period);
    ``termination_open`` is set when violation points reach the threshold."""

    __tablename__ = "tenancies"
    __table_args__ = (
        Index("uq_tenancies_unit_active", "unit_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    project_id: Mapped[str] = mapped_column(String(40))
    offer_id: Mapped[str] = mapped_column(ForeignKey("offers.id"), unique=True)
    application_id: Mapped[str] = mapped_column(String(64), index=True)
    person_ref: Mapped[str] = mapped_column(String(128), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    rent_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))  # active|ended
    end_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notice_end_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    violation_points_tenths: Mapped[int] = mapped_column(Integer, default=0)
    termination_open: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Violation(Base):
    """违规扣分 record. ``period`` (YYYY-MM) only for rent arrears from ``rent.overdue``."""

    __tablename__ = "violations"
    __table_args__ = (UniqueConstraint("tenancy_id", "kind", "period", name="uq_violations_period"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenancy_id: Mapped[str] = mapped_column(ForeignKey("tenancies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500))
    occurred_on: Mapped[date] = mapped_column(Date)
    period: Mapped[str | None] = mapped_column(String(7), nullable=True)
    points_tenths: Mapped[int] = mapped_column(Integer)
    total_after_tenths: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Complaint(Base):
    """A tenant's complaint (投诉), by project and category; status open|resolved."""

    __tablename__ = "complaints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(2000), nullable=True)


class SatisfactionScore(Base):
    """满意度 score 1..5 for a project."""

    __tablename__ = "satisfaction_scores"

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


metadata = Base.metadata
platform_tables(metadata)
