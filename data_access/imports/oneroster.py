"""OneRoster 1.1 and 1.2 CSV exports → buildings and students rows, tolerant of what real exports do.

Schools (orgs of type `school`) become buildings; students (role `student`, from users.csv in 1.1 or
roles.csv in 1.2) become one students row each for the school year of the active academic session,
in the school they are enrolled in, with race/ethnicity and sex from demographics.csv. OneRoster
carries no IEP, EL or economic flags: those stay as previously imported (or false for a new row).
Rows marked `tobedeleted` are skipped; vendor columns, missing optional files, `M/D/YYYY` dates,
students in many classes, and teachers or guardians in users.csv are all fine.

The rows made here go through the same checks and loader as a students.csv file would."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from data_access.imports.checking import KEY_SEPARATOR, KnownKeys, is_in
from data_access.imports.reading import FileUnreadable, ImportFile, Problem, RawTable, read_table
from data_access.parsing import parse_bool, parse_date
from data_access.school_year import normalise_school_year, school_year_of

# Every file name of the OneRoster 1.1 and 1.2 CSV bindings (lowercase, without .csv).
ONEROSTER_FILES = {
    "manifest",
    "orgs",
    "users",
    "demographics",
    "enrollments",
    "academicsessions",
    "roles",
    "userprofiles",
    "classes",
    "courses",
    "lineitems",
    "results",
    "categories",
    "resources",
    "classresources",
    "courseresources",
    "userresources",
    "scorescales",
    "lineitemlearningobjectiveids",
    "lineitemscorescales",
    "resultlearningobjectiveids",
    "resultscorescales",
}
READ_FILES = (
    "manifest",
    "orgs",
    "users",
    "demographics",
    "enrollments",
    "academicsessions",
    "roles",
)
REQUIRED = {
    "orgs": ("sourcedid", "name", "type"),
    "users": ("sourcedid",),
    "enrollments": ("usersourcedid", "schoolsourcedid", "role"),
    "demographics": ("sourcedid",),
    "academicsessions": ("sourcedid", "type"),
    "roles": ("usersourcedid", "role"),
}
# Headers of OneRoster 1.0 (and some 1.1 exporters) → the 1.1/1.2 name read here. 1.0's
# demographics.csv is keyed by userSourcedId; some exporters write users.csv's grades as grade.
ALIASES = {
    "demographics": {"usersourcedid": "sourcedid"},
    "users": {"grade": "grades", "orgsourcedid": "orgsourcedids"},
    "academicsessions": {"schoolyearid": "schoolyear"},
}
SKIPPED_STATUSES = ("tobedeleted", "inactive")
RACE_FLAGS = {  # demographics.csv column → federal category
    "americanindianoralaskanative": "AM",
    "asian": "AS",
    "blackorafricanamerican": "BL",
    "nativehawaiianorotherpacificislander": "HP",
    "white": "WH",
}
SEX_CODES = {
    "female": "F",
    "f": "F",
    "male": "M",
    "m": "M",
    "other": "X",
    "unspecified": "X",
    "x": "X",
    "": "X",
}
GRADE_CODES = {"KG": "K", "K": "K", "PK": "PK"}


@dataclass
class OneRosterResult:
    buildings: RawTable | None = None
    students: RawTable | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    version: str = "1.1"
    school_year: str | None = None
    rows: dict[str, int] = field(default_factory=dict)  # file name → rows read (active ones)


def is_oneroster_set(stems: set[str]) -> bool:
    """A set of files is a OneRoster export when it has orgs.csv (users.csv comes with it)."""
    return "orgs" in stems


def read_oneroster(
    files: dict[str, ImportFile],
    *,
    known: KnownKeys,
    school_year: str | None = None,
    today: date | None = None,
) -> OneRosterResult:
    """`files`: OneRoster file name (lowercase stem) → file."""
    result = OneRosterResult()
    today = today or date.today()
    tables: dict[str, _Rows] = {}
    for name in READ_FILES:
        if name not in files:
            continue
        try:
            raw = read_table(files[name])
        except FileUnreadable as error:
            result.problems.extend(error.problems)
            continue
        _apply_aliases(raw, ALIASES.get(name, {}))
        missing = [c for c in REQUIRED.get(name, ()) if c not in raw.frame.columns]
        for column in missing:
            result.problems.append(
                Problem(raw.file, 1, column, f"the OneRoster column {column} is missing")
            )
        if missing:
            continue
        tables[name] = _active_rows(raw, result)
        result.rows[raw.file] = len(tables[name].frame)
    for name in ("orgs", "users"):
        if name not in files:
            result.problems.append(
                Problem(
                    f"{name}.csv",
                    1,
                    "-",
                    f"a OneRoster export needs {name}.csv beside orgs.csv and users.csv",
                )
            )
    ignored = sorted(
        (files[name] for name in files if name not in READ_FILES), key=lambda f: f.name
    )
    if ignored:
        result.notes.append(
            Problem(
                ignored[0].name,
                1,
                "-",
                "note: the dashboard needs no classes, courses or results; not read: "
                + ", ".join(file.base_name for file in ignored),
            )
        )
    if result.problems or "orgs" not in tables or "users" not in tables:
        return result
    result.version = _version(tables.get("manifest"))
    result.school_year = school_year or _school_year(tables.get("academicsessions"), result, today)
    schools = _schools(tables["orgs"])
    students = _students(tables, schools, result, known)
    result.buildings = _building_rows(tables["orgs"], schools, students, known)
    result.students = students.table if students else None
    return result


# --- Reading the files ----------------------------------------------------------------------------


def _apply_aliases(raw: RawTable, aliases: dict[str, str]) -> None:
    """Rename an older header to the name read here, unless the file has both."""
    renames = {
        old: new
        for old, new in aliases.items()
        if old in raw.frame.columns and new not in raw.frame.columns
    }
    if renames:
        raw.frame = raw.frame.rename(columns=renames)
        raw.headers = {renames.get(key, key): value for key, value in raw.headers.items()}


@dataclass
class _Rows:
    file: str
    frame: pd.DataFrame  # stripped text, lowercase column names
    lines: np.ndarray

    def column(self, name: str) -> pd.Series:
        if name in self.frame:
            return self.frame[name]
        return pd.Series([""] * len(self.frame), index=self.frame.index, dtype=object)


def _active_rows(raw: RawTable, result: OneRosterResult) -> _Rows:
    frame = raw.frame.apply(lambda values: values.str.strip())
    keep = np.ones(len(frame), dtype=bool)
    if "status" in frame:
        skipped = frame["status"].str.lower().isin(SKIPPED_STATUSES).to_numpy()
        if skipped.any():
            result.notes.append(
                Problem(
                    raw.file,
                    int(raw.lines[skipped][0]),
                    "status",
                    f"note: {_rows(int(skipped.sum()))} marked tobedeleted or inactive skipped",
                )
            )
        keep = ~skipped
    return _Rows(raw.file, frame.loc[keep].reset_index(drop=True), raw.lines[keep])


def _rows(count: int) -> str:
    return f"{count:,} row{'s' if count != 1 else ''}"


def _version(manifest: _Rows | None) -> str:
    if manifest is None or "propertyname" not in manifest.frame:
        return "1.1"
    values = dict(
        zip(manifest.column("propertyname").str.lower(), manifest.column("value"), strict=True)
    )
    return values.get("oneroster.version", "1.1") or "1.1"


def _school_year(sessions: _Rows | None, result: OneRosterResult, today: date) -> str:
    """The school year of the active academic session: the one running today, else the newest."""
    fallback = school_year_of(today)
    if sessions is None or sessions.frame.empty:
        result.notes.append(
            Problem(
                "academicSessions.csv",
                1,
                "-",
                f"warning: no academic sessions, so students are imported for the current school "
                f"year, {fallback}",
            )
        )
        return fallback
    found = []
    for line, sourced, title, kind, year_text, start_text, end_text in zip(
        sessions.lines.tolist(),
        sessions.column("sourcedid"),
        sessions.column("title"),
        sessions.column("type").str.lower(),
        sessions.column("schoolyear"),
        sessions.column("startdate"),
        sessions.column("enddate"),
        strict=True,
    ):
        start, end = parse_date(start_text), parse_date(end_text)
        # The dates decide: a school year runs 1 July to 30 June. schoolYear is only a cross check.
        year = school_year_of(start) if start else (school_year_of(end) if end else None)
        stated = None
        if re.fullmatch(r"\d{4}", year_text):  # OneRoster writes the year the school year ends
            stated = f"{int(year_text) - 1}-{int(year_text) % 100:02d}"
        elif year_text:
            stated = normalise_school_year(year_text)
        if year is None:
            year = stated
        elif stated is not None and stated != year:
            name = f"'{title}' ({sourced})" if title else f"'{sourced}'"
            result.notes.append(
                Problem(
                    sessions.file,
                    line,
                    "schoolYear",
                    f"warning: session {name} runs {start_text} to {end_text}, in school year "
                    f"{year}, but its schoolYear {year_text} means {stated}; the dates were used",
                )
            )
        if year is None:
            result.problems.append(
                Problem(
                    sessions.file,
                    line,
                    "schoolYear",
                    f"the session has no schoolYear and no readable startDate ('{start_text}')",
                )
            )
            continue
        running = start is not None and end is not None and start <= today <= end
        found.append((running, kind == "schoolyear", year))
    if not found:
        return fallback
    running = sorted({year for is_running, _, year in found if is_running})
    if len(running) == 1:
        return running[0]
    years = sorted({year for _, _, year in found})
    if len(years) > 1:
        result.notes.append(
            Problem(
                sessions.file,
                1,
                "schoolYear",
                f"warning: the sessions cover {', '.join(years)} and none is running today; the "
                f"students were imported for the newest, {years[-1]} (choose another with "
                "--school-year)",
            )
        )
    return years[-1]


@dataclass(frozen=True)
class _School:
    building_id: str
    name: str
    line: int


def _schools(orgs: _Rows) -> dict[str, _School]:
    """Active orgs of type school by sourcedId; building_id = identifier, else sourcedId."""
    schools = {}
    for line, sourced, kind, name, identifier in zip(
        orgs.lines.tolist(),
        orgs.column("sourcedid"),
        orgs.column("type").str.lower(),
        orgs.column("name"),
        orgs.column("identifier"),
        strict=True,
    ):
        if kind == "school" and sourced:
            schools[sourced] = _School(identifier or sourced, name, line)
    return schools


# --- Students -------------------------------------------------------------------------------------


@dataclass
class _Students:
    table: RawTable
    grades_by_building: dict[str, list[str]]


def _students(
    tables: dict[str, _Rows],
    schools: dict[str, _School],
    result: OneRosterResult,
    known: KnownKeys,
) -> _Students | None:
    users = tables["users"]
    year = result.school_year
    roles = _student_roles(tables.get("roles"), users, result)
    if roles is None:
        return None
    is_student = is_in(users.column("sourcedid"), set(roles))
    others = int((~is_student).sum())
    if others:
        result.notes.append(
            Problem(
                users.file,
                1,
                "role",
                f"note: {others:,} teachers, guardians and other people who are not students "
                "were not imported",
            )
        )
    result.notes.append(
        Problem(
            users.file,
            1,
            "-",
            "note: names, usernames, emails, phone numbers and birth dates are never read",
        )
    )
    frame = users.frame.loc[is_student]
    lines = users.lines[is_student]
    sourced = frame["sourcedid"].tolist()
    # A student is keyed by their sourcedId, never their identifier, username or email: many
    # exports fill those with a login or an address, and student IDs in the store are pseudonymous.
    student_ids = sourced

    enrolled = _enrolled_schools(tables.get("enrollments"), schools, year, result)
    fallback = _orgs_named_on_users(frame, roles, schools)
    demographics = _demographics(tables.get("demographics"), result)
    stored = known.student_keys([year])

    columns: dict[str, list[str]] = {
        name: []
        for name in ("student_id", "school_year", "building_id", "grade", "race_ethnicity", "sex")
    }
    grades_by_building: dict[str, list[str]] = {}
    unknown = {"demographics": 0, "race": 0, "grade": 0}
    grade_cells = frame["grades"].tolist() if "grades" in frame else [""] * len(sourced)
    for line, source, student_id, grades in zip(
        lines.tolist(), sourced, student_ids, grade_cells, strict=True
    ):
        school = enrolled.get(source) or fallback.get(source)
        if school is None:
            result.problems.append(
                Problem(
                    users.file,
                    line,
                    "orgSourcedIds",
                    f"student '{student_id}' is not enrolled in any school of orgs.csv (no "
                    "active enrollment with a schoolSourcedId, and no school among the user's orgs)",
                )
            )
            continue
        building = schools[school].building_id
        grade = _grade(grades)
        race, sex = demographics.get(source, (None, None))
        # Unknowns are imported as unknown (or keep the stored value): the student counts in
        # enrollment and every group they belong to, never in a race group.
        if f"{student_id}{KEY_SEPARATOR}{year}" not in stored:
            if source not in demographics:
                unknown["demographics"] += 1
            elif race is None:
                unknown["race"] += 1
            if not grade:
                unknown["grade"] += 1
        columns["student_id"].append(student_id)
        columns["school_year"].append(year)
        columns["building_id"].append(building)
        columns["grade"].append(grade)
        columns["race_ethnicity"].append(race or "")
        columns["sex"].append(sex or ("" if source not in demographics else "X"))
        grades_by_building.setdefault(building, []).append(grade)
        columns.setdefault("_line", []).append(line)
    row_lines = np.asarray(columns.pop("_line", []), dtype=np.int64)
    _warn_unknown(unknown, users.file, tables.get("demographics"), result)
    table = RawTable(
        file=users.file,
        frame=pd.DataFrame(columns, dtype=str),
        lines=row_lines,
        headers={name: name for name in columns},
        keep_when_empty=frozenset({"grade", "race_ethnicity", "sex"}),
        may_omit=frozenset({"iep", "el", "econ_disadv"}),
    )
    return _Students(table, grades_by_building)


UNKNOWN_WARNINGS = {
    "demographics": "{n} no row in demographics.csv, so their race/ethnicity and sex are unknown",
    "race": "{n} no race or ethnicity flag set in demographics.csv, so their race/ethnicity is "
    "unknown",
    "grade": "{n} no grade, so their grade is unknown",
}


def _warn_unknown(
    unknown: dict[str, int], users_file: str, demographics: _Rows | None, result: OneRosterResult
) -> None:
    """One warning per kind of unknown value, with how many students have it."""
    for kind, count in unknown.items():
        if not count:
            continue
        who = f"{count:,} student{'s' if count != 1 else ''} {'have' if count != 1 else 'has'}"
        file = demographics.file if kind == "race" and demographics else users_file
        result.notes.append(
            Problem(
                file,
                1,
                "-",
                "warning: "
                + UNKNOWN_WARNINGS[kind].format(n=who)
                + " (imported: counted in enrollment and in the groups they belong to, never in a "
                "race group)",
            )
        )


def _student_roles(
    roles: _Rows | None, users: _Rows, result: OneRosterResult
) -> dict[str, list[str]] | None:
    """Students' sourcedIds → the orgs their student role names (1.2 roles.csv), or [] (1.1)."""
    if "role" in users.frame:  # OneRoster 1.1: the role is on the user
        mask = users.frame["role"].str.lower() == "student"
        return {source: [] for source in users.frame.loc[mask, "sourcedid"]}
    if roles is None:
        result.problems.append(
            Problem(
                users.file,
                1,
                "role",
                "users.csv has no role column and there is no roles.csv, so students cannot be "
                "told from teachers",
            )
        )
        return None
    students: dict[str, list[str]] = {}
    mask = (roles.column("role").str.lower() == "student").to_numpy()
    for user, org in zip(
        roles.frame.loc[mask, "usersourcedid"], roles.column("orgsourcedid")[mask], strict=True
    ):
        students.setdefault(user, []).append(org)
    return students


