"""staff wellbeing data: staff start and end dates, supervision themes, the anonymous staff pulse

- staff.start_date, staff.end_date (nullable; end on or after start): for retention.
- supervision_themes: one row per session and theme from a fixed list (never case content).
- staff_pulse: one anonymous pulse response per row (building and role, no staff_id at all).
Every existing row is kept; existing staff have no dates and existing sessions no themes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

THEMES = (
    "safeguarding",
    "mental_health",
    "attendance",
    "behavior",
    "family",
    "workload",
    "caseload",
    "wellbeing",
    "professional_learning",
    "other",
)
STAFF_ROLES = (
    "counselor",
    "psychologist",
    "social_worker",
    "nurse",
    "intervention_specialist",
    "behavior_specialist",
    "safeguarding_lead",
    "coach",
    "administrator",
    "other",
)
PULSE_ITEMS = ("workload", "supported", "supervision_helpful", "drained")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: on SQLite batch mode copies and drops staff, which the
    # supervision, caseloads and assignments rows refer to (foreign keys are on). The end-on-or-
    # after-start check is then a constraint on PostgreSQL only; on SQLite the importer (the one
    # way staff dates are written) checks it.
    op.add_column("staff", sa.Column("start_date", sa.Date(), nullable=True))
    op.add_column("staff", sa.Column("end_date", sa.Date(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(
            "ck_staff_dates",
            "staff",
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date",
        )
    op.create_table(
        "supervision_themes",
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.CheckConstraint(_one_of("theme", THEMES), name="ck_supervision_themes_theme"),
        sa.ForeignKeyConstraint(["session_id"], ["supervision.session_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "theme"),
    )
    with op.batch_alter_table("supervision_themes") as batch:
        batch.create_index("ix_supervision_themes_theme", ["theme"], unique=False)
    op.create_table(
        "staff_pulse",
        sa.Column("response_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("building_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=False),
        *(sa.Column(item, sa.Integer(), nullable=False) for item in PULSE_ITEMS),
        sa.Column("intend_to_stay", sa.Boolean(), nullable=True),
        sa.CheckConstraint(_one_of("role", STAFF_ROLES), name="ck_staff_pulse_role"),
        *(
            sa.CheckConstraint(f"{item} >= 1 AND {item} <= 5", name=f"ck_staff_pulse_{item}")
            for item in PULSE_ITEMS
        ),
        sa.ForeignKeyConstraint(["building_id"], ["buildings.building_id"]),
        sa.PrimaryKeyConstraint("response_id"),
    )
    with op.batch_alter_table("staff_pulse") as batch:
        batch.create_index(
            "ix_staff_pulse_building_date", ["building_id", "responded_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_pulse") as batch:
        batch.drop_index("ix_staff_pulse_building_date")
    op.drop_table("staff_pulse")
    with op.batch_alter_table("supervision_themes") as batch:
        batch.drop_index("ix_supervision_themes_theme")
    op.drop_table("supervision_themes")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("ck_staff_dates", "staff", type_="check")
    op.drop_column("staff", "end_date")
    op.drop_column("staff", "start_date")
