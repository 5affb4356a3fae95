"""Files in a district's own layout, with its own codes, read as a contract table: a mapping says
which of the file's columns holds each contract column, and which contract value each local code
means. A SWIS-style referral export is recognised by its headers and read through a built-in
mapping. The rows made here go through the same checks and loader as a plain file
(`checking.check_table`), so a mapped value is held to exactly the contract's rules.

Pure: no store. Saved mappings are read and written by `imports/mapping_store.py`."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from data_access.imports.checking import parse_value, personal_data_kind
from data_access.imports.reading import Problem, RawTable
from data_access.imports.tables import TABLES
from data_access.parsing import parse_date
from data_access.school_year import school_year_of

# The contract columns a district may give its own codes for, per table a file may be mapped onto.
CODE_COLUMNS = {
    "discipline": ("action", "referral_type", "behavior"),
    "students": ("grade", "race_ethnicity", "sex"),
}
# Columns made by the mapping when the file has none: the school year from the incident's date,
# and a stable incident id from the row's content.
DERIVED = {"discipline": ("incident_id", "school_year"), "students": ()}
ACTION_SEVERITY = ("ODR", "ISS", "OSS", "EXP")  # several actions on one referral: the most serious
MADE_ID_PREFIX = "REF-"


@dataclass(frozen=True, eq=False)
class Mapping:
    """How a file becomes rows of `table`. `columns`: contract column → the file's header
    (normalised); `codes`: contract column → {local code, trimmed and casefolded → contract value}."""

    name: str  # files named like this (any case, .csv or .xlsx) import through it
    table: str
    columns: dict[str, str]
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    version: int | None = None  # None: built in (the SWIS layout, the contract's own), never saved
    saved_by: str = ""
    saved_at: datetime | None = None
    built_in: str = ""  # what a built-in one is, in words

    @property
    def label(self) -> str:
        """How an import summary names it."""
        if self.version is None:
            return self.built_in
        return f"mapping '{self.name}' version {self.version}"


def contract_layout(table: str, headers: list[str]) -> Mapping:
    """A file named after its table, read as it is: the starting point for a mapping of its local
    codes (the Data page offers one when its codes are not the contract's)."""
    names = {column.name for column in TABLES[table].columns}
    return Mapping(
        name=table,
        table=table,
        columns={header: header for header in headers if header in names},
        built_in="the contract's own columns and codes",
    )


def code_key(text: str) -> str:
    return str(text).strip().casefold()


# --- SWIS -----------------------------------------------------------------------------------------

# Headers (normalised) a SWIS referral export writes, for each contract column: the first present.
SWIS_HEADERS = {
    "incident_id": ("referral_id", "incident_id"),
    "student_id": ("student_id", "student_number", "stu_id"),
    "incident_date": ("date", "referral_date", "incident_date"),
    "incident_time": ("time", "referral_time", "incident_time"),
    "location": ("location",),
    "behavior": ("problem_behavior", "problem_behaviour"),
    "referral_type": ("referral_type", "major/minor", "major_/_minor", "major_minor"),
    "action": ("action_taken", "administrative_decision", "admin_decision"),
    "days_removed": ("days_suspended", "days_removed"),
}
SWIS_SIGNATURE = ("student_id", "incident_date", "behavior", "action")
# SWIS's administrative decisions: removals are ISS, OSS or EXP; every other decision leaves the
# referral itself, ODR.
SWIS_ACTIONS = {
    "in-school suspension": "ISS",
    "in school suspension": "ISS",
    "out-of-school suspension": "OSS",
    "out of school suspension": "OSS",
    "expulsion": "EXP",
    **{
        decision: "ODR"
        for decision in (
            "office referral",
            "loss of privilege",
            "time in office",
            "conference with student",
            "parent contact",
            "individualized instruction",
            "saturday school",
            "detention",
            "bus suspension",
            "restitution",
            "community service",
            "action pending",
            "other administrative decision",
            "unknown administrative decision",
            "time out/detention",
        )
    },
}
SWIS_REFERRAL_TYPES = {
    "major": "major",
    "minor": "minor",
    "major referral": "major",
    "minor referral": "minor",
    "maj": "major",
    "min": "minor",
}


def swis_mapping(headers: list[str]) -> Mapping | None:
    """The built-in mapping when the file's headers (normalised) are a SWIS referral export's."""
    present = set(headers)
    columns = {}
    for target, candidates in SWIS_HEADERS.items():
        found = next((name for name in candidates if name in present), None)
        if found is not None:
            columns[target] = found
    if not all(target in columns for target in SWIS_SIGNATURE):
        return None
    return Mapping(
        name="swis",
        table="discipline",
        columns=columns,
        codes={"action": dict(SWIS_ACTIONS), "referral_type": dict(SWIS_REFERRAL_TYPES)},
        built_in="the SWIS referral export layout",
    )


# --- Applying a mapping ---------------------------------------------------------------------------


@dataclass
class MappedTable:
    """A file read through a mapping: the contract table's rows (None when it cannot be), what was
    wrong, and the file's header for each contract column (problems name the file's own column)."""

    raw: RawTable | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)  # contract column → header as written
    mapping: Mapping | None = None

    def in_file_words(self, problems: list[Problem]) -> list[Problem]:
        """Problems found by the contract's checks, named by the file's own column. One about a
        column the mapping made (the school year of an unreadable date) is left out when the line
        has another problem: the other one is the cause."""
        made = {name for name, written in self.written.items() if written.startswith("(")}
        lines = {problem.line for problem in problems if problem.column not in made}
        lines |= {problem.line for problem in self.problems}
        said = {(problem.line, problem.column) for problem in self.problems}  # unknown codes
        shown = []
        for problem in problems:
            column = self.written.get(problem.column, problem.column)
            if (problem.column in made and problem.line in lines) or (problem.line, column) in said:
                continue
            shown.append(Problem(problem.file, problem.line, column, problem.message))
        return shown


