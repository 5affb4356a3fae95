"""Who is using the app and which pages they may open. dashboard.py calls these before navigation.

Signed in (an `[auth]` section in .streamlit/secrets.toml): the person is `st.user.email`, looked up
in the users table. Local mode (no `[auth]`): one person on their own machine, as district admin,
with a switch to preview what each role sees.
"""

from __future__ import annotations

import streamlit as st

from components.cache import load
from data_access.settings import get_settings
from data_access.users import LOCAL_USER, ROLE_LABELS, UserAccess, get_user_access, list_users

LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1", "")


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all means no sign-in configured
        return False


def signed_in_email() -> str | None:
    if not auth_configured() or not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    return str(email).strip().lower() if email else None


def identify_user() -> UserAccess | None:
    """The person's access, or None when they must sign in or are not a user. Stops the app with a
    clear message in local mode on a network address (unless explicitly allowed)."""
    if not auth_configured():
        refuse_local_mode_on_network()
        return preview_user()
    email = signed_in_email()
    if email is None:
        return None
    return load(get_user_access, email=email)


def refuse_local_mode_on_network() -> None:
    address = str(st.get_option("server.address") or "")
    if address in LOCAL_ADDRESSES or get_settings().allow_local_mode_on_network:
        return
    st.error(
        f"**This dashboard is not set up for sign-in, so it only serves this computer.** It was "
        f"started on the address {address}, which other computers can reach, and in local mode "
        "everyone would see every building as district admin. Configure sign-in (the `[auth]` "
        "section of `.streamlit/secrets.toml`, see the README), or start it on localhost. To serve "
        "a network in local mode anyway, set MTSS_ALLOW_LOCAL_MODE_ON_NETWORK=true.",
        icon=":material/lock:",
    )
    st.stop()


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
            from data_access.actions import list_buildings
            from data_access.scope import DISTRICT

            buildings = load(list_buildings, scope=DISTRICT)
            names = dict(zip(buildings["building_id"], buildings["name"], strict=True))
            st.session_state.setdefault("preview_buildings", list(names)[:1])
            st.multiselect(
                "Their buildings", list(names), key="preview_buildings", format_func=names.get
            )


def show_signed_in(user: UserAccess) -> None:
    with st.sidebar:
        st.caption(f":material/person: {user.name or user.email} · {ROLE_LABELS[user.role]}")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            st.logout()


def sign_in_page() -> None:
    st.title("MTSS leadership dashboard")
    st.write("Sign in with your district account to see your buildings.")
    if st.button("Sign in", type="primary", key="sign_in", icon=":material/login:"):
        st.login()


def unknown_user_page() -> None:
    st.title("Your account is not set up for this dashboard yet")
    admins = load(list_users)
    contacts = admins[admins["role"] == "district_admin"]["email"].tolist()
    who = ", ".join(contacts) if contacts else "your district's data manager"
    st.write(
        f"You are signed in as **{signed_in_email()}**, but no one has given this account access to "
        f"the dashboard, so it shows no data. Ask {who} to add you, with your role and buildings."
    )
    if st.button("Sign out", key="sign_out_unknown", icon=":material/logout:"):
        st.logout()


# Pages only some roles may open, by URL path (the page file's name). Every other page is open to
# every role, and shows each role only what its scope allows.
RESTRICTED_PAGES = {
    "building": ("district_admin", "district_leader", "principal", "coach"),
    "follow_up": ("district_admin", "district_leader", "principal", "coach"),
    "data": ("district_admin",),
    "users": ("district_admin",),
}


def may_open(user: UserAccess, url_path: str) -> bool:
    """A hidden page is not a permission: pages check scope themselves; this only keeps the
    navigation to what the role can use."""
    return user.role in RESTRICTED_PAGES.get(url_path, (user.role,))
