"""Every page on a store imported from files (not the demo), where the current school year may have no
staff assignments: what a district's first import looks like."""

from __future__ import annotations

import pandas as pd
import pytest

from data_access.staff_support import staff_working_in
from tests.test_import_rules import DISTRICT, district_files, run_import
from tests.test_pages import PAGES, open_app

LAST_YEAR_STAFFING = [DISTRICT["staff_assignments"][0]] + [
    [staff_id, building_id, "2024-25", fte]
    for staff_id, building_id, _, fte in DISTRICT["staff_assignments"][1:]
]


@pytest.fixture
def imported_store_url(sqlite_url, tmp_path) -> str:
    """The small district imported from files, its staff assigned only in an earlier school year."""
    folder = district_files(tmp_path / "files", staff_assignments=LAST_YEAR_STAFFING)
    result = run_import(sqlite_url, folder)
    assert not result.problems, [str(problem) for problem in result.problems]
    return sqlite_url


def test_staff_working_in_a_building_of_nobody_keeps_every_column():
    nobody = pd.DataFrame(columns=["staff_id", "building_ids", "covered"])
    assert staff_working_in(nobody, "B1").columns.tolist() == [
        "staff_id",
        "building_ids",
        "covered",
    ]
    some = pd.DataFrame({"staff_id": ["C1", "P1"], "building_ids": ["B1", "B10;B2"]})
    assert staff_working_in(some, "B1")["staff_id"].tolist() == ["C1"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_imported_store_without_staff_this_year(
    monkeypatch, imported_store_url, page
):
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    app = open_app(monkeypatch, imported_store_url, page)
    assert not app.exception, [error.value for error in app.exception]
    assert app.title, f"{page} shows no title"


def test_the_building_page_says_nobody_is_assigned_this_year(monkeypatch, imported_store_url):
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    app = open_app(monkeypatch, imported_store_url, "pages/building.py")
    assert not app.exception, [error.value for error in app.exception]
    assert any("No support staff assigned" in caption.value for caption in app.caption)
