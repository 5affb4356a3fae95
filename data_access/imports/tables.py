"""What each import file holds: one declarative spec per table of the data contract (columns, which are
required, how each is read, the row key, what it refers to) and the order tables are loaded in.

The templates, the checks, the loader and the README all read these specs, so a column is described
in one place only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import SQLModel

from data_access import models, validation

BOOLEAN_FORMS = "Y or N (also yes/no, true/false, 1/0)"
DATE_FORMS = "a date, 2025-09-02 or 9/2/2025"


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    kind: id (a code up to max_length), text, code (one of `choices`), bool, date, datetime,
    school_year, int, float, email, id_list (`;`-separated ids), time (HH:MM), month (YYYY-MM)."""

    name: str
    kind: str
    required: bool = False
    description: str = ""
    example: str = ""
    choices: tuple[str, ...] = ()
    choices_text: str = ""  # how the allowed values read in a message, when not just listed
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None  # strictly more than this (fte > 0)
    max_length: int | None = None

    @property
    def allowed(self) -> str:
        """The allowed values in words, for templates and messages."""
        if self.choices_text:
            return self.choices_text
        if self.kind == "code_list":
            return "any of " + ", ".join(self.choices) + ", separated by ;"
        if self.choices:
            return ", ".join(self.choices)
        return {
            "bool": BOOLEAN_FORMS,
            "date": DATE_FORMS,
            "datetime": "a date (2025-09-02) or date and time (2025-09-02T14:30:00Z)",
            "school_year": "a school year, 2024-25 (2024-2025 is also accepted)",
            "email": "an email address",
            "id_list": "building ids separated by ;",
            "time": "a time of day, HH:MM on the 24-hour clock (13:05)",
            "month": "a month, YYYY-MM (2025-09)",
        }.get(self.kind, self._range_text())

    def _range_text(self) -> str:
        kind = "a whole number" if self.kind == "int" else "a number"
        if self.above is not None and self.maximum is not None:
            return f"{kind} more than {self.above:g} and at most {self.maximum:g}"
        if self.minimum is not None and self.maximum is not None:
            return f"{kind} from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f"{kind}, {self.minimum:g} or more"
        if self.kind in ("int", "float"):
            return kind
        if self.max_length:
            return f"text, up to {self.max_length} characters"
        return "text"


@dataclass(frozen=True)
class Reference:
    """Columns of this table that must name a row of another table (in the store or in the import)."""

    columns: tuple[str, ...]
    table: str  # buildings, students, staff, users, instruments
    also: tuple[str, ...] = ()  # values accepted without a row to name (school_calendar's ALL)


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type[SQLModel]
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    student_side: bool = False  # holds rows about students: personal-data columns are refused
    ignored: tuple[str, ...] = ()  # columns read by nobody and not worth a warning (computed ones)
    insert_defaults: dict[str, object] = field(default_factory=dict)  # for columns a file may omit

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def _length(model: type[SQLModel], name: str) -> int | None:
    return getattr(model.__table__.columns[name].type, "length", None)


def _id(model, name, description, example, *, required=True) -> Column:
    return Column(
        name,
        "id",
        required,
        description,
        example,
        max_length=_length(model, name),
    )


def _text(model, name, description, example, *, required=True) -> Column:
    return Column(name, "text", required, description, example, max_length=_length(model, name))


def _school_year(description: str = "The school year the row belongs to.") -> Column:
    return Column("school_year", "school_year", True, description, "2025-26")


def _student_id(model) -> Column:
    return _id(
        model,
        "student_id",
        "The student's pseudonymous ID, as on their students row. Never a name.",
        "100234",
    )


def _flag(name: str, description: str, *, required: bool = True, example: str = "N") -> Column:
    return Column(name, "bool", required, description, example)


GRADE_TEXT = "PK, K, 1-12"
RACE_TEXT = (
    "HI (Hispanic or Latino, of any race); for students who are not Hispanic: AM (American Indian "
    "or Alaska Native), AS (Asian), HP (Native Hawaiian or Other Pacific Islander), BL (Black or "
    "African American), WH (White), TR (two or more races)"
)

BUILDINGS = TableSpec(
    "buildings",
    models.Building,
    "One row per school building.",
    (
        _id(
            models.Building,
            "building_id",
            "Your district's code for the building; every other file names buildings by it.",
            "LIN-ES",
        ),
        _text(
            models.Building, "name", "The building's name as people say it.", "Lincoln Elementary"
        ),
        Column(
            "level",
            "code",
            True,
            "The kind of school.",
            "elementary",
            choices=models.LEVELS,
        ),
        Column(
            "principal_email",
            "email",
            False,
            "The principal's email address.",
            "principal.lincoln@district.org",
            max_length=_length(models.Building, "principal_email"),
        ),
    ),
    key=("building_id",),
)