def _enrolled_schools(
    enrollments: _Rows | None, schools: dict[str, _School], year: str, result: OneRosterResult
) -> dict[str, str]:
    """Each student's school from their class enrollments: the primary one, else the school of most
    of their classes. Enrollments that ended before the school year or begin after it are left out."""
    if enrollments is None or enrollments.frame.empty:
        return {}
    frame = enrollments.frame
    mask = (frame["role"].str.lower() == "student").to_numpy()
    rows = pd.DataFrame(
        {
            "user": frame["usersourcedid"][mask].to_numpy(),
            "school": frame["schoolsourcedid"][mask].to_numpy(),
            "primary": enrollments.column("primary")[mask]
            .map(lambda v: parse_bool(v) is True)
            .to_numpy(),
            "begin": enrollments.column("begindate")[mask].to_numpy(),
            "end": enrollments.column("enddate")[mask].to_numpy(),
            "line": enrollments.lines[mask],
        }
    )
    start, stop = date(int(year[:4]), 7, 1), date(int(year[:4]) + 1, 6, 30)
    dates = {
        text: parse_date(text)
        for text in pd.unique(np.concatenate([rows["begin"], rows["end"]]))
        if text
    }
    in_year = [
        not (dates.get(end) and dates[end] < start)
        and not (dates.get(begin) and dates[begin] > stop)
        for begin, end in zip(rows["begin"], rows["end"], strict=True)
    ]
    rows = rows.loc[in_year]
    unknown = ~rows["school"].isin(schools.keys())
    for line, school in rows.loc[unknown, ["line", "school"]].itertuples(index=False):
        result.problems.append(
            Problem(
                enrollments.file,
                int(line),
                "schoolSourcedId",
                f"school '{school}' is not an active school in orgs.csv",
            )
        )
    rows = rows.loc[~unknown]
    counted = (
        rows.groupby(["user", "school"], sort=True)
        .agg(primary=("primary", "any"), classes=("line", "size"))
        .reset_index()
        .sort_values(["user", "primary", "classes", "school"], ascending=[True, False, False, True])
    )
    return dict(counted.drop_duplicates("user")[["user", "school"]].itertuples(index=False))