def apply_mapping(raw: RawTable, mapping: Mapping) -> MappedTable:
    """The file's rows as the contract table's columns, local codes turned into the contract's.
    A code the mapping does not list (and that is not already the contract's) refuses the row."""
    result = MappedTable(raw=None, mapping=mapping)
    present = set(raw.frame.columns)
    missing = [
        (target, source) for target, source in mapping.columns.items() if source not in present
    ]
    for target, source in missing:
        result.problems.append(
            Problem(
                raw.file,
                1,
                source,
                f"{mapping.label} reads {target} from a column '{source}', which this file does "
                f"not have (its header has: {', '.join(raw.headers.values()) or 'nothing'})",
            )
        )
    if result.problems:
        return result
    used = set(mapping.columns.values())
    for header in raw.frame.columns:
        if header in used:
            continue
        written = raw.headers.get(header, header)
        kind = personal_data_kind(header)
        message = (
            f"warning: this column looks like personal data about students ({kind}); it was not "
            "read and is never stored"
            if kind
            else f"warning: {mapping.label} does not read this column; it was ignored"
        )
        result.warnings.append(Problem(raw.file, 1, written, message))
    frame = pd.DataFrame(index=raw.frame.index)
    for target, source in mapping.columns.items():
        frame[target] = raw.frame[source].astype(str)
        result.written[target] = raw.headers.get(source, source)
    spec = TABLES[mapping.table]
    for target, codes in mapping.codes.items():
        if target in frame:
            frame[target] = _translate(
                raw, frame[target], spec.column(target), codes, mapping, result
            )
    if "incident_time" in frame:
        frame["incident_time"] = _by_distinct(frame["incident_time"], _clock_time)
    if mapping.table == "discipline":
        if "school_year" not in frame and "incident_date" in frame:
            frame["school_year"] = _by_distinct(frame["incident_date"], _school_year_of_text)
            result.written["school_year"] = f"(school year of {result.written['incident_date']})"
        if "incident_id" not in frame:
            frame["incident_id"] = made_incident_ids(frame)
            result.written["incident_id"] = "(incident id made from the row)"
    result.raw = RawTable(
        file=raw.file,
        frame=frame.reset_index(drop=True),
        lines=raw.lines,
        headers={target: target for target in frame.columns},
    )
    return result