STUDENTS = TableSpec(
    "students",
    models.Student,
    "One row per student and school year: where they are enrolled and the groups equity reporting "
    "needs. No names, birth dates or addresses: such columns are never read.",
    (
        _student_id(models.Student),
        _school_year(),
        _id(models.Student, "building_id", "The building the student attends that year.", "LIN-ES"),
        Column(
            "grade",
            "code",
            True,
            "The student's grade.",
            "3",
            models.GRADES,
            choices_text=GRADE_TEXT,
        ),
        Column(
            "race_ethnicity",
            "code",
            True,
            "Federal race/ethnicity reporting category.",
            "WH",
            models.RACE_ETHNICITY,
            choices_text=RACE_TEXT,
        ),
        Column("sex", "code", True, "F, M, or X (another or not given).", "F", models.SEXES),
        _flag("iep", "The student has an IEP (special education)."),
        _flag("el", "The student is an English learner."),
        _flag("econ_disadv", "The student is economically disadvantaged."),
        _flag("section_504", "The student has a Section 504 plan. Empty means N.", required=False),
    ),
    key=("student_id", "school_year"),
    references=(Reference(("building_id",), "buildings"),),
    student_side=True,
    insert_defaults={"iep": False, "el": False, "econ_disadv": False, "section_504": False},
)

STUDENT_REFERENCE = Reference(("student_id", "school_year"), "students")

ATTENDANCE = TableSpec(
    "attendance",
    models.Attendance,
    "One row per student and school year: days enrolled and days absent so far.",
    (
        _student_id(models.Attendance),
        _school_year(),
        Column(
            "days_enrolled",
            "int",
            True,
            "School days the student was enrolled.",
            "172",
            minimum=0,
            maximum=validation.MAX_DAYS_IN_SCHOOL_YEAR,
        ),
        Column(
            "days_absent",
            "int",
            True,
            "School days the student missed, for any reason (at most days_enrolled).",
            "9",
            minimum=0,
            maximum=validation.MAX_DAYS_IN_SCHOOL_YEAR,
        ),
    ),
    key=("student_id", "school_year"),
    references=(STUDENT_REFERENCE,),
    student_side=True,
)

DISCIPLINE = TableSpec(
    "discipline",
    models.Discipline,
    "One row per discipline incident.",
    (
        _id(models.Discipline, "incident_id", "Your system's ID for the incident.", "INC-20931"),
        _student_id(models.Discipline),
        _school_year("The school year of the incident (the incident date falls in it)."),
        Column("incident_date", "date", True, "The day it happened.", "2025-10-14"),
        Column(
            "action",
            "code",
            True,
            "ODR (office referral), ISS (in-school suspension), OSS (out-of-school suspension), "
            "EXP (expulsion).",
            "ODR",
            models.DISCIPLINE_ACTIONS,
        ),
        Column(
            "days_removed",
            "int",
            False,
            "School days the student was removed from class or school for it (in-school or "
            "out-of-school suspension, expulsion). Empty when not known or not a removal.",
            "3",
            minimum=0,
            maximum=validation.MAX_DAYS_IN_SCHOOL_YEAR,
        ),
        Column(
            "referral_type",
            "code",
            False,
            "major (managed by the office) or minor (managed in the classroom). Empty means major.",
            "major",
            models.REFERRAL_TYPES,
        ),
        _text(
            models.Discipline,
            "behavior",
            "The problem behavior, in your referral form's words.",
            "Disruption",
            required=False,
        ),
        _text(
            models.Discipline,
            "location",
            "Where it happened, in your referral form's words.",
            "Hallway",
            required=False,
        ),
        Column(
            "incident_time",
            "time",
            False,
            "The time of day it happened, on the 24-hour clock.",
            "12:35",
        ),
    ),
    key=("incident_id",),
    references=(STUDENT_REFERENCE,),
    student_side=True,
    insert_defaults={"referral_type": "major"},
)

