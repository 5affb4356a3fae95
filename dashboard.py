"""The app's entry point: page config, who the user is, and the pages their role may open. No queries."""

import streamlit as st

from components.access import (
    auth_configured,
    entry_page,
    identify_user,
    may_open,
    show_local_mode_switch,
    show_signed_in,
)
from components.page import freeze_startup_objects, prepare_store, run_page
from components.server_tuning import read_options_once
from components.this_run import set_user

st.set_page_config(
    page_title="MTSS leadership dashboard",
    page_icon=":material/school:",
    layout="wide",
)
read_options_once()  # before any element: see components/server_tuning.py
prepare_store()
user = identify_user()
if user is None:  # not signed in yet, a sign-in refused, or an account nobody has set up
    run_page(
        st.navigation([st.Page(entry_page(), title="MTSS dashboard", icon=":material/school:")])
    )
    st.stop()
if auth_configured():
    show_signed_in(user)
else:
    show_local_mode_switch()
    user = identify_user()  # the role the preview switch now shows
set_user(user)  # read once here; pages and components ask components.page.current_user()

# Sections of the navigation; a section shows once it has a page the user may open.
PAGES = {
    "District": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    ],
    "Areas": [
        st.Page("pages/fidelity.py", title="Fidelity", icon=":material/fact_check:"),
        st.Page("pages/equity.py", title="Equity", icon=":material/balance:"),
        st.Page("pages/staff_support.py", title="Staff support", icon=":material/diversity_3:"),
        st.Page(
            "pages/student_outcomes.py", title="Student outcomes", icon=":material/trending_up:"
        ),
    ],
    "Buildings": [
        st.Page("pages/building.py", title="Building", icon=":material/domain:"),
    ],
    "Follow-up": [
        st.Page("pages/follow_up.py", title="Follow-up actions", icon=":material/task_alt:"),
    ],
    "Team": [
        st.Page("pages/team.py", title="Leadership team", icon=":material/groups:"),
    ],
    "Data": [
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
    ],
    "Admin": [
        st.Page("pages/users.py", title="Users", icon=":material/manage_accounts:"),
    ],
}

allowed = {
    section: [page for page in pages if may_open(user, page.url_path)]
    for section, pages in PAGES.items()
}
run_page(st.navigation({section: pages for section, pages in allowed.items() if pages}))
freeze_startup_objects()
