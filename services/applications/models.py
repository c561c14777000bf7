"""Tables of the applications service (its own database).

Personal data (name, ID number, phone) is stored here because this service owns it; it leaves
only masked (HTTP to non-owners, public pages) or as `person_ref` (events).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
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
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, platform_tables

_Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData()


class HardshipStatus(Base):
    """The hardship category (困难类别) assistance registered for a person, used by points.
    `category` is NULL once assistance closed the household's hardship record."""

    __tablename__ = "hardship_status"

    person_ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str | None] = mapped_column(String(30), nullable=True)
    household_id: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class HardshipClosure(Base):
    """A household whose hardship record assistance closed (困难档案注销). Kept for good, so a
    hardship.registered for it that arrives after its hardship.closed (the two travel on separate
    queues) cannot reinstate the category: a closed household is never re-registered (assistance
    registers a new household instead)."""

    __tablename__ = "hardship_closures"

    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_ref: Mapped[str] = mapped_column(String(40), index=True)
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Applicant(Base):
    """申请人: one row per person and district (the owner's copy of the personal data)."""

    __tablename__ = "applicants"
    __table_args__ = (UniqueConstraint("district", "person_ref", name="uq_applicants_district_person"),
                      Index("ix_applicants_name_masked", "name_masked"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    district: Mapped[str] = mapped_column(String(40))
    person_ref: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(40))
    name_masked: Mapped[str] = mapped_column(String(40))
    id_number: Mapped[str] = mapped_column(String(18))
    birth_date: Mapped[date] = mapped_column(Date())
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    email: Mapped[str | None] = mapped_column(String(120), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Application(Base):
    """申请. `version` is the optimistic lock (SQLAlchemy bumps it on every UPDATE and refuses
    an UPDATE that matched no row at the version it read). `active_key` is person_ref:programme
    while the application is not terminal and NULL after, so the unique constraint lets the
    database refuse a second active application even when two submits race."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("active_key", name="uq_applications_active_key"),
        Index("ix_applications_state", "state", "programme"),
        Index("ix_applications_person", "person_ref"),
        Index("ix_applications_enterprise", "enterprise", "state"),
        Index("ix_applications_submitted", "first_submitted_at"),
        Index("ix_applications_created", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer())
    applicant_id: Mapped[str] = mapped_column(ForeignKey("applicants.id"))
    person_ref: Mapped[str] = mapped_column(String(40))
    district: Mapped[str] = mapped_column(String(40))
    programme: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20))
    active_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # applicant facts (declared, verified by the enterprise union)
    enterprise: Mapped[str | None] = mapped_column(String(80), nullable=True)
    hire_date: Mapped[date | None] = mapped_column(Date(), nullable=True)
    union_member: Mapped[bool | None] = mapped_column(Boolean(), nullable=True)
    honour: Mapped[str | None] = mapped_column(String(20), nullable=True)
    frontline: Mapped[bool] = mapped_column(Boolean())
    needs_accessible: Mapped[bool] = mapped_column(Boolean())
    monthly_household_income_fen: Mapped[int | None] = mapped_column(BigInteger(), nullable=True)
    household_size: Mapped[int] = mapped_column(Integer())
    housing_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    housing_area_hundredths: Mapped[int | None] = mapped_column(Integer(), nullable=True)
    # lifecycle snapshot (domain.lifecycle.Application)
    policy_version: Mapped[int | None] = mapped_column(Integer(), nullable=True)
    needs_city_review: Mapped[bool] = mapped_column(Boolean())
    notice_period_days: Mapped[int] = mapped_column(Integer())
    first_submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    notice_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    notice_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    open_objections: Mapped[int] = mapped_column(Integer())
    objections_filed: Mapped[int] = mapped_column(Integer())
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    eligibility: Mapped[dict | None] = mapped_column(JSON(), nullable=True)  # last pre-check
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())  # last transition or edit

    __mapper_args__ = {"version_id_col": version}


class HouseholdMember(Base):
    """家庭成员 (other than the applicant)."""

    __tablename__ = "household_members"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                primary_key=True)
    position: Mapped[int] = mapped_column(Integer(), primary_key=True)
    relation: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(40))
    id_number: Mapped[str] = mapped_column(String(18))
    person_ref: Mapped[str] = mapped_column(String(40))
    monthly_income_fen: Mapped[int] = mapped_column(BigInteger())


class HouseholdClaim(Base):
    """One person's place in an active application's household, the applicant's included: the
    primary key lets a person be in at most one active application per programme, so two
    households that share a person are refused by the database even when their creates race
    (written in the create's transaction; removed when the application ends)."""

    __tablename__ = "household_claims"
    __table_args__ = (Index("ix_household_claims_application", "application_id"),)

    programme: Mapped[str] = mapped_column(String(30), primary_key=True)
    person_ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    relation: Mapped[str] = mapped_column(String(20))  # "applicant", or the member's relation


class Preference(Base):
    """意向: up to five, best first (a project id or a unit category)."""

    __tablename__ = "preferences"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                primary_key=True)
    rank: Mapped[int] = mapped_column(Integer(), primary_key=True)
    choice: Mapped[str] = mapped_column(String(40))


class Review(Base):
    """审核记录: who decided what at which level, when and why."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_application", "application_id"),)

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))
    level: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(20))
    reviewer: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    reasons: Mapped[list] = mapped_column(JSON())


class Objection(Base):
    """异议 filed during the public notice. The reason is stored, never published (it may name
    people); a duplicate merged into another open objection has `duplicate_of` set and is
    resolved with it."""

    __tablename__ = "objections"
    __table_args__ = (Index("ix_objections_application", "application_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))
    reason: Mapped[str] = mapped_column(Text())
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    upheld: Mapped[bool | None] = mapped_column(Boolean(), nullable=True)
    note: Mapped[str | None] = mapped_column(Text(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    duplicate_of: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Policy(Base):
    """A policy version. Rows are only ever added: the table is the audit trail.
    Version 1 of each kind is the built-in default and has no row."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("kind", "version", name="uq_policies_kind_version"),)

    id: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # eligibility | points
    version: Mapped[int] = mapped_column(Integer())
    document: Mapped[dict] = mapped_column(JSON())
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApplicationPoints(Base):
    """积分: the total and every input it was computed from, so the breakdown is exactly
    `domain.points.compute(inputs, policy[policy_version])`."""

    __tablename__ = "application_points"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                primary_key=True)
    policy_version: Mapped[int] = mapped_column(Integer())
    as_of: Mapped[date] = mapped_column(Date())
    years_of_service: Mapped[int] = mapped_column(Integer())
    household_size: Mapped[int] = mapped_column(Integer())
    hardship_category: Mapped[str | None] = mapped_column(String(30), nullable=True)
    honour: Mapped[str | None] = mapped_column(String(20), nullable=True)
    frontline: Mapped[bool] = mapped_column(Boolean())
    months_waiting: Mapped[int] = mapped_column(Integer())
    total_tenths: Mapped[int] = mapped_column(Integer())
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Recheck(Base):
    """年审 run."""

    __tablename__ = "rechecks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date())
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RecheckItem(Base):
    """One application's re-check: `outcome` keep | pending (failed, awaiting confirmation) |
    revoked (confirmed by a district officer)."""

    __tablename__ = "recheck_items"
    __table_args__ = (Index("ix_recheck_items_application", "application_id", "outcome"),)

    recheck_id: Mapped[str] = mapped_column(ForeignKey("rechecks.id"), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20))
    result: Mapped[dict] = mapped_column(JSON())
    reasons: Mapped[list] = mapped_column(JSON())
    confirmed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


metadata = Base.metadata
platform_tables(metadata)
