"""import mappings: saved, versioned mappings of a district's own file layouts and local codes
onto the contract's tables (a behaviour system's referral export onto `discipline`)

Two new tables; no existing row changes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_mappings",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("saved_by", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("saved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "table_name IN ('discipline', 'students')", name="ck_import_mappings_table"
        ),
        sa.CheckConstraint("version >= 1", name="ck_import_mappings_version"),
        sa.PrimaryKeyConstraint("name", "version"),
    )
    op.create_table(
        "import_mapping_entries",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.CheckConstraint("kind IN ('column', 'code')", name="ck_import_mapping_entries_kind"),
        sa.ForeignKeyConstraint(
            ["name", "version"],
            ["import_mappings.name", "import_mappings.version"],
            name="fk_import_mapping_entries_mapping",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name", "version", "kind", "target", "source"),
    )


def downgrade() -> None:
    op.drop_table("import_mapping_entries")
    op.drop_table("import_mappings")