def _orgs_named_on_users(
    users: pd.DataFrame, roles: dict[str, list[str]], schools: dict[str, _School]
) -> dict[str, str]:
    """A student's school when no enrollment names one: roles.csv, primaryOrgSourcedId or
    orgSourcedIds, whichever names a school first."""
    found = {}
    primary = users.get("primaryorgsourcedid")
    listed = users.get("orgsourcedids")
    for position, source in enumerate(users["sourcedid"].tolist()):
        candidates = list(roles.get(source, []))
        if primary is not None:
            candidates.append(primary.iloc[position])
        if listed is not None:
            candidates.extend(part.strip() for part in listed.iloc[position].split(","))
        school = next((org for org in candidates if org in schools), None)
        if school:
            found[source] = school
    return found


def _grade(grades: str) -> str:
    """OneRoster grade codes (KG, PK, 01-12) → the store's (K, PK, 1-12). Several: the first."""
    first = next((part.strip() for part in grades.split(",") if part.strip()), "")
    code = first.upper()
    if code in GRADE_CODES:
        return GRADE_CODES[code]
    if re.fullmatch(r"\d{1,2}", code) and 1 <= int(code) <= 12:
        return str(int(code))
    return first  # anything else is reported by the students check, on this line


FLAG_NAMES = {  # lowercase column → as OneRoster spells it, for messages
    "americanindianoralaskanative": "americanIndianOrAlaskaNative",
    "asian": "asian",
    "blackorafricanamerican": "blackOrAfricanAmerican",
    "nativehawaiianorotherpacificislander": "nativeHawaiianOrOtherPacificIslander",
    "white": "white",
    "hispanicorlatinoethnicity": "hispanicOrLatinoEthnicity",
    "demographicracetwoormoreraces": "demographicRaceTwoOrMoreRaces",
}


