"""equity screening indicators: the summary counts students screened, below benchmark and below
benchmark with no support

The contract's `below_benchmark` (population: students screened that year; event: not at benchmark
in their latest window) and `unsupported_need` (population: students below benchmark that year;
event: no support row of any tier that year) need three more counts per cell of
`equity_cell_counts`: `n_screened`, `below_benchmark`, `unsupported_need`. The columns are added
(0 for existing rows) and the whole summary is recounted from the stored rows with the counting
query as it stands at this revision, written out so the migration never changes with later code.
Every row of every other table is kept; the summary keeps one row per cell, as before.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 03:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = ("n_screened", "below_benchmark", "unsupported_need")

RECOUNT = """
INSERT INTO equity_cell_counts (
    school_year, building_id, race_ethnicity, sex, iep, el, econ_disadv,
    n_students, n_attendance, odr, iss, oss, exclusion, chronic_absence, tier2plus, tier3,
    n_screened, below_benchmark, unsupported_need
)
SELECT s.school_year, s.building_id, COALESCE(s.race_ethnicity, ''), COALESCE(s.sex, ''),
       s.iep, s.el, s.econ_disadv,
       COUNT(*),
       SUM(CASE WHEN a.days_enrolled >= 10 THEN 1 ELSE 0 END),
       SUM(COALESCE(d.odr, 0)),
       SUM(COALESCE(d.iss, 0)),
       SUM(COALESCE(d.oss, 0)),
       SUM(COALESCE(d.exclusion, 0)),
       SUM(CASE WHEN a.days_enrolled >= 10 AND 10 * a.days_absent >= a.days_enrolled
                THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.tier IN (2, 3) THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.tier = 3 THEN 1 ELSE 0 END),
       SUM(CASE WHEN sc.below IS NOT NULL THEN 1 ELSE 0 END),
       SUM(COALESCE(sc.below, 0)),
       SUM(CASE WHEN sc.below = 1 AND p.tier IS NULL THEN 1 ELSE 0 END)
FROM students s
LEFT JOIN (
    SELECT student_id, school_year,
           1 AS odr,
           MAX(CASE WHEN action = 'ISS' THEN 1 ELSE 0 END) AS iss,
           MAX(CASE WHEN action = 'OSS' THEN 1 ELSE 0 END) AS oss,
           MAX(CASE WHEN action IN ('OSS', 'EXP') THEN 1 ELSE 0 END) AS exclusion
    FROM discipline GROUP BY student_id, school_year
) d ON d.student_id = s.student_id AND d.school_year = s.school_year
LEFT JOIN (
    SELECT student_id, school_year, MAX(tier) AS tier
    FROM supports GROUP BY student_id, school_year
) p ON p.student_id = s.student_id AND p.school_year = s.school_year
LEFT JOIN (
    -- below benchmark: not at benchmark (on every measure) in the latest window screened
    SELECT w.student_id, w.school_year, 1 - w.at_benchmark AS below
    FROM (
        SELECT student_id, school_year,
               CASE "window" WHEN 'fall' THEN 1 WHEN 'winter' THEN 2 WHEN 'spring' THEN 3 END
                   AS window_rank,
               MIN(CASE WHEN at_benchmark THEN 1 ELSE 0 END) AS at_benchmark
        FROM screening
        GROUP BY student_id, school_year,
                 CASE "window" WHEN 'fall' THEN 1 WHEN 'winter' THEN 2 WHEN 'spring' THEN 3 END
    ) w
    JOIN (
        SELECT student_id, school_year,
               MAX(CASE "window" WHEN 'fall' THEN 1 WHEN 'winter' THEN 2 WHEN 'spring' THEN 3 END)
                   AS latest
        FROM screening GROUP BY student_id, school_year
    ) l ON l.student_id = w.student_id AND l.school_year = w.school_year
       AND l.latest = w.window_rank
) sc ON sc.student_id = s.student_id AND sc.school_year = s.school_year
LEFT JOIN attendance a ON a.student_id = s.student_id AND a.school_year = s.school_year
GROUP BY s.school_year, s.building_id, COALESCE(s.race_ethnicity, ''), COALESCE(s.sex, ''),
         s.iep, s.el, s.econ_disadv
"""


def upgrade() -> None:
    # The defaults only fill the existing rows before the recount; the columns then have none,
    # like the summary's other counts.
    with op.batch_alter_table("equity_cell_counts") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.execute("DELETE FROM equity_cell_counts")
    op.execute(RECOUNT)
    with op.batch_alter_table("equity_cell_counts") as batch:
        for name in COLUMNS:
            batch.alter_column(name, existing_type=sa.Integer(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("equity_cell_counts") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
