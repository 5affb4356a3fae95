"""Every table of the store. Names follow the data contract (../shared/DATA_CONTRACT.md) exactly.

Codes (levels, roles, race/ethnicity, ...) are also enforced by CHECK constraints, so no path into the
store (an import, a form, a script) can leave a row that the pages would misread.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, Text
from sqlmodel import Column, Field, SQLModel

LEVELS = ("elementary", "middle", "high", "k8", "other")
GRADES = ("PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")
RACE_ETHNICITY = ("HI", "AM", "AS", "HP", "BL", "WH", "TR")
SEXES = ("F", "M", "X")
DISCIPLINE_ACTIONS = ("ODR", "ISS", "OSS", "EXP")
SUPPORT_DOMAINS = ("reading", "math", "behavior", "sel", "attendance", "other")
SCREENING_WINDOWS = ("fall", "winter", "spring")
REFERRAL_TYPES = ("major", "minor")
SUPPORT_OUTCOMES = ("goal_met", "progressing", "not_responding", "intensified", "discontinued")
RISK_LEVELS = ("low", "some", "high")
CALENDAR_ALL_BUILDINGS = "ALL"  # a school_calendar row for every building without its own rows
# HH:MM (24-hour) and YYYY-MM kept as checked strings: the same on SQLite and PostgreSQL.
HHMM_CHECK = (
    "length({c}) = 5 AND substr({c}, 3, 1) = ':' AND substr({c}, 1, 2) BETWEEN '00' AND '23'"
    " AND substr({c}, 4, 2) BETWEEN '00' AND '59'"
)
MONTH_CHECK = (
    "length({c}) = 7 AND substr({c}, 5, 1) = '-' AND substr({c}, 1, 4) BETWEEN '1900' AND '2999'"
    " AND substr({c}, 6, 2) BETWEEN '01' AND '12'"
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
SUPERVISION_FORMATS = ("individual", "group")
SUPERVISION_STATUSES = ("scheduled", "held", "cancelled")
SUPERVISION_THEMES = (
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
PULSE_ITEMS = ("workload", "supported", "supervision_helpful", "drained")
USER_ROLES = ("district_admin", "district_leader", "principal", "coach", "viewer")
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
FIDELITY_CHECKS = ("not_started", "partial", "implemented", "stopped")
OUTCOME_CHECKS = ("worse", "no_change", "improved_not_to_goal", "goal_met")
ACTION_SOURCES = ("fidelity_item", "equity_cell", "staff_support_gap", "meeting", "other")
TEAM_CATEGORIES = (
    "administrator",
    "educator",
    "family_learner",
    "community",
    "pupil_services",
    "school_board",
)


def utc_now() -> datetime:
    """Timestamps are timezone-aware UTC; SQLModel stores and returns them as UTC on every database."""
    return datetime.now(UTC)


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


def student_year_fk(table: str) -> ForeignKeyConstraint:
    # A student's rows for a year count toward the building on their students row for that year.
    return ForeignKeyConstraint(
        ["student_id", "school_year"],
        ["students.student_id", "students.school_year"],
        name=f"fk_{table}_student_year",
        ondelete="CASCADE",
    )


# --- District structure ---------------------------------------------------------------------------


class Building(SQLModel, table=True):
    __tablename__ = "buildings"
    __table_args__ = (one_of("level", LEVELS, "ck_buildings_level"),)

    building_id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    level: str = Field(max_length=20)
    principal_email: str | None = Field(default=None, max_length=254)


class Student(SQLModel, table=True):
    """One row per student and school year: pseudonymous ID and the groups equity reporting needs.
    Names, birth dates and addresses are never stored."""

    __tablename__ = "students"
    __table_args__ = (
        one_of("grade", GRADES, "ck_students_grade"),
        one_of("race_ethnicity", RACE_ETHNICITY, "ck_students_race_ethnicity"),
        one_of("sex", SEXES, "ck_students_sex"),
        Index("ix_students_year_building", "school_year", "building_id"),
    )

    student_id: str = Field(primary_key=True, max_length=40)
    school_year: str = Field(primary_key=True, max_length=7)
    building_id: str = Field(foreign_key="buildings.building_id", max_length=40)
    # NULL: unknown (a OneRoster student with no grade or demographics). Counted in enrollment and
    # the groups the student belongs to, never in a race/ethnicity or sex group.
    grade: str | None = Field(default=None, max_length=2)
    race_ethnicity: str | None = Field(default=None, max_length=2)
    sex: str | None = Field(default=None, max_length=1)
    iep: bool
    el: bool
    econ_disadv: bool
    section_504: bool = False


class Attendance(SQLModel, table=True):
    __tablename__ = "attendance"
    __table_args__ = (
        student_year_fk("attendance"),
        CheckConstraint(
            "days_absent >= 0 AND days_absent <= days_enrolled", name="ck_attendance_days"
        ),
        Index("ix_attendance_year", "school_year"),
    )

    student_id: str = Field(primary_key=True, max_length=40)
    school_year: str = Field(primary_key=True, max_length=7)
    days_enrolled: int = Field(ge=0)
    days_absent: int = Field(ge=0)


class Discipline(SQLModel, table=True):
    __tablename__ = "discipline"
    __table_args__ = (
        student_year_fk("discipline"),
        one_of("action", DISCIPLINE_ACTIONS, "ck_discipline_action"),
        CheckConstraint("days_removed >= 0", name="ck_discipline_days_removed"),
        one_of("referral_type", REFERRAL_TYPES, "ck_discipline_referral_type"),
        CheckConstraint(HHMM_CHECK.format(c="incident_time"), name="ck_discipline_incident_time"),
        Index("ix_discipline_year_student", "school_year", "student_id"),
    )

    incident_id: str = Field(primary_key=True, max_length=40)
    student_id: str = Field(max_length=40)
    school_year: str = Field(max_length=7)
    incident_date: date
    action: str = Field(max_length=3)
    # School days the student was removed for this incident (ISS, OSS, EXP); None when not given.
    # The IDEA discipline measures split removals by their total in a school year (10 or fewer,
    # more than 10).
    days_removed: int | None = None
    # Major (office-managed) or minor (classroom-managed); rows from before 0008 are major.
    referral_type: str = Field(
        default="major", max_length=5, sa_column_kwargs={"server_default": "major"}
    )
    behavior: str | None = Field(default=None, max_length=80)
    location: str | None = Field(default=None, max_length=80)
    incident_time: str | None = Field(default=None, max_length=5)  # HH:MM, 24-hour


class Support(SQLModel, table=True):
    """A Tier 2 or Tier 3 intervention a student received."""

    __tablename__ = "supports"
    __table_args__ = (
        student_year_fk("supports"),
        one_of("domain", SUPPORT_DOMAINS, "ck_supports_domain"),
        CheckConstraint("tier IN (2, 3)", name="ck_supports_tier"),
        one_of("outcome", SUPPORT_OUTCOMES, "ck_supports_outcome"),
        CheckConstraint("sessions_planned >= 0", name="ck_supports_sessions_planned"),
        CheckConstraint("sessions_delivered >= 0", name="ck_supports_sessions_delivered"),
        Index("ix_supports_year_student", "school_year", "student_id"),
    )

    support_id: str = Field(primary_key=True, max_length=40)
    student_id: str = Field(max_length=40)
    school_year: str = Field(max_length=7)
    domain: str = Field(max_length=20)
    tier: int
    intervention: str = Field(max_length=200)
    start_date: date
    end_date: date | None = None
    champion_staff_id: str | None = Field(default=None, foreign_key="staff.staff_id", max_length=40)
    outcome: str | None = Field(default=None, max_length=20)  # None while unknown or continuing
    sessions_planned: int | None = None
    sessions_delivered: int | None = None


class Screening(SQLModel, table=True):
    __tablename__ = "screening"
    __table_args__ = (
        student_year_fk("screening"),
        one_of('"window"', SCREENING_WINDOWS, "ck_screening_window"),
        one_of("risk_level", RISK_LEVELS, "ck_screening_risk_level"),
        Index("ix_screening_year", "school_year"),
    )

    student_id: str = Field(primary_key=True, max_length=40)
    school_year: str = Field(primary_key=True, max_length=7)
    window: str = Field(primary_key=True, max_length=10)
    measure: str = Field(primary_key=True, max_length=80)
    at_benchmark: bool
    risk_level: str | None = Field(default=None, max_length=4)


class SchoolCalendar(SQLModel, table=True):
    """School days per month of a school year, for a building or (building_id `ALL`) every building
    without its own rows: the denominator of referrals per 100 students per school day."""

    __tablename__ = "school_calendar"
    __table_args__ = (
        CheckConstraint(MONTH_CHECK.format(c="month"), name="ck_school_calendar_month"),
        CheckConstraint(
            "school_days >= 0 AND school_days <= 31", name="ck_school_calendar_school_days"
        ),
    )

    school_year: str = Field(primary_key=True, max_length=7)
    building_id: str = Field(primary_key=True, max_length=40)  # a building_id or ALL; no key to it
    month: str = Field(primary_key=True, max_length=7)  # YYYY-MM
    school_days: int


# --- Implementation fidelity ----------------------------------------------------------------------


class InstrumentItem(SQLModel, table=True):
    """An instrument is data: its items, scales, subscales, maximum scores and criteria."""

    __tablename__ = "instruments"
    __table_args__ = (
        CheckConstraint("max_score >= 1", name="ck_instruments_max_score"),
        CheckConstraint(
            "criterion_pct >= 0 AND criterion_pct <= 100", name="ck_instruments_criterion"
        ),
    )

    instrument: str = Field(primary_key=True, max_length=60)
    item_id: str = Field(primary_key=True, max_length=20)
    scale: str = Field(max_length=80)
    item_title: str = Field(max_length=300)
    max_score: int
    criterion_pct: float
    subscale: str | None = Field(default=None, max_length=80)
    # Order of the item within the instrument, so "1.10" follows "1.9" on every page.
    position: int = 0


class FidelityScore(SQLModel, table=True):
    __tablename__ = "fidelity"
    __table_args__ = (
        ForeignKeyConstraint(
            ["instrument", "item_id"],
            ["instruments.instrument", "instruments.item_id"],
            name="fk_fidelity_item",
        ),
        CheckConstraint("score >= 0", name="ck_fidelity_score"),
        Index("ix_fidelity_instrument_date", "instrument", "administered_on"),
    )

    building_id: str = Field(primary_key=True, foreign_key="buildings.building_id", max_length=40)
    instrument: str = Field(primary_key=True, max_length=60)
    administered_on: date = Field(primary_key=True)
    item_id: str = Field(primary_key=True, max_length=20)
    score: int


# --- Staff support --------------------------------------------------------------------------------


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    __table_args__ = (
        one_of("role", STAFF_ROLES, "ck_staff_role"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date",
            name="ck_staff_dates",
        ),
    )

    staff_id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    role: str = Field(max_length=30)
    email: str | None = Field(default=None, max_length=254)
    start_date: date | None = None  # when they started with the district (retention)
    end_date: date | None = None  # when they left; empty while they are with the district


class StaffAssignment(SQLModel, table=True):
    __tablename__ = "staff_assignments"
    __table_args__ = (
        CheckConstraint("fte > 0 AND fte <= 1", name="ck_staff_assignments_fte"),
        Index("ix_staff_assignments_year_building", "school_year", "building_id"),
    )

    staff_id: str = Field(primary_key=True, foreign_key="staff.staff_id", max_length=40)
    building_id: str = Field(primary_key=True, foreign_key="buildings.building_id", max_length=40)
    school_year: str = Field(primary_key=True, max_length=7)
    fte: float


class SupervisionSession(SQLModel, table=True):
    """When a supervisee met their supervisor. Supervision is confidential: no case content, ever."""

    __tablename__ = "supervision"
    __table_args__ = (
        one_of("format", SUPERVISION_FORMATS, "ck_supervision_format"),
        one_of("status", SUPERVISION_STATUSES, "ck_supervision_status"),
        CheckConstraint("minutes IS NULL OR minutes > 0", name="ck_supervision_minutes"),
        Index("ix_supervision_staff_date", "staff_id", "session_date"),
    )

    session_id: str = Field(primary_key=True, max_length=40)
    staff_id: str = Field(foreign_key="staff.staff_id", max_length=40)
    session_date: date
    format: str = Field(max_length=12)
    status: str = Field(max_length=12)
    supervisor_id: str | None = Field(default=None, foreign_key="staff.staff_id", max_length=40)
    minutes: int | None = None
    # Set when the app schedules sessions: every date of one recurring series shares a series_id,
    # and the rows of one group session (one per supervisee) share a group_id. Imported rows have
    # neither.
    series_id: str | None = Field(default=None, max_length=40)
    group_id: str | None = Field(default=None, max_length=40)


class SupervisionTheme(SQLModel, table=True):
    """A theme a supervision session touched on, from a fixed list (never case content): one row
    per session and theme, so themes count by month, building and role in plain SQL."""

    __tablename__ = "supervision_themes"
    __table_args__ = (
        one_of("theme", SUPERVISION_THEMES, "ck_supervision_themes_theme"),
        Index("ix_supervision_themes_theme", "theme"),
    )

    session_id: str = Field(
        primary_key=True, foreign_key="supervision.session_id", ondelete="CASCADE", max_length=40
    )
    theme: str = Field(primary_key=True, max_length=30)


class StaffPulse(SQLModel, table=True):
    """One anonymous answer to the staff wellbeing pulse. There is no staff_id on purpose: a
    response names its building and role only, and is never shown below 5 responses."""

    __tablename__ = "staff_pulse"
    __table_args__ = (
        one_of("role", STAFF_ROLES, "ck_staff_pulse_role"),
        *(
            CheckConstraint(f"{item} >= 1 AND {item} <= 5", name=f"ck_staff_pulse_{item}")
            for item in PULSE_ITEMS
        ),
        Index("ix_staff_pulse_building_date", "building_id", "responded_on"),
    )

    response_id: str = Field(primary_key=True, max_length=40)
    building_id: str = Field(foreign_key="buildings.building_id", max_length=40)
    role: str = Field(max_length=30)
    responded_on: date
    workload: int  # "my workload is manageable", 1 (strongly disagree) to 5 (strongly agree)
    supported: int  # "I feel supported"
    supervision_helpful: int  # "supervision helps me"
    drained: int  # "I feel emotionally drained by my work" (4-5: often)
    intend_to_stay: bool | None = None


class Caseload(SQLModel, table=True):
    __tablename__ = "caseloads"
    __table_args__ = (
        CheckConstraint("active_cases >= 0", name="ck_caseloads_active_cases"),
        Index("ix_caseloads_as_of", "as_of"),
    )

    staff_id: str = Field(primary_key=True, foreign_key="staff.staff_id", max_length=40)
    building_id: str = Field(primary_key=True, foreign_key="buildings.building_id", max_length=40)
    as_of: date = Field(primary_key=True)
    active_cases: int


# --- People who use the dashboard -----------------------------------------------------------------


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (one_of("role", USER_ROLES, "ck_users_role"),)

    email: str = Field(primary_key=True, max_length=254)
    role: str = Field(max_length=20)
    name: str | None = Field(default=None, max_length=200)
    # Who the sign-in provider says this is (the ID token's `iss` and `sub`), recorded at the first
    # sign-in: a later sign-in with the same email but another issuer or subject is refused.
    sign_in_issuer: str | None = Field(default=None, max_length=500)
    sign_in_subject: str | None = Field(default=None, max_length=255)


class UserBuilding(SQLModel, table=True):
    """The buildings a principal or coach works in (the contract's `;`-separated building_ids)."""

    __tablename__ = "user_buildings"

    email: str = Field(
        primary_key=True, foreign_key="users.email", ondelete="CASCADE", max_length=254
    )
    building_id: str = Field(primary_key=True, foreign_key="buildings.building_id", max_length=40)


# --- Follow-up actions (TIPS) ---------------------------------------------------------------------


class Action(SQLModel, table=True):
    """A follow-up action a meeting decided. `version` guards against two people overwriting each
    other: a save names the version it started from and is refused if the row has moved on."""

    __tablename__ = "actions"
    __table_args__ = (
        one_of("status", ACTION_STATUSES, "ck_actions_status"),
        one_of("fidelity_check", FIDELITY_CHECKS, "ck_actions_fidelity_check"),
        CheckConstraint(
            "outcome_check IS NULL OR outcome_check IN "
            + "("
            + ", ".join(f"'{v}'" for v in OUTCOME_CHECKS)
            + ")",
            name="ck_actions_outcome_check",
        ),
        CheckConstraint(
            "source_type IS NULL OR source_type IN "
            + "("
            + ", ".join(f"'{v}'" for v in ACTION_SOURCES)
            + ")",
            name="ck_actions_source_type",
        ),
        Index("ix_actions_building_status", "building_id", "status"),
        Index("ix_actions_owner_due", "owner_email", "due_date"),
    )

    action_id: int | None = Field(default=None, primary_key=True)
    building_id: str | None = Field(
        default=None, foreign_key="buildings.building_id", max_length=40
    )
    title: str = Field(max_length=200)
    problem_statement: str = Field(default="", sa_column=Column(Text, nullable=False))
    goal: str = Field(default="", sa_column=Column(Text, nullable=False))
    solution_actions: str = Field(default="", sa_column=Column(Text, nullable=False))
    owner_email: str = Field(foreign_key="users.email", max_length=254)
    due_date: date
    status: str = Field(default="open", max_length=20)
    fidelity_check: str = Field(default="not_started", max_length=20)
    outcome_check: str | None = Field(default=None, max_length=30)
    source_type: str | None = Field(default=None, max_length=30)
    source_ref: str | None = Field(default=None, max_length=200)
    meeting_id: int | None = Field(default=None, foreign_key="meetings.meeting_id")
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    version: int = 1


class ActionUpdate(SQLModel, table=True):
    """One changed field of one action: the history shown on the action."""

    __tablename__ = "action_updates"
    __table_args__ = (Index("ix_action_updates_action", "action_id", "changed_at"),)

    update_id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="actions.action_id", ondelete="CASCADE")
    changed_at: datetime = Field(default_factory=utc_now)
    changed_by: str = Field(max_length=254)
    field: str = Field(max_length=40)
    old_value: str | None = Field(default=None, sa_column=Column(Text))
    new_value: str | None = Field(default=None, sa_column=Column(Text))
    # The action's version this change produced; "what changed since you opened it" reads these.
    # 0 for history recorded before versions were kept.
    version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


