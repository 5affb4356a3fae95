"""Sign-in that cannot fall open: local mode only on a local address with no proxy and no `[auth]`,
a broken secrets file stops the app, an unverified email is refused, a user's first sign-in pins the
provider's issuer and subject, and the page for an unknown account names nobody (Streamlit AppTest).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit import config
from streamlit.testing.v1 import AppTest

from components.access import email_is_verified, local_mode_refusal
from components.text import plain
from data_access.db import session_scope
from data_access.models import AuditLog, User
from data_access.users.access import UserAccess
from data_access.users.sign_in import (
    SIGN_IN_FIRST,
    SIGN_IN_OTHER,
    SIGN_IN_SAME,
    SIGN_IN_UNKNOWN,
    check_sign_in,
)
from data_access.users.writes import reset_sign_in
from tests.utils.app import open_tab
from tests.utils.factories import add_user

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "admin@district.org"
ISSUER = "https://accounts.example.org"
RESETTER = UserAccess(email="someone@district.org", role="district_admin")
AUTH = (
    "[auth]\n"
    'redirect_uri = "http://localhost:8501/oauth2callback"\n'
    'cookie_secret = "a-long-random-test-cookie-secret-0123456789"\n'
    'client_id = "mtss-dashboard"\n'
    'client_secret = "test-client-secret"\n'
    'server_metadata_url = "https://accounts.example.org/.well-known/openid-configuration"\n'
)


@pytest.fixture
def store(monkeypatch, sqlite_url) -> str:
    """An empty store with a district admin and a district leader."""
    with session_scope(sqlite_url) as session:
        add_user(session, ADMIN, "district_admin", "Ada Admin")
        add_user(session, "leader@district.org", "district_leader", "Lee Leader")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    return sqlite_url


def use_secrets(path: Path | None) -> None:
    config.set_option("secrets.files", [str(path)] if path else [])
    st.secrets._reset()


@pytest.fixture
def secrets_file(tmp_path) -> Iterator[Path]:
    """The secrets file the app reads (`secrets.files`), written by the test."""
    before = config.get_option("secrets.files")
    path = tmp_path / "secrets.toml"
    use_secrets(path)
    yield path
    config.set_option("secrets.files", before)
    st.secrets._reset()


def run(user: dict | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if user is not None:
        app.user = user
    st.secrets._reset()
    return app.run()


def signed_in(email: str, subject: str, **claims) -> dict:
    return {"is_logged_in": True, "email": email, "iss": ISSUER, "sub": subject} | claims


def texts(app: AppTest) -> str:
    kinds = ("title", "markdown", "caption", "error", "warning", "info")
    return "\n".join(str(element.value) for kind in kinds for element in getattr(app, kind))


# Local mode -------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP", "x-real-ip"])
def test_local_mode_refuses_a_request_a_proxy_forwarded(header):
    reason = local_mode_refusal("127.0.0.1", {header: "203.0.113.7"}, allowed_on_network=False)
    assert reason is not None and "proxy" in reason


@pytest.mark.parametrize("address", ["0.0.0.0", "10.0.0.5", ""])
def test_local_mode_refuses_an_address_other_computers_reach(address):
    assert local_mode_refusal(address, {}, allowed_on_network=False) is not None


@pytest.mark.parametrize("host", ["mtss.district.example", "10.0.0.5:8501", "evil.example:80"])
def test_local_mode_refuses_a_request_addressed_to_a_network_name(host):
    """nginx with only `proxy_set_header Host $host` adds no forwarding header."""
    reason = local_mode_refusal("127.0.0.1", {"Host": host}, allowed_on_network=False)
    assert reason is not None and host in reason


def test_local_mode_serves_this_computer_or_what_the_admin_explicitly_allowed():
    for address in ("localhost", "127.0.0.1", "::1"):
        for host in ("localhost:8501", "127.0.0.1:8501", "[::1]:8501", "LOCALHOST"):
            assert local_mode_refusal(address, {"Host": host}, allowed_on_network=False) is None
    assert local_mode_refusal("0.0.0.0", {"Forwarded": "for=x"}, allowed_on_network=True) is None


def test_the_app_behind_a_proxy_shows_no_data_in_local_mode(monkeypatch, store, secrets_file):
    import components.access

    monkeypatch.setattr(
        components.access, "request_headers", lambda: {"X-Forwarded-For": "203.0.113.7"}
    )
    app = run()
    assert not app.exception
    assert any("only serves this computer" in e.value and "proxy" in e.value for e in app.error)
    assert not app.metric and not app.warning  # the Overview never ran


def test_a_secrets_file_that_fails_to_parse_stops_the_app(store, secrets_file):
    secrets_file.write_text(
        AUTH.replace('client_secret = "test-client-secret"', 'client_secret = "x')
    )
    app = run()
    assert not app.exception
    assert len(app.error) == 1 and "secrets file cannot be read" in app.error[0].value
    assert "does not fall back to local mode" in app.error[0].value
    assert "Local mode" not in texts(app) and not app.metric and not app.warning


def test_a_secrets_file_without_auth_is_local_mode(store, secrets_file):
    secrets_file.write_text('[other]\nkey = "value"\n')
    app = run()
    assert not app.exception and not app.error
    assert any("Local mode" in caption.value for caption in app.sidebar.caption)


def test_no_secrets_file_at_all_is_local_mode(store, secrets_file):
    app = run()  # the file the option names does not exist
    assert not app.exception and not app.error
    assert any("Local mode" in caption.value for caption in app.sidebar.caption)


# Signed in --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "verified"),
    [({}, True), ({"email_verified": True}, True), ({"email_verified": "true"}, True)]
    + [({"email_verified": value}, False) for value in (False, "false", None, 0, "")],
)
def test_an_email_counts_only_if_the_provider_does_not_say_it_is_unverified(claims, verified):
    assert email_is_verified(claims) is verified


def test_an_unverified_email_of_the_admin_is_refused(store, secrets_file):
    secrets_file.write_text(AUTH)
    app = run(signed_in(ADMIN, "forger", email_verified=False))
    assert not app.exception
    assert app.title[0].value == "This sign-in cannot be used for the dashboard"
    assert "not verified" in app.error[0].value
    assert not app.metric and not app.sidebar.caption
    with session_scope(store) as session:
        assert session.get(User, ADMIN).sign_in_subject is None  # nothing pinned to the forger


def test_the_first_sign_in_pins_issuer_and_subject_and_a_second_subject_is_refused(
    store, secrets_file
):
    secrets_file.write_text(AUTH)
    app = run(signed_in(ADMIN, "admin-subject", email_verified=True, name="Ada"))
    assert not app.exception and not app.error
    assert any("Ada Admin" in caption.value for caption in app.sidebar.caption)
    with session_scope(store) as session:
        user = session.get(User, ADMIN)
        assert (user.sign_in_issuer, user.sign_in_subject) == (ISSUER, "admin-subject")

    app = run(signed_in(ADMIN, "admin-subject"))  # the same account again: signed in
    assert any("Ada Admin" in caption.value for caption in app.sidebar.caption)

    app = run(signed_in(ADMIN, "another-subject", email_verified=True))
    assert not app.exception
    assert app.title[0].value == "This sign-in cannot be used for the dashboard"
    assert "different account" in app.error[0].value
    assert not app.metric and not app.sidebar.caption
    with session_scope(store) as session:
        refused = session.execute(
            select(AuditLog.actor, AuditLog.row_key).where(AuditLog.operation == "refuse_sign_in")
        ).all()
    assert refused == [(ADMIN, ADMIN)]

    app = run(signed_in(ADMIN, "admin-subject", iss="https://other-provider.example"))
    assert app.title[0].value == "This sign-in cannot be used for the dashboard"


def test_the_not_set_up_page_names_nobody_but_the_person_signed_in(store, secrets_file):
    secrets_file.write_text(AUTH)
    app = run(signed_in("stranger@elsewhere.org", "stranger", email_verified=True))
    assert not app.exception
    assert app.title[0].value == "Your account is not set up for this dashboard yet"
    shown = texts(app)
    assert "stranger" in shown
    assert ADMIN not in shown and "leader@district.org" not in shown and "Ada" not in shown


def test_the_sign_in_page_names_nobody(store, secrets_file):
    secrets_file.write_text(AUTH)
    app = run({"is_logged_in": False})
    assert not app.exception
    assert [button.label for button in app.button] == ["Sign in"]
    assert "@" not in texts(app)


# The users table --------------------------------------------------------------------------------


def test_check_sign_in_remembers_the_first_and_refuses_another(sqlite_url):
    with session_scope(sqlite_url) as session:
        add_user(session, ADMIN, "district_admin")
    with session_scope(sqlite_url) as session:
        assert check_sign_in(session, email="nobody@x.org", issuer=ISSUER, subject="s") == (
            SIGN_IN_UNKNOWN
        )
        assert check_sign_in(session, email=ADMIN, issuer=ISSUER, subject="s1") == SIGN_IN_FIRST
        assert check_sign_in(session, email=ADMIN.upper(), issuer=ISSUER, subject="s1") == (
            SIGN_IN_SAME
        )
        assert check_sign_in(session, email=ADMIN, issuer=ISSUER, subject="s2") == SIGN_IN_OTHER
        assert check_sign_in(session, email=ADMIN, issuer="other", subject="s1") == SIGN_IN_OTHER
    with session_scope(sqlite_url) as session:
        reset_sign_in(session, email=ADMIN, editor=RESETTER)
    with session_scope(sqlite_url) as session:
        assert check_sign_in(session, email=ADMIN, issuer=ISSUER, subject="s2") == SIGN_IN_FIRST
        operations = session.execute(
            select(AuditLog.operation)
            .where(AuditLog.table_name == "users")
            .order_by(AuditLog.audit_id)
        ).scalars()
        assert list(operations) == [
            "first_sign_in",
            "refuse_sign_in",
            "refuse_sign_in",
            "reset_sign_in",
            "first_sign_in",
        ]


# What a role is offered -------------------------------------------------------------------------


# The permission table (data_access.permissions): district admins and leaders enter fidelity and
# supervision; coaches change only their buildings' actions; principals nothing.
@pytest.mark.parametrize(
    ("role", "offered"),
    [("principal", False), ("coach", False), ("district_leader", True)],
)
def test_a_principal_is_not_offered_the_forms_that_record_data(
    monkeypatch, demo_store_url, role, offered
):
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    shown = {}
    for page in ("fidelity", "staff_support"):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        app.session_state["preview_role"] = role
        app.session_state["preview_buildings"] = ["B01"]
        app.run()
        app.switch_page(f"pages/{page}.py")
        app.run()
        if page == "staff_support":  # the forms' tab; a tab's content runs only when it is open
            open_tab(app, "Schedule and record supervision")
        assert not app.exception, [e.value for e in app.exception]
        shown[page] = [tab.label for tab in app.tabs] + [h.value for h in app.subheader]
    assert ("Enter an administration" in shown["fidelity"]) is offered
    assert ("Mark a session held or cancelled" in shown["staff_support"]) is offered
    assert ("Schedule supervision" in shown["staff_support"]) is offered


def test_an_admin_resets_a_sign_in_on_the_users_page(store, secrets_file):
    with session_scope(store) as session:
        check_sign_in(session, email=ADMIN, issuer=ISSUER, subject="old-account")
    app = run()  # local mode: the district admin
    app.switch_page("pages/users.py")
    app.run()
    app.selectbox(key="reset_sign_in_email").select(ADMIN)
    next(b for b in app.button if b.label == "Reset their sign-in").click().run()
    assert not app.exception
    assert any(f"Reset the sign-in of {plain(ADMIN)}" in s.value for s in app.success)
    with session_scope(store) as session:
        assert session.get(User, ADMIN).sign_in_subject is None
