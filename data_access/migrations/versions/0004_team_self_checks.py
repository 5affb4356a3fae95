"""team self-checks: the leadership team rating itself (SHARED-LEADERSHIP is built in)

A new table, one row per instrument, administration date and item, with no building: the team is the
district's. Nothing existing changes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 12:29:57.673429
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_self_checks",
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("administered_on", sa.Date(), nullable=False),
        sa.Column("item_id", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.CheckConstraint("score >= 0", name="ck_team_self_checks_score"),
        sa.ForeignKeyConstraint(
            ["instrument", "item_id"],
            ["instruments.instrument", "instruments.item_id"],
            name="fk_team_self_checks_item",
        ),
        sa.PrimaryKeyConstraint("instrument", "administered_on", "item_id"),
    )


def downgrade() -> None:
    op.drop_table("team_self_checks")
