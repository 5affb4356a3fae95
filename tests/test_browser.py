"""The real thing: `streamlit run dashboard.py` on an empty store, opened in headless Chromium.

Uses Debian's Chromium at /usr/bin/chromium (browsers cannot be downloaded here). Skips locally when
Chromium or Playwright is missing; under CI it must run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, require_browser, running_app

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


@pytest.fixture
def first_run_server(tmp_path):
    """The app started as the README says, on an empty store that loads the demo on first run."""
    require_browser()
    started = time.monotonic()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'first-run.db'}",
        "MTSS_DEMO_ON_FIRST_RUN": "true",
    }
    with running_app(tmp_path / "server.log", env=env) as base:
        yield base, started


def test_first_run_serves_the_demo_overview_within_30_seconds(first_run_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, started = first_run_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base)
        expect(page.get_by_role("heading", name="District overview")).to_be_visible(timeout=30_000)
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
        elapsed = time.monotonic() - started
        assert elapsed < 30, f"the Overview took {elapsed:.1f} s from server start"

        expect(page.get_by_text("Demo data", exact=False).first).to_be_visible()
        # The figure on screen is the store's own count.
        from data_access.db import count_rows, session_scope
        from data_access.models import Building

        with session_scope(f"sqlite:///{tmp_path / 'first-run.db'}") as session:
            in_store = count_rows(session, Building)
        assert in_store >= 10
        buildings = page.locator("[data-testid='stMetric']").filter(has_text="Buildings")
        expect(buildings).to_contain_text(str(in_store))
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
        browser.close()


def test_a_store_down_at_startup_shows_the_message_and_no_list_of_page_files(tmp_path):
    """Started against a database that is not there: the plain message at any address, and no
    sidebar listing the files in pages/ (which Streamlit shows when no navigation was set up)."""
    import socket

    from playwright.sync_api import expect, sync_playwright

    require_browser()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"DATABASE_URL": f"postgresql+psycopg://nobody:secret@127.0.0.1:{port}/mtss"}
    with running_app(tmp_path / "server.log", env=env) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for address in ("/", "/equity", "/users"):
            page.goto(base + address)
            message = page.locator("[data-testid='stAlertContentError']")
            expect(message).to_contain_text("cannot reach its database", timeout=30_000)
            expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)
            expect(page.get_by_text("Page not found")).to_have_count(0)
        browser.close()
