"""Staff support: supervision coverage of student-support staff, what supervision is carrying, staff
wellbeing, caseload parity, staffing against national recommendations, need per support FTE,
retention, and scheduling and recording supervision."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.cache import load
from components.drill_address import as_date, from_address, is_date, to_address
from components.drill_filters import at_level, level_filter
from components.page import building_from_link, current_scope, current_user, page_setup
from components.staff_pulse_entry import show_pulse_entry
from components.staff_support_need import show_need_tab
from components.staff_support_retention import show_retention_tab
from components.staff_support_schedule import show_schedule_tab
from components.staff_support_supervision import show_supervision_tab
from components.staff_support_tabs import show_caseload_tab, show_headlines, show_staffing_tab
from components.staff_support_themes import show_themes_tab
from components.staff_support_wellbeing import show_wellbeing_tab
from data_access.staff_support.queries import default_as_of, get_supervision_activity
from data_access.staff_support.resourcing import get_retention_view, get_support_need_view
from data_access.staff_support.themes import get_supervision_themes_view
from data_access.staff_support.view import get_staff_support_view, place_of
from data_access.staff_support.wellbeing import get_staff_wellbeing_view

status = page_setup(
    "Staff support",
    caption="Are student-support staff supervised, what are they carrying and how are they doing, "
    "are caseloads fair, and where would the next support hire help students most?",
)
editor = current_user()

as_of_column, building_column, level_column = st.columns([1, 2, 1])
scope = at_level(current_scope(), level_filter(level_column, key="staff_support_level"))
from_address("staff_support_as_of", "as_of", is_date, default=default_as_of(status), parse=as_date)
as_of = as_of_column.date_input(
    "As of",
    key="staff_support_as_of",
    format="YYYY-MM-DD",
    help="Coverage, gaps and caseloads are worked out as of this date, in its school year "
    "(1 July to 30 June). For the demo district it starts at the demo's own date.",
)
view = load(get_staff_support_view, scope=scope, as_of=as_of)
building_names = view.building_names
building_from_link("staff_support_building", list(view.buildings["building_id"]))
chosen = building_column.selectbox(
    "Building",
    [None, *view.buildings["building_id"]],
    format_func=lambda b: "Whole district" if b is None else f"{building_names[b]} ({b})",
    key="staff_support_building",
    help="Figures for one building's support team, beside the district's.",
)
to_address("staff_support_as_of", "as_of", as_of, text=date.isoformat)
to_address("staff_support_building", "building", chosen)
place_name = "the district" if chosen is None else building_names[chosen]

if view.coverage.district_staff == 0:
    st.warning(
        f"No support staff have a staff assignment in {view.school_year}, so there is nothing to "
        "show for that school year. Choose an earlier *As of* date, or load staff assignments.",
        icon=":material/inbox:",
    )
    st.stop()

place = place_of(view, building_id=chosen)
show_headlines(view, place, scope=scope, place_name=place_name)

(
    supervision_tab,
    themes_tab,
    wellbeing_tab,
    caseload_tab,
    staffing_tab,
    need_tab,
    retention_tab,
    schedule_tab,
) = st.tabs(
    [
        "Supervision",
        "What supervision is carrying",
        "Staff wellbeing",
        "Caseloads",
        "Staffing ratios",
        "Where the next hire helps",
        "Retention",
        "Schedule and record supervision",
    ],
    key="tab",
    bind="query-params",  # the tab open is in the address (?tab=Caseloads)
)
# Only the open tab's content runs (a switch reruns: the tabs are bound to the address).
if supervision_tab.open is not False:
    with supervision_tab:
        activity = load(
            get_supervision_activity, school_year=view.school_year, scope=scope, building_id=chosen
        )
        show_supervision_tab(view, place, activity, place_name=place_name)
if caseload_tab.open is not False:
    with caseload_tab:
        show_caseload_tab(view, place, place_name=place_name)
if staffing_tab.open is not False:
    with staffing_tab:
        show_staffing_tab(view, place, place_name=place_name)
if need_tab.open is not False:
    with need_tab:
        show_need_tab(
            load(get_support_need_view, scope=scope, as_of=as_of), district_scope=scope.is_district
        )
if retention_tab.open is not False:
    with retention_tab:
        show_retention_tab(load(get_retention_view, scope=scope, as_of=as_of))
if themes_tab.open is not False:
    with themes_tab:
        themes = load(get_supervision_themes_view, scope=scope, as_of=as_of, building_id=chosen)
        show_themes_tab(themes, building_names, district=scope.is_district, place_name=place_name)
if wellbeing_tab.open is not False:
    with wellbeing_tab:
        wellbeing = load(get_staff_wellbeing_view, scope=scope)
        show_wellbeing_tab(
            wellbeing,
            building_names,
            school_year=view.school_year,
            building_id=chosen,
            place_name=place_name,
        )
if schedule_tab.open is not False:
    with schedule_tab:
        show_schedule_tab(view, scope=scope, editor=editor, chosen=chosen)
        show_pulse_entry(building_names, editor=editor)
