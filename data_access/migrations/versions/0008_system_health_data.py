"""system health data: referral details, support outcomes and sessions, screening risk, the calendar

- discipline: referral_type (major, minor; every existing row becomes major), behavior, location,
  incident_time (HH:MM, a checked string: the same on SQLite and PostgreSQL);
- supports: outcome (goal_met, progressing, not_responding, intensified, discontinued),
  sessions_planned, sessions_delivered (0 or more);
- screening: risk_level (low, some, high);
- school_calendar: school days per month of a school year, per building or for `ALL` buildings.

Every existing row is kept; the new columns of existing rows are empty (referral_type: major).

The `odr` equity indicator now counts every incident (a referral that ended in ISS, OSS or EXP is
still a referral), so the equity summary is recounted here with the counting query as it stands at
this revision, written out so the migration never changes with later code.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

HHMM = (
    "length({c}) = 5 AND substr({c}, 3, 1) = ':' AND substr({c}, 1, 2) BETWEEN '00' AND '23'"
    " AND substr({c}, 4, 2) BETWEEN '00' AND '59'"
)
MONTH = (
    "length({c}) = 7 AND substr({c}, 5, 1) = '-' AND substr({c}, 1, 4) BETWEEN '1900' AND '2999'"
    " AND substr({c}, 6, 2) BETWEEN '01' AND '12'"
)

RECOUNT = """
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
           1 AS odr,
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


def _text(length: int):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    # batch mode: SQLite cannot alter a table in place (its other constraints are kept).
    with op.batch_alter_table("discipline") as batch:
        batch.add_column(
            sa.Column("referral_type", _text(5), nullable=False, server_default="major")
        )
        batch.add_column(sa.Column("behavior", _text(80), nullable=True))
        batch.add_column(sa.Column("location", _text(80), nullable=True))
        batch.add_column(sa.Column("incident_time", _text(5), nullable=True))
        batch.create_check_constraint(
            "ck_discipline_referral_type", "referral_type IN ('major', 'minor')"
        )
        batch.create_check_constraint("ck_discipline_incident_time", HHMM.format(c="incident_time"))
    with op.batch_alter_table("supports") as batch:
        batch.add_column(sa.Column("outcome", _text(20), nullable=True))
        batch.add_column(sa.Column("sessions_planned", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sessions_delivered", sa.Integer(), nullable=True))
        batch.create_check_constraint(
            "ck_supports_outcome",
            "outcome IN ('goal_met', 'progressing', 'not_responding', 'intensified', "
            "'discontinued')",
        )
        batch.create_check_constraint("ck_supports_sessions_planned", "sessions_planned >= 0")
        batch.create_check_constraint("ck_supports_sessions_delivered", "sessions_delivered >= 0")
    with op.batch_alter_table("screening") as batch:
        batch.add_column(sa.Column("risk_level", _text(4), nullable=True))
        batch.create_check_constraint(
            "ck_screening_risk_level", "risk_level IN ('low', 'some', 'high')"
        )
    op.create_table(
        "school_calendar",
        sa.Column("school_year", _text(7), nullable=False),
        sa.Column("building_id", _text(40), nullable=False),
        sa.Column("month", _text(7), nullable=False),
        sa.Column("school_days", sa.Integer(), nullable=False),
        sa.CheckConstraint(MONTH.format(c="month"), name="ck_school_calendar_month"),
        sa.CheckConstraint(
            "school_days >= 0 AND school_days <= 31", name="ck_school_calendar_school_days"
        ),
        sa.PrimaryKeyConstraint("school_year", "building_id", "month"),
    )
    # The odr indicator's new rule: recount the whole equity summary from the stored rows.
    op.execute("DELETE FROM equity_cell_counts")
    op.execute(RECOUNT)


def downgrade() -> None:
    op.drop_table("school_calendar")
    with op.batch_alter_table("screening") as batch:
        batch.drop_constraint("ck_screening_risk_level", type_="check")
        batch.drop_column("risk_level")
    with op.batch_alter_table("supports") as batch:
        batch.drop_constraint("ck_supports_sessions_delivered", type_="check")
        batch.drop_constraint("ck_supports_sessions_planned", type_="check")
        batch.drop_constraint("ck_supports_outcome", type_="check")
        batch.drop_column("sessions_delivered")
        batch.drop_column("sessions_planned")
        batch.drop_column("outcome")
    with op.batch_alter_table("discipline") as batch:
        batch.drop_constraint("ck_discipline_incident_time", type_="check")
        batch.drop_constraint("ck_discipline_referral_type", type_="check")
        batch.drop_column("incident_time")
        batch.drop_column("location")
        batch.drop_column("behavior")
        batch.drop_column("referral_type")
