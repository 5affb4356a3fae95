"""students unknown values: grade, race_ethnicity and sex may be NULL (unknown)

A OneRoster student with no demographics row, no race flag or no grade is imported with that value
unknown instead of refusing the whole roster. Every existing row is kept as it is; the check
constraints stay (NULL passes a CHECK ... IN (...)). The equity summary counts an unknown race or sex
as the cell '' (in every total, in no group).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = (("grade", 2), ("race_ethnicity", 2), ("sex", 1))


def upgrade() -> None:
    # batch mode: SQLite cannot alter a column in place (its other constraints are kept).
    with op.batch_alter_table("students") as batch:
        for name, length in COLUMNS:
            batch.alter_column(name, existing_type=sa.String(length), nullable=True)


def downgrade() -> None:
    # The older schema has no unknown value: refuse rather than invent one or drop students.
    unknown = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT count(*) FROM students WHERE grade IS NULL OR race_ethnicity IS NULL OR sex IS NULL"
            )
        )
        .scalar_one()
    )
    if unknown:
        raise RuntimeError(
            f"{unknown} students have an unknown grade, race/ethnicity or sex; give them values "
            "before downgrading below 0010"
        )
    with op.batch_alter_table("students") as batch:
        for name, length in COLUMNS:
            batch.alter_column(name, existing_type=sa.String(length), nullable=False)