# --- The leadership team --------------------------------------------------------------------------


class TeamMember(SQLModel, table=True):
    __tablename__ = "team_members"
    __table_args__ = (one_of("category", TEAM_CATEGORIES, "ck_team_members_category"),)

    member_id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    category: str = Field(max_length=30)
    role_title: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    # Self-reported and optional: None means the member chose not to say.
    from_marginalized_group: bool | None = None
    joined_on: date | None = None
    left_on: date | None = None


class Meeting(SQLModel, table=True):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_held_on", "held_on"),)

    meeting_id: int | None = Field(default=None, primary_key=True)
    held_on: date
    building_id: str | None = Field(
        default=None, foreign_key="buildings.building_id", max_length=40
    )
    facilitator_id: int | None = Field(default=None, foreign_key="team_members.member_id")
    minute_taker_id: int | None = Field(default=None, foreign_key="team_members.member_id")
    decisions: str = Field(default="", sa_column=Column(Text, nullable=False))


class MeetingAttendance(SQLModel, table=True):
    __tablename__ = "meeting_attendance"

    meeting_id: int = Field(primary_key=True, foreign_key="meetings.meeting_id", ondelete="CASCADE")
    member_id: int = Field(primary_key=True, foreign_key="team_members.member_id")
    attended: bool


