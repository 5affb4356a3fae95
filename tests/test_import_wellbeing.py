"""The import rules of the staff wellbeing data (issue 20): staff start and end dates, supervision
themes from the fixed list, and the anonymous staff_pulse file, on small hand-written files."""

from __future__ import annotations

from datetime import date

from data_access.imports.templates import describe_columns, template_csv
from tests.test_import_rules import DISTRICT, district_files, messages, run_import, store_rows

SUPERVISION_HEADER = [*DISTRICT["supervision"][0], "themes"]
PULSE_HEADER = [
    "response_id",
    "building_id",
    "role",
    "responded_on",
    "workload",
    "supported",
    "supervision_helpful",
    "drained",
    "intend_to_stay",
]


def problems_in(folder, result) -> list[str]:
    return [str(p).removeprefix(f"{folder}/") for p in result.problems]


def test_staff_dates_are_stored_and_an_end_before_the_start_is_refused(sqlite_url, tmp_path):
    folder = district_files(
        tmp_path / "d",
        staff=[
            ["staff_id", "name", "role", "email", "start_date", "end_date"],
            ["C1", "Jordan Lee", "counselor", "", "2021-08-16", "1/31/2026"],
            ["P1", "Sam Ortiz", "psychologist", "", "2019-08-19", ""],
            ["A1", "Kim Park", "administrator", "", "", ""],
        ],
    )
    assert messages(run_import(sqlite_url, folder)) == []
    rows = store_rows(sqlite_url, ("staff",))["staff"]
    assert [(row[0], row[-2], row[-1]) for row in rows] == [
        ("A1", None, None),
        ("C1", date(2021, 8, 16), date(2026, 1, 31)),
        ("P1", date(2019, 8, 19), None),
    ]
    bad = district_files(
        tmp_path / "bad",
        staff=[
            ["staff_id", "name", "role", "start_date", "end_date"],
            ["C1", "Jordan Lee", "counselor", "2021-08-16", "2020-06-30"],
            ["P1", "Sam Ortiz", "psychologist", "", ""],
            ["A1", "Kim Park", "administrator", "", ""],
        ],
    )
    assert problems_in(bad, run_import(sqlite_url, bad)) == [
        "staff.csv:2: end_date: end_date 2020-06-30 is before start_date 2021-08-16"
    ]
    assert store_rows(sqlite_url, ("staff",))["staff"] == rows  # all or nothing


def test_supervision_themes_are_one_row_per_session_and_theme_and_reimports_replace_them(
    sqlite_url, tmp_path
):
    folder = district_files(
        tmp_path / "d",
        supervision=[
            SUPERVISION_HEADER,
            ["V1", "C1", "2025-11-04", "individual", "held", "P1", "60", "Attendance; family"],
            ["V2", "C1", "2026-01-09", "individual", "scheduled", "", "", ""],
        ],
    )
    assert messages(run_import(sqlite_url, folder)) == []
    assert store_rows(sqlite_url, ("supervision_themes",))["supervision_themes"] == [
        ("V1", "attendance"),
        ("V1", "family"),
    ]
    again = district_files(
        tmp_path / "again",
        supervision=[
            SUPERVISION_HEADER,
            ["V1", "C1", "2025-11-04", "individual", "held", "P1", "60", "safeguarding"],
            ["V2", "C1", "2026-01-09", "individual", "scheduled", "", "", "workload;caseload"],
        ],
    )
    result = run_import(sqlite_url, again)
    assert messages(result) == []
    counts = result.counts["supervision"]
    assert (counts.added, counts.updated, counts.unchanged) == (0, 2, 0)
    assert store_rows(sqlite_url, ("supervision_themes",))["supervision_themes"] == [
        ("V1", "safeguarding"),
        ("V2", "caseload"),
        ("V2", "workload"),
    ]


def test_an_unknown_theme_is_refused_naming_the_allowed_list(sqlite_url, tmp_path):
    bad = district_files(
        tmp_path / "bad",
        supervision=[
            SUPERVISION_HEADER,
            ["V1", "C1", "2025-11-04", "individual", "held", "P1", "60", "family;the Smith case"],
            ["V2", "C1", "2026-01-09", "individual", "scheduled", "", "", ""],
        ],
    )
    assert problems_in(bad, run_import(sqlite_url, bad)) == [
        "supervision.csv:2: themes: themes 'the Smith case' is not one of safeguarding, "
        "mental_health, attendance, behavior, family, workload, caseload, wellbeing, "
        "professional_learning, other (separate several with ;)"
    ]
    assert store_rows(sqlite_url, ("supervision", "supervision_themes")) == {
        "supervision": [],
        "supervision_themes": [],
    }


def test_pulse_responses_are_stored_without_anyone_named(sqlite_url, tmp_path):
    folder = district_files(
        tmp_path / "d",
        staff_pulse=[
            [*PULSE_HEADER, "Staff_ID", "email"],
            ["R1", "B1", "counselor", "2026-01-20", "2", "3", "4", "5", "N", "C1", "jordan@d.org"],
            ["R2", "B1", "Counselor", "1/21/2026", "4", "4", "5", "1", "", "P1", ""],
        ],
    )
    result = run_import(sqlite_url, folder)
    assert messages(result) == []
    warnings = [str(w).removeprefix(f"{folder}/") for w in result.warnings]
    anonymous = (
        "warning: the staff pulse is anonymous; this column would say who answered, so it was "
        "not read and is never stored"
    )
    assert [w for w in warnings if w.startswith("staff_pulse")] == [
        f"staff_pulse.csv:1: Staff_ID: {anonymous}",
        f"staff_pulse.csv:1: email: {anonymous}",
    ]
    assert store_rows(sqlite_url, ("staff_pulse",))["staff_pulse"] == [
        ("R1", "B1", "counselor", date(2026, 1, 20), 2, 3, 4, 5, False),
        ("R2", "B1", "counselor", date(2026, 1, 21), 4, 4, 5, 1, None),
    ]


def test_pulse_answers_outside_1_to_5_and_unknown_buildings_or_roles_are_refused(
    sqlite_url, tmp_path
):
    bad = district_files(
        tmp_path / "bad",
        staff_pulse=[
            PULSE_HEADER,
            ["R1", "B1", "counselor", "2026-01-20", "0", "3", "4", "5", "Y"],
            ["R2", "B9", "counselor", "2026-01-20", "3", "3", "4", "6", "Y"],
            ["R3", "B1", "janitor", "2026-01-20", "3", "3", "4", "2", "Y"],
            ["R4", "B1", "nurse", "2026-01-20", "3", "3", "4", "2", "Y"],
        ],
    )
    found = problems_in(bad, run_import(sqlite_url, bad))
    assert [p.split(": ")[:2] for p in found] == [
        ["staff_pulse.csv:2", "workload"],
        ["staff_pulse.csv:3", "drained"],
        ["staff_pulse.csv:3", "building_id"],
        ["staff_pulse.csv:4", "role"],
    ]
    assert "workload 0 is not a whole number from 1 to 5" in found[0]
    assert store_rows(sqlite_url, ("staff_pulse", "buildings")) == {
        "staff_pulse": [],
        "buildings": [],
    }


def test_the_templates_describe_the_new_columns():
    assert template_csv("staff_pulse").decode() == ",".join(PULSE_HEADER) + "\n"
    described = describe_columns("supervision").set_index(
        describe_columns("supervision").columns[0]
    )
    assert "themes" in described.index
    assert "staff_id" not in template_csv("staff_pulse").decode()
    assert template_csv("staff").decode().strip().endswith("start_date,end_date")
