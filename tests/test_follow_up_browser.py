"""A coach's path in a real browser: an equity flag → a new follow-up action → status and checks
updated → the history shows it all. Headless Chromium (/usr/bin/chromium) against `streamlit run`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from data_access.db import session_scope
from data_access.demo import load_demo
from data_access.models import Action, ActionUpdate, User
from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, require_browser, running_app

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


@pytest.fixture
def app(tmp_path):
    require_browser()
    url = f"sqlite:///{tmp_path / 'store.db'}"
    load_demo(database_url=url, size="small")
    with running_app(tmp_path / "server.log", env={"DATABASE_URL": url}) as base:
        yield base, url


def settle(page) -> None:
    """Wait until the app has finished running the page."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )
    page.wait_for_timeout(300)


def choose(page, scope, label: str, option: str) -> None:
    """Pick an option in the Streamlit select box with this label. The list can close again while
    the app redraws after the previous step, so open it and click, a few times if need be."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = scope.get_by_role("combobox", name=label)
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
    raise AssertionError(
        f"could not choose {option!r} in {label!r} (it shows {box.input_value()!r})"
    )


def test_an_action_started_from_an_equity_flag_is_updated_and_its_history_shown(app):
    from playwright.sync_api import expect, sync_playwright

    base, url = app
    with session_scope(url) as session:
        leader = (
            session.execute(
                select(User.name).where(User.role == "district_leader").order_by(User.email)
            )
            .scalars()
            .first()
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(f"{base}/equity")
        link = page.get_by_role("link", name="Create follow-up action")
        expect(link).to_be_visible(timeout=60_000)
        assert "source_type=equity_cell" in link.get_attribute("href")
        link.click()

        # The new-action form, filled in with where the problem was seen.
        form = page.locator("[data-testid='stForm']").filter(has_text="Create action")
        expect(form).to_be_visible(timeout=30_000)
        title = form.get_by_role("textbox", name="Title")
        expect(title).not_to_have_value("", timeout=30_000)
        assert title.input_value().startswith(("Reduce", "Widen access to"))
        # The flag it came from, in words (the stored reference stays its identifier).
        came_from = form.get_by_text(re.compile(r"^Came from .*: .+ · .+ · \d{4}-\d{2}$"))
        expect(came_from).to_be_visible()
        assert "_" not in came_from.inner_text()
        choose(page, form, "Owner", f"{leader} (district leader)")
        form.get_by_role("button", name="Create action").click()
        created = page.get_by_text(re.compile(r"Created action \d+\."))
        expect(created).to_be_visible(timeout=30_000)
        action_id = int(re.search(r"Created action (\d+)", created.inner_text()).group(1))

        # Status and both checks in one quick update.
        quick = page.locator("[data-testid='stForm']").filter(has_text="Save status and checks")
        choose(page, quick, "Status", "In progress")
        choose(page, quick, "Done as planned? (fidelity)", "Partially implemented")
        choose(page, quick, "Did it work? (outcome)", "No change")
        quick.get_by_role("button", name="Save status and checks").click()
        expect(page.get_by_text(f"Saved action {action_id}.")).to_be_visible(timeout=30_000)

        history = page.locator("[data-testid='stDataFrame']").last
        expect(history).to_contain_text("In progress", timeout=30_000)
        expect(history).to_contain_text("Partially implemented")
        expect(history).to_contain_text("Created")
        browser.close()

    with session_scope(url) as session:
        action = session.get(Action, action_id)
        fields = set(
            session.execute(
                select(ActionUpdate.field).where(ActionUpdate.action_id == action_id)
            ).scalars()
        )
    assert (action.status, action.fidelity_check, action.outcome_check, action.source_type) == (
        "in_progress",
        "partial",
        "no_change",
        "equity_cell",
    )
    assert fields == {"created", "status", "fidelity_check", "outcome_check"}