SUPPORTS = TableSpec(
    "supports",
    models.Support,
    "One row per Tier 2 or Tier 3 intervention a student received.",
    (
        _id(
            models.Support, "support_id", "Your system's ID for the intervention plan.", "SUP-5521"
        ),
        _student_id(models.Support),
        _school_year(),
        Column("domain", "code", True, "What it supports.", "reading", models.SUPPORT_DOMAINS),
        Column("tier", "int", True, "2 or 3.", "2", ("2", "3"), choices_text="2, 3"),
        _text(models.Support, "intervention", "What the intervention is.", "Small-group phonics"),
        Column("start_date", "date", True, "The day it started.", "2025-10-01"),
        Column(
            "end_date", "date", False, "The day it ended; empty while it continues.", "2026-01-30"
        ),
        _id(
            models.Support,
            "champion_staff_id",
            "The staff member responsible for it (a staff_id).",
            "T-0042",
            required=False,
        ),
        Column(
            "outcome",
            "code",
            False,
            "How it ended (or stands): goal_met, progressing, not_responding, intensified (moved to "
            "a more intensive support), discontinued. Empty while not known.",
            "goal_met",
            models.SUPPORT_OUTCOMES,
        ),
        Column(
            "sessions_planned",
            "int",
            False,
            "Sessions the plan called for so far.",
            "30",
            minimum=0,
            maximum=validation.MAX_SUPPORT_SESSIONS,
        ),
        Column(
            "sessions_delivered",
            "int",
            False,
            "Sessions the student actually had.",
            "26",
            minimum=0,
            maximum=validation.MAX_SUPPORT_SESSIONS,
        ),
    ),
    key=("support_id",),
    references=(STUDENT_REFERENCE, Reference(("champion_staff_id",), "staff")),
    student_side=True,
)

SCREENING = TableSpec(
    "screening",
    models.Screening,
    "One row per student, school year, screening window and measure.",
    (
        _student_id(models.Screening),
        _school_year(),
        Column("window", "code", True, "The screening window.", "fall", models.SCREENING_WINDOWS),
        _text(models.Screening, "measure", "What was screened.", "DIBELS composite"),
        _flag("at_benchmark", "The student scored at or above benchmark.", example="Y"),
        Column(
            "risk_level",
            "code",
            False,
            "The screener's risk band: low (at benchmark), some, high (well below).",
            "some",
            models.RISK_LEVELS,
        ),
    ),
    key=("student_id", "school_year", "window", "measure"),
    references=(STUDENT_REFERENCE,),
    student_side=True,
)

SCHOOL_CALENDAR = TableSpec(
    "school_calendar",
    models.SchoolCalendar,
    "School days per month of a school year, for one building or (building_id ALL) for every "
    "building without rows of its own: what referrals per school day are counted against.",
    (
        _school_year(),
        _id(
            models.SchoolCalendar,
            "building_id",
            "The building, or ALL for every building without its own rows.",
            "ALL",
        ),
        Column("month", "month", True, "The month, within the school year.", "2025-09"),
        Column(
            "school_days",
            "int",
            True,
            "Days school was in session that month.",
            "20",
            minimum=0,
            maximum=31,
        ),
    ),
    key=("school_year", "building_id", "month"),
    references=(Reference(("building_id",), "buildings", also=(models.CALENDAR_ALL_BUILDINGS,)),),
)

INSTRUMENTS = TableSpec(
    "instruments",
    models.InstrumentItem,
    "The items of a fidelity instrument (SAM, TFI 3.0, a district rubric). A file's rows for one "
    "instrument are its whole definition, in order; a definition can be replaced only while the "
    "instrument has no scores.",
    (
        _id(models.InstrumentItem, "instrument", "The instrument's name.", "SAM"),
        _text(models.InstrumentItem, "scale", "The scale the item counts toward.", "Leadership"),
        _id(models.InstrumentItem, "item_id", "The item's number or code.", "1.1"),
        _text(
            models.InstrumentItem,
            "item_title",
            "The item as the instrument words it.",
            "Team composition",
        ),
        Column(
            "max_score",
            "int",
            True,
            "The highest score the item can get.",
            "3",
            minimum=1,
            maximum=validation.MAX_ITEM_SCORE,
        ),
        Column(
            "criterion_pct",
            "float",
            True,
            "The scale's implementation criterion, in percent of the possible points.",
            "70",
            minimum=0,
            maximum=100,
        ),
        _text(
            models.InstrumentItem,
            "subscale",
            "The subscale within the scale, if any.",
            "Teams",
            required=False,
        ),
    ),
    key=("instrument", "item_id"),
)

