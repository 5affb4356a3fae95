"""The Overview's key charts: latest fidelity, supervision coverage and equity flags of the buildings
needing most attention, each beside its table; a click on a bar opens that building's page there."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from components.cache import derive_figure
from components.display import show_table
from components.drill_views import show_clickable_bars
from components.meeting_chart_data import (
    charted_buildings,
    coverage_figure,
    coverage_rows,
    fidelity_figure,
    fidelity_rows,
    flag_rows,
    flags_figure,
)
from components.meeting_charts import AREA_HEADINGS
from data_access.meeting.rules import FIDELITY_INSTRUMENT, FIDELITY_SCALE
from data_access.meeting.view import MeetingPicture


def show_key_charts(picture: MeetingPicture, **filters: Any) -> None:
    """`filters` are what decided `picture` (scope, dates, level): with them the charts and tables
    are built once per data version and shared by every session showing the same picture, instead
    of on every rerun (building them was about 40% of a warm Overview rerun, issue 23)."""
    matrix = picture.matrix
    if matrix.empty:
        return
    built = derive_figure(key_charts, picture, **filters) if filters else key_charts(picture)
    st.subheader("Key charts")
    tabs = st.tabs([AREA_HEADINGS[area] for area, _key, _drill in KEY_CHARTS])
    for tab, (area, key, drill) in zip(tabs, KEY_CHARTS, strict=True):
        with tab:
            chart_column, table_column = st.columns([3, 2], gap="large")
            figure, table, empty = built[area]
            if figure is None:
                st.caption(empty)
                continue
            with chart_column:
                show_clickable_bars(figure, key=key, building_ids=built["building_ids"], area=drill)
            with table_column:
                show_table(table)


# Each tab: the area, the chart's widget key, the building page's area a click opens.
KEY_CHARTS = (
    ("fidelity", "meeting_fidelity_chart", "fidelity"),
    ("supervision", "meeting_supervision_chart", "staff"),
    ("equity", "meeting_equity_chart", "equity"),
)


def key_charts(picture: MeetingPicture, **_filters: Any) -> dict[str, Any]:
    """Each area's (figure, table, what to say when there is nothing to chart), and the buildings'
    ids by name for the clicks. Nothing here may be changed by whoever shows it: it is shared."""
    matrix = picture.matrix
    order, few = charted_buildings(picture)
    built: dict[str, Any] = {
        # A click on a building's bar opens its page at that area.
        "building_ids": dict(zip(matrix["building"], matrix["building_id"], strict=True))
    }
    rows = fidelity_rows(picture, order)
    if rows.empty:
        built["fidelity"] = (None, None, f"No {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} scores yet.")
    else:
        ordered = rows.sort_values(["percent", "building"])
        table = pd.DataFrame(
            {
                "Building": ordered["building"],
                "Latest": [f"{p:.0f}%" for p in ordered["percent"].astype(float)],
                "Status": ordered["word"],
            }
        )
        built["fidelity"] = (fidelity_figure(rows, few=few), table, "")
    rows = coverage_rows(picture, order)
    if rows.empty:
        built["supervision"] = (None, None, "No support staff assigned this school year.")
    else:
        ordered = rows.sort_values(["share", "building"])
        table = pd.DataFrame(
            {
                "Building": ordered["building"],
                "Support staff": ordered["staff"],
                "Supervised": ordered["covered"],
                "Share": [f"{s:.0%}" for s in ordered["share"]],
            }
        )
        built["supervision"] = (coverage_figure(rows, picture=picture, few=few), table, "")
    rows = flag_rows(picture, order)
    if rows.empty:
        empty = f"No building in your view has an equity concern in {picture.equity_year}."
        built["equity"] = (None, None, empty)
    else:
        ordered = rows.assign(total=rows["new_or_worse"] + rows["continuing"])
        ordered = ordered.sort_values(["total", "building"], ascending=[False, True])
        table = pd.DataFrame(
            {
                "Building": ordered["building"],
                "Flags": ordered["total"],
                "New or worse than last year": ordered["new_or_worse"],
            }
        )
        built["equity"] = (flags_figure(rows, picture=picture, few=few), table, "")
    return built
