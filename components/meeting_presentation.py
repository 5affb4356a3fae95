"""The Overview's presentation mode (large type, no sidebar, one area per slide, for a 1280x720
projector; shareable as ?present=1&slide=equity) and the style that lets headline values wrap."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

# Headline values wrap rather than end in "…": "145 of 200" must be read whole, even in five columns.
WRAP_METRICS_CSS = """
<style>
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
</style>
"""
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"] {display: none !important;}
[data-testid="stMainBlockContainer"] {max-width: 100% !important; padding: 1rem 2.5rem !important;}
[data-testid="stMain"] p, [data-testid="stMain"] li {font-size: 1.3rem !important; line-height: 1.45;}
[data-testid="stMain"] h1 {font-size: 1.9rem !important; padding: 0 !important;}
.st-key-demo_banner [data-testid="stAlertContainer"] {padding: 0.4rem 1rem !important;}
.st-key-demo_banner p {font-size: 1.15rem !important;}
[data-testid="stMain"] h2 {font-size: 2.4rem !important;}
[data-testid="stMain"] h3, [data-testid="stMain"] h4 {font-size: 2rem !important;}
[data-testid="stMain"] h5 {font-size: 1.85rem !important; padding: 0.25rem 0 0 !important;}
[data-testid="stMain"] [data-testid="stCaptionContainer"] p {font-size: 1.15rem !important;}
[data-testid="stMain"] [data-testid="stPageLink"] p {font-size: 1.1rem !important;}
[data-testid="stPageLink-NavLink"] span, [data-testid="stPageLink-NavLink"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  word-break: normal !important; overflow-wrap: normal !important;
}
.st-key-present_nav p {font-size: 1.1rem !important;}
.st-key-present_next_page, .st-key-present_previous_page {display: none !important;}
[data-testid="stMain"] [data-testid="stMetricLabel"] p {font-size: 1.5rem !important;}
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] * {font-size: 3.6rem !important; line-height: 1.2;}
[data-testid="stMain"] [data-testid="stMetricDelta"],
[data-testid="stMain"] [data-testid="stMetricDelta"] * {font-size: 1.3rem !important;}
[data-testid="stTable"] td, [data-testid="stTable"] th {
  font-size: 1.3rem !important; padding: 0.5rem 0.7rem !important;
}
</style>
"""


def presenting() -> bool:
    """Whether the Overview is in presentation mode on this run: the toggle's value, or before the
    toggle is drawn for the first time, the address's ?present=1."""
    return bool(st.session_state.get("meeting_present", st.query_params.get("present") == "1"))


def leave_presentation() -> None:
    """The Leave button's callback: the toggle is off when the page runs again."""
    st.session_state["meeting_present"] = False


def presentation_toggle(column: DeltaGenerator) -> bool:
    """The toggle in `column`; on, it hides the sidebar, enlarges the type and sets ?present=1."""
    if "meeting_present" not in st.session_state:
        st.session_state["meeting_present"] = st.query_params.get("present") == "1"
    present = column.toggle(
        "Presentation mode",
        key="meeting_present",
        help="Large type and no sidebar, for the projector. The address (?present=1) opens it directly.",
    )
    if present:
        st.query_params["present"] = "1"
        st.html(PRESENTATION_CSS)
    else:  # the address says so too: no ?present=1, and no slide
        for name in ("present", "slide"):
            if name in st.query_params:
                del st.query_params[name]
    return present
