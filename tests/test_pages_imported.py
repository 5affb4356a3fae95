"""Every page on a store imported from files (not the demo), where the current school year may have no
staff assignments: what a district's first import looks like."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data_access.staff_support.queries import staff_working_in
from tests.test_import_rules import DISTRICT, district_files, run_import
from tests.test_pages import PAGES, open_app
from tests.test_roles_pages import ADMIN_ONLY, NOT_FOR_VIEWERS, ROLES, open_as
from tests.test_roles_pages import PAGES as ROLE_PAGES

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


# --- Every page, every role: the demo exported to files and imported, and an empty store ---------


@pytest.fixture(scope="module")
def demo_imported_url(demo_store_url, tmp_path_factory) -> str:
    """The demo district exported to one CSV per table (as benchmarks.imports does) and imported
    into a fresh store: real files, not the demo loader."""
    from sqlalchemy.engine import make_url

    from benchmarks.imports import export_tables
    from data_access.store import init_store

    folder = tmp_path_factory.mktemp("demo_files")
    export_tables(Path(make_url(demo_store_url).database), folder / "files")
    url = f"sqlite:///{folder / 'imported.db'}"
    init_store(url)
    result = run_import(url, folder / "files")
    assert result.ok, [str(problem) for problem in result.problems[:10]]
    return url


@pytest.fixture(scope="module")
def empty_url(tmp_path_factory) -> str:
    from data_access.store import init_store

    url = f"sqlite:///{tmp_path_factory.mktemp('empty') / 'store.db'}"
    init_store(url)
    return url


def may_open(role: str, page: str) -> bool:
    return not (
        (page in ADMIN_ONLY and role != "district_admin")
        or (page in NOT_FOR_VIEWERS and role == "viewer")
    )


@pytest.mark.parametrize("store", ["demo imported from files", "empty"])
@pytest.mark.parametrize("page", ROLE_PAGES)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_runs_for_every_role(
    monkeypatch, request, demo_imported_url, empty_url, store, role, page
):
    if not may_open(role, page):
        pytest.skip("the role's navigation does not hold the page (tests/test_roles_pages.py)")
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    url = demo_imported_url if store != "empty" else empty_url
    app = open_as(monkeypatch, url, role, ROLES[role], page)
    assert not app.exception, [error.value for error in app.exception]
    assert not app.error, [error.value for error in app.error]
    assert app.title, f"{page} shows no title"
