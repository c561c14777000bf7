"""Household claims (one active application per person, applicant or member, and programme),
merged duplicate objections, and the indexes the lists and searches use.

Existing active applications are claimed oldest first; a person already claimed by an older
active application is left unclaimed in the newer one (such a pair predates the rule: staff
find it with the lists and withdraw one).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_CLAIM_ALL = """
INSERT INTO household_claims (programme, person_ref, application_id, relation)
SELECT programme, person_ref, application_id, relation FROM (
    SELECT a.programme AS programme, a.person_ref AS person_ref, a.id AS application_id, 'applicant' AS relation,
           a.created_at AS created_at, 0 AS position
    FROM applications a WHERE a.active_key IS NOT NULL
    UNION ALL
    SELECT a.programme, m.person_ref, a.id, m.relation, a.created_at, m.position + 1
    FROM applications a JOIN household_members m ON m.application_id = a.id WHERE a.active_key IS NOT NULL
) AS everyone
WHERE true
ORDER BY created_at, application_id, position
ON CONFLICT DO NOTHING
"""


def upgrade():
    op.create_table(
        "household_claims",
        sa.Column("programme", sa.String(30), primary_key=True),
        sa.Column("person_ref", sa.String(40), primary_key=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
    )
    op.create_index("ix_household_claims_application", "household_claims", ["application_id"])
    op.execute(_CLAIM_ALL)
    with op.batch_alter_table("objections") as batch:
        batch.add_column(sa.Column("duplicate_of", sa.String(36), nullable=True))
    op.create_index("ix_applicants_name_masked", "applicants", ["name_masked"])
    op.create_index("ix_applications_enterprise", "applications", ["enterprise", "state"])
    op.create_index("ix_applications_submitted", "applications", ["first_submitted_at"])
    op.create_index("ix_applications_created", "applications", ["created_at"])
    op.create_index("ix_recheck_items_application", "recheck_items", ["application_id", "outcome"])


def downgrade():
    op.drop_index("ix_recheck_items_application", table_name="recheck_items")
    op.drop_index("ix_applications_created", table_name="applications")
    op.drop_index("ix_applications_submitted", table_name="applications")
    op.drop_index("ix_applications_enterprise", table_name="applications")
    op.drop_index("ix_applicants_name_masked", table_name="applicants")
    with op.batch_alter_table("objections") as batch:
        batch.drop_column("duplicate_of")
    op.drop_index("ix_household_claims_application", table_name="household_claims")
    op.drop_table("household_claims")
