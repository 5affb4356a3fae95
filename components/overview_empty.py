"""The Overview of a store with no district data yet (a new install, or the demo just removed): what
to do next, in the app. A district admin gets the Data page to import the district's files and a
button that loads the demo district again; anyone else is told whom to ask."""

from __future__ import annotations

import streamlit as st

from data_access.imports.pipeline import import_demo
from data_access.permissions import may_write
from data_access.users.access import UserAccess

DATA_PAGE = "pages/data.py"


def show_empty_store(user: UserAccess | None) -> None:
    """Say the store holds no students yet and what to do; the page stops after this."""
    if user is None or not may_write(user, "import_demo"):
        st.info(
            "The dashboard holds no district data yet, so there is nothing to show. Ask a district "
            "admin to import the district's files on the Data page.",
            icon=":material/inbox:",
        )
        return
    st.warning(
        "The dashboard holds no district data yet, so there is nothing to show. Import your "
        "district's files, or load the demo district again to try the dashboard out.",
        icon=":material/inbox:",
    )
    data_column, demo_column = st.columns(2)
    with data_column:
        st.page_link(
            DATA_PAGE,
            label="Import your files on the Data page",
            icon=":material/upload_file:",
        )
        st.caption("Templates for every table are there too.")
    with demo_column:
        if st.button(
            "Load the demo district again",
            key="overview_load_demo",
            icon=":material/science:",
            help="A made-up district of 12 buildings; remove it on the Data page before importing "
            "your own files.",
        ):
            with st.spinner("Loading the demo district…"):
                loaded = import_demo(editor=user)  # data_access checks the role again
            if loaded:
                st.rerun()  # every page now reads the demo
            st.error(
                "The demo was not loaded: the store already holds some district data. Import "
                "the rest of your files on the Data page.",
                icon=":material/error:",
            )
