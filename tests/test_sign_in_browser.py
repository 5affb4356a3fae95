"""Sign-in as a district would configure it: st.login against an OpenID Connect provider (a local
mock provider started by the test), then what a principal can and cannot open."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from data_access.db import session_scope
from data_access.demo import load_demo
from data_access.models import Action, Building, User, UserBuilding
from tests.conftest import requirement_missing
from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, free_port, require_browser, running_app

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


def wait_healthy(base: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail("the server did not answer: " + log.read_text()[-2000:])


@pytest.fixture
def district(tmp_path) -> dict:
    """The small demo district, and one principal with their building and another building."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    load_demo(database_url=url, size="small")
    with session_scope(url) as session:
        own_action, own = session.execute(
            select(Action.action_id, Action.building_id)
            .where(Action.building_id.is_not(None))
            .order_by(Action.action_id)
        ).first()
        principal = session.execute(
            select(User.email)
            .join(UserBuilding, UserBuilding.email == User.email)
            .where(User.role == "principal", UserBuilding.building_id == own)
        ).scalar_one()
        other_action = (
            session.execute(
                select(Action.action_id).where(
                    Action.building_id.is_not(None), Action.building_id != own
                )
            )
            .scalars()
            .first()
        )
        names = dict(session.execute(select(Building.building_id, Building.name)).all())
        admin = (
            session.execute(
                select(User.email).where(User.role == "district_admin").order_by(User.email)
            )
            .scalars()
            .first()
        )
    other = next(b for b in sorted(names) if b != own)
    return {
        "admin": admin,
        "own_name": names[own],
        "other": other,
        "other_name": names[other],
        "url": url,
        "principal": principal,
        "own": own,
        "other_action": other_action,
        "own_action": own_action,
    }


@pytest.fixture
def signed_in_app(tmp_path, district):
    """The app with `[auth]` configured against a mock OpenID Connect provider."""
    require_browser()
    try:
        from oidc_provider_mock import User as ProviderUser
        from oidc_provider_mock import run_server_in_thread
    except ImportError:
        requirement_missing("the sign-in test needs the oidc-provider-mock package")
    port = free_port()
    users = [
        ProviderUser(
            sub=district["principal"],
            claims={"email": district["principal"], "name": "Test Principal"},
        ),
        ProviderUser(sub="stranger@elsewhere.org", claims={"email": "stranger@elsewhere.org"}),
        # Another account at the provider carrying the admin's address, unverified.
        ProviderUser(sub="forger", claims={"email": district["admin"], "email_verified": False}),
        # Another account carrying the principal's address, verified: a second subject.
        ProviderUser(
            sub="second-account",
            claims={"email": district["principal"], "email_verified": True},
        ),
    ]
    with run_server_in_thread(user_claims=users) as provider:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            'cookie_secret = "a-long-random-test-cookie-secret-0123456789"\n'
            'client_id = "mtss-dashboard"\n'
            'client_secret = "test-client-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n'
        )
        env = {"DATABASE_URL": district["url"], "MTSS_DEMO_ON_FIRST_RUN": "false"}
        with running_app(
            tmp_path / "server.log", env=env, port=port, args=("--secrets.files", str(secrets))
        ) as base:
            yield base


def sign_in(page, base: str, subject: str, *, expect_principal: bool = True) -> None:
    from playwright.sync_api import expect

    page.goto(base)
    page.get_by_role("button", name="Sign in").click()
    # The provider's page: who to sign in as.
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    if expect_principal:
        expect(page.get_by_text("Principal", exact=False).first).to_be_visible(timeout=30_000)


def test_a_principal_signs_in_and_sees_nothing_of_another_building(signed_in_app, district):
    from playwright.sync_api import expect, sync_playwright

    base = signed_in_app
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        sign_in(page, base, district["principal"])
        expect(page.get_by_role("heading", name="District overview")).to_be_visible()
        nav = page.locator("[data-testid='stSidebarNav']")
        expect(nav).not_to_contain_text("Users")  # admin pages are not offered to a principal
        expect(nav).not_to_contain_text("Data")

        # Their building's page opens; editing its address to another building shows nothing of it.
        page.goto(f"{base}/building?building={district['own']}")
        expect(page.get_by_role("heading", name=district["own_name"])).to_be_visible(timeout=30_000)
        page.goto(f"{base}/building?building={district['other']}")
        expect(
            page.get_by_text(
                f"Building '{district['other']}' is not among the buildings you can see"
            )
        ).to_be_visible(timeout=30_000)
        expect(page.locator("[data-testid='stMain']")).not_to_contain_text(district["other_name"])

        # Their own building's action opens; another building's, by editing the link, does not.
        page.goto(f"{base}/follow_up?action={district['own_action']}")
        expect(page.get_by_role("heading", name=f"Action {district['own_action']}:")).to_be_visible(
            timeout=30_000
        )
        page.goto(f"{base}/follow_up?action={district['other_action']}")
        expect(
            page.get_by_text(
                f"There is no action {district['other_action']} among the buildings you can see"
            )
        ).to_be_visible(timeout=30_000)
        expect(
            page.get_by_role("heading", name=f"Action {district['other_action']}:")
        ).to_have_count(0)

        # A principal changes nothing: no fidelity entry form, no supervision scheduling or marking.
        page.goto(f"{base}/fidelity")
        expect(page.get_by_role("tab", name="All buildings")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("tab", name="Enter an administration")).to_have_count(0)
        page.goto(f"{base}/staff_support")
        page.get_by_role("tab", name="Schedule and record supervision").click(timeout=30_000)
        expect(page.get_by_text("is for district admins and leaders")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("heading", name="Mark a session held or cancelled")).to_have_count(
            0
        )
        expect(page.get_by_role("button", name="Mark", exact=False)).to_have_count(0)

        # An admin page typed into the address bar is not served to a principal.
        page.goto(f"{base}/users")
        expect(page.get_by_role("heading", name="Users")).to_have_count(0, timeout=30_000)

        page.goto(base)
        page.get_by_role("button", name="Sign out").click()
        # Streamlit ends the session at the provider too; back at the dashboard, no data without signing in.
        page.wait_for_url("**/end_session**", timeout=30_000)
        page.goto(base)
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
        expect(page.locator("[data-testid='stMetric']")).to_have_count(0)
        browser.close()


