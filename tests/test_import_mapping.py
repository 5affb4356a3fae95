"""Referral exports from behaviour systems, and files in a district's own layout and codes: a
SWIS-style export is recognised by its headers; any other "one row per incident" file imports
through a saved, versioned mapping of its columns and local codes. Each test names the quirk it
proves. The store is built by each test, on both backends where the store's tables are involved."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_access.db import get_data_version, session_scope
from data_access.imports.mapping import MADE_ID_PREFIX, swis_mapping
from data_access.imports.mapping_store import (
    MappingInput,
    MappingRefused,
    get_mapping,
    get_mapping_versions,
    get_mappings,
    save_mapping,
)
from data_access.imports.pipeline import import_files
from data_access.imports.reading import ImportFile, collect_files, normalise_header
from data_access.models import AuditLog, Discipline, ImportMapping, ImportMappingEntry, Student
from data_access.permissions import WriteForbidden
from data_access.store import init_store
from data_access.users.access import UserAccess
from tests.utils.factories import add_building

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "referrals"
SWIS = FIXTURES / "swis_referrals.csv"
EXPORT = FIXTURES / "incidents_export.csv"
ADMIN = UserAccess(email="data.manager@district.org", role="district_admin")
PRINCIPAL = UserAccess(
    email="principal@district.org", role="principal", building_ids=frozenset({"B1"})
)
YEAR = "2025-26"

# The generic export's layout: its headers, and its consequence, level and behaviour codes.
EXPORT_MAPPING = MappingInput(
    name="incidents_export",
    table="discipline",
    columns={
        "incident_id": "Incident No",
        "student_id": "Pupil Number",
        "incident_date": "Event Date",
        "incident_time": "Clock",
        "location": "Where",
        "behavior": "What Happened",
        "referral_type": "Level",
        "action": "Consequence",
        "days_removed": "Days Out",
    },
    codes={
        "action": {"R": "ODR", "S1": "ISS", "S2": "OSS", "X": "EXP"},
        "referral_type": {"1": "major", "2": "minor"},
        "behavior": {"PA": "Physical aggression", "DIS": "Disruption", "DEF": "Defiance"},
    },
)


def district(url: str) -> None:
    init_store(url)
    with session_scope(url) as session:
        add_building(session, "B1")
        for student_id in ("S1", "S2", "S3"):
            session.add(
                Student(
                    student_id=student_id,
                    school_year=YEAR,
                    building_id="B1",
                    grade="3",
                    race_ethnicity="WH",
                    sex="F",
                    iep=False,
                    el=False,
                    econ_disadv=False,
                )
            )


def run(url: str, *paths: Path, editor: UserAccess = ADMIN, **options):
    files, problems, _ = collect_files([str(path) for path in paths])
    return import_files(
        files, database_url=url, editor=editor, earlier_problems=problems, **options
    )


def incidents(url: str) -> dict[str, tuple]:
    with session_scope(url) as session:
        rows = session.execute(select(Discipline)).scalars().all()
        return {
            row.incident_id: (
                row.student_id,
                row.school_year,
                row.incident_date.isoformat(),
                row.incident_time,
                row.location,
                row.behavior,
                row.referral_type,
                row.action,
                row.days_removed,
            )
            for row in rows
        }


def messages(result) -> list[str]:
    return [str(problem) for problem in result.problems]


# --- SWIS -----------------------------------------------------------------------------------------


def test_a_swis_export_is_recognised_by_its_headers_and_imported_as_discipline(store_url):
    district(store_url)
    result = run(store_url, SWIS)
    assert result.imported, messages(result)
    assert [(f.table, f.rows, f.mapping) for f in result.files] == [
        ("discipline", 6, "the SWIS referral export layout")
    ]
    rows = sorted(incidents(store_url).values(), key=lambda row: (row[0], row[2], row[7]))
    assert rows == [
        # quirk: 12-hour clock; no school year column (from the date); "Minor" is minor
        ("S1", YEAR, "2025-09-15", "10:15", "Classroom", "Disruption", "minor", "ODR", None),
        # quirk: several actions on one referral: the most serious is the incident's action
        (
            "S1",
            YEAR,
            "2025-10-02",
            "13:05",
            "Playground",
            "Physical aggression",
            "major",
            "OSS",
            None,
        ),
        # quirk: two referrals of the same student at the same minute are two incidents
        ("S2", YEAR, "2025-10-02", "12:40", "Cafeteria", "Defiance", "major", "ISS", None),
        ("S2", YEAR, "2025-10-02", "12:40", "Cafeteria", "Defiance", "major", "ODR", None),
        # quirk: an empty time is no time
        ("S3", YEAR, "2026-01-20", None, "Hallway", "Inappropriate language", "minor", "ODR", None),
        # quirk: a time with seconds
        ("S3", YEAR, "2026-03-04", "08:30", "Bus", "Fighting", "major", "EXP", None),
    ]
    # quirk: no referral id in the file: each incident's id is made from the row, stably
    assert all(key.startswith(MADE_ID_PREFIX) and len(key) <= 40 for key in incidents(store_url))
    warned = {(w.column, w.message.split(";")[0]) for w in result.warnings}
    assert (
        "Student Name",
        "warning: this column looks like personal data about students (a name)",
    ) in warned
    assert ("Staff", "warning: the SWIS referral export layout does not read this column") in {
        (w.column, w.message.split(";")[0]) for w in result.warnings
    }


def test_a_swis_export_imported_again_updates_its_incidents_rather_than_adding_them(
    sqlite_url, tmp_path
):
    district(sqlite_url)
    first = run(sqlite_url, SWIS)
    assert first.imported, messages(first)
    before = incidents(sqlite_url)
    # quirk: the behaviour system changed a decision after the referral (pending → suspension)
    text = SWIS.read_text().replace("Office referral", "In-school suspension")
    again = run(sqlite_url, _write(tmp_path, "swis_referrals.csv", text))
    assert again.imported, messages(again)
    counts = again.counts["discipline"]
    assert (counts.added, counts.updated, counts.unchanged) == (0, 1, 5)
    after = incidents(sqlite_url)
    assert set(after) == set(before)
    [changed] = [key for key in after if after[key] != before[key]]
    assert before[changed][7] == "ODR" and after[changed][7] == "ISS"


def test_a_made_incident_id_depends_on_the_referral_not_on_its_place_in_the_file(
    sqlite_url, tmp_path
):
    district(sqlite_url)
    assert run(sqlite_url, SWIS).imported
    before = set(incidents(sqlite_url))
    lines = SWIS.read_text().splitlines()
    reordered = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"  # quirk: newest first
    again = run(sqlite_url, _write(tmp_path, "swis_referrals.csv", reordered))
    assert again.imported, messages(again)
    assert set(incidents(sqlite_url)) == before
    assert again.counts["discipline"].added == 0


def test_a_swis_action_the_built_in_list_does_not_know_refuses_the_file(sqlite_url, tmp_path):
    district(sqlite_url)
    text = SWIS.read_text().replace("Loss of privilege", "Alternative placement")
    path = _write(tmp_path, "swis_referrals.csv", text)
    result = run(sqlite_url, path)
    assert not result.imported
    [problem] = result.problems
    assert (problem.line, problem.column) == (5, "Action Taken")
    assert problem.message.startswith(
        "'Alternative placement' is not a code of the SWIS referral export layout for action"
    )
    assert "nor one of the contract's (ODR, ISS, OSS, EXP)" in problem.message
    assert incidents(sqlite_url) == {}


def test_headers_that_are_not_a_swis_export_are_not_taken_for_one():
    headers = [normalise_header(h) for h in ("Student ID", "Date", "Location", "Notes")]
    assert swis_mapping(headers) is None
    swis = [normalise_header(h) for h in SWIS.read_text().splitlines()[0].split(",")]
    assert swis_mapping(swis).columns["referral_type"] == "major/minor"


# --- Saved mappings -------------------------------------------------------------------------------


def test_each_save_is_a_new_version_with_who_and_when(store_url):
    init_store(store_url)
    with session_scope(store_url) as session:
        first = save_mapping(session, entry=EXPORT_MAPPING, editor=ADMIN)
    changed = MappingInput(
        name="Incidents_Export",  # quirk: a name is a file name, in any case
        table="discipline",
        columns=EXPORT_MAPPING.columns,
        codes=EXPORT_MAPPING.codes | {"action": {"R": "ODR", "S1": "ISS", "S2": "OSS", "X": "exp"}},
    )
    with session_scope(store_url) as session:
        second = save_mapping(session, entry=changed, editor=ADMIN)
    assert (first.version, second.version) == (1, 2)
    assert first.label == "mapping 'incidents_export' version 1"
    with session_scope(store_url) as session:
        newest = get_mapping(session, name="incidents_export")
        oldest = get_mapping(session, name="incidents_export", version=1)
        assert newest.version == 2 and oldest.version == 1
        assert newest.saved_by == ADMIN.email and newest.saved_at is not None
        assert newest.columns["action"] == "consequence"  # the header, normalised
        assert newest.codes["action"]["X"] == "EXP"  # the contract's spelling
        assert newest.codes["behavior"]["PA"] == "Physical aggression"
        assert list(get_mappings(session)) == ["incidents_export"]
        versions = get_mapping_versions(session)
        assert versions[["name", "version", "table", "saved_by", "columns", "codes"]].to_dict(
            "records"
        ) == [
            {
                "name": "incidents_export",
                "version": version,
                "table": "discipline",
                "saved_by": ADMIN.email,
                "columns": 9,
                "codes": 9,
            }
            for version in (2, 1)
        ]
        audit = session.execute(
            select(AuditLog.row_key).where(AuditLog.operation == "save_mapping")
        ).scalars()
        assert sorted(audit) == ["incidents_export version 1", "incidents_export version 2"]


def test_a_principal_cannot_save_a_mapping(store_url):
    init_store(store_url)
    with session_scope(store_url) as session:
        version = get_data_version(session)
    with (
        pytest.raises(WriteForbidden, match="may not save a mapping"),
        session_scope(store_url) as session,
    ):
        save_mapping(session, entry=EXPORT_MAPPING, editor=PRINCIPAL)
    with session_scope(store_url) as session:
        assert get_data_version(session) == version
        assert session.execute(select(func.count()).select_from(ImportMapping)).scalar_one() == 0


def test_a_local_code_must_mean_a_value_the_contract_allows(store_url):
    init_store(store_url)
    wrong = MappingInput(
        name="incidents_export",
        table="discipline",
        columns=EXPORT_MAPPING.columns,
        codes={"action": {"S2": "SUSP"}, "referral_type": {"1": "big"}},
    )
    with pytest.raises(MappingRefused) as refused, session_scope(store_url) as session:
        save_mapping(session, entry=wrong, editor=ADMIN)
    assert refused.value.problems == [
        "action: the local code 'S2' cannot mean that: action 'SUSP' is not one of ODR, ISS, "
        "OSS, EXP",
        "referral_type: the local code '1' cannot mean that: referral_type 'big' is not one of "
        "major, minor",
    ]
    with session_scope(store_url) as session:
        assert (
            session.execute(select(func.count()).select_from(ImportMappingEntry)).scalar_one() == 0
        )


def test_a_mapping_must_say_where_each_required_column_is():
    from data_access.imports.mapping_store import check_mapping_input

    mapping, problems = check_mapping_input(
        MappingInput(name="buildings", table="discipline", columns={"student_id": "Pupil"})
    )
    assert mapping is None
    assert problems == [
        "a file named buildings.csv is the buildings table; a mapping named buildings must be for it",
        "say which of the file's columns holds incident_date (it is required)",
        "say which of the file's columns holds action (it is required)",
    ]


def test_a_file_in_its_own_layout_imports_through_its_saved_mapping(store_url):
    district(store_url)
    with session_scope(store_url) as session:
        save_mapping(session, entry=EXPORT_MAPPING, editor=ADMIN)
    result = run(store_url, EXPORT)
    assert result.imported, messages(result)
    assert [(f.file, f.table, f.mapping) for f in result.files] == [
        (str(EXPORT), "discipline", "mapping 'incidents_export' version 1")
    ]
    assert incidents(store_url) == {
        "7001": ("S1", YEAR, "2025-09-15", "09:10", "Room 12", "Disruption", "minor", "ODR", None),
        "7002": (
            "S2",
            YEAR,
            "2025-10-06",
            "11:45",
            "Gym",
            "Physical aggression",
            "major",
            "OSS",
            3,
        ),
        "7003": ("S3", YEAR, "2026-02-11", "14:20", "Library", "Defiance", "major", "ISS", 1),
        "7004": (
            "S1",
            YEAR,
            "2026-04-30",
            "10:00",
            "Room 12",
            "Physical aggression",
            "major",
            "EXP",
            None,
        ),
    }
    assert any(
        w.column == "Pupil Surname" and "personal data" in w.message for w in result.warnings
    )
    with session_scope(store_url) as session:
        detail = session.execute(
            select(AuditLog.detail).where(AuditLog.operation == "import")
        ).scalar_one()
    assert '"mappings": {"' in detail and "incidents_export version 1" in detail


def test_an_unknown_local_code_refuses_the_file_and_changes_nothing(store_url, tmp_path):
    district(store_url)
    with session_scope(store_url) as session:
        save_mapping(session, entry=EXPORT_MAPPING, editor=ADMIN)
        version = get_data_version(session)
    text = EXPORT.read_text() + "7005,S2,2026-05-04,09:00,Gym,PA,1,S9,,Rivera\n"
    path = _write(tmp_path, "incidents_export.csv", text)
    result = run(store_url, path)
    assert not result.imported
    assert messages(result) == [
        f"{path}:6: Consequence: 'S9' is not a code of mapping 'incidents_export' version 1 for "
        "action (R, S1, S2, X) nor one of the contract's (ODR, ISS, OSS, EXP); add it to the "
        "mapping on the Data page, or correct the file"
    ]
    assert incidents(store_url) == {}
    with session_scope(store_url) as session:
        assert get_data_version(session) == version


def test_a_contract_code_passes_through_a_mapping_that_does_not_list_it(sqlite_url, tmp_path):
    district(sqlite_url)
    with session_scope(sqlite_url) as session:
        save_mapping(session, entry=EXPORT_MAPPING, editor=ADMIN)
    text = EXPORT.read_text().replace(",S1,1,", ",ISS,1,")  # quirk: some rows already say ISS
    result = run(sqlite_url, _write(tmp_path, "incidents_export.csv", text))
    assert result.imported, messages(result)
    assert incidents(sqlite_url)["7003"][7] == "ISS"


def test_a_file_without_a_column_its_mapping_reads_is_refused_at_its_header(sqlite_url, tmp_path):
    district(sqlite_url)
    with session_scope(sqlite_url) as session:
        save_mapping(session, entry=EXPORT_MAPPING, editor=ADMIN)
    text = EXPORT.read_text().replace("Consequence", "Outcome")
    path = _write(tmp_path, "incidents_export.csv", text)
    result = run(sqlite_url, path)
    assert [(p.line, p.column) for p in result.problems] == [(1, "consequence")]
    assert "reads action from a column 'consequence', which this file does not have" in (
        result.problems[0].message
    )


def test_a_contract_rule_broken_in_a_mapped_file_names_the_files_own_column(sqlite_url, tmp_path):
    district(sqlite_url)
    with session_scope(sqlite_url) as session:
        save_mapping(session, entry=EXPORT_MAPPING, editor=ADMIN)
    text = EXPORT.read_text().replace("S3,2026-02-11", "S3,2026-02-31")
    result = run(sqlite_url, _write(tmp_path, "incidents_export.csv", text))
    assert messages(result)[0].split(": ", 2)[1:] == [
        "Event Date",
        "incident_date '2026-02-31' is not a date (write 2025-09-02 or 9/2/2025)",
    ]
    assert len(result.problems) == 1  # not also the school year made from that date


def test_a_file_with_another_name_imports_through_the_mapping_named_on_the_command(
    sqlite_url, tmp_path
):
    district(sqlite_url)
    with session_scope(sqlite_url) as session:
        save_mapping(session, entry=EXPORT_MAPPING, editor=ADMIN)
    dated = _write(tmp_path, "incidents_2026-05-01.csv", EXPORT.read_text())
    unclaimed = run(sqlite_url, dated)
    assert unclaimed.needs_mapping == {str(dated): None}
    assert "or a saved mapping (incidents_export)" in unclaimed.problems[0].message
    result = run(sqlite_url, dated, mapping="incidents_export")
    assert result.imported, messages(result)
    assert len(incidents(sqlite_url)) == 4
    missing = run(sqlite_url, dated, mapping="nightly")
    assert messages(missing) == [
        "import:1: --mapping: there is no saved mapping 'nightly' (saved: incidents_export); save "
        "one on the Data page"
    ]


def test_a_students_file_with_local_race_and_grade_codes_imports_through_a_mapping(store_url):
    district(store_url)
    codes = MappingInput(
        name="students",  # quirk: named after its table, it translates that file's codes
        table="students",
        columns={
            name: name
            for name in (
                "student_id",
                "school_year",
                "building_id",
                "grade",
                "race_ethnicity",
                "sex",
                "iep",
                "el",
                "econ_disadv",
            )
        },
        codes={
            "race_ethnicity": {"1": "HI", "5": "BL", "6": "WH"},
            "grade": {"KG": "K"},
        },
    )
    with session_scope(store_url) as session:
        save_mapping(session, entry=codes, editor=ADMIN)
    header = "student_id,school_year,building_id,grade,race_ethnicity,sex,iep,el,econ_disadv\n"
    good = header + "S4,2025-26,B1,KG,1,M,N,N,Y\nS5,2025-26,B1,02,6,F,N,N,N\n"
    result = import_files(
        [ImportFile("students.csv", good.encode())], database_url=store_url, editor=ADMIN
    )
    assert result.imported, messages(result)
    assert result.files[0].mapping == "mapping 'students' version 1"
    with session_scope(store_url) as session:
        assert (
            session.get(Student, ("S4", YEAR)).grade,
            session.get(Student, ("S4", YEAR)).race_ethnicity,
        ) == ("K", "HI")
        assert session.get(Student, ("S5", YEAR)).race_ethnicity == "WH"
    bad = header + "S6,2025-26,B1,3,9,F,N,N,N\n"
    refused = import_files(
        [ImportFile("students.csv", bad.encode())], database_url=store_url, editor=ADMIN
    )
    assert messages(refused) == [
        "students.csv:2: race_ethnicity: '9' is not a code of mapping 'students' version 1 for "
        "race_ethnicity (1, 5, 6) nor one of the contract's (HI (Hispanic or Latino, of any race); "
        "for students who are not Hispanic: AM (American Indian or Alaska Native), AS (Asian), HP "
        "(Native Hawaiian or Other Pacific Islander), BL (Black or African American), WH (White), "
        "TR (two or more races)); add it to the mapping on the Data page, or correct the file"
    ]
    with session_scope(store_url) as session:
        assert session.get(Student, ("S6", YEAR)) is None


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / "files" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


# --- The command line, as a nightly job runs it ---------------------------------------------------


def test_the_command_line_applies_saved_mappings_and_names_their_versions(tmp_path):
    from tests.test_import_cli import PROBLEM_LINE, run_cli

    url = f"sqlite:///{tmp_path / 'store.db'}"
    district(url)
    with session_scope(url) as session:
        save_mapping(session, entry=EXPORT_MAPPING, editor=ADMIN)
    folder = tmp_path / "nightly"
    folder.mkdir()
    shutil.copy(EXPORT, folder / "incidents_export.csv")  # named after its saved mapping
    shutil.copy(SWIS, folder / "swis_referrals.csv")  # recognised by its headers

    result = run_cli("import", str(folder), database_url=url)
    assert result.returncode == 0, result.stderr
    assert (
        f"  {folder / 'incidents_export.csv'}: read as discipline through mapping "
        f"'incidents_export' version 1, saved by {ADMIN.email} on "
    ) in result.stdout
    assert (
        f"  {folder / 'swis_referrals.csv'}: read as discipline through the SWIS referral export "
        "layout\n"
    ) in result.stdout
    assert len(incidents(url)) == 10

    # A dated export name: --mapping says which saved mapping reads it.
    dated = tmp_path / "incidents_2026-05-01.csv"
    dated.write_text(EXPORT.read_text().replace(",R,", ",S1,"))  # 7001 is now ISS
    again = run_cli("import", str(dated), "--mapping", "incidents_export", database_url=url)
    assert again.returncode == 0, again.stderr
    assert incidents(url)["7001"][7] == "ISS"

    # An unknown local code: FILE:LINE: COLUMN: reason, and nothing changes.
    before = incidents(url)
    dated.write_text(EXPORT.read_text().replace(",R,", ",Z9,"))
    refused = run_cli("import", str(dated), "--mapping", "incidents_export", database_url=url)
    assert refused.returncode == 1
    [problem] = [
        match
        for match in map(PROBLEM_LINE.match, refused.stderr.splitlines())
        if match and not match.group("message").startswith("warning")
    ]
    assert problem.group("file", "line", "column") == (str(dated), "2", "Consequence")
    assert problem.group("message").startswith("'Z9' is not a code of mapping 'incidents_export'")
    assert incidents(url) == before


# --- The mapping step's starting point ------------------------------------------------------------


def test_the_mapping_step_guesses_columns_from_headers_and_codes_from_words():
    from data_access.imports.mapping_step import propose_mapping
    from data_access.imports.reading import read_table

    raw = read_table(ImportFile("incidents_export.csv", EXPORT.read_bytes()))
    proposal = propose_mapping(raw, table="discipline")
    assert proposal.name == "incidents_export"
    # quirk: a header the guesses do not know ("Incident No", "Clock", "What Happened") is left
    # for the data manager; the others are guessed from words such exports use.
    assert proposal.columns == {
        "student_id": "pupil_number",
        "incident_date": "event_date",
        "location": "where",
        "action": "consequence",
        "referral_type": "level",
        "days_removed": "days_out",
    }
    chosen = propose_mapping(
        raw,
        table="discipline",
        columns={"action": "consequence", "referral_type": "level", "behavior": "what_happened"},
        code_columns=("behavior",),
    )
    assert chosen.needed == {
        "action": [("R", ""), ("S2", ""), ("S1", ""), ("X", "")],
        "referral_type": [("2", ""), ("1", "")],
        "behavior": [("DIS", ""), ("PA", ""), ("DEF", "")],
    }


def test_a_swis_export_with_a_decision_of_its_own_is_offered_the_swis_codes_and_the_new_one():
    from data_access.imports.mapping_step import propose_mapping
    from data_access.imports.reading import read_table

    text = SWIS.read_text().replace("Loss of privilege", "Alternative placement")
    raw = read_table(ImportFile("swis_referrals.csv", text.encode()))
    swis = swis_mapping(list(raw.frame.columns))
    proposal = propose_mapping(raw, table="discipline", mapping=swis)
    assert proposal.name == "swis_referrals"  # saved under the file's name, it claims the file
    assert proposal.needed == {"action": [("Alternative placement", "")]}
    assert proposal.codes["action"]["out-of-school suspension"] == "OSS"
    assert proposal.based_on == "the SWIS referral export layout"


def test_the_data_page_lists_each_saved_version_with_who_saved_it(monkeypatch, sqlite_url):
    from tests.utils.app import open_page

    district(sqlite_url)
    for _ in range(2):
        with session_scope(sqlite_url) as session:
            save_mapping(session, entry=EXPORT_MAPPING, editor=ADMIN)
    app = open_page(monkeypatch, sqlite_url, "data", env={"MTSS_DEMO_ON_FIRST_RUN": "false"})
    assert not app.exception, [error.value for error in app.exception]
    [saved] = [
        frame.value
        for frame in app.dataframe
        if "Files named" in getattr(frame.value, "columns", [])
    ]
    assert saved[["Files named", "Version", "Each row is", "Saved by"]].values.tolist() == [
        ["incidents_export", 2, "an incident (discipline)", ADMIN.email],
        ["incidents_export", 1, "an incident (discipline)", ADMIN.email],
    ]


def test_a_students_file_with_local_codes_is_offered_a_mapping_of_them(sqlite_url):
    from data_access.imports.mapping_step import propose_mapping
    from data_access.imports.reading import read_table

    district(sqlite_url)
    header = "student_id,school_year,building_id,grade,race_ethnicity,sex,iep,el,econ_disadv\n"
    text = header + "S4,2025-26,B1,KG,6,M,N,N,Y\nS5,2025-26,B1,2,WH,F,N,N,N\n"
    file = ImportFile("students.csv", text.encode())
    result = import_files([file], database_url=sqlite_url, editor=ADMIN, dry_run=True)
    assert [(p.line, p.column) for p in result.problems] == [(2, "grade"), (2, "race_ethnicity")]
    offered = result.needs_mapping["students.csv"]
    assert offered.label == "the contract's own columns and codes"
    proposal = propose_mapping(read_table(file), table="students", mapping=offered)
    assert proposal.name == "students"  # saved under it, it claims students.csv
    assert proposal.needed == {"grade": [("KG", "K")], "race_ethnicity": [("6", "")]}
    assert proposal.columns["race_ethnicity"] == "race_ethnicity"