class TeamSelfCheck(SQLModel, table=True):
    """The leadership team rating itself on an instrument (SHARED-LEADERSHIP is built in): one row per
    administration and item. The team is the district's, so there is no building."""

    __tablename__ = "team_self_checks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["instrument", "item_id"],
            ["instruments.instrument", "instruments.item_id"],
            name="fk_team_self_checks_item",
        ),
        CheckConstraint("score >= 0", name="ck_team_self_checks_score"),
    )

    instrument: str = Field(primary_key=True, max_length=60)
    administered_on: date = Field(primary_key=True)
    item_id: str = Field(primary_key=True, max_length=20)
    score: int


# --- Derived counts -------------------------------------------------------------------------------


class EquityCellCount(SQLModel, table=True):
    """The equity counts of one school year, building and demographic cell (race and ethnicity x sex
    x IEP x EL x economically disadvantaged): how many students, and how many of them had each
    outcome. Never imported or edited: rebuilt from students, attendance, discipline, supports and
    screening in the same transaction as any write to them (data_access/equity/summary.py), so the
    Equity page and the meeting screen read a year's few thousand cells instead of counting every
    student."""

    __tablename__ = "equity_cell_counts"

    school_year: str = Field(primary_key=True, max_length=7)
    building_id: str = Field(primary_key=True, max_length=40)
    race_ethnicity: str = Field(primary_key=True, max_length=2)
    sex: str = Field(primary_key=True, max_length=1)
    iep: bool = Field(primary_key=True)
    el: bool = Field(primary_key=True)
    econ_disadv: bool = Field(primary_key=True)
    n_students: int
    n_attendance: int  # students in the chronic-absence population (10 or more days enrolled)
    odr: int
    iss: int
    oss: int
    exclusion: int
    chronic_absence: int
    tier2plus: int
    tier3: int
    n_screened: int  # students screened that year (the below_benchmark population)
    below_benchmark: int  # also the unsupported_need population
    unsupported_need: int  # below benchmark and no support of any tier that year


