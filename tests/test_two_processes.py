"""Several server processes, one PostgreSQL store: a write through one process is seen by another.

Two `streamlit run dashboard.py` processes (as behind a load balancer) share one PostgreSQL database
holding the small demo district. A follow-up action's status is changed in headless Chromium on
server A; server B, which had already shown (and cached) the old status, shows the new one on reload,
with server A stopped by then, so B's own process read it from the store. Each process caches query
results keyed by the store's data version, which the write bumped in the database they share."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import select

from data_access.db import session_scope
from data_access.demo import load_demo
from data_access.models import Action
from tests.conftest import requirement_missing
from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, free_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


def answers(base: str) -> bool:
    try:
        return urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


class Server:
    """One `streamlit run dashboard.py` process on the given store."""

    def __init__(self, url: str, log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://localhost:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard.py",
                "--server.port",
                str(self.port),
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=dict(os.environ, DATABASE_URL=url),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if answers(self.base):
                return
            time.sleep(0.3)
        pytest.fail(f"the server did not answer: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self._log.close()


@pytest.fixture
def two_servers(postgres_url, tmp_path) -> Iterator[tuple[Server, Server, str]]:
    if not Path(CHROMIUM).exists():
        requirement_missing(f"browser tests need Chromium at {CHROMIUM}")
    try:
        import playwright  # noqa: F401
    except ImportError:
        requirement_missing("browser tests need the playwright package")
    load_demo(database_url=postgres_url, size="small")
    with ExitStack() as stack:
        servers = []
        for name in ("a", "b"):
            server = Server(postgres_url, tmp_path / f"server-{name}.log")
            stack.callback(server.stop)
            servers.append(server)
        for server in servers:
            server.wait_until_up()
        yield servers[0], servers[1], postgres_url


def settle(page) -> None:
    """Wait until the app has finished running the page."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )
    page.wait_for_timeout(300)


def choose(page, scope, label: str, option: str) -> None:
    """Pick an option in the Streamlit select box with this label (open it with the keyboard, then
    click the option; a few tries, since the list can close while the app redraws)."""
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


def quick_update(page):
    return page.locator("[data-testid='stForm']").filter(has_text="Save status and checks")


def test_a_status_saved_through_one_server_is_shown_by_the_other(two_servers):
    from playwright.sync_api import expect, sync_playwright

    server_a, server_b, url = two_servers
    assert server_a.process.pid != server_b.process.pid
    with session_scope(url) as session:
        action_id = (
            session.execute(
                select(Action.action_id).where(Action.status == "open").order_by(Action.action_id)
            )
            .scalars()
            .first()
        )
    assert action_id is not None, "the demo district has an open action"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        on_a = browser.new_page(viewport={"width": 1400, "height": 1200})
        on_b = browser.new_page(viewport={"width": 1400, "height": 1200})

        # Both servers show (and B caches) the action as it is stored: open.
        for page, server in ((on_a, server_a), (on_b, server_b)):
            page.goto(f"{server.base}/follow_up?action={action_id}")
            expect(page.get_by_text(f"Action {action_id}:")).to_be_visible(timeout=60_000)
            expect(quick_update(page).get_by_role("combobox", name="Status")).to_have_value(
                "Open", timeout=30_000
            )

        # The status is changed through server A.
        choose(on_a, quick_update(on_a), "Status", "In progress")
        quick_update(on_a).get_by_role("button", name="Save status and checks").click()
        expect(on_a.get_by_text(f"Saved action {action_id}.")).to_be_visible(timeout=30_000)

        # Server A is gone; server B, reloaded, shows the new status from the shared store.
        server_a.stop()
        assert not answers(server_a.base)
        on_b.reload()
        expect(on_b.get_by_text(f"Action {action_id}:")).to_be_visible(timeout=60_000)
        settle(on_b)
        expect(quick_update(on_b).get_by_role("combobox", name="Status")).to_have_value(
            "In progress", timeout=30_000
        )
        history = on_b.locator("[data-testid='stDataFrame']").last
        expect(history).to_contain_text("In progress", timeout=30_000)
        browser.close()

    assert server_b.process.poll() is None, "server B served the reload"
    with session_scope(url) as session:
        assert session.get(Action, action_id).status == "in_progress"
