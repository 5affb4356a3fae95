"""Who is using the app and which pages they may open. dashboard.py calls these before navigation.

Signed in (an `[auth]` section in .streamlit/secrets.toml): the person is `st.user.email`, looked up
in the users table, provided the provider says the email is verified (when it sends the claim) and the
sign-in comes from the issuer and subject remembered at the user's first sign-in. Local mode (no
secrets file, or one without `[auth]`): one person on their own machine, as district admin, with a
switch to preview what each role sees; served only on a local address to requests that no proxy
forwarded. A secrets file that cannot be read stops the app: it never falls open to local mode.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components.cache import load
from components.text import plain
from data_access.permissions import reach_of
from data_access.settings import get_settings
from data_access.users.access import LOCAL_USER, ROLE_LABELS, UserAccess, get_user_access
from data_access.users.sign_in import SIGN_IN_OTHER, SIGN_IN_UNKNOWN, check_sign_in

LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1")
# A request that came through a reverse proxy carries one of these: someone on another computer.
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")

UNVERIFIED = "unverified"  # the provider says the email is not verified
NO_EMAIL = "no_email"  # the provider sent no email
OTHER_ACCOUNT = "other_account"  # the email of a user who signs in with another provider account


def auth_configured() -> bool:
    """True with an `[auth]` section in the secrets; False with no secrets file, or one without
    `[auth]`. A secrets file that exists but cannot be read stops the app with a clear message:
    falling back to local mode would make everyone district admin."""
    if not any(Path(path).exists() for path in st.get_option("secrets.files")):
        return False
    try:
        return "auth" in st.secrets
    except Exception as error:  # noqa: BLE001 - any unreadable secrets file stops the app
        refuse_broken_secrets(error)
        raise  # not reached: refuse_broken_secrets stops the script


def stop_with_error(message: str) -> None:
    """Show only this message, as the app's one page (no navigation to the others), and stop."""

    def refusal() -> None:
        st.error(message, icon=":material/lock:")

    st.navigation([st.Page(refusal, title="MTSS dashboard", icon=":material/school:")]).run()
    st.stop()


def refuse_broken_secrets(error: Exception) -> None:
    stop_with_error(
        "**The dashboard's secrets file cannot be read, so nobody can sign in.** Nothing is shown "
        "until it is fixed: the dashboard does not fall back to local mode, where everyone would be "
        "district admin. Fix `.streamlit/secrets.toml` (see `.streamlit/secrets.toml.example`) and "
        f"restart the dashboard.\n\nWhat went wrong: {plain(str(error))}"
    )


@dataclass(frozen=True)
class SignIn:
    """Who the provider signed in: the ID token's email, issuer and subject, and why this sign-in
    does not count (None when it does)."""

    email: str | None
    issuer: str
    subject: str
    refusal: str | None


def email_is_verified(claims: Mapping[str, object]) -> bool:
    """The `email_verified` claim, where the provider sends one, must be true (some providers send
    the string "true"). A provider that sends no such claim vouches for its emails itself."""
    if "email_verified" not in claims:
        return True
    value = claims["email_verified"]
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def current_sign_in() -> SignIn | None:
    """The provider's sign-in for this session, checked once per session; None when nobody has
    signed in (or sign-in is not configured)."""
    if not auth_configured() or not st.user.is_logged_in:
        return None
    claims = st.user.to_dict()
    email = str(claims.get("email") or "").strip().lower() or None
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    if email is None:
        return SignIn(None, issuer, subject, NO_EMAIL)
    if not email_is_verified(claims):
        return SignIn(email, issuer, subject, UNVERIFIED)
    checked = st.session_state.get("sign_in_checked")
    if checked is None or checked[:3] != (email, issuer, subject):
        from data_access.db import session_scope

        with session_scope() as session:
            outcome = check_sign_in(session, email=email, issuer=issuer, subject=subject)
        checked = (email, issuer, subject, outcome == SIGN_IN_OTHER)
        if outcome != SIGN_IN_UNKNOWN:  # not a user yet: check again once an admin adds them
            st.session_state["sign_in_checked"] = checked
    return SignIn(email, issuer, subject, OTHER_ACCOUNT if checked[3] else None)