class StudentCount(SQLModel, table=True):
    """The student counts of one school year and building that system health and support need read
    (tiers, screening, unmet need, the incident bands, students needing support). Never imported or
    edited: rebuilt from students, attendance, discipline, supports and screening in the same
    transaction as any write to them (data_access/student_counts.py), like `EquityCellCount`."""

    __tablename__ = "student_counts"

    school_year: str = Field(primary_key=True, max_length=7)
    building_id: str = Field(primary_key=True, max_length=40)
    enrolled: int
    tier2_students: int
    tier3_students: int
    screened_any: int
    below_benchmark: int
    below_benchmark_no_support: int
    students_0_1_incidents: int
    students_2_5_incidents: int
    students_6_plus_incidents: int
    incidents: int
    needs_support: int  # a tier 2 or 3 support, or chronically absent, or below benchmark
    supports: int  # support rows of the year
    supports_ended: int  # of them, ended within the school year with an outcome
    supports_goal_met: int  # of those, outcome goal_met


class ScreeningWindowCount(SQLModel, table=True):
    """Students screened, and at benchmark, per school year, building and screening window; kept
    like `StudentCount` (data_access/student_counts.py)."""

    __tablename__ = "screening_window_counts"

    school_year: str = Field(primary_key=True, max_length=7)
    building_id: str = Field(primary_key=True, max_length=40)
    window: str = Field(primary_key=True, max_length=10)
    screened: int
    at_benchmark: int


