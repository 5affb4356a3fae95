"""The Staff support page in a real browser: schedule a series, mark sessions held and cancelled,
download the calendar file, and see a malformed entry refused with nothing stored.

Runs `streamlit run dashboard.py` on a small hand-built district and drives it in headless Chromium
(Debian's, at /usr/bin/chromium). Skips locally when Chromium or Playwright is missing; under CI it
must run."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from data_access.db import record_write, session_scope, set_store_info
from data_access.models import Staff, SupervisionSession
from data_access.store import init_store
from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, require_browser, running_app
from tests.utils.factories import add_building, add_staff, add_students

ROOT = Path(__file__).resolve().parent.parent
YEAR = "2025-26"
AS_OF = date(2025, 10, 1)  # the store's data runs to this date, so the page opens on it

pytestmark = pytest.mark.browser


def build_store(url: str) -> None:
    init_store(url)
    with session_scope(url) as session:
        add_building(session, "B1", name="Lincoln Elementary")
        add_students(session, "B1", YEAR, 40)
        add_staff(session, "C1", "counselor", {("B1", YEAR): 1.0})
        add_staff(session, "W1", "social_worker", {("B1", YEAR): 1.0})
        add_staff(session, "D1", "administrator", {})
        names = {"C1": "Casey Carter", "W1": "Wren Walker", "D1": "Dana Diaz"}
        for staff in session.execute(select(Staff)).scalars():
            staff.name = names[staff.staff_id]
        set_store_info(session, values={"demo": "true", "as_of": AS_OF.isoformat()})
        record_write(session, actor="test", operation="build", table_name="*")


def supervision_rows(url: str) -> list[SupervisionSession]:
    with session_scope(url) as session:
        return list(
            session.execute(
                select(SupervisionSession).order_by(SupervisionSession.session_date)
            ).scalars()
        )


@pytest.fixture
def server(tmp_path):
    """The app, started as the README says, on the hand-built store."""
    require_browser()
    url = f"sqlite:///{tmp_path / 'staff-support.db'}"
    build_store(url)
    with running_app(
        tmp_path / "server.log", env=dict(DATABASE_URL=url, MTSS_DEMO_ON_FIRST_RUN="false")
    ) as base:
        yield base, url


def settled(page) -> None:
    """Wait for the script to finish its rerun."""
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000
    )


def choose(page, widget: str, label: str, option: str) -> None:
    """Pick an option in a selectbox or multiselect, found by its label."""
    # Its box (a combobox), not the middle of the label and box.
    page.locator(f"[data-testid='{widget}']").filter(has_text=label).get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()
    if widget == "stMultiSelect":  # it stays open for more choices
        page.keyboard.press("Escape")


def test_schedule_mark_and_download_a_series_and_refuse_a_malformed_one(server, tmp_path):
    from icalendar import Calendar
    from playwright.sync_api import expect, sync_playwright

    base, url = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1200}, accept_downloads=True)
        page.goto(f"{base}/staff_support")
        expect(page.get_by_role("heading", name="Staff support")).to_be_visible(timeout=30_000)
        settled(page)
        page.get_by_role("tab", name="Schedule and record supervision", exact=True).click()
        settled(page)  # the open tab is in the address: choosing one reruns the page

        # A series every 6 weeks from the next school day (2 October) to 30 June: 7 sessions.
        choose(page, "stMultiSelect", "Supervisee(s)", "Casey Carter (Counselor)")
        choose(page, "stSelectbox", "Supervisor", "Dana Diaz (Administrator)")
        page.get_by_role("radiogroup", name="How often").get_by_text("A repeating series").click()
        page.get_by_role("button", name="Schedule", exact=True).click()
        settled(page)
        expect(
            page.get_by_text(re.compile(r"Scheduled 7 sessions from 2 Oct 2025"))
        ).to_be_visible()
        rows = supervision_rows(url)
        assert [row.session_date for row in rows] == [
            date(2025, 10, 2),
            date(2025, 11, 13),
            date(2025, 12, 25),
            date(2026, 2, 5),
            date(2026, 3, 19),
            date(2026, 4, 30),
            date(2026, 6, 11),
        ]
        assert {(row.staff_id, row.supervisor_id, row.status) for row in rows} == {
            ("C1", "D1", "scheduled")
        }

        # The calendar file: one event per session, saying only "Supervision".
        with page.expect_download() as download:
            page.get_by_role("button", name=re.compile(r"Download 7 sessions")).click()
        ics = Path(download.value.path()).read_bytes()
        events = Calendar.from_ical(ics).walk("VEVENT")
        assert ics.count(b"BEGIN:VEVENT") == 7 and len(events) == 7
        assert [event.decoded("dtstart").date() for event in events] == [
            row.session_date for row in rows
        ]
        assert {str(event["summary"]) for event in events} == {"Supervision"}
        assert b"Casey" not in ics

        # Mark the first session held (50 minutes), then the next one cancelled.
        minutes = page.get_by_label("Minutes (when held)")
        minutes.fill("50")
        page.get_by_role("button", name="Save", exact=True).click()
        settled(page)
        expect(page.get_by_text(re.compile(r"Marked held: Thu 2 Oct 2025"))).to_be_visible()
        page.get_by_role("radiogroup", name="What happened").get_by_text("Cancelled").click()
        page.get_by_role("button", name="Save", exact=True).click()
        settled(page)
        expect(page.get_by_text(re.compile(r"Marked cancelled: Thu 13 Nov 2025"))).to_be_visible()
        marked = [(row.session_date, row.status, row.minutes) for row in supervision_rows(url)]
        assert marked[:3] == [
            (date(2025, 10, 2), "held", 50),
            (date(2025, 11, 13), "cancelled", None),
            (date(2025, 12, 25), "scheduled", None),
        ]

        # A malformed entry: a start in July 2026 is after the end date (30 June) and in a school
        # year the counselor has no assignment in. Both are said next to their fields.
        for part, typed in (("year", "2026"), ("month", "07"), ("day", "06")):
            segment = page.get_by_role("spinbutton", name=f"{part}, Date (of the first session)")
            segment.click()
            page.keyboard.type(typed)
        page.keyboard.press("Tab")
        page.get_by_role("button", name="Schedule", exact=True).click()
        settled(page)
        expect(
            page.get_by_text(re.compile(r"The series ends \(30 Jun 2026\) before it starts"))
        ).to_be_visible()
        expect(
            page.get_by_text(re.compile(r"Casey Carter \(C1\) has no staff assignment in 2026-27"))
        ).to_be_visible()
        expect(page.get_by_text("Nothing was scheduled", exact=False)).to_be_visible()
        assert len(supervision_rows(url)) == 7
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "staff-support.png"), full_page=True)
        browser.close()
