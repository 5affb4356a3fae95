"""Screen-size layout: parts of a page shown only on a wide screen or only on a phone.

Streamlit's server does not know the screen's width, so both parts are sent and the browser shows
the one that fits (a CSS media query on the containers' keys). Used where one form cannot serve both:
a wide heatmap, and the table that replaces it on a phone."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

PHONE_MAX_WIDTH = 640  # px; Streamlit stacks columns and closes the sidebar below this too
LAYOUT_CSS = f"""
<style>
@media (max-width: {PHONE_MAX_WIDTH}px) {{ [class*="st-key-wide_only_"] {{display: none !important;}} }}
@media (min-width: {PHONE_MAX_WIDTH + 1}px) {{ [class*="st-key-phone_only_"] {{display: none !important;}} }}
</style>
"""


# Labels wrap onto a second line rather than end in "…": a button, a link or a headline's label cut
# at 1280 px ("Create follow-up act…", "Download the brief (P…") cannot be read from the back of
# the room, and a phone is narrower still.
APP_CSS = """
<style>
[data-testid="stMain"] button [data-testid="stMarkdownContainer"],
[data-testid="stMain"] button [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] [data-testid="stMarkdownContainer"],
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] p,
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] span,
[data-testid="stMain"] [data-testid="stMetricLabel"],
[data-testid="stMain"] [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stMain"] button, [data-testid="stMain"] [data-testid="stPageLink-NavLink"] {
  height: auto !important; min-height: 2.5rem;
}
/* Beside the sidebar on a projector's 1280 px, Streamlit's 5rem side margins left tables 820 px;
   2rem gives the Overview's matrix and the wide tables their columns back. */
@media (min-width: 641px) {
  [data-testid="stMainBlockContainer"] { padding-left: 2rem !important; padding-right: 2rem !important; }
}
</style>
"""


def app_style() -> None:
    """The app's own style, on every page (components.page.page_setup)."""
    st.html(APP_CSS)


def wide_only(key: str) -> DeltaGenerator:
    """A container shown on screens wider than a phone."""
    st.html(LAYOUT_CSS)
    return st.container(key=f"wide_only_{key}")


def phone_only(key: str) -> DeltaGenerator:
    """A container shown on a phone only."""
    st.html(LAYOUT_CSS)
    return st.container(key=f"phone_only_{key}")
