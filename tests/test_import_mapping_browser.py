"""The Data page's mapping step in a real browser: a referral file in a layout the contract does not
use (its own headers, its own action codes) is mapped once, the mapping saved, and the file then
imports through it; the file's text shows as written (through `plain`), never as Markdown.

Runs `streamlit run dashboard.py` and drives it with Debian's Chromium (tests/test_browser.py's
pattern). Skips locally without Chromium; under CI it runs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from data_access.db import session_scope
from data_access.imports.reading import write_csv_text
from data_access.models import Discipline, ImportMapping
from data_access.users.access import LOCAL_USER
from tests.test_follow_up_browser import settle
from tests.test_import_browser import upload
from tests.test_import_mapping import district
from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, require_browser, running_app

pytestmark = pytest.mark.browser

# A behaviour log in the school's own layout: no header is the contract's student_id, incident_date
# or action, and the outcomes are the school's own codes (one of them Markdown-looking).
BEHAVIOUR_LOG = write_csv_text(
    [
        ["Pupil", "When", "Time", "Location", "Behavior", "Outcome"],
        ["S1", "9/15/2025", "10:15 AM", "Classroom", "Disruption", "REF"],
        ["S2", "10/2/2025", "12:40 PM", "Cafeteria", "Defiance", "ISS-1"],
        ["S3", "3/4/2026", "1:05 PM", "Bus", "Fighting", "**OSS**"],
    ]
)


def choose(page, label: str, option: str) -> None:
    """Pick an option in the select box labelled exactly `label` (tests/test_follow_up_browser's
    way: the list can close while the app redraws, so open it and click, a few times if need be)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name=label, exact=True)
    for _ in range(10):
        settle(page)
        box.focus()
        page.keyboard.press("ArrowDown")
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=2_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        settle(page)
        if box.input_value() == option:
            return
    raise AssertionError(f"could not choose {option!r} in {label!r}")


@pytest.fixture
def server(tmp_path):
    require_browser()
    url = f"sqlite:///{tmp_path / 'store.db'}"
    district(url)
    with running_app(
        tmp_path / "server.log", env=dict(DATABASE_URL=url, MTSS_DEMO_ON_FIRST_RUN="false")
    ) as base:
        yield base, url


def test_a_referral_file_in_its_own_layout_imports_through_a_mapping_saved_on_the_page(
    server, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    base, url = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"{base}/data")
        expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=30_000)

        upload(page, {"behaviour_log.csv": BEHAVIOUR_LOG})
        expect(page.get_by_text("Map the columns of behaviour_log.csv")).to_be_visible(
            timeout=30_000
        )
        expect(page.get_by_role("button", name="Import these files")).to_have_count(0)
        # Time, Location and Behavior are guessed; the rest is the data manager's to say.
        choose(page, "student_id (required)", "Pupil")
        choose(page, "incident_date (required)", "When")
        choose(page, "action (required)", "Outcome")
        # The file's own codes: ISS-1 and **OSS** are guessed; REF is chosen. The Markdown-looking
        # code is shown as written.
        expect(page.get_by_text("**OSS**", exact=True)).to_be_visible(timeout=30_000)
        choose(page, "REF", "ODR: the referral alone")
        page.screenshot(path=str(tmp_path / "mapping.png"), full_page=True)
        page.get_by_role("button", name="Save the mapping").click()

        expect(page.get_by_text("Saved mapping 'behaviour_log' version 1")).to_be_visible(
            timeout=30_000
        )
        confirm = page.get_by_role("button", name="Import these files")
        expect(confirm).to_be_visible(timeout=30_000)
        confirm.click()
        expect(page.get_by_text("Imported 1 file").first).to_be_visible(timeout=60_000)
        # The summary names the mapping and the version the file was read through.
        expect(
            page.get_by_text("behaviour_log.csv was read through mapping 'behaviour_log' version 1")
        ).to_be_visible()
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "imported.png"), full_page=True)
        browser.close()

    with session_scope(url) as session:
        saved = session.execute(select(ImportMapping)).scalars().all()
        assert [(m.name, m.version, m.saved_by) for m in saved] == [
            ("behaviour_log", 1, LOCAL_USER.email)
        ]
        rows = session.execute(select(Discipline).order_by(Discipline.student_id)).scalars().all()
        assert [(r.student_id, r.action, r.incident_time, r.school_year) for r in rows] == [
            ("S1", "ODR", "10:15", "2025-26"),
            ("S2", "ISS", "12:40", "2025-26"),
            ("S3", "OSS", "13:05", "2025-26"),
        ]
