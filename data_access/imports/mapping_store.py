"""Saved mappings: each save of a mapping is a new version, with who saved it and when; imports read
the newest. Saving is a district admin's change (`permissions.PERMISSIONS["save_mapping"]`), and
every value a local code is mapped to is checked by the same rules as that column in a plain file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import case, func, select
from sqlmodel import Session

from data_access.db import record_write
from data_access.imports.checking import HIDDEN_IN_TEXT, parse_value
from data_access.imports.mapping import CODE_COLUMNS, DERIVED, Mapping, code_key
from data_access.imports.oneroster import ONEROSTER_FILES
from data_access.imports.reading import normalise_header
from data_access.imports.tables import TABLES
from data_access.models import MAPPING_TABLES, ImportMapping, ImportMappingEntry
from data_access.permissions import check_write
from data_access.users.access import UserAccess

NAME = re.compile(r"[a-z0-9][a-z0-9_\-]{0,59}")


class MappingRefused(ValueError):
    """The mapping cannot be saved as it is; `problems` say why (nothing was stored)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class MappingInput:
    """A mapping as a person (the Data page) or a script gives it: the name of the files it is
    for, the contract table, contract column → the file's header, and per coded contract column
    the district's codes → contract values."""

    name: str
    table: str
    columns: dict[str, str]
    codes: dict[str, dict[str, str]] = field(default_factory=dict)


def check_mapping_input(entry: MappingInput) -> tuple[Mapping | None, list[str]]:
    """The mapping as it would be stored (names normalised, codes in the contract's spelling), or
    every reason it cannot be."""
    problems: list[str] = []
    name = entry.name.strip().lower()
    if not NAME.fullmatch(name):
        problems.append(
            f"the name '{entry.name}' must be a file name without .csv: up to 60 letters, digits, "
            "_ or - (files named like it import through the mapping)"
        )
    elif name in ONEROSTER_FILES:
        problems.append(f"'{name}' is a OneRoster file's name; choose another name")
    elif name in TABLES and name != entry.table:
        problems.append(
            f"a file named {name}.csv is the {name} table; a mapping named {name} must be for it"
        )
    if entry.table not in MAPPING_TABLES:
        problems.append(
            f"a file can be mapped onto {' or '.join(MAPPING_TABLES)}, not {entry.table}"
        )
        return None, problems
    spec = TABLES[entry.table]
    known = {column.name for column in spec.columns}
    columns = {}
    for target, source in entry.columns.items():
        header = normalise_header(source)
        if target not in known:
            problems.append(f"{entry.table} has no column {target}")
        elif header:
            if len(header) > 200:
                problems.append(f"the file's column for {target} is longer than 200 characters")
            columns[target] = header
    for column in spec.columns:
        if (
            column.required
            and column.name not in columns
            and column.name not in DERIVED[entry.table]
        ):
            problems.append(f"say which of the file's columns holds {column.name} (it is required)")
    codes: dict[str, dict[str, str]] = {}
    for target, listed in entry.codes.items():
        if target not in CODE_COLUMNS[entry.table]:
            problems.append(
                f"local codes can be given for {', '.join(CODE_COLUMNS[entry.table])}, not {target}"
            )
            continue
        column = spec.column(target)
        seen: dict[str, str] = {}
        for code, value in listed.items():
            local, meant = str(code).strip(), str(value or "").strip()
            if not local:
                continue
            if not meant:
                problems.append(f"{target}: say what the local code '{local}' means")
                continue
            if len(local) > 200:
                problems.append(f"{target}: the local code '{local[:40]}…' is too long")
                continue
            if code_key(local) in seen:
                problems.append(f"{target}: the local code '{local}' is listed twice")
                continue
            if column.kind == "text":  # a behaviour in words: the rules of a text cell
                parsed = meant
                error = (
                    f"{target} '{meant}' has a hidden or control character"
                    if re.search(HIDDEN_IN_TEXT, meant)
                    else None
                )
            else:
                parsed, error = parse_value(column, meant)  # the same rule as a file's cell
            if error is None and column.max_length and len(str(parsed)) > column.max_length:
                error = f"{target} is longer than {column.max_length} characters"
            if error:
                problems.append(f"{target}: the local code '{local}' cannot mean that: {error}")
                continue
            seen[code_key(local)] = local
            codes.setdefault(target, {})[local] = str(parsed)
    if problems:
        return None, problems
    return Mapping(name=name, table=entry.table, columns=columns, codes=codes), []


