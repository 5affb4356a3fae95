"""supervision series and groups: link the sessions the app schedules together

Two nullable columns on `supervision`: `series_id` (every date of one recurring series) and
`group_id` (the rows of one group session, one per supervisee). Existing rows keep NULL in both, so
imported and earlier sessions are untouched. On SQLite, adding a nullable column needs no table copy.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 11:40:32.358965
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("supervision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("series_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch_op.add_column(
            sa.Column("group_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("supervision", schema=None) as batch_op:
        batch_op.drop_column("group_id")
        batch_op.drop_column("series_id")