FIDELITY = TableSpec(
    "fidelity",
    models.FidelityScore,
    "One row per building, instrument, administration date and item scored.",
    (
        _id(models.FidelityScore, "building_id", "The building assessed.", "LIN-ES"),
        _id(models.FidelityScore, "instrument", "The instrument (TFI-2.1 is built in).", "TFI-2.1"),
        Column("administered_on", "date", True, "The day the team completed it.", "2025-10-20"),
        _id(models.FidelityScore, "item_id", "The item scored.", "1.1"),
        Column(
            "score",
            "int",
            True,
            "The item's score, 0 up to its max_score.",
            "2",
            minimum=0,
            maximum=validation.MAX_ITEM_SCORE,
        ),
    ),
    key=("building_id", "instrument", "administered_on", "item_id"),
    references=(
        Reference(("building_id",), "buildings"),
        Reference(("instrument", "item_id"), "instruments"),
    ),
)

STAFF = TableSpec(
    "staff",
    models.Staff,
    "One row per staff member whose role, supervision or caseload the dashboard follows.",
    (
        _id(models.Staff, "staff_id", "Your HR system's ID for the person.", "T-0042"),
        _text(models.Staff, "name", "The staff member's name.", "Jordan Lee"),
        Column("role", "code", True, "Their role.", "counselor", models.STAFF_ROLES),
        Column(
            "email",
            "email",
            False,
            "Their work email address.",
            "jordan.lee@district.org",
            max_length=_length(models.Staff, "email"),
        ),
        Column(
            "start_date",
            "date",
            False,
            "The day they started with the district (for retention).",
            "2021-08-16",
        ),
        Column(
            "end_date",
            "date",
            False,
            "The day they left; empty while they are with the district.",
            "2026-06-30",
        ),
    ),
    key=("staff_id",),
)

STAFF_ASSIGNMENTS = TableSpec(
    "staff_assignments",
    models.StaffAssignment,
    "Who works in which building in a school year, and for what share of a full-time post.",
    (
        _id(models.StaffAssignment, "staff_id", "The staff member (a staff_id).", "T-0042"),
        _id(models.StaffAssignment, "building_id", "The building.", "LIN-ES"),
        _school_year(),
        Column(
            "fte",
            "float",
            True,
            "Full-time equivalent in that building: 1 is full time, 0.5 half time.",
            "0.5",
            above=0,
            maximum=validation.MAX_FTE,
        ),
    ),
    key=("staff_id", "building_id", "school_year"),
    references=(Reference(("staff_id",), "staff"), Reference(("building_id",), "buildings")),
)

SUPERVISION = TableSpec(
    "supervision",
    models.SupervisionSession,
    "One row per supervision session of a support staff member: scheduled, held or cancelled. "
    "Dates and attendance only, never case content.",
    (
        _id(models.SupervisionSession, "session_id", "Your ID for the session.", "SV-2025-118"),
        _id(models.SupervisionSession, "staff_id", "The supervisee (a staff_id).", "T-0042"),
        Column("session_date", "date", True, "The day of the session.", "2025-11-04"),
        Column(
            "format", "code", True, "Individual or group.", "individual", models.SUPERVISION_FORMATS
        ),
        Column("status", "code", True, "Where it stands.", "held", models.SUPERVISION_STATUSES),
        _id(
            models.SupervisionSession,
            "supervisor_id",
            "The supervisor (a staff_id).",
            "T-0007",
            required=False,
        ),
        Column(
            "minutes",
            "int",
            False,
            "How long it lasted, in minutes.",
            "60",
            minimum=1,
            maximum=validation.MAX_SESSION_MINUTES,
        ),
        Column(
            "themes",
            "code_list",
            False,
            "What the session touched on, from a fixed list, separated by ; (never case "
            "content). A row's themes replace the session's stored ones; empty: none.",
            "attendance;family",
            models.SUPERVISION_THEMES,
        ),
    ),
    key=("session_id",),
    references=(Reference(("staff_id",), "staff"), Reference(("supervisor_id",), "staff")),
)

CASELOADS = TableSpec(
    "caseloads",
    models.Caseload,
    "A staff member's active cases in a building, counted on a date.",
    (
        _id(models.Caseload, "staff_id", "The staff member (a staff_id).", "T-0042"),
        _id(models.Caseload, "building_id", "The building.", "LIN-ES"),
        Column("as_of", "date", True, "The day the cases were counted.", "2026-01-15"),
        Column(
            "active_cases",
            "int",
            True,
            "Open cases on that day.",
            "38",
            minimum=0,
            maximum=validation.MAX_ACTIVE_CASES,
        ),
    ),
    key=("staff_id", "building_id", "as_of"),
    references=(Reference(("staff_id",), "staff"), Reference(("building_id",), "buildings")),
)


def _pulse_item(name: str, statement: str, example: str) -> Column:
    return Column(
        name,
        "int",
        True,
        f"{statement}: 1 (strongly disagree) to 5 (strongly agree).",
        example,
        minimum=1,
        maximum=5,
    )


