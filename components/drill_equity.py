"""Drill-down on the Equity page: a click on a heatmap cell opens that building's group bars and the
group's years below; a click on a group's bar opens its years. The page's choices are in its
address (`?school_year=&indicator=&building=&group=race_ethnicity:HI`)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.drill_address import from_address, to_address
from components.drill_views import scroll_to
from components.equity_charts import label_equity_rows
from components.equity_view import building_bars, heatmap
from data_access.equity.metrics import DISTRICT_ID
from data_access.equity.view import EquityView

UP_CLOSE = "up-close"  # the anchor of the page's "One building up close"
SCROLL_KEY = "_equity_scroll"


def group_text(group_key: tuple[str, str]) -> str:
    return f"{group_key[0]}:{group_key[1]}"


def parse_group(text: str) -> tuple[str, str]:
    group_type, colon, group = text.partition(":")
    if not colon or not group_type or not group:
        raise ValueError(text)
    return (group_type, group)


def start_building(view: EquityView) -> None:
    """Before the building picker: the address's building, if the view (the person's scope) has it."""
    from_address(
        "equity_building", "building", list(view.buildings.index), default=view.default_building
    )


def start_group(view: EquityView, building_id: str, groups: list[tuple[str, str]]) -> None:
    from_address(
        "equity_trend_group",
        "group",
        groups,
        default=view.default_group(building_id),
        parse=parse_group,
    )


def keep_address(
    *, school_year: str, indicator: str, building_id: str, group_key: tuple[str, str]
) -> None:
    to_address("equity_school_year", "school_year", school_year)
    to_address("equity_indicator", "indicator", indicator)
    to_address("equity_building", "building", building_id)
    to_address("equity_trend_group", "group", group_key, text=group_text)


# --- Figures a click can go through -------------------------------------------------------------


def clickable_heatmap(view: EquityView, *, show_all: bool, **filters: object) -> go.Figure:
    """`heatmap` with an invisible marker on every cell carrying its building and group (a plotly
    heatmap gives Streamlit no click event of its own), and the cell's hover text."""
    figure = heatmap(view, show_all=show_all, **filters)
    labelled = label_equity_rows(view.rows, view.minimums)
    shown = labelled[
        (labelled["building_id"] == DISTRICT_ID)
        | show_all
        | labelled["building_id"].isin(view.flagged_buildings)
    ]
    # Same positions as `risk_ratio_heatmap`: columns and rows in the frame's order.
    columns = {label: i for i, label in enumerate(dict.fromkeys(shown["heatmap_label"]))}
    rows = {label: i for i, label in enumerate(dict.fromkeys(shown["building_name"]))}
    figure.add_scatter(
        x=shown["heatmap_label"].map(columns).tolist(),
        y=shown["building_name"].map(rows).tolist(),
        mode="markers",
        marker={"size": 28, "color": "rgba(0,0,0,0)", "symbol": "square"},
        customdata=list(
            zip(
                shown["building_id"],
                shown["group_type"],
                shown["group"],
                shown["hover"],
                strict=True,
            )
        ),
        hovertemplate="%{customdata[3]}<extra></extra>",
        showlegend=False,
        name="cells",
    )
    # The markers show every cell's hover; the heatmap's own copy of it was half of the Equity
    # page's 0.5 MB sent to every browser at the large district (issue 23).
    figure.update_traces(
        customdata=None, hovertemplate=None, hoverinfo="skip", selector={"type": "heatmap"}
    )
    return figure


def clickable_building_bars(view: EquityView, *, building_id: str, **filters: object) -> go.Figure:
    """`building_bars` with each bar carrying its building and group."""
    figure = building_bars(view, building_id=building_id, **filters)
    labelled = label_equity_rows(view.in_building(building_id), view.minimums)
    keys = {
        label: (building_id, group_type, group)
        for label, group_type, group in zip(
            labelled["heatmap_label"], labelled["group_type"], labelled["group"], strict=True
        )
    }
    figure.for_each_trace(
        lambda trace: trace.update(customdata=[keys.get(label) for label in trace.y]),
        selector={"type": "bar"},
    )
    return figure


# --- Clicks (callbacks: they run before the page, so its pickers start at the click) -------------


def _clicked(chart_key: str) -> tuple[str, ...] | None:
    from components.drill_links import cell_keys

    return cell_keys(st.session_state.get(chart_key))


def open_cell() -> None:
    """A heatmap cell clicked: its building and group in the pickers, and the page at them."""
    keys = _clicked("equity_heatmap")
    if keys:
        st.session_state["equity_building"] = keys[0]
        st.session_state["equity_trend_group"] = (keys[1], keys[2])
        st.session_state[SCROLL_KEY] = UP_CLOSE


def open_group() -> None:
    """A group's bar clicked: its years below."""
    keys = _clicked("equity_building_bars")
    if keys:
        st.session_state["equity_trend_group"] = (keys[1], keys[2])
        st.session_state[SCROLL_KEY] = "group-years"


def scroll_if_asked() -> None:
    """Last on the page: after a click, to the part it opened."""
    anchor = st.session_state.pop(SCROLL_KEY, None)
    if anchor:
        scroll_to(anchor)
