"""data area versions: the data version of each area's last write, so a write to one area (a
follow-up action) leaves results that read only other areas (fidelity scores) warm

A new table, one row per area, each starting at the store's current data version (as if every area
had just been written: nothing cached before the upgrade is reused). No existing row changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# As data_access.db.AREAS at this revision (a migration never imports the code it migrates).
AREAS = ("actions", "fidelity", "staff", "students", "team", "users")


def upgrade() -> None:
    table = op.create_table(
        "data_area_versions",
        sa.Column("area", sa.String(length=30), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
    )
    version = op.get_bind().execute(sa.text("SELECT version FROM data_version WHERE id = 1"))
    current = version.scalar() or 0
    op.bulk_insert(table, [{"area": area, "version": current} for area in AREAS])


def downgrade() -> None:
    op.drop_table("data_area_versions")
