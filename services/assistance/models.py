"""Tables of the assistance service (its own database)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    event,
)
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
    closed_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    closed_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # verification (核实) and the yearly re-verification (年度复核): who checked, when, on what
    # evidence; the officer whose queue the next review is in
    next_review_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    review_officer: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    verified_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    evidence: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # moving in (回迁入住), from allocation's events: offered / accepted / moved_in, and why a
    # household offered or allocated a unit has not moved in (recorded by staff)
    housing_stage: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    housing_unit_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    housing_stage_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    not_moved_in_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    not_moved_in_reason_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ReliefCase(Base):
    """救助: a relief case of a registered household, by real name (the household holds the
    verified identity); approved by amount, charged to the yearly budget of its kind."""

    __tablename__ = "relief_cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("hardship_households.id"), index=True)
    person_ref: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    origin: Mapped[str] = mapped_column(String(20), default="request")  # request / relocation
    reason: Mapped[str] = mapped_column(String(500))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    from_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    items: Mapped[list] = mapped_column(JSON, default=list)
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    # "<household>:<kind>:<period>" while the case is not rejected, else NULL: unique, so a
    # household gets one relief of a kind per period (also when two requests race)
    duplicate_key: Mapped[str | None] = mapped_column(String(120), unique=True, nullable=True)
    # the event that opened it (relocation: the tenancy), unique: opened once
    source_ref: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    approvals_needed: Mapped[int] = mapped_column(Integer)
    # the approval policy the levels were assessed under (domain.relief.ApprovalPolicy.version)
    policy_version: Mapped[str] = mapped_column(String(20), default="1")
    approvers: Mapped[list] = mapped_column(JSON, default=list)
    # every level's decision: {level, decision pass/return/reject, reviewer, reason, at}
    reviews: Mapped[list] = mapped_column(JSON, default=list)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    delivered_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    delivery_note: Mapped[str | None] = mapped_column(String(500), nullable=True)


class ReliefBudget(Base):
    """The district's yearly relief budget for one kind: used_fen grows with each approval,
    guarded in the UPDATE itself so concurrent approvals never overrun it."""

    __tablename__ = "relief_budgets"
    __table_args__ = (UniqueConstraint("year", "kind", name="uq_relief_budgets_year_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    used_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class Referral(Base):
    """转介: rent arrears of a hardship household, for staff to act on (a rent reduction, a
    visit) before they run into a violation; one per tenancy and period."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("tenancy_id", "period", name="uq_referrals_tenancy_period"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("hardship_households.id"), index=True)
    person_ref: Mapped[str] = mapped_column(String(40))
    tenancy_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(7))
    days_overdue: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open / closed
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    closed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)



class StockItem(Base):
    """物资: goods on hand for in-kind relief; ``reserved`` is held for approved, undelivered
    cases. Never negative, never more reserved than on hand (checked by the database too)."""

    __tablename__ = "stock_items"
    __table_args__ = (CheckConstraint("quantity >= 0", name="ck_stock_items_quantity"),
                      CheckConstraint("reserved >= 0 AND reserved <= quantity", name="ck_stock_items_reserved"))

    item: Mapped[str] = mapped_column(String(20), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)


class StockMovement(Base):
    """Append-only: donations in (+), handovers out (−), with who and why."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item: Mapped[str] = mapped_column(String(20), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    relief_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class SupportPlan(Base):
    """长期帮扶: one goal for a household (job placement, training, micro-loan, public-welfare post)."""

    __tablename__ = "support_plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("hardship_households.id"), index=True)
    goal: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), index=True)  # open / closed
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class FollowUp(Base):
    """A follow-up visit of a plan: due on a day, by an officer; done with an outcome."""

    __tablename__ = "follow_ups"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("support_plans.id"), index=True)
    household_id: Mapped[str] = mapped_column(String(36))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    officer: Mapped[str] = mapped_column(String(200), index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    scheduled_at: Mapped[datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    outcome_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AuditEntry(Base):
    """审计留痕: one state change of a household or a relief case — who, in which role, when,
    what changed field by field ({"field": {"from": …, "to": …}}) and why. Append-only: the
    database refuses UPDATE and DELETE (SQLite triggers below and in migration 0006;
    PostgreSQL statement triggers in migration 0006). Names and ID numbers are never kept
    here, only the masked name: auditors read this trail."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity", "entity", "entity_id", "id"),
                      {"info": {"append_only": True}})  # the runtime role may only insert (common/grants.py)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(20))  # household / relief_case
    entity_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    changes: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)


# -- the audit trail's guards on SQLite (the same text as migration 0006's) --------------------------

AUDIT_SQLITE_TRIGGERS = {
    "audit_entries_no_update": """
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    "audit_entries_no_delete": """
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
}

for _sql in AUDIT_SQLITE_TRIGGERS.values():
    event.listen(AuditEntry.__table__, "after_create", DDL(_sql.strip()).execute_if(dialect="sqlite"))

metadata = Base.metadata
platform_tables(metadata)