def _flags(rows: _Rows, column: str, result: OneRosterResult) -> np.ndarray:
    """A true/false column of demographics.csv (empty is false); other values are problems."""
    text = rows.column(column)
    parsed = {value: (parse_bool(value) if value else False) for value in pd.unique(text)}
    for line, value in zip(rows.lines.tolist(), text.tolist(), strict=True):
        if parsed[value] is None:
            result.problems.append(
                Problem(
                    rows.file,
                    line,
                    FLAG_NAMES[column],
                    f"{FLAG_NAMES[column]} '{value}' is not true or false",
                )
            )
    return text.map(lambda value: parsed[value] is True).to_numpy(dtype=bool)


def _demographics(
    demographics: _Rows | None, result: OneRosterResult
) -> dict[str, tuple[str | None, str | None]]:
    """sourcedId → (race/ethnicity category, sex). Hispanic first; then two or more races when
    several race flags or the explicit flag are set; else the single flag."""
    if demographics is None:
        return {}
    races = np.column_stack([_flags(demographics, column, result) for column in RACE_FLAGS])
    codes = np.array(list(RACE_FLAGS.values()))
    hispanic = _flags(demographics, "hispanicorlatinoethnicity", result)
    several = _flags(demographics, "demographicracetwoormoreraces", result)
    count = races.sum(axis=1)
    single = codes[races.argmax(axis=1)]
    found = {}
    for position, (line, source, sex_text) in enumerate(
        zip(
            demographics.lines.tolist(),
            demographics.frame["sourcedid"].tolist(),
            demographics.column("sex").tolist(),
            strict=True,
        )
    ):
        if hispanic[position]:
            race = "HI"
        elif count[position] > 1 or several[position]:
            race = "TR"
        elif count[position] == 1:
            race = str(single[position])
        else:
            race = None  # unknown: counted by the students' warning
        sex = SEX_CODES.get(sex_text.lower())
        if sex is None:
            result.problems.append(
                Problem(
                    demographics.file,
                    line,
                    "sex",
                    f"sex '{sex_text}' is not one of female, male, other, unspecified",
                )
            )
        found[source] = (race, sex)
    return found


