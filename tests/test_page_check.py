"""Every page, for every role, at a projector's, a wide screen's and a phone's size, and the Overview
in presentation mode: nothing cut off, no chart text clipped, no code or "None" in a table, no error,
nothing wider than the screen (tests/utils/page_check.py says what each check looks for).

One app server on the demo store for the module, one browser, a tab per role. The role is set as a
person sets it, with local mode's "Preview as" picker in the sidebar; pages are opened by clicking
the sidebar's links, so the session keeps the role; each page, once drawn, is checked at each size by
resizing the window (the layout is the browser's: nothing on the server depends on the screen), which
renders each page once per role instead of three times.
Full-page screenshots go to $MTSS_PAGE_CHECK_DIR (default: the test's tmp dir) as page-role-size.png,
with report-<role>.txt listing every problem. $MTSS_PAGE_CHECK_URL checks an app already running on
the demo store instead of starting one.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, require_browser, running_app
from tests.utils.page_check import PHONE_BELOW, check_page, settle

ROOT = Path(__file__).resolve().parent.parent
# Part of every run (a browser test: CI requires it, locally it skips without Chromium);
# MTSS_PAGE_CHECK=0 leaves it out of a quick local run. Its rules are tested on hand-made pages in
# tests/test_page_check_rules.py.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("MTSS_PAGE_CHECK") == "0" and os.environ.get("CI") != "true",
        reason="MTSS_PAGE_CHECK=0 leaves the page check out (see the README)",
    ),
]

SIZES = {"1280x720": (1280, 720), "1920x1080": (1920, 1080), "390x844": (390, 844)}
PROJECTOR_SIZES = ("1280x720", "1920x1080")  # presentation mode is for the projector

# Role label in the picker, and how many buildings that role previews (principal one, coach two).
ROLES = {
    "admin": ("District admin", 0),
    "leader": ("District leader", 0),
    "principal": ("Principal", 1),
    "coach": ("Coach", 2),
    "viewer": ("Viewer", 0),
}
EVERY_PAGE = sorted(path.stem for path in (ROOT / "pages").glob("*.py"))


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_browser()
    if os.environ.get("MTSS_PAGE_CHECK_URL"):  # an app already running on the demo store
        yield os.environ["MTSS_PAGE_CHECK_URL"]
        return
    store = tmp_path_factory.mktemp("page-check-store")
    env = {
        "DATABASE_URL": f"sqlite:///{store / 'demo.db'}",
        "MTSS_DEMO_ON_FIRST_RUN": "true",
    }
    with running_app(store / "server.log", env=env) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    chosen = os.environ.get("MTSS_PAGE_CHECK_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("page-check")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def retried(action, *, tries: int = 3) -> None:
    """A click as a person makes it: if a rerun redrew the element under the pointer (Streamlit
    redraws widgets while a run finishes), wait for the run to end and click again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        try:
            action()
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise


def sidebar_open(page) -> None:
    """On a phone the sidebar starts closed: open it as a person would."""
    opened = page.locator("[data-testid='stSidebar'][aria-expanded='true']")

    def expand() -> None:
        settle(page)
        button = page.locator("[data-testid='stExpandSidebarButton']")
        if button.count() and button.first.is_visible():
            button.first.click(timeout=5_000)
            opened.wait_for(timeout=5_000)
            page.wait_for_timeout(300)

    retried(expand)


def sidebar_close(page) -> None:
    """On a phone the sidebar covers the page: close it again after choosing."""

    def collapse() -> None:
        settle(page)
        if page.locator("[data-testid='stSidebar'][aria-expanded='true']").count():
            page.locator("[data-testid='stSidebar']").hover(timeout=5_000)
            page.locator("[data-testid='stSidebarCollapseButton'] button").first.click(
                timeout=5_000
            )
            page.wait_for_timeout(400)

    retried(collapse)