class ReferralCount(SQLModel, table=True):
    """Incidents per school year, building, referral type and value of one behaviour "Big 5"
    breakdown (`breakdown`: month, behavior, location, hour, weekday; `key`: the month as YYYYMM,
    the behaviour or location as written, the hour as HH, the weekday 0 Sunday .. 6 Saturday; not
    given: empty). Kept like `StudentCount` (data_access/student_counts.py)."""

    __tablename__ = "referral_counts"

    school_year: str = Field(primary_key=True, max_length=7)
    building_id: str = Field(primary_key=True, max_length=40)
    referral_type: str = Field(primary_key=True, max_length=5)
    breakdown: str = Field(primary_key=True, max_length=10)
    key: str = Field(primary_key=True, max_length=80)
    incidents: int


# --- Import mappings ------------------------------------------------------------------------------

MAPPING_TABLES = ("discipline", "students")  # the contract tables a file may be mapped onto
MAPPING_ENTRY_KINDS = ("column", "code")


class ImportMapping(SQLModel, table=True):
    """One saved version of a mapping: how a file in a district's own layout (a behaviour system's
    referral export) or with its own codes becomes rows of a contract table. Each save is a new
    version; the newest is used, and an import names the version it read its files through."""

    __tablename__ = "import_mappings"
    __table_args__ = (
        one_of("table_name", MAPPING_TABLES, "ck_import_mappings_table"),
        CheckConstraint("version >= 1", name="ck_import_mappings_version"),
    )

    # Files named like this (without .csv or .xlsx, any case) import through it; lowercase.
    name: str = Field(primary_key=True, max_length=60)
    version: int = Field(primary_key=True)
    table_name: str = Field(max_length=30)
    saved_by: str = Field(max_length=254)
    saved_at: datetime = Field(default_factory=utc_now)


