"""student counts: system health's and support need's counts per school year and building (and
screening window, and behaviour "Big 5" breakdown), stored

Derived tables (see data_access/student_counts.py): the app rebuilds them in every transaction that
changes students, attendance, discipline, supports or screening, with the equity summary. This
migration fills them from the rows already in the store, with the counting queries as they stand at
this revision, written out here so the migration never changes with later code.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

STUDENT_COUNTS = (
    "enrolled",
    "tier2_students",
    "tier3_students",
    "screened_any",
    "below_benchmark",
    "below_benchmark_no_support",
    "students_0_1_incidents",
    "students_2_5_incidents",
    "students_6_plus_incidents",
    "incidents",
    "needs_support",
    "supports",
    "supports_ended",
    "supports_goal_met",
)
WINDOW_COUNTS = ("screened", "at_benchmark")

# One row per student, year and window screened: at benchmark on every measure screened in it.
WINDOWS = """
    SELECT student_id, school_year,
           CASE "window" WHEN 'fall' THEN 1 WHEN 'winter' THEN 2 WHEN 'spring' THEN 3 END
               AS window_rank,
           MIN(CASE WHEN at_benchmark THEN 1 ELSE 0 END) AS at_benchmark
    FROM screening
    GROUP BY student_id, school_year,
             CASE "window" WHEN 'fall' THEN 1 WHEN 'winter' THEN 2 WHEN 'spring' THEN 3 END
"""

# A support ended within its school year (1 July to 30 June), with an outcome: ISO dates as text.
ENDED = """CASE WHEN outcome IS NOT NULL
           AND CAST(end_date AS VARCHAR) >= SUBSTR(school_year, 1, 4) || '-07-01'
           AND CAST(end_date AS VARCHAR)
               <= CAST(CAST(SUBSTR(school_year, 1, 4) AS INTEGER) + 1 AS VARCHAR) || '-06-30'
      THEN 1 ELSE 0 END"""

FILL_STUDENTS = f"""
INSERT INTO student_counts (school_year, building_id, {", ".join(STUDENT_COUNTS)})
SELECT s.school_year, s.building_id,
       COUNT(*),
       SUM(CASE WHEN t.tier = 2 THEN 1 ELSE 0 END),
       SUM(CASE WHEN t.tier = 3 THEN 1 ELSE 0 END),
       COUNT(b.student_id),
       SUM(CASE WHEN b.below_benchmark = 1 THEN 1 ELSE 0 END),
       SUM(CASE WHEN b.below_benchmark = 1 AND t.tier IS NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN COALESCE(d.incidents, 0) <= 1 THEN 1 ELSE 0 END),
       SUM(CASE WHEN COALESCE(d.incidents, 0) >= 2 AND COALESCE(d.incidents, 0) <= 5
                THEN 1 ELSE 0 END),
       SUM(CASE WHEN COALESCE(d.incidents, 0) >= 6 THEN 1 ELSE 0 END),
       COALESCE(SUM(d.incidents), 0),
       SUM(CASE WHEN t.tier >= 2
                  OR (a.days_enrolled >= 10 AND 10 * a.days_absent >= a.days_enrolled)
                  OR b.below_benchmark = 1
                THEN 1 ELSE 0 END),
       COALESCE(SUM(p.supports), 0),
       COALESCE(SUM(p.ended), 0),
       COALESCE(SUM(p.goal_met), 0)
