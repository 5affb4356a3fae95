"""The meeting screen in a real browser: presentation mode (large type, no sidebar) from its address,
and the one-click PDF brief downloaded as a person would.

Uses Debian's Chromium at /usr/bin/chromium. Skips locally when Chromium or Playwright is missing;
under CI it must run."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, require_browser, running_app

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_server(demo_store_url, tmp_path):
    """`streamlit run dashboard.py` on the small demo district."""
    require_browser()
    with running_app(
        tmp_path / "server.log",
        env=dict(DATABASE_URL=demo_store_url, MTSS_DEMO_ON_FIRST_RUN="false"),
    ) as base:
        yield base


def test_presentation_mode_opens_from_its_address_with_large_type_and_no_sidebar(demo_server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})  # the projector
        page.goto(f"{demo_server}/?present=1")
        figure = page.locator("[data-testid='stMetric']").filter(has_text="TFI at criterion")
        expect(figure).to_contain_text("7 of 12", timeout=90_000)
        done = page.locator("[data-testid='stApp'][data-test-script-state='notRunning']")
        expect(done).to_have_count(1, timeout=60_000)
        expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
        # The size of the text itself: the innermost element holding the figure.
        value = figure.locator("[data-testid='stMetricValue']").get_by_text("7 of 12").last
        large = value.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
        assert large >= 50, f"the figure is {large}px on the projector"
        # The headlines slide fits the screen: nothing to scroll to. The demo banner is one line.
        main = page.locator("[data-testid='stMain']")
        assert main.evaluate("element => element.scrollHeight") <= 720
        banner = page.locator("[data-testid='stAlert']").filter(has_text="Demo data").first
        assert banner.evaluate("element => element.getBoundingClientRect().height") < 60

        # The arrow keys move between slides, and the address follows.
        page.keyboard.press("ArrowRight")
        expect(page).to_have_url(f"{demo_server}/?present=1&slide=buildings", timeout=60_000)
        expect(done).to_have_count(
            1, timeout=60_000
        )  # the slide is shown: a key pressed mid-run starts from the one before
        page.keyboard.press("ArrowRight")
        expect(page).to_have_url(f"{demo_server}/?present=1&slide=fidelity", timeout=60_000)
        expect(done).to_have_count(
            1, timeout=60_000
        )  # the slide is shown: a key pressed mid-run starts from the one before
        heading = page.get_by_role("heading", name="4. Fidelity: below criterion and slipping")
        expect(heading).to_be_visible(timeout=60_000)
        text = page.get_by_text("Roosevelt Middle School · Tier 1 60%")
        size = {
            name: locator.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
            for name, locator in (("heading", heading), ("text", text))
        }
        assert size["heading"] > size["text"] >= 20, size
        page.keyboard.press("PageDown")  # what a presentation clicker sends
        expect(page).to_have_url(f"{demo_server}/?present=1&slide=staff-support", timeout=60_000)
        expect(done).to_have_count(
            1, timeout=60_000
        )  # the slide is shown: a key pressed mid-run starts from the one before
        page.keyboard.press("ArrowLeft")
        expect(page).to_have_url(f"{demo_server}/?present=1&slide=fidelity", timeout=60_000)
        expect(done).to_have_count(
            1, timeout=60_000
        )  # the slide is shown: a key pressed mid-run starts from the one before

        # Leaving presentation mode brings the sidebar back and the usual type size.
        page.get_by_role("button", name="Leave presentation").click()
        expect(page.locator("[data-testid='stSidebar']")).to_be_visible(timeout=60_000)
        expect(page).to_have_url(f"{demo_server}/", timeout=60_000)
        normal = value.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
        assert normal < large
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        browser.close()


def test_one_click_downloads_the_pdf_brief_with_the_screens_figures(demo_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright
    from pypdf import PdfReader

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(demo_server)
        button = page.get_by_role("button", name="Download the brief (PDF)")
        expect(button).to_be_visible(timeout=30_000)
        with page.expect_download(timeout=90_000) as download:
            button.click()
        path = tmp_path / "brief.pdf"
        download.value.save_as(path)
        name = download.value.suggested_filename
        browser.close()
    assert name == "meeting-brief-district-2026-05-29.pdf"
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "TFI at criterion 7 of 12" in text
    assert sum(len(page.images) for page in reader.pages) == 3
