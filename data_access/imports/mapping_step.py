"""The Data page's mapping step, as plain Python: from a file's headers and values, the first guess
of which column holds each of a contract table's, and which of its codes still need a meaning (each
with a guess). The page shows it; the person corrects it; `mapping_store.save_mapping` stores it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from data_access.imports.mapping import CODE_COLUMNS, Mapping, code_key, meaning_of
from data_access.imports.reading import RawTable
from data_access.imports.tables import TABLES

# --- Proposing a mapping (the Data page's first guess) ---------------------------------------------

GUESSES = {
    "incident_id": ("incident_id", "referral_id", "incident_number", "referral_number", "event_id"),
    "student_id": (
        "student_id",
        "student_number",
        "stu_id",
        "pupil_id",
        "pupil_number",
        "local_id",
        "sis_id",
        "id_number",
    ),
    "school_year": ("school_year", "year", "academic_year"),
    "incident_date": ("incident_date", "date", "event_date", "referral_date", "date_of_incident"),
    "incident_time": ("incident_time", "time", "event_time", "referral_time"),
    "location": ("location", "where", "place"),
    "behavior": (
        "behavior",
        "problem_behavior",
        "behaviour",
        "incident_type",
        "offense",
        "offence",
        "infraction",
    ),
    "action": (
        "action",
        "action_taken",
        "consequence",
        "administrative_decision",
        "admin_decision",
        "resolution",
    ),
    "referral_type": ("referral_type", "major/minor", "major_minor", "severity", "level"),
    "days_removed": ("days_removed", "days_suspended", "days_out"),
    "building_id": ("building_id", "school_id", "school", "building", "school_code"),
    "grade": ("grade", "grade_level"),
    "race_ethnicity": ("race_ethnicity", "race", "ethnicity", "federal_race"),
    "sex": ("sex", "gender"),
    "iep": ("iep", "sped", "special_ed"),
    "el": ("el", "ell", "lep"),
    "econ_disadv": ("econ_disadv", "frl", "free_reduced_lunch", "low_income"),
    "section_504": ("section_504", "504"),
}


def guess_columns(table: str, headers: list[str]) -> dict[str, str]:
    """Contract column → the file's header (normalised) that most likely holds it."""
    present = list(headers)
    guessed = {}
    for column in TABLES[table].columns:
        for candidate in GUESSES.get(column.name, (column.name,)):
            if candidate in present and candidate not in guessed.values():
                guessed[column.name] = candidate
                break
    return guessed


_CODE_GUESSES = {
    "action": (
        (r"expel|expul", "EXP"),
        (r"out.?of.?school|\boss\b", "OSS"),
        (r"in.?school|\biss\b", "ISS"),
        (r"refer|office|odr|detention|conference|parent|privilege", "ODR"),
    ),
    "referral_type": ((r"maj", "major"), (r"min", "minor")),
    "race_ethnicity": (
        (r"hispanic|latin", "HI"),
        (r"two|multi|more", "TR"),
        (r"indian|alaska", "AM"),
        (r"hawai|pacific", "HP"),
        (r"asian", "AS"),
        (r"black|african", "BL"),
        (r"white|caucas", "WH"),
    ),
    "grade": ((r"^(kg|kdg|kindergarten|00|0)$", "K"), (r"^(pre.?k|pre.?school|pk\d?)$", "PK")),
    "sex": ((r"^(female|girl|w)$", "F"), (r"^(male|boy)$", "M")),
}


def guess_code(column: str, text: str) -> str:
    """The contract value a local code most likely means ("" when no guess)."""
    for pattern, value in _CODE_GUESSES.get(column, ()):
        if re.search(pattern, text.strip().casefold()):
            return value
    return ""


def codes_needing_a_meaning(
    raw: RawTable, table: str, columns: dict[str, str], codes: dict[str, dict[str, str]]
) -> dict[str, list[str]]:
    """For each coded contract column the file feeds: its values (up to 40) that are neither a
    contract value nor listed in `codes` (free-text columns only when `codes` lists some)."""
    spec = TABLES[table]
    needed = {}
    for target in CODE_COLUMNS[table]:
        source = columns.get(target)
        if source is None or source not in raw.frame.columns:
            continue
        column = spec.column(target)
        listed = {code_key(code): value for code, value in codes.get(target, {}).items()}
        if column.kind == "text" and target not in codes:
            continue
        unknown = [
            text
            for text in dict.fromkeys(raw.frame[source].str.strip().tolist())
            if text and meaning_of(text, column, listed) is None
        ]
        if unknown:
            needed[target] = unknown[:40]
    return needed


def header_names(raw: RawTable) -> dict[str, str]:
    """The file's headers: normalised → as written."""
    return {name: raw.headers.get(name, name) for name in raw.frame.columns}


@dataclass(frozen=True)
class MappingProposal:
    """What the Data page's mapping step starts from for one file: the file's headers, the
    contract column each most likely feeds (or the saved mapping's choice), the codes already
    mapped, and the file's values that still need a meaning, each with a guess."""

    file: str
    name: str  # the name to save it under: the file's own name, so files named like it use it
    table: str
    headers: dict[str, str]  # normalised → as written
    columns: dict[str, str]  # contract column → normalised header
    codes: dict[str, dict[str, str]]
    needed: dict[str, list[tuple[str, str]]]  # contract column → [(the file's value, a guess)]
    values: dict[str, list[str]]  # contract column → the file's distinct values (up to 40)
    based_on: str  # the mapping it starts from, in words ("" for a first guess)


def propose_mapping(
    raw: RawTable,
    *,
    table: str,
    mapping: Mapping | None = None,
    columns: dict[str, str] | None = None,
    code_columns: tuple[str, ...] = (),
) -> MappingProposal:
    """The mapping step's starting point for `raw` onto `table`. `columns` (the person's choices
    so far) win over `mapping`'s, which win over guesses; `code_columns` are free-text columns
    (behaviour) the person says the file writes as codes."""
    stem = re.sub(r"[^a-z0-9_\-]+", "_", Path(raw.file).stem.lower()).strip("_-")[:60] or "file"
    same_table = mapping is not None and mapping.table == table
    chosen = dict(mapping.columns) if same_table else guess_columns(table, list(raw.frame.columns))
    if same_table and mapping.version is None:  # the SWIS layout: fill any gap by guessing
        chosen = guess_columns(table, list(raw.frame.columns)) | chosen
    if columns is not None:
        chosen = dict(columns)
    chosen = {target: source for target, source in chosen.items() if source in raw.frame.columns}
    codes = {
        target: dict(listed) for target, listed in (mapping.codes if same_table else {}).items()
    }
    for target in code_columns:
        codes.setdefault(target, {})
    needed = codes_needing_a_meaning(raw, table, chosen, codes)
    values = {
        target: list(dict.fromkeys(v for v in raw.frame[source].str.strip().tolist() if v))[:40]
        for target, source in chosen.items()
        if target in CODE_COLUMNS[table]
    }
    return MappingProposal(
        file=raw.file,
        name=mapping.name if same_table and mapping.version is not None else stem,
        table=table,
        headers=header_names(raw),
        columns=chosen,
        codes={target: listed for target, listed in codes.items() if listed},
        needed={
            target: [(text, guess_code(target, text)) for text in found]
            for target, found in needed.items()
        },
        values=values,
        based_on=mapping.label if same_table else "",
    )
