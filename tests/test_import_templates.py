"""Templates for every table: the CSV is the header the importer expects; the Excel workbook adds a
note on each header cell and a sheet describing every column. A filled-in template imports."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from data_access.imports.pipeline import import_files
from data_access.imports.reading import ImportFile
from data_access.imports.tables import TABLE_ORDER, TABLES
from data_access.imports.templates import describe_columns, template_csv, template_xlsx
from data_access.users.access import UserAccess

IMPORTER = UserAccess(email="test", role="district_admin")


@pytest.mark.parametrize("table", TABLE_ORDER)
def test_each_template_has_the_tables_columns_and_describes_them(table):
    names = [column.name for column in TABLES[table].columns]
    assert template_csv(table).decode() == ",".join(names) + "\n"

    workbook = load_workbook(io.BytesIO(template_xlsx(table)))
    first, about = workbook.worksheets
    assert first.title == table
    assert [cell.value for cell in first[1]] == names
    assert all(cell.comment is not None for cell in first[1])
    rows = list(about.iter_rows(min_row=5, values_only=True))
    assert [row[0] for row in rows] == names
    assert [row[1] for row in rows] == [
        "yes" if column.required else "no" for column in TABLES[table].columns
    ]


def test_the_description_says_required_allowed_values_and_an_example():
    students = describe_columns("students").set_index("column")
    assert students.loc["grade"].tolist() == [
        "yes",
        "PK, K, 1-12",
        "3",
        "The student's grade.",
    ]
    assert students.loc["section_504", "required"] == "no"
    assert students.loc["school_year", "allowed values"] == (
        "a school year, 2024-25 (2024-2025 is also accepted)"
    )
    fte = describe_columns("staff_assignments").set_index("column").loc["fte", "allowed values"]
    assert fte == "a number more than 0 and at most 1"


def test_a_filled_in_excel_template_imports(sqlite_url):
    workbook = load_workbook(io.BytesIO(template_xlsx("buildings")))
    workbook.worksheets[0].append(["B1", "Lincoln Elementary", "elementary", "p@d.org"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_files(
        [ImportFile("buildings.xlsx", buffer.getvalue())], database_url=sqlite_url, editor=IMPORTER
    )
    assert result.ok, result.problems
    assert result.counts["buildings"].added == 1


def test_the_system_health_columns_and_the_calendar_have_templates():
    """The new columns are optional and say what they take; the calendar is a table of its own,
    loaded after the buildings it names."""
    assert TABLE_ORDER.index("buildings") < TABLE_ORDER.index("school_calendar")
    assert template_csv("school_calendar") == b"school_year,building_id,month,school_days\n"
    discipline = describe_columns("discipline").set_index("column")
    assert discipline.loc["referral_type"].tolist()[:3] == ["no", "major, minor", "major"]
    assert discipline.loc["incident_time", "allowed values"] == (
        "a time of day, HH:MM on the 24-hour clock (13:05)"
    )
    supports = describe_columns("supports").set_index("column")
    assert supports.loc["sessions_delivered", "allowed values"] == "a whole number from 0 to 1000"
    assert supports.loc["outcome", "allowed values"] == (
        "goal_met, progressing, not_responding, intensified, discontinued"
    )
    assert describe_columns("screening").set_index("column").loc["risk_level"].tolist()[:2] == [
        "no",
        "low, some, high",
    ]
    calendar = describe_columns("school_calendar").set_index("column")
    assert calendar.loc["month", "allowed values"] == "a month, YYYY-MM (2025-09)"
    assert calendar.loc["school_days", "allowed values"] == "a whole number from 0 to 31"
