"""Every rule an import file must meet, with a message a data manager understands for each break.

Checks are vectorised: a column's distinct values are parsed once each (dates, codes and school years
have few), ids are checked with pandas string operations, references with set membership. So a file
of a million rows is checked in seconds, and every bad line is reported, not just the first."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from data_access.fidelity.inputs import (
    FIELDS as FIDELITY_FIELDS,
)
from data_access.fidelity.inputs import (
    HIDDEN_CHARACTER,
    IN_THE_FUTURE,
    NOT_A_DATE,
    NOT_DIGITS,
    OUT_OF_RANGE,
    Refusal,
    check_fidelity_score,
    read_fidelity_value,
)
from data_access.imports.reading import Problem, RawTable
from data_access.imports.tables import PULSE_IDENTIFYING, Column, TableSpec
from data_access.models import (
    Building,
    FidelityScore,
    InstrumentItem,
    Staff,
    Student,
    TeamSelfCheck,
    User,
)
from data_access.parsing import parse_bool, parse_date, parse_datetime
from data_access.school_year import normalise_school_year, school_year_end, school_year_start
from data_access.validation import (
    EARLIEST_SCHOOL_YEAR_START,
    EMAIL,
    hidden_character_message,
    latest_school_year_start,
    parse_number,
    pseudonymous_student_id_message,
    twin_key,
)

KEY_SEPARATOR = "\x1f"  # joins the parts of a composite key; never inside a value

# Parts of a header that mark personal data about a student, and how to name it in a warning.
PERSONAL_PARTS = {
    "a name": {
        "name",
        "names",
        "firstname",
        "lastname",
        "middlename",
        "fullname",
        "surname",
        "nickname",
        "givenname",
        "familyname",
        "preferredname",
        "initials",
    },
    "a birth date": {"birth", "birthdate", "birthday", "dob", "dateofbirth", "age"},
    "an address": {"address", "street", "city", "zip", "zipcode", "postal", "postcode"},
    "a phone number": {"phone", "telephone", "mobile", "cell"},
    "an email address": {"email", "mail", "emailaddress"},
    "a parent or guardian": {"parent", "guardian", "mother", "father", "contact"},
    "a social security number": {"ssn", "social"},
}


def personal_data_kind(header: str) -> str | None:
    """What personal data a (normalised) header looks like it holds, or None."""
    parts = set(header.split("_")) | {header.replace("_", "")}
    for kind, words in PERSONAL_PARTS.items():
        if parts & words:
            return kind
    return None


# --- What the import may refer to -----------------------------------------------------------------


@dataclass
class KnownKeys:
    """Keys rows may refer to: the store's (read once, when first needed) and every row of this
    import whose key could be read, even when another value of the row is wrong (so one bad
    students row does not also fail every attendance row of that student)."""

    session: Session
    _sets: dict[str, set[str]] = field(default_factory=dict)
    _student_years: set[str] = field(default_factory=set)
    students: set[str] = field(default_factory=set)
    item_max: dict[tuple[str, str], int] | None = None  # (instrument, item_id) → max_score
    # Keys seen earlier in this import, for tables with several files: key → (file, line).
    seen: dict[str, pd.DataFrame] = field(default_factory=dict)

    def keys(self, table: str) -> set[str]:
        if table == "instruments":
            return {KEY_SEPARATOR.join(pair) for pair in self.items()}
        if table not in self._sets:
            column = {
                "buildings": Building.building_id,
                "staff": Staff.staff_id,
                "users": User.email,
            }[table]
            self._sets[table] = set(self.session.execute(select(column)).scalars())
        return self._sets[table]

    def student_keys(self, school_years: list[str]) -> set[str]:
        missing = [year for year in school_years if year not in self._student_years]
        if missing:
            rows = self.session.execute(
                select(Student.student_id, Student.school_year).where(
                    Student.school_year.in_(missing)
                )
            )
            self.students.update(f"{sid}{KEY_SEPARATOR}{year}" for sid, year in rows)
            self._student_years.update(missing)
        return self.students

    def items(self) -> dict[tuple[str, str], int]:
        if self.item_max is None:
            rows = self.session.execute(
                select(InstrumentItem.instrument, InstrumentItem.item_id, InstrumentItem.max_score)
            )
            self.item_max = {(instrument, item): score for instrument, item, score in rows}
        return self.item_max

    def add(self, table: str, keys: pd.Series) -> None:
        if table == "students":
            self.students.update(keys.tolist())
        elif table in ("buildings", "staff", "users"):
            self.keys(table).update(keys.tolist())


# --- The result of checking one file --------------------------------------------------------------


@dataclass
class CheckedTable:
    spec: TableSpec
    file: str
    frame: pd.DataFrame  # parsed values of the spec's columns the file has (None when empty)
    lines: np.ndarray
    problems: list[Problem]
    warnings: list[Problem]
    keep_when_empty: frozenset[str] = frozenset()

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    def records(self) -> list[dict]:
        """Rows as dicts of Python values (None where empty), for tables small enough to walk."""
        columns = list(self.frame.columns)
        cells = [python_values(self.frame[name]) for name in columns]
        return [dict(zip(columns, row, strict=True)) for row in zip(*cells, strict=True)]


def python_values(values: pd.Series) -> list:
    """A parsed column as Python values for the driver, None where empty."""
    if values.dtype == object:
        return values.tolist()
    return values.astype(object).where(values.notna(), None).tolist()


class _Problems:
    """Problems of one file, gathered column by column as frames (a bad file may have millions)."""

    def __init__(self, file: str):
        self.file = file
        self.frames: list[pd.DataFrame] = []
        self.single: list[Problem] = []

    def add(self, line: int, column: str, message: str) -> None:
        self.single.append(Problem(self.file, int(line), column, message))

    def add_rows(self, lines: np.ndarray, column: str, messages) -> None:
        if len(lines):
            self.frames.append(
                pd.DataFrame(
                    {
                        "line": np.asarray(lines, dtype=np.int64),
                        "column": column,
                        "message": messages,
                    }
                )
            )

    def __bool__(self) -> bool:
        return bool(self.single) or any(len(frame) for frame in self.frames)

    def as_list(self) -> list[Problem]:
        found = list(self.single)
        for frame in self.frames:
            found.extend(
                Problem(self.file, line, column, str(message))
                for line, column, message in zip(
                    frame["line"].tolist(),
                    frame["column"].tolist(),
                    frame["message"].tolist(),
                    strict=True,
                )
            )
        return sorted(found, key=lambda problem: problem.line)


# Control and invisible characters (validation.hidden_character names them): never in an id; in free
# text only tabs and line breaks are allowed.
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
HIDDEN_IN_IDS = f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]"
HIDDEN_IN_TEXT = f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_INVISIBLE}]"


# --- Parsing one value ----------------------------------------------------------------------------


def _code(column: Column, text: str) -> tuple[object, str | None]:
    lookup = {choice.lower(): choice for choice in column.choices}
    value = lookup.get(text.lower())
    if value is None and column.name == "grade" and re.fullmatch(r"0\d", text):
        value = lookup.get(text[1:])  # "01" is grade 1
    if value is None:
        return None, f"{column.name} '{text}' is not one of {column.allowed}"
    return value, None


def _number(column: Column, text: str) -> tuple[object, str | None]:
    whole = column.kind == "int"
    value = parse_number(text, whole=whole)
    if value is None:
        what = "a whole number" if whole else "a number"
        if parse_number(text, whole=False) is None:  # 1e1, 1_7_0, ١٧٠, 'n/a'
            what += " (write it with the digits 0-9)"
        return None, f"{column.name} '{text}' is not {what}"
    if column.choices and str(value) not in column.choices:
        return None, f"{column.name} '{text}' is not one of {column.allowed}"
    too_low = (column.minimum is not None and value < column.minimum) or (
        column.above is not None and value <= column.above
    )
    too_high = column.maximum is not None and value > column.maximum
    if too_low or too_high:
        return None, f"{column.name} {text} is not {column.allowed}"
    return value, None


def parse_value(column: Column, text: str) -> tuple[object, str | None]:
    """One non-empty cell (surrounding spaces removed) → (value, None) or (None, message)."""
    kind = column.kind
    if kind == "code":
        return _code(column, text)
    if kind in ("int", "float"):
        return _number(column, text)
    if kind == "bool":
        value = parse_bool(text)
        if value is None:
            return None, (
                f"{column.name} '{text}' is not yes or no (write Y, N, yes, no, true, false, 1 or 0)"
            )
        return value, None
    if kind == "date":
        value = parse_date(text)
        if value is None:
            return None, f"{column.name} '{text}' is not a date (write 2025-09-02 or 9/2/2025)"
        return value, None
    if kind == "datetime":
        value = parse_datetime(text)
        if value is None:
            return None, (
                f"{column.name} '{text}' is not a date or time (write 2025-09-02 or "
                "2025-09-02T14:30:00Z)"
            )
        return value, None
    if kind == "school_year":
        value = normalise_school_year(text)
        if value is None:
            return None, f"school_year '{text}' is not a school year (write 2024-25 or 2024-2025)"
        return value, None
    if kind == "email":
        value = text.lower()
        if not EMAIL.match(value):
            return None, f"{column.name} '{text}' is not an email address"
        if column.max_length and len(value) > column.max_length:
            return None, f"{column.name} is longer than {column.max_length} characters"
        return value, None
    if kind == "id_list":
        ids = tuple(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))
        return ids, None
    if kind == "code_list":
        lookup = {choice.lower(): choice for choice in column.choices}
        parts = [part.strip() for part in text.split(";") if part.strip()]
        unknown = [part for part in parts if part.lower() not in lookup]
        if unknown:
            return None, (
                f"{column.name} '{unknown[0]}' is not one of {', '.join(column.choices)} "
                "(separate several with ;)"
            )
        return tuple(dict.fromkeys(lookup[part.lower()] for part in parts)), None
    if kind == "time":
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text)
        if match is None:
            return None, (
                f"{column.name} '{text}' is not a time of day (write HH:MM on the 24-hour clock, "
                "13:05)"
            )
        return f"{int(match[1]):02d}:{match[2]}", None
    if kind == "month":
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if match is None or not 1 <= int(match[2]) <= 12:
            return None, f"{column.name} '{text}' is not a month (write YYYY-MM, 2025-09)"
        return f"{match[1]}-{int(match[2]):02d}", None
    raise ValueError(f"no parser for {kind}")


def parse_column(
    column: Column, cells: pd.Series, lines: np.ndarray, problems: _Problems, *, may_be_empty: bool
) -> pd.Series:
    """A column's cells → parsed values (None where empty or wrong); wrong cells become problems."""
    text = cells.str.strip()
    empty = (text == "").to_numpy()
    if column.required and not may_be_empty and empty.any():
        problems.add_rows(lines[empty], column.name, f"{column.name} is empty; every row needs one")
    if column.kind in ("id", "text"):
        # Ids stay compact pandas strings (missing: NaN); a million of them as Python objects
        # would cost far more memory. The loader turns them into Python values chunk by chunk.
        values = text.where(~empty)
        hidden = text.str.contains(
            HIDDEN_IN_IDS if column.kind == "id" else HIDDEN_IN_TEXT, regex=True
        ).to_numpy(dtype=bool)
        if hidden.any():
            problems.add_rows(
                lines[hidden],
                column.name,
                [hidden_character_message(column.name, value) for value in text[hidden].tolist()],
            )
            values = values.where(~hidden)
        if column.max_length:
            long = (text.str.len() > column.max_length).to_numpy()
            if long.any():
                lengths = text[long].str.len().tolist()
                problems.add_rows(
                    lines[long],
                    column.name,
                    [
                        f"{column.name} is {n} characters long; at most {column.max_length} fit"
                        for n in lengths
                    ],
                )
                values = values.where(~long)
        return values
    distinct = pd.unique(text[~empty])
    parsed, messages = {}, {}
    for value in distinct:
        parsed[value], message = parse_value(column, value)
        if message:
            messages[value] = message
    values = text.map(parsed).astype(object).where(~empty, None)
    if messages:
        bad = text.isin(list(messages)).to_numpy()
        problems.add_rows(lines[bad], column.name, text[bad].map(messages).tolist())
        values = values.where(~bad, None)
    return values