class ImportMappingEntry(SQLModel, table=True):
    """One line of a mapping version: a contract column read from a column of the file (kind
    `column`: `source` is the file's header), or a local code and the contract value it means
    (kind `code`: `source` is the district's code, `value` the contract's)."""

    __tablename__ = "import_mapping_entries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["name", "version"],
            ["import_mappings.name", "import_mappings.version"],
            name="fk_import_mapping_entries_mapping",
            ondelete="CASCADE",
        ),
        one_of("kind", MAPPING_ENTRY_KINDS, "ck_import_mapping_entries_kind"),
    )

    name: str = Field(primary_key=True, max_length=60)
    version: int = Field(primary_key=True)
    kind: str = Field(primary_key=True, max_length=6)
    target: str = Field(primary_key=True, max_length=40)  # the contract's column
    source: str = Field(primary_key=True, max_length=200)
    value: str = Field(default="", max_length=200)


# --- Bookkeeping ----------------------------------------------------------------------------------


class AuditLog(SQLModel, table=True):
    """Every write: who, when, what changed. Written in the same transaction as the write."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    audit_id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now)
    actor: str = Field(max_length=254)
    operation: str = Field(max_length=40)
    table_name: str = Field(max_length=60)
    row_key: str | None = Field(default=None, max_length=300)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))
    data_version: int


class DataVersion(SQLModel, table=True):
    """A single row whose number every write increments; caches key on it, so a write made by any
    server process is seen by every other on its next rerun."""

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id = 1", name="ck_data_version_single_row"),)

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime = Field(default_factory=utc_now)


class AreaVersion(SQLModel, table=True):
    """Per area of the store (fidelity, staff, students, actions, team, users): the data version of
    the last write that changed it. A result that reads only some areas is kept across writes to
    the others (data_access/memo.py): saving a follow-up action leaves fidelity scores warm."""

    __tablename__ = "data_area_versions"

    area: str = Field(primary_key=True, max_length=30)
    version: int = 0


class StoreInfo(SQLModel, table=True):
    """Facts about the store as a whole, such as whether it holds the demo district."""

    __tablename__ = "store_info"

    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=500)
