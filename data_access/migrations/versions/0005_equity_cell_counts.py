"""equity cell counts: the equity counts per school year, building and demographic cell, stored

A derived table (see data_access/equity/summary.py): the app rebuilds it in every transaction that
changes students, attendance, discipline or supports. This migration fills it from the rows already in
the store, with the counting query as it stands at this revision, written out here so the migration
never changes with later code.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 14:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COUNTS = (
    "n_students",
    "n_attendance",
    "odr",
    "iss",
    "oss",
    "exclusion",
    "chronic_absence",
    "tier2plus",
    "tier3",
)

FILL = """
INSERT INTO equity_cell_counts (
    school_year, building_id, race_ethnicity, sex, iep, el, econ_disadv,
    n_students, n_attendance, odr, iss, oss, exclusion, chronic_absence, tier2plus, tier3
)
SELECT s.school_year, s.building_id, s.race_ethnicity, s.sex, s.iep, s.el, s.econ_disadv,
       COUNT(*),
       SUM(CASE WHEN a.days_enrolled >= 10 THEN 1 ELSE 0 END),
       SUM(COALESCE(d.odr, 0)),
       SUM(COALESCE(d.iss, 0)),
       SUM(COALESCE(d.oss, 0)),
       SUM(COALESCE(d.exclusion, 0)),
       SUM(CASE WHEN a.days_enrolled >= 10 AND 10 * a.days_absent >= a.days_enrolled
                THEN 1 ELSE 0 END),
       SUM(COALESCE(p.tier2plus, 0)),
       SUM(COALESCE(p.tier3, 0))
FROM students s
LEFT JOIN (
    SELECT student_id, school_year,
           MAX(CASE WHEN action = 'ODR' THEN 1 ELSE 0 END) AS odr,
           MAX(CASE WHEN action = 'ISS' THEN 1 ELSE 0 END) AS iss,
           MAX(CASE WHEN action = 'OSS' THEN 1 ELSE 0 END) AS oss,
           MAX(CASE WHEN action IN ('OSS', 'EXP') THEN 1 ELSE 0 END) AS exclusion
    FROM discipline GROUP BY student_id, school_year
) d ON d.student_id = s.student_id AND d.school_year = s.school_year
LEFT JOIN (
    SELECT student_id, school_year,
           MAX(CASE WHEN tier IN (2, 3) THEN 1 ELSE 0 END) AS tier2plus,
           MAX(CASE WHEN tier = 3 THEN 1 ELSE 0 END) AS tier3
    FROM supports GROUP BY student_id, school_year
) p ON p.student_id = s.student_id AND p.school_year = s.school_year
LEFT JOIN attendance a ON a.student_id = s.student_id AND a.school_year = s.school_year
GROUP BY s.school_year, s.building_id, s.race_ethnicity, s.sex, s.iep, s.el, s.econ_disadv
"""


def upgrade() -> None:
    op.create_table(
        "equity_cell_counts",
        sa.Column("school_year", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("building_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("race_ethnicity", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("sex", sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
        sa.Column("iep", sa.Boolean(), nullable=False),
        sa.Column("el", sa.Boolean(), nullable=False),
        sa.Column("econ_disadv", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint(
            "school_year", "building_id", "race_ethnicity", "sex", "iep", "el", "econ_disadv"
        ),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("equity_cell_counts")