# --- Buildings ------------------------------------------------------------------------------------

LEVEL_WORDS = (
    (re.compile(r"\bk\s*[-–]?\s*8\b", re.IGNORECASE), "k8"),
    (re.compile(r"\b(middle|junior high|intermediate)\b", re.IGNORECASE), "middle"),
    (re.compile(r"\b(elementary|primary)\b", re.IGNORECASE), "elementary"),
    (re.compile(r"\bhigh\b", re.IGNORECASE), "high"),
)
GRADE_NUMBERS = {"PK": -1, "K": 0, **{str(n): n for n in range(1, 13)}}


def infer_level(name: str, grades: list[str]) -> str:
    """A school's level from its name, else from its students' grades, else 'other'."""
    for pattern, level in LEVEL_WORDS:
        if pattern.search(name):
            return level
    numbers = [GRADE_NUMBERS[g] for g in grades if g in GRADE_NUMBERS]
    if not numbers:
        return "other"
    low, high = min(numbers), max(numbers)
    if low >= 9:
        return "high"
    if low >= 5 and high <= 8:
        return "middle"
    if high <= 6:
        return "elementary"
    if low <= 1 and high <= 8:
        return "k8"
    return "other"


def _building_rows(
    orgs: _Rows, schools: dict[str, _School], students: _Students | None, known: KnownKeys
) -> RawTable:
    stored = known.keys("buildings")
    grades = students.grades_by_building if students else {}
    rows = sorted(schools.values(), key=lambda school: school.line)
    frame = pd.DataFrame(
        {
            "building_id": [s.building_id for s in rows],
            "name": [s.name for s in rows],
            # A building already in the store keeps the level the district gave it.
            "level": [
                ""
                if s.building_id in stored
                else infer_level(s.name, grades.get(s.building_id, []))
                for s in rows
            ],
        },
        dtype=str,
    )
    return RawTable(
        file=orgs.file,
        frame=frame,
        lines=np.asarray([s.line for s in rows], dtype=np.int64),
        headers={name: name for name in frame.columns},
        keep_when_empty=frozenset({"level"}),
    )
