"""The app's entry point: page config, then the pages the user may open. No queries here."""

import streamlit as st

st.set_page_config(
    page_title="MTSS leadership dashboard",
    page_icon=":material/school:",
    layout="wide",
)

# Sections of the navigation; a section shows once it has a page.
PAGES = {
    "District": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    ],
    "Areas": [],
    "Buildings": [],
    "Follow-up": [],
    "Team": [],
    "Data": [],
}

st.navigation({section: pages for section, pages in PAGES.items() if pages}).run()