# --- fidelity.csv: the Fidelity form's own typed input ---------------------------------------------

FIDELITY_HAPPENED = "a fidelity administration is recorded once the team has done it"


def parse_fidelity_column(
    column: Column,
    cells: pd.Series,
    lines: np.ndarray,
    problems: _Problems,
    *,
    may_be_empty: bool,
    today: date | None = None,
) -> pd.Series:
    """A fidelity.csv column read by `FidelityScoreInput`, the typed input the Fidelity page's entry
    form saves through, so a file and the form accept exactly the same things. Each distinct value
    is checked once; the model's reasons are worded here as the importer's messages."""
    if column.name not in FIDELITY_FIELDS:
        return parse_column(column, cells, lines, problems, may_be_empty=may_be_empty)
    today = today or date.today()
    text = cells.str.strip()
    empty = (text == "").to_numpy()
    if column.required and not may_be_empty and empty.any():
        problems.add_rows(lines[empty], column.name, f"{column.name} is empty; every row needs one")
    parsed, messages = {}, {}
    for value in pd.unique(text[~empty]):
        parsed[value], refusal = read_fidelity_value(column.name, value, today=today)
        if refusal is not None:
            messages[value] = fidelity_message(column, refusal)
        elif column.max_length and len(value) > column.max_length:
            messages[value] = (
                f"{column.name} is {len(value)} characters long; at most {column.max_length} fit"
            )
    # Ids stay compact pandas strings, as parse_column keeps them; other values are parsed ones.
    values = (
        text.where(~empty)
        if column.kind == "id"
        else text.map(parsed).astype(object).where(~empty, None)
    )
    if messages:
        bad = text.isin(list(messages)).to_numpy()
        problems.add_rows(lines[bad], column.name, text[bad].map(messages).tolist())
        values = values.where(~bad, None)
    return values


