"""Student outcomes: is the MTSS system working for students? Tier distribution, universal
screening, unmet need and supports ended, and the behaviour "Big 5", by building."""

from __future__ import annotations

import streamlit as st

from components.cache import load
from components.outcomes_fidelity import show_fidelity_tab
from components.outcomes_screening import show_screening_tab
from components.outcomes_tabs import (
    show_behaviour_tab,
    show_tiers_tab,
    show_unmet_need_tab,
)
from components.page import building_from_link, current_scope, page_setup
from data_access.outcomes_fidelity import get_outcomes_by_fidelity
from data_access.system_health.behaviour import get_triangles_by_type
from data_access.system_health.rules import DISTRICT_ID
from data_access.system_health.screening import get_screening_figures
from data_access.system_health.view import get_student_outcomes_view

page_setup(
    "Student outcomes",
    caption="Is the system working for students? Tiers against 80/15/5, screening at benchmark, "
    "students who need help and do not get it, and office referrals. Counts of fewer than 10 "
    "students, and any count that would let one be worked out, are withheld.",
)
scope = current_scope()
year_column, building_column = st.columns([1, 2])
view = load(
    get_student_outcomes_view, scope=scope, school_year=st.session_state.get("outcomes_year")
)
if view.school_year is None:
    st.info(
        "No students are recorded yet: load student data on the Data page.", icon=":material/inbox:"
    )
    st.stop()
year_column.selectbox(
    "School year",
    view.school_years,
    index=view.school_years.index(view.school_year),
    key="outcomes_year",
    help="Figures are for this school year (1 July to 30 June); referrals compare it with the one before.",
)
names = view.building_names
building_from_link("outcomes_building", list(names))
chosen = building_column.selectbox(
    "Building",
    [None, *names],
    format_func=lambda b: "Whole district" if b is None else f"{names[b]} ({b})",
    key="outcomes_building",
    help="Behaviour figures and tiers over the years for one building, or the whole district.",
)
place = DISTRICT_ID if chosen is None else chosen

tiers_tab, screening_tab, need_tab, behaviour_tab, fidelity_tab = st.tabs(
    ["Tiers", "Screening", "Unmet need and supports", "Behaviour", "Fidelity and outcomes"],
    key="tab",
    bind="query-params",  # the tab open is in the address (?tab=Screening)
)
# Only the open tab's content runs (a switch reruns: the tabs are bound to the address).
if tiers_tab.open is not False:
    with tiers_tab:
        show_tiers_tab(view, place=place)
if screening_tab.open is not False:
    with screening_tab:
        # By measure and risk-level movement: counted and decided only when this tab is open.
        figures = load(get_screening_figures, scope=scope, school_year=view.school_year)
        show_screening_tab(view, figures, place=place)
if need_tab.open is not False:
    with need_tab:
        show_unmet_need_tab(view, place=place)
if behaviour_tab.open is not False:
    with behaviour_tab:
        # The triangle with majors and minors apart: counted only when this tab is open.
        triangles = load(get_triangles_by_type, scope=scope, school_year=view.school_year)
        show_behaviour_tab(view, triangles, place=place)
if fidelity_tab.open is not False:
    with fidelity_tab:
        # The one figure set that joins two areas: loaded only when its tab is open.
        rows = load(get_outcomes_by_fidelity, scope=scope, school_year=view.school_year)
        show_fidelity_tab(rows, view)
