"""Applicants, applications, household members, preferences, reviews, objections, policies,
points, re-checks.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "applicants",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("district", sa.String(40), nullable=False),
        sa.Column("person_ref", sa.String(40), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("name_masked", sa.String(40), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("email", sa.String(120), nullable=True),
        _ts("updated_at"),
        sa.UniqueConstraint("district", "person_ref", name="uq_applicants_district_person"),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.String(36), sa.ForeignKey("applicants.id"), nullable=False),
        sa.Column("person_ref", sa.String(40), nullable=False),
        sa.Column("district", sa.String(40), nullable=False),
        sa.Column("programme", sa.String(30), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("active_key", sa.String(80), nullable=True),
        sa.Column("enterprise", sa.String(80), nullable=True),
        sa.Column("hire_date", sa.Date(), nullable=True),
        sa.Column("union_member", sa.Boolean(), nullable=True),
        sa.Column("honour", sa.String(20), nullable=True),
        sa.Column("frontline", sa.Boolean(), nullable=False),
        sa.Column("needs_accessible", sa.Boolean(), nullable=False),
        sa.Column("monthly_household_income_fen", sa.BigInteger(), nullable=True),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("housing_kind", sa.String(20), nullable=True),
        sa.Column("housing_area_hundredths", sa.Integer(), nullable=True),
        sa.Column("policy_version", sa.Integer(), nullable=True),
        sa.Column("needs_city_review", sa.Boolean(), nullable=False),
        sa.Column("notice_period_days", sa.Integer(), nullable=False),
        _ts("first_submitted_at", True),
        _ts("notice_started_at", True),
        _ts("notice_ends_at", True),
        sa.Column("open_objections", sa.Integer(), nullable=False),
        sa.Column("objections_filed", sa.Integer(), nullable=False),
        _ts("approved_at", True),
        sa.Column("eligibility", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("active_key", name="uq_applications_active_key"),
    )
    op.create_index("ix_applications_state", "applications", ["state", "programme"])
    op.create_index("ix_applications_person", "applications", ["person_ref"])
    op.create_table(
        "household_members",
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False),
        sa.Column("person_ref", sa.String(40), nullable=False),
        sa.Column("monthly_income_fen", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "preferences",
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("rank", sa.Integer(), primary_key=True),
        sa.Column("choice", sa.String(40), nullable=False),
    )
    op.create_table(
        "reviews",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        _ts("at"),
        sa.Column("reasons", sa.JSON(), nullable=False),
    )
    op.create_index("ix_reviews_application", "reviews", ["application_id"])
    op.create_table(
        "objections",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _ts("filed_at"),
        _ts("resolved_at", True),
        sa.Column("upheld", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_objections_application", "objections", ["application_id"])
    op.create_table(
        "policies",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("kind", "version", name="uq_policies_kind_version"),
    )
    op.create_table(
        "application_points",
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("years_of_service", sa.Integer(), nullable=False),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("hardship_category", sa.String(30), nullable=True),
        sa.Column("honour", sa.String(20), nullable=True),
        sa.Column("frontline", sa.Boolean(), nullable=False),
        sa.Column("months_waiting", sa.Integer(), nullable=False),
        sa.Column("total_tenths", sa.Integer(), nullable=False),
        _ts("computed_at"),
    )
    op.create_table(
        "rechecks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        _ts("created_at"),
    )
    op.create_table(
        "recheck_items",
        sa.Column("recheck_id", sa.String(36), sa.ForeignKey("rechecks.id"), primary_key=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), primary_key=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("confirmed_by", sa.String(200), nullable=True),
        _ts("confirmed_at", True),
    )


def downgrade():
    op.drop_table("recheck_items")
    op.drop_table("rechecks")
    op.drop_table("application_points")
    op.drop_table("policies")
    op.drop_index("ix_objections_application", table_name="objections")
    op.drop_table("objections")
    op.drop_index("ix_reviews_application", table_name="reviews")
    op.drop_table("reviews")
    op.drop_table("preferences")
    op.drop_table("household_members")
    op.drop_index("ix_applications_person", table_name="applications")
    op.drop_index("ix_applications_state", table_name="applications")
    op.drop_table("applications")
    op.drop_table("applicants")