def fidelity_message(column: Column, refusal: Refusal) -> str:
    """The importer's words for a reason `FidelityScoreInput` refused a value."""
    name, text, reason = column.name, refusal.value, refusal.reason
    if reason == HIDDEN_CHARACTER:
        return str(hidden_character_message(name, str(text)))
    if reason == NOT_A_DATE:
        return f"{name} '{text}' is not a date (write 2025-09-02 or 9/2/2025)"
    if reason == IN_THE_FUTURE:
        day, today = parse_date(str(text)), refusal.context["today"]
        return (
            f"{name} {day.isoformat()} is in the future (today is {today.isoformat()}); "
            f"{FIDELITY_HAPPENED}"
        )
    if reason == NOT_DIGITS:
        return f"{name} '{text}' is not a whole number (write it with the digits 0-9)"
    if reason == OUT_OF_RANGE:
        return f"{name} {text} is not {column.allowed}"
    return f"{name} '{text}' is not a whole number"


def _check_fidelity_item_maximum(
    frame: pd.DataFrame, lines: np.ndarray, problems: _Problems, known: KnownKeys
) -> None:
    """A score above its item's own maximum, by `FidelityScoreInput` with the instruments known to
    this import (the store's and this import's files): checked once per instrument, item and score."""
    items = known.items()
    both = frame["score"].notna() & frame["instrument"].notna() & frame["item_id"].notna()
    rows = frame.loc[both, ["instrument", "item_id", "score"]]
    triples = list(dict.fromkeys(rows.itertuples(index=False, name=None)))
    refused = {}
    for instrument, item, score in triples:
        found = check_fidelity_score(
            {"instrument": instrument, "item_id": item, "score": score}, item_max=items
        ).get("score")
        if found is not None and found.reason == OUT_OF_RANGE:
            refused[(instrument, item, score)] = (
                f"score {score} is more than item {item}'s maximum of {found.context['maximum']}"
            )
    if not refused:
        return
    flags = [triple in refused for triple in rows.itertuples(index=False, name=None)]
    bad = frame.index.isin(rows.index[flags])
    problems.add_rows(
        lines[bad],
        "score",
        [
            refused[triple]
            for triple in frame.loc[bad, ["instrument", "item_id", "score"]].itertuples(
                index=False, name=None
            )
        ],
    )


