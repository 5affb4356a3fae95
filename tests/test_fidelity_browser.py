"""The Fidelity page served by `streamlit run` and opened in headless Chromium, on the small demo.

Uses Debian's Chromium at /usr/bin/chromium. Skips locally when Chromium or Playwright is missing;
under CI it must run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, require_browser, running_app

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_server(demo_store_url, tmp_path):
    """The app on the shared small demo store (the page only reads it)."""
    require_browser()
    with running_app(
        tmp_path / "server.log",
        env=dict(DATABASE_URL=demo_store_url, MTSS_DEMO_ON_FIRST_RUN="false"),
    ) as base:
        yield base


def test_fidelity_page_shows_the_grid_and_a_buildings_items_to_plan_on(demo_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(demo_server)
        expect(page.get_by_role("heading", name="District overview")).to_be_visible(timeout=30_000)
        page.get_by_role("link", name="Fidelity").click()
        expect(page.get_by_role("heading", name="Implementation fidelity")).to_be_visible(
            timeout=30_000
        )
        grid = page.locator(".js-plotly-plot").first
        expect(grid).to_be_visible(timeout=30_000)
        # The demo's twelve buildings are rows of the grid, each with its percent per tier.
        expect(grid).to_contain_text("Lincoln Elementary")
        expect(grid).to_contain_text("Tier 3")
        expect(
            page.get_by_text("Every building has taken the TFI-2.1 this school year.")
        ).to_be_visible()

        page.get_by_role("tab", name="One building").click()
        expect(page.get_by_text("Lowest items, to plan on")).to_be_visible(timeout=30_000)
        # Each low item offers a follow-up action, prefilled with where it came from.
        links = page.get_by_role("link", name="Create follow-up action")
        expect(links.first).to_be_visible()
        assert "source_type=fidelity_item" in (links.first.get_attribute("href") or "")
        expect(page.get_by_text("Item scores, lowest first")).to_be_visible()
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "fidelity.png"), full_page=True)
        browser.close()