def signed_in_email() -> str | None:
    """The signed-in person's email, once the sign-in counts; None otherwise (and in local mode)."""
    sign_in = current_sign_in()
    return sign_in.email if sign_in is not None and sign_in.refusal is None else None


def identify_user() -> UserAccess | None:
    """The person's access, or None when they must sign in or are not a user. Stops the app with a
    clear message in local mode on a network address or behind a proxy (unless explicitly allowed)."""
    if not auth_configured():
        refuse_local_mode_on_network()
        return preview_user()
    email = signed_in_email()
    if email is None:
        return None
    return load(get_user_access, email=email)


def request_headers() -> Mapping[str, str]:
    """The headers of the request that opened this session (empty outside a browser session)."""
    try:
        return st.context.headers
    except Exception:  # noqa: BLE001 - no request (a bare script run): no proxy either
        return {}


def local_mode_refusal(
    address: str, headers: Mapping[str, str], *, allowed_on_network: bool
) -> str | None:
    """Why local mode may not serve this request, or None when it may: only on a local address and
    only to requests no proxy forwarded (nginx in front of 127.0.0.1 is another computer's request)."""
    if allowed_on_network:
        return None
    if address not in LOCAL_ADDRESSES:
        shown = address or "every network address (no server.address set)"
        return f"It was started on {shown}, which other computers can reach"
    names = {name.lower(): value for name, value in headers.items()}
    forwarded = [header for header in PROXY_HEADERS if header.lower() in names]
    if forwarded:
        return (
            f"This request came through a proxy (it carries {', '.join(forwarded)}), so it comes "
            "from another computer"
        )
    # A proxy that adds none of those still passes on the name the browser asked for (nginx's
    # `proxy_set_header Host $host`): a browser on this computer asks for localhost.
    host = str(names.get("host", "")).strip().lower()
    hostname = host.partition("]")[0] + "]" if host.startswith("[") else host.partition(":")[0]
    if host and hostname.strip("[]") not in LOCAL_ADDRESSES:
        return f"This request was addressed to {host}, a name other computers use"
    return None


def refuse_local_mode_on_network() -> None:
    reason = local_mode_refusal(
        str(st.get_option("server.address") or ""),
        request_headers(),
        allowed_on_network=get_settings().allow_local_mode_on_network,
    )
    if reason is None:
        return
    stop_with_error(
        f"**This dashboard is not set up for sign-in, so it only serves this computer.** "
        f"{plain(reason)}, and in local mode everyone would see every building as district admin. "
        "Configure sign-in (the `[auth]` section of `.streamlit/secrets.toml`, see the README), or "
        "open it on this computer at localhost without a proxy. To serve a network in local mode "
        "anyway, set MTSS_ALLOW_LOCAL_MODE_ON_NETWORK=true."
    )


def preview_user() -> UserAccess:
    """Local mode: the local user, or the role and buildings they chose to preview."""
    role = st.session_state.get("preview_role", "district_admin")
    if role == "district_admin":
        return LOCAL_USER
    buildings = frozenset(st.session_state.get("preview_buildings", []))
    return UserAccess(
        email="local user", role=role, name=f"Preview: {ROLE_LABELS[role]}", building_ids=buildings
    )


