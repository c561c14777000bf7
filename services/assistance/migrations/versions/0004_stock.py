"""In-kind stock (物资): items on hand and reserved for approved cases, and the append-only
movements; a case's delivery note (the recipient's confirmation).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stock_items",
        sa.Column("item", sa.String(20), primary_key=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("reserved", sa.Integer, nullable=False),
        sa.CheckConstraint("quantity >= 0", name="ck_stock_items_quantity"),
        sa.CheckConstraint("reserved >= 0 AND reserved <= quantity", name="ck_stock_items_reserved"),
    )
    items = sa.table("stock_items", sa.column("item", sa.String), sa.column("quantity", sa.Integer),
                     sa.column("reserved", sa.Integer))
    op.bulk_insert(items, [{"item": i, "quantity": 0, "reserved": 0}
                           for i in ("furniture", "bedding", "cookware", "appliances")])
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item", sa.String(20), nullable=False),
        sa.Column("delta", sa.Integer, nullable=False),
        sa.Column("relief_id", sa.String(36), nullable=True),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_stock_movements_item", "stock_movements", ["item"])
    op.create_index("ix_stock_movements_at", "stock_movements", ["at"])
    with op.batch_alter_table("relief_cases") as batch:
        batch.add_column(sa.Column("delivery_note", sa.String(500), nullable=True))


def downgrade():
    with op.batch_alter_table("relief_cases") as batch:
        batch.drop_column("delivery_note")
    op.drop_table("stock_movements")
    op.drop_table("stock_items")