# Columns that would name who answered the anonymous pulse: never read, never stored.
PULSE_IDENTIFYING = ("staff_id", "name", "email")

STAFF_PULSE = TableSpec(
    "staff_pulse",
    models.StaffPulse,
    "One row per anonymous answer to the staff wellbeing pulse, from any survey tool or a team's "
    "paper forms. No staff_id, name or email: such a column is ignored and never stored. Shown "
    "only for groups of 5 responses or more.",
    (
        _id(models.StaffPulse, "response_id", "The survey tool's ID for the response.", "P-0193"),
        _id(models.StaffPulse, "building_id", "The building the person works in.", "LIN-ES"),
        Column("role", "code", True, "Their role.", "counselor", models.STAFF_ROLES),
        Column("responded_on", "date", True, "The day they answered.", "2026-01-20"),
        _pulse_item("workload", "My workload is manageable", "3"),
        _pulse_item("supported", "I feel supported in my work", "4"),
        _pulse_item("supervision_helpful", "Supervision helps me", "4"),
        _pulse_item("drained", "I feel emotionally drained by my work", "2"),
        _flag(
            "intend_to_stay",
            "They intend to stay in their post next school year; empty if not answered.",
            required=False,
            example="Y",
        ),
    ),
    key=("response_id",),
    references=(Reference(("building_id",), "buildings"),),
)

USERS = TableSpec(
    "users",
    models.User,
    "The people who use the dashboard and what they may see.",
    (
        Column(
            "email",
            "email",
            True,
            "The address they sign in with.",
            "ana.rivera@district.org",
            max_length=_length(models.User, "email"),
        ),
        Column("role", "code", True, "What they may do.", "principal", models.USER_ROLES),
        Column(
            "building_ids",
            "id_list",
            False,
            "For principals and coaches: the buildings they work in, separated by ;.",
            "LIN-ES;ADA-MS",
        ),
        _text(
            models.User,
            "name",
            "Their name, as the dashboard shows it.",
            "Ana Rivera",
            required=False,
        ),
    ),
    key=("email",),
    references=(Reference(("building_ids",), "buildings"),),
)

ACTIONS = TableSpec(
    "actions",
    models.Action,
    "Follow-up actions from an existing tracker (the columns of the actions export). A row with "
    "an action_id already in the store updates that action.",
    (
        Column(
            "action_id",
            "int",
            True,
            "The action's number.",
            "101",
            minimum=1,
            maximum=validation.MAX_ACTION_ID,
        ),
        _id(
            models.Action,
            "building_id",
            "The building it is for; empty for a district-wide action.",
            "LIN-ES",
            required=False,
        ),
        _text(models.Action, "title", "What will be done.", "Reteach hallway expectations"),
        Column(
            "owner_email",
            "email",
            True,
            "Who owns it: a user of the dashboard (in the users file or the store).",
            "ana.rivera@district.org",
            max_length=_length(models.Action, "owner_email"),
        ),
        Column("due_date", "date", True, "When it is due.", "2026-02-27"),
        Column(
            "status",
            "code",
            False,
            "Where it stands; empty means open.",
            "open",
            models.ACTION_STATUSES,
        ),
        Column(
            "fidelity_check",
            "code",
            False,
            "Was it done as planned? Empty means not_started.",
            "partial",
            models.FIDELITY_CHECKS,
        ),
        Column(
            "outcome_check",
            "code",
            False,
            "Did it work? Empty while unknown.",
            "no_change",
            models.OUTCOME_CHECKS,
        ),
        Column(
            "created_at",
            "datetime",
            False,
            "When the action was first recorded; empty means now (then the due date may not be "
            "in the past).",
            "2025-11-12T15:30:00Z",
        ),
        Column(
            "updated_at",
            "datetime",
            False,
            "When it last changed; empty means when it was created (for a new action) or now "
            "(for a changed one).",
            "2026-01-08T09:00:00Z",
        ),
    ),
    key=("action_id",),
    references=(Reference(("building_id",), "buildings"), Reference(("owner_email",), "users")),
    ignored=("overdue",),
)

# Load order: a table comes after every table it refers to.
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        BUILDINGS,
        INSTRUMENTS,
        STAFF,
        USERS,
        STUDENTS,
        ATTENDANCE,
        DISCIPLINE,
        SUPPORTS,
        SCREENING,
        SCHOOL_CALENDAR,
        FIDELITY,
        STAFF_ASSIGNMENTS,
        SUPERVISION,
        CASELOADS,
        STAFF_PULSE,
        ACTIONS,
    )
}
TABLE_ORDER = tuple(TABLES)
