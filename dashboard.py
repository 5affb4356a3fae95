"""The app's entry point: page config, then the pages the user may open. No queries here."""

import streamlit as st

st.set_page_config(
    page_title="MTSS leadership dashboard",
    page_icon=":material/school:",
    layout="wide",
)

# Sections appear as their pages are built: District, Areas, Buildings, Follow-up, Team, Data.
PAGES = {
    "District": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    ],
}

st.navigation(PAGES).run()