# --- Checking a whole file ------------------------------------------------------------------------


def check_header(raw: RawTable, spec: TableSpec, problems: _Problems) -> list[Problem]:
    """Missing required columns are problems; unknown and personal-data columns are warnings."""
    warnings = []
    present = set(raw.frame.columns)
    names = {column.name for column in spec.columns}
    optional = raw.keep_when_empty | raw.may_omit
    for column in spec.columns:
        if column.required and column.name not in present and column.name not in optional:
            problems.add(
                1,
                column.name,
                f"the required column {column.name} is missing (the header has: "
                f"{', '.join(raw.headers.values()) or 'nothing'})",
            )
    for header in raw.frame.columns:
        if header in names or header in spec.ignored:
            continue
        written = raw.headers.get(header, header)
        kind = personal_data_kind(header) if spec.student_side else None
        if spec.name == "staff_pulse" and (
            header in PULSE_IDENTIFYING or personal_data_kind(header)
        ):
            message = (
                "warning: the staff pulse is anonymous; this column would say who answered, so it "
                "was not read and is never stored"
            )
        elif kind:
            message = (
                f"warning: this column looks like personal data about students ({kind}); it was "
                "not read and is never stored"
            )
        else:
            message = (
                f"warning: {spec.name} has no column {written!r}; it was ignored (the columns are "
                f"{', '.join(column.name for column in spec.columns)})"
            )
        warnings.append(Problem(raw.file, 1, written, message))
    return warnings


