"""Users (district admins): who may use the dashboard, with which role and buildings."""

import streamlit as st

from components.cache import load
from components.display import WRAPPED_ROW_HEIGHT, show_table
from components.page import current_user, page_setup
from components.text import plain
from data_access.buildings import list_buildings
from data_access.db import session_scope
from data_access.scope import DISTRICT
from data_access.users.access import ROLE_LABELS
from data_access.users.queries import list_users
from data_access.users.writes import UserInvalid, remove_user, reset_sign_in, save_user

page_setup(
    "Users",
    caption="Who may use the dashboard. Principals and coaches see only their buildings' rows; "
    "viewers see district roll-ups only; district leaders and admins see every building.",
)
me = current_user()
if me is None or not me.is_admin:
    st.warning("Only district admins manage users.", icon=":material/lock:")
    st.stop()

users = load(list_users)
buildings = load(list_buildings, scope=DISTRICT)
names = dict(zip(buildings["building_id"], buildings["name"], strict=True))

if flash := st.session_state.pop("users_flash", None):
    st.success(flash, icon=":material/check_circle:")


def sees(row) -> str:
    """What the user sees, in words: their buildings, every building, or the roll-ups."""
    if row.role in ("district_admin", "district_leader"):
        return "Every building"
    if row.role == "viewer":
        return "District roll-ups only"
    return ", ".join(names.get(b, b) for b in row.building_ids.split(";") if b) or "No building yet"


show_table(
    users.assign(
        sees=[sees(row) for row in users.itertuples()], role=users["role"].map(ROLE_LABELS)
    )
    .drop(columns=["building_ids"])
    .rename(columns={"email": "Email", "name": "Name", "role": "Role", "sees": "Sees"}),
    max_rows=20,
    row_height=WRAPPED_ROW_HEIGHT,  # a coach's buildings take two lines
)

add_column, remove_column = st.columns(2, gap="large")
with add_column:
    st.subheader("Add or change a user")
    problems = st.session_state.get("users_problems", {})
    with st.form("user_form"):
        email = st.text_input("Email (their district sign-in)", key="user_email")
        if "email" in problems:
            st.error(plain(problems["email"]))
        name = st.text_input("Name", key="user_name")
        if "name" in problems:
            st.error(plain(problems["name"]))
        role = st.selectbox("Role", list(ROLE_LABELS), format_func=ROLE_LABELS.get, key="user_role")
        if "role" in problems:
            st.error(plain(problems["role"]))
        chosen = st.multiselect(
            "Buildings (for principals and coaches)",
            list(names),
            format_func=names.get,
            key="user_buildings",
        )
        if "building_ids" in problems:
            st.error(plain(problems["building_ids"]))
        if st.form_submit_button("Save user", type="primary"):
            try:
                with session_scope() as session:
                    is_new = save_user(
                        session,
                        email=email,
                        role=role,
                        name=name,
                        building_ids=chosen,
                        editor=me,
                    )
            except UserInvalid as invalid:
                st.session_state["users_problems"] = invalid.problems
                st.rerun()
            st.session_state.pop("users_problems", None)
            st.session_state["users_flash"] = (
                f"{'Added' if is_new else 'Changed'} {plain(email.strip().lower())}."
            )
            st.rerun()
with remove_column:
    st.subheader("Remove a user")
    with st.form("remove_user_form"):
        gone = st.selectbox(
            "User",
            list(users["email"]),
            key="remove_email",
            index=None,
            placeholder="Choose a user…",
        )
        sure = st.checkbox("Yes, remove their access", key="remove_sure")
        if st.form_submit_button("Remove user"):
            if gone is None or not sure:
                st.error("Choose a user and tick the box to confirm.")
            else:
                try:
                    with session_scope() as session:
                        remove_user(session, email=gone, editor=me)
                    st.session_state["users_flash"] = f"Removed {plain(gone)}."
                    st.rerun()
                except UserInvalid as invalid:
                    st.error(plain(invalid.problems["email"]))

st.subheader("Reset a sign-in")
st.caption(
    "A user's first sign-in ties their email to that account at the sign-in provider; a sign-in "
    "to the same email from another account is refused and written to the audit log. If a "
    "person's provider account was replaced, reset their sign-in: their next sign-in is "
    "remembered instead."
)
with st.form("reset_sign_in_form"):
    reset = st.selectbox(
        "User",
        list(users["email"]),
        key="reset_sign_in_email",
        index=None,
        placeholder="Choose a user…",
    )
    if st.form_submit_button("Reset their sign-in"):
        if reset is None:
            st.error("Choose a user.")
        else:
            with session_scope() as session:
                reset_sign_in(session, email=reset, editor=me)
            st.session_state["users_flash"] = f"Reset the sign-in of {plain(reset)}."
            st.rerun()