FROM students s
LEFT JOIN (
    SELECT student_id, school_year, MAX(tier) AS tier
    FROM supports GROUP BY student_id, school_year
) t ON t.student_id = s.student_id AND t.school_year = s.school_year
LEFT JOIN (
    SELECT l.student_id, l.school_year, 1 - w.at_benchmark AS below_benchmark
    FROM (
        SELECT student_id, school_year, MAX(window_rank) AS latest_window
        FROM ({WINDOWS}) w GROUP BY student_id, school_year
    ) l
    JOIN ({WINDOWS}) w
      ON w.student_id = l.student_id AND w.school_year = l.school_year
     AND w.window_rank = l.latest_window
) b ON b.student_id = s.student_id AND b.school_year = s.school_year
LEFT JOIN (
    SELECT student_id, school_year, COUNT(*) AS incidents
    FROM discipline GROUP BY student_id, school_year
) d ON d.student_id = s.student_id AND d.school_year = s.school_year
LEFT JOIN (
    SELECT student_id, school_year, COUNT(*) AS supports,
           SUM({ENDED}) AS ended,
           SUM(CASE WHEN {ENDED} = 1 AND outcome = 'goal_met' THEN 1 ELSE 0 END) AS goal_met
    FROM supports GROUP BY student_id, school_year
) p ON p.student_id = s.student_id AND p.school_year = s.school_year
LEFT JOIN attendance a ON a.student_id = s.student_id AND a.school_year = s.school_year
GROUP BY s.school_year, s.building_id
"""

FILL_WINDOWS = f"""
INSERT INTO screening_window_counts (school_year, building_id, "window", screened, at_benchmark)
SELECT s.school_year, s.building_id,
       CASE w.window_rank WHEN 1 THEN 'fall' WHEN 2 THEN 'winter' WHEN 3 THEN 'spring' END,
       COUNT(*), SUM(w.at_benchmark)
FROM ({WINDOWS}) w
JOIN students s ON s.student_id = w.student_id AND s.school_year = w.school_year
GROUP BY s.school_year, s.building_id, w.window_rank
"""


# The behaviour "Big 5" breakdowns: the key as text (month YYYYMM, weekday 0 Sunday .. 6).
BREAKDOWNS = {
    "month": "SUBSTR(CAST(d.incident_date AS VARCHAR), 1, 4)"
    " || SUBSTR(CAST(d.incident_date AS VARCHAR), 6, 2)",
    "behavior": "COALESCE(d.behavior, '')",
    "location": "COALESCE(d.location, '')",
    "hour": "COALESCE(SUBSTR(d.incident_time, 1, 2), '')",
}
WEEKDAY = {
    "sqlite": "STRFTIME('%w', d.incident_date)",
    "postgresql": "CAST(CAST(EXTRACT(DOW FROM d.incident_date) AS INTEGER) AS VARCHAR)",
}
FILL_REFERRALS = """
INSERT INTO referral_counts (school_year, building_id, referral_type, breakdown, "key", incidents)
SELECT d.school_year, s.building_id, d.referral_type, '{breakdown}', {key}, COUNT(*)
FROM discipline d
JOIN students s ON s.student_id = d.student_id AND s.school_year = d.school_year
GROUP BY d.school_year, s.building_id, d.referral_type, {key}
"""


def _keys() -> list[sa.Column]:
    return [
        sa.Column("school_year", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("building_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "student_counts",
        *_keys(),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in STUDENT_COUNTS),
        sa.PrimaryKeyConstraint("school_year", "building_id"),
    )
    op.create_table(
        "screening_window_counts",
        *_keys(),
        sa.Column("window", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in WINDOW_COUNTS),
        sa.PrimaryKeyConstraint("school_year", "building_id", "window"),
    )
    op.create_table(
        "referral_counts",
        *_keys(),
        sa.Column("referral_type", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("breakdown", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("incidents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("school_year", "building_id", "referral_type", "breakdown", "key"),
    )
    op.execute(FILL_STUDENTS)
    op.execute(FILL_WINDOWS)
    weekday = WEEKDAY[op.get_bind().dialect.name]
    for breakdown, key in {**BREAKDOWNS, "weekday": weekday}.items():
        op.execute(FILL_REFERRALS.format(breakdown=breakdown, key=key))


def downgrade() -> None:
    op.drop_table("referral_counts")
    op.drop_table("screening_window_counts")
    op.drop_table("student_counts")
