"""discipline days removed: the school days a removal lasted, for the IDEA discipline measures

One nullable column on discipline, checked to be 0 or more. Every existing row is kept, with no
length (NULL): a district that never sent days_removed has none to show.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot alter a table in place (its other constraints are kept).
    with op.batch_alter_table("discipline") as batch:
        batch.add_column(sa.Column("days_removed", sa.Integer(), nullable=True))
        batch.create_check_constraint("ck_discipline_days_removed", "days_removed >= 0")


def downgrade() -> None:
    with op.batch_alter_table("discipline") as batch:
        batch.drop_constraint("ck_discipline_days_removed", type_="check")
        batch.drop_column("days_removed")