def save_mapping(session: Session, *, entry: MappingInput, editor: UserAccess) -> Mapping:
    """Store `entry` as the next version of its mapping (version 1 for a new name), audited.
    District admins only (WriteForbidden); MappingRefused, storing nothing, when it is not valid."""
    check_write(editor, "save_mapping")
    mapping, problems = check_mapping_input(entry)
    if mapping is None:
        raise MappingRefused(problems)
    latest = session.execute(
        select(func.max(ImportMapping.version)).where(ImportMapping.name == mapping.name)
    ).scalar_one()
    version = (latest or 0) + 1
    saved = ImportMapping(
        name=mapping.name, version=version, table_name=mapping.table, saved_by=editor.email
    )
    session.add(saved)
    session.flush()
    for target, source in mapping.columns.items():
        session.add(
            ImportMappingEntry(
                name=mapping.name, version=version, kind="column", target=target, source=source
            )
        )
    for target, listed in mapping.codes.items():
        for code, value in listed.items():
            session.add(
                ImportMappingEntry(
                    name=mapping.name,
                    version=version,
                    kind="code",
                    target=target,
                    source=code,
                    value=value,
                )
            )
    session.flush()
    record_write(
        session,
        actor=editor.email,
        operation="save_mapping",
        table_name="import_mappings",
        row_key=f"{mapping.name} version {version}",
        detail={"table": mapping.table, "columns": mapping.columns, "codes": mapping.codes},
    )
    return Mapping(
        name=mapping.name,
        table=mapping.table,
        columns=mapping.columns,
        codes=mapping.codes,
        version=version,
        saved_by=editor.email,
        saved_at=saved.saved_at,
    )


def get_mappings(session: Session) -> dict[str, Mapping]:
    """The newest version of every saved mapping, by name."""
    newest = (
        select(ImportMapping.name, func.max(ImportMapping.version).label("version"))
        .group_by(ImportMapping.name)
        .subquery()
    )
    heads = session.execute(
        select(ImportMapping).join(
            newest,
            (ImportMapping.name == newest.c.name) & (ImportMapping.version == newest.c.version),
        )
    ).scalars()
    return {head.name: _with_entries(session, head) for head in heads}


def get_mapping(session: Session, *, name: str, version: int | None = None) -> Mapping | None:
    """One saved mapping: the given version, or the newest; None when there is no such one."""
    query = select(ImportMapping).where(ImportMapping.name == name.strip().lower())
    if version is not None:
        query = query.where(ImportMapping.version == version)
    head = session.execute(query.order_by(ImportMapping.version.desc()).limit(1)).scalar()
    return None if head is None else _with_entries(session, head)


def _with_entries(session: Session, head: ImportMapping) -> Mapping:
    entries = session.execute(
        select(ImportMappingEntry).where(
            ImportMappingEntry.name == head.name, ImportMappingEntry.version == head.version
        )
    ).scalars()
    columns: dict[str, str] = {}
    codes: dict[str, dict[str, str]] = {}
    for entry in entries:
        if entry.kind == "column":
            columns[entry.target] = entry.source
        else:
            codes.setdefault(entry.target, {})[entry.source] = entry.value
    return Mapping(
        name=head.name,
        table=head.table_name,
        columns=columns,
        codes=codes,
        version=head.version,
        saved_by=head.saved_by,
        saved_at=head.saved_at,
    )


def get_mapping_versions(session: Session) -> pd.DataFrame:
    """Every saved version, newest first: name, version, table, saved_by, saved_at, columns, codes."""
    counts = (
        select(
            ImportMappingEntry.name,
            ImportMappingEntry.version,
            func.sum(case((ImportMappingEntry.kind == "column", 1), else_=0)).label("columns"),
            func.count().label("entries"),
        )
        .group_by(ImportMappingEntry.name, ImportMappingEntry.version)
        .subquery()
    )
    rows = session.execute(
        select(
            ImportMapping.name,
            ImportMapping.version,
            ImportMapping.table_name,
            ImportMapping.saved_by,
            ImportMapping.saved_at,
            func.coalesce(counts.c.columns, 0),
            func.coalesce(counts.c.entries, 0),
        )
        .outerjoin(
            counts,
            (counts.c.name == ImportMapping.name) & (counts.c.version == ImportMapping.version),
        )
        .order_by(ImportMapping.name, ImportMapping.version.desc())
    ).all()
    frame = pd.DataFrame(
        rows,
        columns=["name", "version", "table", "saved_by", "saved_at", "columns", "entries"],
    )
    frame["codes"] = frame["entries"] - frame["columns"]
    return frame.drop(columns="entries")
