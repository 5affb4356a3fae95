"""Equity: do all groups of students get the same system? Risk ratios by building, indicator and
student group, with the federal significant-disproportionality rules and privacy built in."""

import streamlit as st

from components.cache import derive, derive_figure, load
from components.display import WRAPPED_ROW_HEIGHT, show_chart, show_table
from components.drill_address import from_address
from components.drill_equity import (
    UP_CLOSE,
    clickable_building_bars,
    clickable_heatmap,
    keep_address,
    open_cell,
    open_group,
    scroll_if_asked,
    start_building,
    start_group,
)
from components.drill_filters import at_level, level_filter
from components.equity_concern import flag_count_words
from components.equity_idea import show_idea
from components.equity_phone import heatmap_table
from components.equity_view import (
    building_table,
    flag_follow_up,
    identification_caption,
    labelled_flags,
    show_flags_table,
    show_how_to_read,
    trend_chart,
    trend_table,
)
from components.layout import phone_only, wide_only
from components.overview_empty import DATA_PAGE
from components.page import current_scope, current_user, page_setup
from components.text import plain
from components.words import as_of_words
from data_access.equity.metrics import GROUP_LABELS, INDICATORS
from data_access.equity.queries import current_minimums, list_equity_school_years
from data_access.equity.view import get_equity_view
from data_access.permissions import may_write
from data_access.staff_support.queries import default_as_of

MAX_HEATMAP_ROWS = 30  # more buildings than this and the heatmap starts with flagged buildings only

status = page_setup(
    "Equity indicators",
    caption="Does every group of students get the same system? Each group's risk of an outcome, "
    "compared with everyone else's in the same building.",
)
minimums = current_minimums()
threshold = minimums.threshold

years = load(list_equity_school_years)
if not years:
    st.warning(
        "The dashboard holds no students yet, so there is nothing to compare. The district's "
        "student files are imported on the Data page, by a district admin.",
        icon=":material/inbox:",
    )
    if may_write(current_user(), "import_files"):
        st.page_link(
            DATA_PAGE, label="Import your files on the Data page", icon=":material/upload_file:"
        )
    st.stop()

show_how_to_read(minimums)

year_column, indicator_column, level_column = st.columns([1, 2, 1])
scope = at_level(current_scope(), level_filter(level_column, key="equity_level"))
VIEWS = {
    "equity": "Equity indicators",
    "idea": "IDEA discipline: students with IEPs, by removal length",
}
from_address("equity_kind", "view", list(VIEWS), default="equity")
kind = st.radio("View", list(VIEWS), format_func=VIEWS.get, horizontal=True, key="equity_kind")
indicator_names = list(INDICATORS)
from_address("equity_school_year", "school_year", years, default=years[0])
from_address("equity_indicator", "indicator", indicator_names, default=indicator_names[0])
school_year = year_column.selectbox(
    "School year", years, key="equity_school_year", help="Students enrolled that year."
)
indicator = indicator_column.selectbox(
    "Indicator",
    indicator_names,
    format_func=INDICATORS.get,
    key="equity_indicator",
    help="Each is yes or no per student and school year; the risk is the share of students with a yes.",
)
if kind == "idea":
    show_idea(scope, school_year, minimums)
    st.stop()
# The school years go to the view too, so it does not read them again.
filters = {
    "scope": scope,
    "school_year": school_year,
    "indicator": indicator,
    "years": tuple(years),
}
view = load(get_equity_view, **filters)
indicator_name = INDICATORS[indicator]
in_sentence = indicator_name[0].lower() + indicator_name[1:]  # keeps "IEP" and "ODR" upper case
if view.rows.empty:
    st.info(f"No students are enrolled in {school_year} in the buildings you can see.")
    st.stop()

# --- Buildings x groups -----------------------------------------------------------------------------

st.subheader(f"Risk ratios by building and student group: {in_sentence}, {school_year}")
st.caption(
    f"Students enrolled in {school_year}, {as_of_words(default_as_of(status), school_year=school_year)}."
)
show_all = True
if view.building_count > MAX_HEATMAP_ROWS:
    choice = st.radio(
        "Buildings shown",
        ["Buildings with a flag", "All buildings"],
        horizontal=True,
        key="equity_buildings_shown",
        help=f"{view.building_count:,} buildings make a very tall chart; start with the flagged ones.",
    )
    show_all = choice == "All buildings"
with wide_only("equity_heatmap"):
    show_chart(
        derive_figure(clickable_heatmap, view, **filters, show_all=show_all),
        key="equity_heatmap",
        on_select=open_cell,
    )
with phone_only("equity_heatmap"):  # a phone's cells would be too narrow to read
    show_table(heatmap_table(view, show_all=show_all), max_rows=12)
st.caption(
    f"Orange: more likely than everyone else; blue: less likely; white: about the same. "
    f"▲ flagged over {threshold:g}; ▼ flagged under 1/{threshold:g}. Hatched grey: no ratio shown, "
    "too few students to compare or withheld to protect another group (hover a cell to see which). "
    "Hover a cell for its counts; click it to see that building's groups and the group's years below."
)
if not show_all and not view.flagged_buildings:
    st.info(f"No building has a flag for {in_sentence} in {school_year}.")

# --- Every flag -------------------------------------------------------------------------------------

described = derive(labelled_flags, view, **filters)
st.subheader(f"Every flag in {school_year}, all indicators")
if described.empty:
    st.info(
        f"Nothing is flagged in {school_year}: every calculated ratio is within the thresholds."
    )
else:
    st.caption(
        f"{flag_count_words(described)}. "
        "*Years in a row* counts the school years, ending in "
        f"{school_year}, in which the same building, indicator and group carried the same flag. "
        + identification_caption(view)
    )
    show_flags_table(described)
    flag_follow_up(described, school_year)

# --- One building up close --------------------------------------------------------------------------

st.subheader(f"One building up close: {in_sentence}, {school_year}", anchor=UP_CLOSE)
buildings = view.buildings
start_building(view)
picker_column, _ = st.columns([1, 2])
building_id = picker_column.selectbox(
    "Building",
    list(buildings.index),
    format_func=lambda b: buildings[b],
    key="equity_building",
)
chart_column, table_column = st.columns([3, 2], gap="large")
with chart_column:
    show_chart(
        derive_figure(clickable_building_bars, view, **filters, building_id=building_id),
        key="equity_building_bars",
        on_select=open_group,
    )
with table_column:
    show_table(
        building_table(view, building_id),
        max_rows=13,
        row_height=WRAPPED_ROW_HEIGHT,  # beside the bars: a group's name and its counts wrap
        download="equity-building-groups",
    )

# --- One ratio across school years ------------------------------------------------------------------

groups = view.groups_in(building_id)
st.subheader(
    f"One group in {plain(buildings[building_id])}, school year by school year",
    anchor="group-years",
)
start_group(view, building_id, groups)
picker_column, _ = st.columns([1, 2])
group_key = picker_column.selectbox(
    "Student group",
    groups,
    format_func=GROUP_LABELS.get,
    key="equity_trend_group",
)
chart_column, table_column = st.columns([1, 1], gap="large")
with chart_column:
    show_chart(
        derive_figure(
            trend_chart,
            view,
            **filters,
            building_id=building_id,
            group_type=group_key[0],
            group=group_key[1],
        ),
        key="equity_trend",
    )
with table_column:
    show_table(
        trend_table(view, building_id, group_key),
        row_height=WRAPPED_ROW_HEIGHT,
        download="equity-group-trend",
    )
keep_address(
    school_year=school_year, indicator=indicator, building_id=building_id, group_key=group_key
)
scroll_if_asked()