def _translate(
    raw: RawTable,
    values: pd.Series,
    column,
    codes: dict[str, str],
    mapping: Mapping,
    result: MappedTable,
) -> pd.Series:
    """Local codes → the contract's. Action cells may list several decisions (`;`): the most
    serious is the incident's action."""
    lookup = {code_key(code): value for code, value in codes.items()}
    meaning: dict[str, str | None] = {}
    for text in pd.unique(values):
        meaning[text] = meaning_of(text, column, lookup)
    unknown = np.array([meaning[text] is None for text in values.tolist()], dtype=bool)
    written = result.written.get(column.name, column.name)
    for line, text in zip(raw.lines[unknown].tolist(), values[unknown].tolist(), strict=True):
        listed = ", ".join(sorted(codes)[:12]) + (" …" if len(codes) > 12 else "")
        contract = "" if column.kind == "text" else f" nor one of the contract's ({column.allowed})"
        result.problems.append(
            Problem(
                raw.file,
                line,
                written,
                f"'{text.strip()}' is not a code of {mapping.label} for {column.name} "
                f"({listed or 'it lists none'}){contract}; add it to the mapping on the Data "
                "page, or correct the file",
            )
        )
    return values.map({text: text if found is None else found for text, found in meaning.items()})


def meaning_of(text: str, column, lookup: dict[str, str]) -> str | None:
    """The contract value of one cell, "" when empty, None when unknown."""
    stripped = text.strip()
    if not stripped:
        return ""
    parts = [stripped]
    if column.name == "action" and ";" in stripped:
        parts = [part.strip() for part in stripped.split(";") if part.strip()]
    found = []
    for part in parts:
        value = lookup.get(code_key(part))
        if value is None and column.kind != "text":
            parsed, error = parse_value(column, part)
            value = None if error else str(parsed)
        if value is None:
            return None
        found.append(value)
    if column.name == "action":
        return max(found, key=lambda code: ACTION_SEVERITY.index(code))
    return found[0]


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?\s*([AaPp])\.?\s*[Mm]?\.?")
_SECONDS = re.compile(r"(\d{1,2}):(\d{2}):\d{2}")


def _clock_time(text: str) -> str:
    """Behaviour systems write 1:30 PM or 13:30:00; the contract's HH:MM on the 24-hour clock.
    Anything else is left for the contract's check to refuse."""
    stripped = text.strip()
    match = _CLOCK.fullmatch(stripped)
    if match:
        hour, minute, half = int(match[1]), match[2], match[3].lower()
        if 1 <= hour <= 12:
            hour = hour % 12 + (12 if half == "p" else 0)
            return f"{hour:02d}:{minute}"
        return stripped
    match = _SECONDS.fullmatch(stripped)
    if match:
        return f"{int(match[1]):02d}:{match[2]}"
    return stripped


def _by_distinct(values: pd.Series, function) -> pd.Series:
    """`function` of each value, worked out once per distinct value (dates and times repeat)."""
    return values.map({text: function(text) for text in pd.unique(values)})


def _school_year_of_text(text: str) -> str:
    day = parse_date(text)
    return "" if day is None else school_year_of(day)


def made_incident_ids(frame: pd.DataFrame) -> pd.Series:
    """A stable id for each referral of a file that has none: from the student, the date, the time,
    the behaviour and the location (not the action or referral type, which a behaviour system may
    change after the referral: a re-import then updates the incident), and how many identical
    referrals came before it in the file. The same referral gets the same id in every export."""
    parts = []
    for name in ("student_id", "incident_date", "incident_time", "behavior", "location"):
        if name not in frame:
            parts.append([""] * len(frame))
            continue
        if name == "incident_date":  # 9/2/2025 and 2025-09-02 are the same day
            values = _by_distinct(frame[name], lambda text: str(parse_date(text) or text.strip()))
        else:
            values = _by_distinct(frame[name], lambda text: text.strip().casefold())
        parts.append(values.tolist())
    content = pd.Series(["\x1f".join(row) for row in zip(*parts, strict=True)], index=frame.index)
    occurrence = content.groupby(content, sort=False).cumcount().tolist()
    return pd.Series(
        [
            MADE_ID_PREFIX + hashlib.sha256(f"{text}\x1f{n}".encode()).hexdigest()[:20].upper()
            for text, n in zip(content.tolist(), occurrence, strict=True)
        ],
        index=frame.index,
    )
