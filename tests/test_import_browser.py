"""The Data page in a real browser: a bad file shows its problems and imports nothing; a good one
shows the progress and the summary, and the Overview then shows the new building.

Runs `streamlit run dashboard.py` on a copy of the small demo store and drives it with Debian's
Chromium (the pattern of tests/test_browser.py). Skips locally without Chromium; under CI it runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from data_access.db import count_rows, session_scope
from data_access.imports.reading import write_csv_text
from data_access.models import Building, Student
from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, require_browser, running_app

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser

STUDENT_HEADER = [
    "student_id",
    "school_year",
    "building_id",
    "grade",
    "race_ethnicity",
    "sex",
    "iep",
    "el",
    "econ_disadv",
]
BUILDINGS = write_csv_text(
    [["building_id", "name", "level"], ["MAPLE", "Maplewood Elementary", "elementary"]]
)
GOOD_STUDENTS = write_csv_text(
    [STUDENT_HEADER]
    + [[f"M{n:03d}", "2025-26", "MAPLE", "2", "WH", "F", "N", "N", "N"] for n in range(40)]
)
BAD_STUDENTS = write_csv_text(
    [
        STUDENT_HEADER,
        ["M001", "2025-26", "MAPLE", "2", "WH", "F", "N", "N", "N"],
        ["M002", "2025-26", "MAPLE", "Kindergarten", "WH", "F", "N", "N", "N"],
    ]
)


@pytest.fixture
def demo_server(demo_store_url, tmp_path):
    require_browser()
    store = tmp_path / "demo.db"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), store)
    url = f"sqlite:///{store}"
    with running_app(
        tmp_path / "server.log", env=dict(DATABASE_URL=url, MTSS_DEMO_ON_FIRST_RUN="false")
    ) as base:
        yield base, url


def upload(page, files: dict[str, str]) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        [
            {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
            for name, text in files.items()
        ]
    )


def test_a_bad_file_imports_nothing_and_a_good_one_shows_on_the_overview(demo_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, url = demo_server
    with session_scope(url) as session:
        demo_buildings = count_rows(session, Building)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(f"{base}/data")
        expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=30_000)
        page.get_by_text("Remove the demo district when these files are imported").click()

        upload(page, {"buildings.csv": BUILDINGS, "students.csv": BAD_STUDENTS})
        expect(page.get_by_text("1 problem found: nothing was imported")).to_be_visible(
            timeout=30_000
        )
        expect(page.get_by_role("button", name="Import these files")).to_have_count(0)
        problems = page.locator("[data-testid='stTable']").filter(has_text="Kindergarten")
        expect(problems).to_contain_text("grade 'Kindergarten' is not one of PK, K, 1-12")
        expect(problems).to_contain_text("students.csv")
        page.screenshot(path=str(tmp_path / "problems.png"), full_page=True)
        with session_scope(url) as session:
            assert count_rows(session, Building) == demo_buildings
            assert session.get(Building, "MAPLE") is None

        for name in ("students.csv", "buildings.csv"):  # take the bad files out again
            page.get_by_role("button", name=f"Remove {name}").click()
            expect(page.get_by_role("button", name=f"Remove {name}")).to_have_count(0)
        upload(page, {"buildings.csv": BUILDINGS, "students.csv": GOOD_STUDENTS})
        confirm = page.get_by_role("button", name="Import these files")
        expect(confirm).to_be_visible(timeout=30_000)
        confirm.click()
        expect(page.locator("[data-testid='stProgress']")).to_be_visible(timeout=30_000)
        expect(
            page.get_by_text("Imported 2 files and removed the demo district").first
        ).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Demo data", exact=False)).to_have_count(0)
        page.screenshot(path=str(tmp_path / "summary.png"), full_page=True)
        with session_scope(url) as session:
            assert count_rows(session, Building) == 1
            assert count_rows(session, Student) == 40

        page.goto(base)
        expect(page.get_by_role("heading", name="District overview")).to_be_visible(timeout=30_000)
        # The link to the building's page, not its bare name: once the table is drawn, the name's first
        # match is the table's hidden accessibility cell (glide-data-grid paints on a canvas).
        expect(page.get_by_role("link", name="Open Maplewood Elementary")).to_be_visible(
            timeout=30_000
        )
        expect(page.get_by_text("Demo data", exact=False)).to_have_count(0)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        browser.close()