def show_local_mode_switch() -> None:
    """Sidebar: the local-mode banner and the role preview."""
    with st.sidebar:
        st.caption(
            ":material/computer: **Local mode**: nobody signs in; you see everything as district "
            "admin. Preview another role:"
        )
        role = st.selectbox(
            "Preview as",
            list(ROLE_LABELS),
            key="preview_role",
            format_func=ROLE_LABELS.get,
            label_visibility="collapsed",
        )
        if role in ("principal", "coach"):
            from data_access.buildings import list_buildings
            from data_access.scope import DISTRICT

            buildings = load(list_buildings, scope=DISTRICT)
            names = dict(zip(buildings["building_id"], buildings["name"], strict=True))
            st.session_state.setdefault("preview_buildings", list(names)[:1])
            st.multiselect(
                "Their buildings", list(names), key="preview_buildings", format_func=names.get
            )


def show_signed_in(user: UserAccess) -> None:
    with st.sidebar:
        st.caption(f":material/person: {plain(user.name or user.email)} · {ROLE_LABELS[user.role]}")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            st.logout()


def sign_in_page() -> None:
    st.title("MTSS leadership dashboard")
    st.write("Sign in with your district account to see your buildings.")
    if st.button("Sign in", type="primary", key="sign_in", icon=":material/login:"):
        st.login()


def unknown_user_page() -> None:
    """Signed in, but nobody has given the account access. Names nobody else: a page shown to any
    account the provider signs in must not tell it who the admins are."""
    st.title("Your account is not set up for this dashboard yet")
    st.write(
        f"You are signed in as **{plain(signed_in_email() or '')}**, but no one has given this "
        "account access to the dashboard, so it shows no data. Ask your district's data manager to "
        "add you, with your role and buildings."
    )
    sign_out_button("sign_out_unknown")


def refused_sign_in_page() -> None:
    """Signed in at the provider, but the sign-in does not count (see `current_sign_in`)."""
    sign_in = current_sign_in()
    refusal = sign_in.refusal if sign_in is not None else None
    st.title("This sign-in cannot be used for the dashboard")
    if refusal == UNVERIFIED:
        st.error(
            "Your sign-in provider says this account's email address is not verified, so the "
            "dashboard cannot tell that it is yours. Verify the address with your provider, or sign "
            "in with your district account.",
            icon=":material/gpp_bad:",
        )
    elif refusal == OTHER_ACCOUNT:
        st.error(
            "This email address belongs to a dashboard user who signs in with a different account "
            "at the sign-in provider, so this sign-in was refused and recorded in the audit log. "
            "If your district account was replaced, ask a district admin to reset your sign-in on "
            "the Users page (*Reset a sign-in*).",
            icon=":material/gpp_bad:",
        )
    else:
        st.error(
            "Your sign-in provider sent no email address for this account, and the dashboard knows "
            "its users by email. Sign in with your district account.",
            icon=":material/gpp_bad:",
        )
    sign_out_button("sign_out_refused")


def sign_out_button(key: str) -> None:
    if st.button("Sign out", key=key, icon=":material/logout:"):
        st.logout()


def entry_page() -> Callable[[], None]:
    """The one page for someone who is not (or not yet) a user: sign in, refused, or not set up."""
    sign_in = current_sign_in()
    if sign_in is None:
        return sign_in_page
    return refused_sign_in_page if sign_in.refusal else unknown_user_page


# Pages only some roles may open, by URL path (the page file's name). Every other page is open to
# every role, and shows each role only what its scope allows.
RESTRICTED_PAGES = {
    "building": ("district_admin", "district_leader", "principal", "coach"),
    "follow_up": ("district_admin", "district_leader", "principal", "coach"),
    "data": ("district_admin",),
    "users": ("district_admin",),
}


def may_record(user: UserAccess | None, write: str) -> bool:
    """Whether a page offers this person the form for `write` (a row of data_access.permissions):
    the same table the data function checks. Hiding is not the permission, the check is."""
    return user is not None and reach_of(user, write) is not None


def may_open(user: UserAccess, url_path: str) -> bool:
    """A hidden page is not a permission: pages check scope themselves; this only keeps the
    navigation to what the role can use."""
    return user.role in RESTRICTED_PAGES.get(url_path, (user.role,))