def preview_as(page, label: str, buildings: int) -> None:
    """Local mode's 'Preview as' picker: the role, and for principals and coaches their buildings."""
    if label == "District admin":
        return
    sidebar_open(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    choose(page, sidebar.locator("[data-testid='stSelectbox']").first, label)
    chosen = sidebar.locator("[data-testid='stMultiSelect'] [data-tag]")
    while chosen.count() < buildings:
        choose(page, sidebar.locator("[data-testid='stMultiSelect']").first, None)
        page.keyboard.press("Escape")
        settle(page)
    assert chosen.count() == buildings, f"the preview has {chosen.count()} buildings"
    fit_sidebar(page)


def choose(page, picker, option: str | None) -> None:
    """Open a picker and choose an option by its words (None: the first one offered)."""

    def pick() -> None:
        settle(page)
        picker.get_by_role("combobox").first.click(timeout=5_000)
        if option:
            offered = page.get_by_role("option", name=option, exact=True)
        else:  # the first building offered, not the multiselect's "Select all"
            offered = page.get_by_role("option").filter(has_not_text=re.compile("select all", re.I))
        offered.first.click(timeout=5_000)
        page.wait_for_timeout(200)
        settle(page)

    retried(pick)


def nav_links(page) -> dict[str, str]:
    """The navigation as this role sees it: page file name -> link text."""
    sidebar_open(page)
    links = page.eval_on_selector_all(
        "[data-testid='stSidebarNav'] a",
        "els => els.map(a => [new URL(a.href).pathname.replace(/^\\//, ''), a.innerText])",
    )
    fit_sidebar(page)
    return {(path or "overview"): text.split("\n")[-1].strip() for path, text in links}


def open_page(page, name: str) -> None:
    def follow() -> None:
        sidebar_open(page)
        page.locator("[data-testid='stSidebarNav'] a").filter(has_text=name).first.click(
            timeout=5_000
        )
        page.wait_for_timeout(200)
        settle(page)

    retried(follow)
    fit_sidebar(page)


def fit_sidebar(page) -> None:
    """The sidebar as a fresh load at this width has it: open on a screen, closed on a phone."""
    if page.viewport_size["width"] < PHONE_BELOW:
        sidebar_close(page)
    else:
        sidebar_open(page)


def check_sizes(page, shots: Path, label: str, sizes, report: list[str]) -> None:
    """The page as it is, at each size: the window is resized and the page lays itself out again
    (Streamlit's layout, plotly's and the data grid's all follow the window's width; nothing is
    decided on the server by the screen's size), then checked and photographed."""
    for size in sizes:
        width, height = SIZES[size]
        page.set_viewport_size({"width": width, "height": height})
        fit_sidebar(page)
        page.wait_for_timeout(500)
        settle(page)
        name = f"{label}-{size}"
        problems = check_page(page, str(shots / f"{name}.png"))
        report.extend(f"{name}: {problem}" for problem in problems)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_reads_whole_at_every_size(role, app_url, browser, shots):
    label, buildings = ROLES[role]
    started = time.monotonic()
    report: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(app_url)
        settle(page, timeout_ms=240_000)  # the first load builds the demo district
        preview_as(page, label, buildings)
        links = nav_links(page)
        if role == "admin":  # the admin's navigation lists every page file
            assert sorted(links) == EVERY_PAGE, f"navigation {sorted(links)} vs pages/ {EVERY_PAGE}"
        for name, text in links.items():
            page.set_viewport_size({"width": 1280, "height": 720})
            fit_sidebar(page)
            open_page(page, text)
            check_sizes(page, shots, f"{name}-{role}", SIZES, report)
        page.set_viewport_size({"width": 1280, "height": 720})
        fit_sidebar(page)
        open_page(page, links["overview"])
        retried(lambda: page.get_by_text("Presentation mode", exact=True).click(timeout=5_000))
        settle(page)
        assert "present=1" in page.url
        check_sizes(page, shots, f"overview_present-{role}", PROJECTOR_SIZES, report)
    except Exception as error:  # the report so far, and where the walk stopped
        report.append(f"{role}: the walk stopped at {page.url}: {error}".splitlines()[0])
        raise
    finally:
        page.close()
        elapsed = time.monotonic() - started
        (shots / f"report-{role}.txt").write_text(
            "\n".join(report) + f"\n({len(report)} problems, {elapsed:.0f} s)\n"
        )
    assert not report, f"{len(report)} problems for {role} (screenshots in {shots}):\n" + "\n".join(
        report
    )