def test_an_unknown_account_gets_a_polite_page_with_no_data(signed_in_app):
    from playwright.sync_api import expect, sync_playwright

    base = signed_in_app
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_placeholder("sub").fill("stranger@elsewhere.org")
        page.get_by_role("button", name="Authorize").click()
        expect(page.get_by_role("heading", name="Your account is not set up")).to_be_visible(
            timeout=30_000
        )
        expect(page.get_by_text("stranger@elsewhere.org")).to_be_visible()
        expect(page.locator("[data-testid='stMetric']")).to_have_count(0)
        expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)
        browser.close()


REFUSED = "This sign-in cannot be used for the dashboard"


def test_an_unverified_account_with_the_admins_email_is_refused(signed_in_app, district):
    from playwright.sync_api import expect, sync_playwright

    base = signed_in_app
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        sign_in(page, base, "forger", expect_principal=False)
        expect(page.get_by_role("heading", name=REFUSED)).to_be_visible(timeout=30_000)
        expect(page.get_by_text("email address is not verified")).to_be_visible()
        expect(page.locator("[data-testid='stMetric']")).to_have_count(0)
        expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)
        expect(page.get_by_text("District admin")).to_have_count(0)
        page.goto(f"{base}/users")  # typed by hand: still the refusal, no admin page
        expect(page.get_by_role("heading", name=REFUSED)).to_be_visible(timeout=30_000)
        expect(page.get_by_role("heading", name="Users")).to_have_count(0)
        browser.close()
    with session_scope(district["url"]) as session:
        assert session.get(User, district["admin"]).sign_in_subject is None


def test_a_second_account_with_a_known_email_is_refused(signed_in_app, district):
    from playwright.sync_api import expect, sync_playwright

    base = signed_in_app
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        sign_in(page, base, district["principal"])  # the first sign-in: this account is pinned
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/end_session**", timeout=30_000)

        sign_in(page, base, "second-account", expect_principal=False)
        expect(page.get_by_role("heading", name=REFUSED)).to_be_visible(timeout=30_000)
        expect(page.get_by_text("signs in with a different account")).to_be_visible()
        expect(page.locator("[data-testid='stMetric']")).to_have_count(0)
        expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)
        browser.close()
    with session_scope(district["url"]) as session:
        user = session.get(User, district["principal"])
        assert user.sign_in_subject == district["principal"]
        assert user.sign_in_issuer.startswith("http://localhost:")


def test_the_not_set_up_page_names_no_admin(signed_in_app, district):
    from playwright.sync_api import expect, sync_playwright

    base = signed_in_app
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        sign_in(page, base, "stranger@elsewhere.org", expect_principal=False)
        expect(page.get_by_role("heading", name="Your account is not set up")).to_be_visible(
            timeout=30_000
        )
        expect(page.locator("[data-testid='stMain']")).not_to_contain_text(district["admin"])
        expect(page.locator("[data-testid='stMain']")).not_to_contain_text("@district")
        browser.close()


def test_a_broken_secrets_file_stops_the_app(tmp_path, district):
    """One unterminated string in secrets.toml: a clear message, never local mode."""
    from playwright.sync_api import expect, sync_playwright

    require_browser()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://localhost:8501/oauth2callback"\n'
        'cookie_secret = "a-long-random-test-cookie-secret-0123456789\n'
        'client_id = "mtss-dashboard"\n'
    )
    env = {"DATABASE_URL": district["url"], "MTSS_DEMO_ON_FIRST_RUN": "false"}
    with (
        running_app(
            tmp_path / "server.log", env=env, args=("--secrets.files", str(secrets))
        ) as base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base)
        expect(page.get_by_text("secrets file cannot be read")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("does not fall back to local mode")).to_be_visible()
        expect(page.get_by_text("nobody signs in")).to_have_count(0)  # the local-mode banner
        expect(page.locator("[data-testid='stMetric']")).to_have_count(0)
        expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)
        page.goto(f"{base}/users")
        expect(page.get_by_text("secrets file cannot be read")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("heading", name="Users")).to_have_count(0)
        browser.close()
