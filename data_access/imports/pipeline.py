"""One import, all or nothing: recognise the files, check every row of every file, load them in
dependency order inside one transaction, and commit only when no file has a problem.

The command line and the Data page both call `import_files`; the page first with `dry_run=True` to
show what the files hold and what they would change, then for real."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from data_access.db import (
    describe_error,
    get_store_info,
    record_write,
    session_scope,
    set_store_info,
)
from data_access.equity.summary import EVERY_YEAR, STUDENT_DATA_TABLES, years_changed
from data_access.imports.checking import (
    CheckedTable,
    KnownKeys,
    check_actions,
    check_table,
    check_users,
)
from data_access.imports.loading import TableCounts, load_table
from data_access.imports.mapping import (
    CODE_COLUMNS,
    MappedTable,
    Mapping,
    apply_mapping,
    contract_layout,
    swis_mapping,
)
from data_access.imports.mapping_store import get_mappings
from data_access.imports.oneroster import ONEROSTER_FILES, is_oneroster_set, read_oneroster
from data_access.imports.reading import FileUnreadable, ImportFile, Problem, RawTable, read_table
from data_access.imports.tables import TABLE_ORDER, TABLES
from data_access.models import utc_now
from data_access.permissions import check_write
from data_access.settings import get_settings
from data_access.users.access import UserAccess

Progress = Callable[[float, str], None]

ACCEPTED_NAMES = ", ".join(TABLE_ORDER)
DEMO_REFUSAL = (
    "the store holds the demo district; clear the demo data first (on the Data page, or with "
    "`python -m data_access import --replace-demo ...`), so your district's data is not mixed "
    "with made-up data"
)


@dataclass(frozen=True)
class RecognisedFile:
    file: str
    table: str  # a table of the contract, or "OneRoster"
    rows: int
    mapping: str = ""  # the mapping it was read through ("mapping 'referrals' version 2"), if any


@dataclass
class ImportResult:
    files: list[RecognisedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, TableCounts] = field(default_factory=dict)  # table → what it did (or would)
    imported: bool = False  # committed to the store
    dry_run: bool = False
    demo_in_store: bool = False  # the store held the demo district
    replaced_demo: bool = False
    data_version: int | None = None
    seconds: float = 0.0
    # Files to map (the Data page offers its mapping step): those whose name names no table and no
    # saved mapping and that are not a known export (None), and those whose mapping does not fit
    # them (a column it reads is missing, a local code it does not list): the mapping to revise.
    needs_mapping: dict[str, Mapping | None] = field(default_factory=dict)
    mappings: dict[str, Mapping] = field(default_factory=dict)  # file → the mapping it was read by

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def file_problems(self) -> list[Problem]:
        """The problems with the files themselves (not the demo district being in the way)."""
        return [problem for problem in self.problems if problem.message != DEMO_REFUSAL]


class _Abandon(Exception):
    """Roll the transaction back: problems were found, or this was only a check."""


@dataclass
class _Plan:
    tables: dict[str, list[ImportFile]] = field(default_factory=dict)
    oneroster: dict[str, ImportFile] = field(default_factory=dict)
    mapped: list[tuple[ImportFile, Mapping | None]] = field(default_factory=list)  # None: SWIS?
    mapped_tables: list[MappedTable] = field(default_factory=list)  # read through their mapping


def recognise(
    files: list[ImportFile],
    problems: list[Problem],
    mappings: dict[str, Mapping] | None = None,
    use_mapping: Mapping | None = None,
) -> _Plan:
    """Which table each file is for, from its name; OneRoster files when orgs.csv is among them;
    a file named after a saved mapping is read through it (even one named after its table, whose
    local codes it translates). Any other file is read through `use_mapping` when given, else
    looked at as a possible behaviour-system referral export."""
    plan = _Plan()
    mappings = mappings or {}
    stems = {file.stem.lower() for file in files}
    oneroster = is_oneroster_set(stems)
    for file in files:
        stem = file.stem.lower()
        if file.extension not in (".csv", ".xlsx"):
            problems.append(
                Problem(
                    file.name,
                    1,
                    "-",
                    f"'{file.base_name}' is not a .csv or .xlsx file; save it as CSV UTF-8 or as an "
                    "Excel workbook (.xlsx)",
                )
            )
        elif oneroster and stem in ONEROSTER_FILES:
            if stem in plan.oneroster:
                problems.append(
                    Problem(
                        file.name,
                        1,
                        "-",
                        f"a second OneRoster {file.base_name} (the first is "
                        f"{plan.oneroster[stem].name}); import one OneRoster export at a time",
                    )
                )
            plan.oneroster.setdefault(stem, file)
        elif stem in mappings:
            plan.mapped.append((file, mappings[stem]))
        elif stem in TABLES:
            plan.tables.setdefault(stem, []).append(file)
        elif use_mapping is not None:
            plan.mapped.append((file, use_mapping))
        elif stem in ONEROSTER_FILES:
            problems.append(
                Problem(
                    file.name,
                    1,
                    "-",
                    f"{file.base_name} is a OneRoster file; import the whole OneRoster export "
                    "together (it needs orgs.csv and users.csv)",
                )
            )
        else:
            plan.mapped.append((file, None))  # a referral export, or a file to map
    return plan


def _unrecognised(file: ImportFile, mappings: dict[str, Mapping]) -> Problem:
    stem = file.stem.lower()
    hint = next((name for name in TABLE_ORDER if stem.startswith(name)), None)
    saved = f" or a saved mapping ({', '.join(sorted(mappings))})" if mappings else ""
    return Problem(
        file.name,
        1,
        "-",
        f"'{file.base_name}' does not name a table: a file's name (without .csv or .xlsx) must be "
        f"one of {ACCEPTED_NAMES}{saved}"
        + (
            f"; rename it {hint}{file.extension}"
            if hint
            else "; or map its columns to a table's on the Data page and save the mapping under "
            "this file's name (or import it with --mapping NAME)"
        ),
    )


def import_files(
    files: list[ImportFile],
    *,
    database_url: str | None = None,
    editor: UserAccess,
    replace_demo: bool = False,
    dry_run: bool = False,
    school_year: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    earlier_problems: list[Problem] | None = None,
    mapping: str | None = None,
) -> ImportResult:
    """Check and load the files in one transaction. Any problem (or `dry_run`) rolls it all back:
    the store is exactly as before. `earlier_problems` (e.g. paths that do not exist) also stop it.
    `mapping` names a saved mapping for the files whose names name neither a table nor a mapping.
    District admins only (WriteForbidden otherwise, before anything is read)."""
    from data_access.store import init_store

    check_write(editor, "import_files")
    actor = editor.email
    started = time.perf_counter()
    url = database_url or get_settings().database_url
    report = progress or (lambda fraction, message: None)
    result = ImportResult(dry_run=dry_run, problems=list(earlier_problems or []))
    init_store(url)
    try:
        with session_scope(url) as session:
            saved = get_mappings(session)
            chosen = None
            if mapping is not None:
                chosen = saved.get(mapping.strip().lower())
                if chosen is None:
                    result.problems.append(
                        Problem(
                            "import",
                            1,
                            "--mapping",
                            f"there is no saved mapping '{mapping}' (saved: "
                            f"{', '.join(sorted(saved)) or 'none'}); save one on the Data page",
                        )
                    )
            plan = (
                _Plan()  # nothing to read the files by: that is the one problem
                if mapping is not None and chosen is None
                else recognise(files, result.problems, saved, chosen)
            )
            if not (plan.tables or plan.oneroster or plan.mapped or result.problems):
                result.problems.append(Problem("import", 1, "-", "there are no files to import"))
            _read_mapped(plan, result, saved)
            _run(session, plan, result, actor, replace_demo, school_year, today, report)
            if result.problems or dry_run:
                raise _Abandon
            if any(name in result.counts for name in STUDENT_DATA_TABLES):
                # Done when the transaction commits: a few seconds for a large district's years.
                report(0.99, "Counting the equity indicators of the school years imported")
            result.data_version = record_write(
                session,
                actor=actor,
                operation="import",
                table_name="*",
                detail={
                    "files": [file.file for file in result.files],
                    "mappings": {
                        file: f"{m.name} version {m.version}" if m.version else "swis (built in)"
                        for file, m in result.mappings.items()
                    },
                    "tables": {
                        name: {"added": c.added, "updated": c.updated, "unchanged": c.unchanged}
                        for name, c in result.counts.items()
                    },
                    "replaced_demo": result.replaced_demo,
                },
            )
        result.imported = True
    except _Abandon:
        pass
    except SQLAlchemyError as error:  # a rule the checks missed; rolled back all the same
        result.problems.append(
            Problem(
                "import",
                1,
                "-",
                f"the store refused the rows, so nothing was imported: {describe_error(error)}",
            )
        )
    result.problems.sort(key=_order_of(files))
    result.seconds = round(time.perf_counter() - started, 3)
    report(1.0, "Done")
    return result


def _read_mapped(plan: _Plan, result: ImportResult, saved: dict[str, Mapping]) -> None:
    """Read each file a mapping is for (or that may be a SWIS referral export) as its table."""
    for file, mapping in plan.mapped:
        try:
            raw = read_table(file)
        except FileUnreadable as error:
            result.problems.extend(error.problems)
            result.files.append(RecognisedFile(file.name, "-", 0))
            continue
        if mapping is None:
            mapping = swis_mapping(list(raw.frame.columns))
            if mapping is None:
                result.problems.append(_unrecognised(file, saved))
                result.needs_mapping[file.name] = None
                result.files.append(RecognisedFile(file.name, "needs a mapping", len(raw)))
                continue
        mapped = apply_mapping(raw, mapping)
        result.mappings[file.name] = mapping
        result.problems.extend(mapped.problems)
        result.warnings.extend(mapped.warnings)
        if mapped.problems:
            result.needs_mapping[file.name] = mapping
        if mapped.raw is None:
            result.files.append(RecognisedFile(file.name, mapping.table, len(raw), mapping.label))
            continue
        plan.mapped_tables.append(mapped)


def _order_of(files: list[ImportFile]):
    position = {file.name: index for index, file in enumerate(files)}
    return lambda problem: (position.get(problem.file, len(position)), problem.file, problem.line)


def _run(
    session: Session,
    plan: _Plan,
    result: ImportResult,
    actor: str,
    replace_demo: bool,
    school_year: str | None,
    today: date | None,
    report: Progress,
) -> None:
    today = today or date.today()
    now = utc_now()
    result.demo_in_store = get_store_info(session).get("demo") == "true"
    if result.demo_in_store:
        # The files are checked against the store as it would be without the demo, either way.
        from data_access.demo import clear_district_data

        clear_district_data(session)
        set_store_info(
            session, values={"demo": None, "demo_size": None, "demo_seed": None, "as_of": None}
        )
        if replace_demo:
            result.replaced_demo = True
        else:
            result.problems.append(Problem("import", 1, "-", DEMO_REFUSAL))
    known = KnownKeys(session)
    sources: dict[str, list[ImportFile | RawTable]] = {
        name: list(files) for name, files in plan.tables.items()
    }
    if plan.oneroster:
        oneroster = read_oneroster(
            plan.oneroster, known=known, school_year=school_year, today=today
        )
        result.problems.extend(oneroster.problems)
        result.warnings.extend(oneroster.notes)
        for name in ("buildings", "students"):
            table = getattr(oneroster, name)
            if table is not None:
                sources.setdefault(name, []).insert(0, table)
        for file in plan.oneroster.values():
            used = file.name in oneroster.rows
            result.files.append(
                RecognisedFile(
                    file.name,
                    f"OneRoster {oneroster.version}" + ("" if used else " (not needed)"),
                    oneroster.rows.get(file.name, 0),
                )
            )

    for mapped in plan.mapped_tables:
        sources.setdefault(mapped.mapping.table, []).append(mapped.raw)
    in_file_words = {id(mapped.raw): mapped for mapped in plan.mapped_tables}
    sizes = {id(source): _size(source) for group in sources.values() for source in group}
    total = sum(sizes.values()) or 1
    done = 0
    for name in TABLE_ORDER:
        group = sources.get(name, [])
        for position, source in enumerate(group):
            share = sizes[id(source)] / total
            label = source.name if isinstance(source, ImportFile) else source.file
            report(done / total, f"Reading {label}")
            raw = _read(source, result)
            if raw is None:
                done += sizes[id(source)]
                continue
            if isinstance(source, ImportFile):
                result.files.append(RecognisedFile(source.name, name, len(raw)))
            elif id(source) in in_file_words:
                result.files.append(
                    RecognisedFile(
                        source.file, name, len(raw), in_file_words[id(source)].mapping.label
                    )
                )
            report((done + 0.3 * share * total) / total, f"Checking {label} ({len(raw):,} rows)")
            checked = check_table(
                raw,
                TABLES[name],
                known,
                more_files_follow=position < len(group) - 1,
                today=today,
            )
            headers = list(raw.frame.columns)
            del raw
            if name == "actions":
                check_actions(checked, known, today=today)
            elif name == "users":
                check_users(checked)
            if id(source) in in_file_words:  # named by the file's own columns
                checked.problems = in_file_words[id(source)].in_file_words(checked.problems)
            result.problems.extend(checked.problems)
            result.warnings.extend(checked.warnings)
            if isinstance(source, ImportFile) and name in CODE_COLUMNS:
                coded = set(CODE_COLUMNS[name])
                if any(problem.column in coded for problem in checked.problems):
                    # Local codes in a file named after its table: offer a mapping for them.
                    result.needs_mapping[source.name] = contract_layout(name, headers)
            if not result.problems:
                counts = _load(session, checked, actor, now, report, done, share, total, label)
                _note_student_data(session, name, checked, counts)
                previous = result.counts.get(name)
                result.counts[name] = counts if previous is None else previous + counts
            del checked  # one file's rows in memory at a time
            done += sizes[id(source)]


def _note_student_data(
    session: Session, name: str, checked: CheckedTable, counts: TableCounts
) -> None:
    """Tell the equity summary which school years this file wrote, to be recounted at commit.

    Students and attendance rows are keyed by school year, so the file's years are all it can
    change. An incident or support is keyed by its own id: an updated row may have moved from
    another year, so any update recounts every year (a re-import of unchanged rows recounts none)."""
    if name not in STUDENT_DATA_TABLES:
        return
    if name in ("discipline", "supports") and counts.updated:
        years_changed(session, EVERY_YEAR)
    elif counts.added or counts.updated:
        years_changed(session, checked.frame["school_year"].unique().tolist())


def _size(source: ImportFile | RawTable) -> int:
    if isinstance(source, RawTable):
        return max(len(source) * 40, 1)
    if isinstance(source.source, bytes):
        return max(len(source.source), 1)
    return max(Path(source.source).stat().st_size, 1)


def _read(source: ImportFile | RawTable, result: ImportResult) -> RawTable | None:
    if isinstance(source, RawTable):
        return source
    try:
        return read_table(source)
    except FileUnreadable as error:
        result.problems.extend(error.problems)
        result.files.append(RecognisedFile(source.name, source.stem.lower(), 0))
        return None


def _load(
    session: Session,
    checked: CheckedTable,
    actor: str,
    now,
    report: Progress,
    done: int,
    share: float,
    total: int,
    label: str,
) -> TableCounts:
    rows = max(len(checked.frame), 1)

    def chunk_done(written: int) -> None:
        fraction = (done + (0.3 + 0.7 * written / rows) * share * total) / total
        report(min(fraction, 1.0), f"Writing {label} ({written:,} of {rows:,} rows)")

    return load_table(session, checked, actor=actor, now=now, chunk_done=chunk_done)


def remove_demo(*, database_url: str | None = None, editor: UserAccess) -> bool:
    """Delete the demo district (one transaction, audited); False when the store holds no demo.
    District admins only (WriteForbidden otherwise)."""
    from data_access.demo import clear_district_data

    check_write(editor, "remove_demo")
    with session_scope(database_url) as session:
        if get_store_info(session).get("demo") != "true":
            return False
        clear_district_data(session)
        set_store_info(
            session, values={"demo": None, "demo_size": None, "demo_seed": None, "as_of": None}
        )
        record_write(session, actor=editor.email, operation="clear_demo", table_name="*")
    return True


def import_demo(*, database_url: str | None = None, editor: UserAccess) -> bool:
    """Load the small demo district into an empty store, from the app (one transaction, audited
    under the editor); False, storing nothing, when the store already holds district data. District
    admins only (WriteForbidden otherwise)."""
    from data_access.demo import StoreNotEmpty, load_demo

    check_write(editor, "import_demo")
    try:
        load_demo(database_url=database_url, size="small", actor=editor.email)
    except StoreNotEmpty:
        return False
    return True
