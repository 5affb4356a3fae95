"""Tables and charts that open what makes them up when clicked (see `components.drill_links` for
where each click leads)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from components.display import ROW_HEIGHT, THREE_LINE_ROW_HEIGHT, show_chart, show_dataframe
from components.drill_links import (
    BUILDING_AREAS,
    chart_destination,
    go_to,
    matrix_destination,
)


def show_clickable_matrix(styled: Styler, building_ids: Sequence[str], *, rows: int) -> None:
    """The Overview's matrix (rows in `building_ids`' order): a click on a building's row opens its
    page, a click on a cell opens it at that cell's area."""
    # Cells wrap onto three lines in columns only as wide as that needs, so the eight columns fit
    # a projector beside the sidebar (on two lines, with Outcomes, they were 990 px of 915); a
    # click on any cell (the Building column included) opens the page, so no row checkboxes take
    # room.
    event = show_dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=ROW_HEIGHT + THREE_LINE_ROW_HEIGHT * rows + 3,
        row_height=THREE_LINE_ROW_HEIGHT,
        column_config={column: {"width": "small"} for column in styled.data.columns},
        key="meeting_matrix",
        on_select="rerun",
        selection_mode="single-cell",
    )
    destination = matrix_destination(event, building_ids)
    if destination is not None:
        go_to(destination)


def show_clickable_bars(
    figure: go.Figure, *, key: str, building_ids: Mapping[str, str], area: str
) -> None:
    """A chart with one bar per building (labelled by name; `building_ids` maps name → id): a click
    on a bar opens that building's page at `area`."""
    event = show_chart(figure, key=key, on_select="rerun")
    destination = chart_destination(event, building_ids=building_ids, area=area)
    if destination is not None:
        go_to(destination)


def open_at_area(building_id: str) -> None:
    """On the building page, once per arrival: scroll to the area the address names (`?area=`; each
    area's heading carries it as its anchor). An unknown area is ignored."""
    area = st.query_params.get("area")
    if area not in BUILDING_AREAS:
        return
    arrival = f"{building_id}/{area}"
    if st.session_state.get("_building_area_shown") == arrival:
        return
    st.session_state["_building_area_shown"] = arrival
    scroll_to(area)


def scroll_to(anchor: str) -> None:
    """Scroll the page to the heading with this anchor (call it after the heading is drawn)."""
    st.html(
        "<script>setTimeout(() => document.getElementById("
        f"{json.dumps(anchor)})?.scrollIntoView({{block: 'start'}}), 300);</script>",
        unsafe_allow_javascript=True,
    )