def key_strings(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[pd.Series, np.ndarray]:
    """Each row's key as one string, and which rows have every part of it."""
    complete = np.ones(len(frame), dtype=bool)
    joined = None
    for name in columns:
        values = frame[name]
        present = values.notna().to_numpy()
        complete &= present
        if values.dtype == object:  # parsed values: few distinct ones (dates, codes, numbers)
            distinct = pd.unique(values[present])
            text = values.map({value: _key_text(value) for value in distinct}).astype("str")
        else:
            text = values
        text = text.fillna("")
        joined = text if joined is None else joined + KEY_SEPARATOR + text
    return joined, complete


def is_in(keys: pd.Series, known: set[str] | pd.Index) -> np.ndarray:
    """Which keys are among the known ones. pandas' own isin on its pyarrow strings turns every
    known key into a scalar one by one (seconds for a million); pyarrow's is_in does not."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        array = pa.array(keys.astype("str"))
        values = pa.array(list(known), type=array.type)
        return pc.is_in(array, value_set=values).fill_null(False).to_numpy(zero_copy_only=False)
    except ImportError:  # pragma: no cover - pyarrow comes with streamlit
        return keys.astype(object).isin(set(known)).to_numpy()


def _key_text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def describe_key(columns: tuple[str, ...], key: str) -> str:
    values = key.split(KEY_SEPARATOR)
    return ", ".join(f"{name} {value}" for name, value in zip(columns, values, strict=True))


def check_table(
    raw: RawTable,
    spec: TableSpec,
    known: KnownKeys,
    *,
    more_files_follow: bool = False,
    today: date | None = None,
) -> CheckedTable:
    """Check every row of a file against the table's rules and what the import may refer to."""
    problems = _Problems(raw.file)
    warnings = check_header(raw, spec, problems)
    present = [column for column in spec.columns if column.name in raw.frame.columns]
    if problems:  # a required column is missing: the rows cannot be read as this table
        return CheckedTable(spec, raw.file, pd.DataFrame(), raw.lines, problems.as_list(), warnings)
    lines = raw.lines
    frame = pd.DataFrame(index=raw.frame.index)
    for column in present:
        if spec.name == "fidelity":  # read by the Fidelity form's own typed input
            frame[column.name] = parse_fidelity_column(
                column,
                raw.frame[column.name],
                lines,
                problems,
                may_be_empty=column.name in raw.keep_when_empty,
                today=today or date.today(),
            )
            continue
        frame[column.name] = parse_column(
            column,
            raw.frame[column.name],
            lines,
            problems,
            may_be_empty=column.name in raw.keep_when_empty,
        )
        default = spec.insert_defaults.get(column.name)
        if not column.required and default is not None:  # an empty section_504 means N
            values = frame[column.name]
            frame[column.name] = values.where(values.notna(), default).astype(object)
    _check_rows(spec, frame, lines, problems, known)
    _check_plausible(spec, frame, lines, problems, today or date.today())
    _check_twins(spec, frame, lines, problems, known)
    _check_references(spec, frame, lines, problems, known)
    keys, complete = key_strings(frame, spec.key)
    _check_duplicates(spec, raw.file, keys, complete, lines, problems, known, more_files_follow)
    if spec.name in ("buildings", "staff", "users", "students"):
        known.add(spec.name, keys[complete])
    if spec.name == "instruments":
        _check_instrument_definitions(frame, lines, problems, known)
    return CheckedTable(
        spec,
        raw.file,
        frame,
        lines,
        problems.as_list(),
        warnings,
        keep_when_empty=raw.keep_when_empty,
    )


def _check_rows(
    spec: TableSpec, frame: pd.DataFrame, lines: np.ndarray, problems: _Problems, known: KnownKeys
) -> None:
    """Rules that compare two values of a row."""
    if spec.name == "attendance":
        both = frame["days_enrolled"].notna() & frame["days_absent"].notna()
        enrolled = frame["days_enrolled"].where(both, 0).astype("int64")
        absent = frame["days_absent"].where(both, 0).astype("int64")
        bad = (both & (absent > enrolled)).to_numpy()
        problems.add_rows(
            lines[bad],
            "days_absent",
            [
                f"days_absent {a} is more than days_enrolled {e}"
                for a, e in zip(absent[bad].tolist(), enrolled[bad].tolist(), strict=True)
            ],
        )
    if spec.name in ("supports", "staff") and "end_date" in frame and "start_date" in frame:
        both = frame["start_date"].notna() & frame["end_date"].notna()
        pairs = frame.loc[both, ["start_date", "end_date"]]
        bad_index = pairs.index[[end < start for start, end in pairs.itertuples(index=False)]]
        bad = frame.index.isin(bad_index)
        problems.add_rows(
            lines[bad],
            "end_date",
            [
                f"end_date {end.isoformat()} is before start_date {start.isoformat()}"
                for start, end in frame.loc[bad, ["start_date", "end_date"]].itertuples(index=False)
            ],
        )
    if spec.name == "discipline":
        both = frame["school_year"].notna() & frame["incident_date"].notna()
        pairs = frame.loc[both, ["school_year", "incident_date"]].drop_duplicates()
        wrong = {
            (year, day)
            for year, day in pairs.itertuples(index=False)
            if not school_year_start(year) <= day <= school_year_end(year)
        }
        if wrong:
            rows = frame.loc[both, ["school_year", "incident_date"]]
            flags = [(year, day) in wrong for year, day in rows.itertuples(index=False)]
            bad = frame.index.isin(rows.index[flags])
            problems.add_rows(
                lines[bad],
                "incident_date",
                [
                    f"incident_date {day.isoformat()} is not in school year {year} "
                    f"(1 July {year[:4]} to 30 June {int(year[:4]) + 1})"
                    for year, day in frame.loc[bad, ["school_year", "incident_date"]].itertuples(
                        index=False
                    )
                ],
            )
    if spec.name == "school_calendar":
        both = frame["school_year"].notna() & frame["month"].notna()
        rows = frame.loc[both, ["school_year", "month"]]
        flags = [
            not f"{year[:4]}-07" <= month <= f"{int(year[:4]) + 1}-06"
            for year, month in rows.itertuples(index=False)
        ]
        bad = frame.index.isin(rows.index[flags])
        problems.add_rows(
            lines[bad],
            "month",
            [
                f"month {month} is not in school year {year} "
                f"(July {year[:4]} to June {int(year[:4]) + 1})"
                for year, month in frame.loc[bad, ["school_year", "month"]].itertuples(index=False)
            ],
        )
    if spec.name == "fidelity":
        _check_fidelity_item_maximum(frame, lines, problems, known)


# Dates that cannot be in the future: what they record has happened.
HAPPENED = {  # fidelity's administered_on: its typed input (parse_fidelity_column)
    "caseloads": ("as_of", "cases are counted on a day that has come"),
    "discipline": ("incident_date", "an incident is recorded once it has happened"),
}


def _check_plausible(
    spec: TableSpec, frame: pd.DataFrame, lines: np.ndarray, problems: _Problems, today: date
) -> None:
    """Values that parse but cannot be true: a date still to come for something that has happened,
    a school year far off, a due date decades away, an id no student number looks like, a user whose
    role and buildings disagree."""

    def flag(mask, column: str, messages) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            problems.add_rows(lines[mask], column, messages(mask))

    if "school_year" in frame:
        years = frame["school_year"]
        latest = latest_school_year_start(today)
        starts = {year: int(year[:4]) for year in pd.unique(years.dropna())}
        wrong = {
            year
            for year, start in starts.items()
            if not EARLIEST_SCHOOL_YEAR_START <= start <= latest
        }
        if wrong:
            bad = years.isin(wrong).to_numpy()
            flag(
                bad,
                "school_year",
                lambda mask: [
                    f"school_year {year} is not between {EARLIEST_SCHOOL_YEAR_START}-"
                    f"{(EARLIEST_SCHOOL_YEAR_START + 1) % 100:02d} and next school year "
                    f"({latest}-{(latest + 1) % 100:02d})"
                    for year in years[mask].tolist()
                ],
            )
            # As if unreadable: no row is then also reported for what the year would refer to.
            frame["school_year"] = years.where(~bad, None).astype(object)
    if spec.name in HAPPENED:
        column, reason = HAPPENED[spec.name]
        days = frame[column]
        future = days.map(lambda day: day is not None and day > today).to_numpy(dtype=bool)
        flag(
            future,
            column,
            lambda mask: [
                f"{column} {day.isoformat()} is in the future (today is {today.isoformat()}); {reason}"
                for day in days[mask].tolist()
            ],
        )
    if spec.name == "supervision":
        days, status = frame["session_date"], frame["status"]
        held_ahead = [
            state == "held" and day is not None and day > today
            for day, state in zip(days.tolist(), status.tolist(), strict=True)
        ]
        flag(
            held_ahead,
            "status",
            lambda mask: [
                f"a session on {day.isoformat()} cannot be held yet (today is "
                f"{today.isoformat()}); mark it scheduled"
                for day in days[mask].tolist()
            ],
        )
    if spec.name == "students":
        ids = frame["student_id"]
        named = ids.str.contains(r"[@\s]", regex=True).fillna(False).to_numpy(dtype=bool)
        flag(
            named,
            "student_id",
            lambda mask: [pseudonymous_student_id_message(value) for value in ids[mask].tolist()],
        )


TWIN_WORDS = {"buildings": ("building_id", "building"), "staff": ("staff_id", "staff member")}


def _check_twins(
    spec: TableSpec, frame: pd.DataFrame, lines: np.ndarray, problems: _Problems, known: KnownKeys
) -> None:
    """An id that differs from another only in upper and lower case (b01 beside B01) names the same
    thing twice: refused, naming the one to use."""
    if spec.name not in TWIN_WORDS:
        return
    column, word = TWIN_WORDS[spec.name]
    first: dict[str, str] = {}
    for key in sorted(known.keys(spec.name)):
        first.setdefault(twin_key(key), key)
    for line, value in zip(lines.tolist(), frame[column].tolist(), strict=True):
        if not isinstance(value, str):
            continue
        other = first.setdefault(twin_key(value), value)
        if other != value:
            problems.add(
                line,
                column,
                f"{column} '{value}' differs from the {word} '{other}' only in upper and lower "
                f"case; use '{other}' (IDs that differ only in case are the same {word})",
            )


REFERENCE_WORDS = {
    "buildings": ("building", "the buildings file"),
    "staff": ("staff member", "the staff file"),
    "users": ("user", "the users file"),
}


def _check_references(
    spec: TableSpec, frame: pd.DataFrame, lines: np.ndarray, problems: _Problems, known: KnownKeys
) -> None:
    for reference in spec.references:
        if not all(name in frame for name in reference.columns):
            continue
        column = reference.columns[0]
        if spec.column(column).kind == "id_list":
            _check_id_lists(frame[column], lines, problems, known, column)
            continue
        keys, complete = key_strings(frame, reference.columns)
        if reference.also:  # school_calendar's ALL names every building, not one
            complete = complete & ~keys.isin(reference.also).to_numpy()
        if reference.table == "students":
            years = sorted(set(frame.loc[complete, "school_year"].tolist()))
            target = known.student_keys(years)
        else:
            target = known.keys(reference.table)
        unknown = complete & ~is_in(keys, target)
        if not unknown.any():
            continue
        messages = {
            key: _unknown_message(reference.table, key, known) for key in pd.unique(keys[unknown])
        }
        problems.add_rows(lines[unknown], column, keys[unknown].map(messages).tolist())


def _unknown_message(table: str, key: str, known: KnownKeys) -> str:
    if table == "students":
        student, year = key.split(KEY_SEPARATOR)
        return f"student '{student}' has no students row for {year}, in the store or in this import"
    if table == "instruments":
        instrument, item = key.split(KEY_SEPARATOR)
        if any(name == instrument for name, _ in known.items()):
            return f"item '{item}' is not an item of instrument '{instrument}'"
        return (
            f"instrument '{instrument}' is not in the store or in this import (the instruments "
            "file defines new ones)"
        )
    word, where = REFERENCE_WORDS[table]
    return f"{word} '{key}' is not in the store or in this import ({where})"


def _check_id_lists(
    values: pd.Series, lines: np.ndarray, problems: _Problems, known: KnownKeys, column: str
) -> None:
    buildings = known.keys("buildings")
    for line, ids in zip(lines.tolist(), values.tolist(), strict=True):
        for building in ids or ():
            if building not in buildings:
                problems.add(line, column, _unknown_message("buildings", building, known))


def _check_duplicates(
    spec: TableSpec,
    file: str,
    keys: pd.Series,
    complete: np.ndarray,
    lines: np.ndarray,
    problems: _Problems,
    known: KnownKeys,
    more_files_follow: bool,
) -> None:
    """Two rows with the same key in one import: both lines are named."""
    column = spec.key[0]
    if complete.all():
        candidates, candidate_lines = keys, lines
    else:
        candidates, candidate_lines = keys[complete], lines[complete]
    repeated = candidates.duplicated(keep="first").to_numpy()
    if repeated.any():
        first_line = (
            pd.DataFrame({"key": candidates.to_numpy(), "line": candidate_lines})
            .drop_duplicates("key")
            .set_index("key")["line"]
        )
        bad_keys = candidates[repeated]
        firsts = bad_keys.map(first_line).tolist()
        problems.add_rows(
            candidate_lines[repeated],
            column,
            [
                f"the same {' and '.join(spec.key)} as line {first} ({describe_key(spec.key, key)}); "
                "a row may appear only once in an import"
                for key, first in zip(bad_keys.tolist(), firsts, strict=True)
            ],
        )
    earlier = known.seen.get(spec.name)
    if earlier is not None:
        clash = is_in(candidates, earlier.index)
        if clash.any():
            problems.add_rows(
                candidate_lines[clash],
                column,
                [
                    f"the same {' and '.join(spec.key)} as {earlier.at[key, 'file']} line "
                    f"{earlier.at[key, 'line']} ({describe_key(spec.key, key)}); a row may "
                    "appear only once in an import"
                    for key in candidates[clash].tolist()
                ],
            )
    if more_files_follow:
        mine = pd.DataFrame(
            {"file": file, "line": candidate_lines}, index=pd.Index(candidates.to_numpy())
        )
        mine = mine[~mine.index.duplicated()]
        known.seen[spec.name] = mine if earlier is None else pd.concat([earlier, mine])


def _check_instrument_definitions(
    frame: pd.DataFrame, lines: np.ndarray, problems: _Problems, known: KnownKeys
) -> None:
    """A scale has one criterion; a definition with scores in the store cannot change."""
    session = known.session
    for instrument, rows in frame.groupby("instrument", sort=False, dropna=True):
        first_line = int(lines[frame.index.get_loc(rows.index[0])])
        criteria = rows.dropna(subset=["scale", "criterion_pct"]).groupby("scale", sort=False)
        for scale, scale_rows in criteria:
            values = scale_rows["criterion_pct"].unique().tolist()
            if len(values) > 1:
                problems.add(
                    int(lines[frame.index.get_loc(scale_rows.index[0])]),
                    "criterion_pct",
                    f"scale '{scale}' of instrument '{instrument}' has different criteria "
                    f"({', '.join(f'{v:g}' for v in values)}); a scale has one criterion",
                )
        stored = read_definition(session, instrument=instrument)
        if not stored or stored == definition_rows(rows):
            continue
        # Scores of buildings and of the leadership team's own self-checks both rest on it.
        scores = sum(
            session.execute(
                select(func.count()).select_from(model).where(model.instrument == instrument)
            ).scalar_one()
            for model in (FidelityScore, TeamSelfCheck)
        )
        if scores:
            problems.add(
                first_line,
                "instrument",
                f"instrument '{instrument}' already has {scores:,} score{'s' if scores != 1 else ''} "
                "in the store, so "
                "its definition cannot be changed (this file's differs from the stored one); give "
                f"the new definition a new name, e.g. '{instrument}-v2'",
            )
    # Fidelity rows later in this import are checked against the file's definitions.
    items = known.items()
    for instrument in frame["instrument"].dropna().unique().tolist():
        for key in [key for key in items if key[0] == instrument]:
            del items[key]
    for instrument, item, top in frame[["instrument", "item_id", "max_score"]].itertuples(
        index=False
    ):
        if pd.notna(instrument) and pd.notna(item):
            items[(instrument, item)] = top if top is not None else 0


DEFINITION_FIELDS = ("item_id", "scale", "item_title", "max_score", "criterion_pct", "subscale")


def definition_rows(rows: pd.DataFrame) -> list[tuple]:
    """An instrument's items as comparable tuples, in order."""
    return [
        tuple(_comparable(value) for value in row)
        for row in rows.reindex(columns=list(DEFINITION_FIELDS)).itertuples(index=False)
    ]


def _comparable(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float):
        return round(value, 6)
    return value


def read_definition(session: Session, *, instrument: str) -> list[tuple]:
    rows = session.execute(
        select(*(getattr(InstrumentItem, name) for name in DEFINITION_FIELDS))
        .where(InstrumentItem.instrument == instrument)
        .order_by(InstrumentItem.position, InstrumentItem.item_id)
    ).all()
    return [tuple(_comparable(value) for value in row) for row in rows]


def check_actions(checked: CheckedTable, known: KnownKeys, *, today: date) -> None:
    """The action form's own typed input (data_access.actions.inputs.ActionInput) for every action
    row; owners and buildings are checked as references (they may also come from this import)."""
    from data_access.actions.inputs import DUE_BEFORE_CREATED, check_action
    from data_access.models import Action

    frame = checked.frame
    if frame.empty:
        return
    session = known.session
    flagged = {(problem.line, problem.column) for problem in checked.problems}
    ids = [int(value) for value in frame["action_id"].dropna().tolist()]
    stored = {
        action_id: (created_at, due_date)
        for action_id, created_at, due_date in session.execute(
            select(Action.action_id, Action.created_at, Action.due_date).where(
                Action.action_id.in_(ids)
            )
        ).all()
    }
    editable = [
        name for name in frame.columns if name not in ("action_id", "created_at", "updated_at")
    ]
    for line, row in zip(checked.lines.tolist(), checked.records(), strict=True):
        if row["action_id"] is None:
            continue
        values = {name: row[name] for name in editable}
        values["status"] = values.get("status") or "open"
        values["fidelity_check"] = values.get("fidelity_check") or "not_started"
        created_at, kept_due_date = stored.get(row["action_id"], (None, None))
        if row.get("created_at") is not None:
            created_on = row["created_at"].date()
        elif created_at is not None:
            created_on = created_at.date()
        else:
            created_on = today
        reported = set()
        for name, kind, message in check_action(
            values, today=today, created_on=created_on, kept_due_date=kept_due_date
        ):
            if (line, name) in flagged or name in reported or row.get(name) is None:
                continue  # the value itself was already reported as missing or wrong
            reported.add(name)
            if kind == DUE_BEFORE_CREATED and "created_at" not in frame:
                message += " Add a created_at column with the day each action was first recorded."
            checked.problems.append(Problem(checked.file, line, name, message))
    checked.problems.sort(key=lambda problem: problem.line)


def check_users(checked: CheckedTable) -> None:
    """The Users page's own typed input (data_access.users.inputs.UserInput) for every users row:
    the email, the name, and the role with its buildings."""
    from data_access.users.inputs import check_user

    frame = checked.frame
    if frame.empty:
        return
    flagged = {(problem.line, problem.column) for problem in checked.problems}
    for line, row in zip(checked.lines.tolist(), checked.records(), strict=True):
        row = {name: None if _missing(value) else value for name, value in row.items()}
        reported = set()
        for name, _kind, message in check_user(row):
            if (line, name) in flagged or name in reported:
                continue  # the value itself was already reported as wrong
            if name != "building_ids" and row.get(name) is None:
                continue  # reported as missing (a file may leave building_ids empty)
            reported.add(name)
            checked.problems.append(Problem(checked.file, line, name, message))
    checked.problems.sort(key=lambda problem: problem.line)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
