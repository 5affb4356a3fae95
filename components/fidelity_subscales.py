"""The Fidelity page's subscale view for one building: each subscale's percent at its latest
administration, lowest first, with its earlier administrations beside it, and the administration's
total (over the scales completed that day). The figure and tables are built from the view's frames
(no Streamlit calls) so plain pytest checks them; `show_subscales` puts them on screen."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.charts import FONT_SIZE, PALETTE, base_layout, legend_below
from components.display import show_chart, show_table
from components.fidelity_tables import covers_words, short_date
from components.text import plain, plain_html
from data_access.fidelity.view import FidelityView

EARLIER_SHOWN = 2  # earlier administrations drawn beside the latest: more and the rows crowd
LATEST_COLOR = PALETTE[0]
EARLIER_COLORS = ["#000000", PALETTE[1]]  # the latest's blue, then black and orange marks
EARLIER_SYMBOLS = ["diamond", "circle"]
VALUE_COLUMN_AT = 108  # x of the latest percents' column, clear of a mark at 100%


def subscale_label(scale: str, subscale: str) -> str:
    """A subscale named with its scale: Teams is in Tier 1, Tier 2 and Tier 3."""
    return f"{scale}: {subscale}"


def total_words(total: pd.Series) -> str:
    """One administration's total in words, saying which scales it covers."""
    if pd.isna(total["percent"]):
        return "no total: no scale was completed that day"
    return (
        f"{total['points']} of {total['possible']} points ({float(total['percent']):.1f}%) "
        f"over {covers_words(total['covers'])}"
    )


def subscale_cell(percent: object, points: int, possible: int, scored: int, items: int) -> str:
    """A table cell: "33.3% (4 of 12)", the percent and the points, or why there is no percent."""
    if scored == 0:
        return "not scored"
    if pd.isna(percent):
        return f"incomplete ({scored} of {items} items)"
    return f"{float(percent):.1f}% ({points} of {possible})"


def subscale_cells(rows: pd.DataFrame) -> list[str]:
    """`subscale_cell` for each subscale row."""
    return [
        subscale_cell(percent, points, possible, scored, items)
        for percent, points, possible, scored, items in zip(
            rows["percent"],
            rows["points"],
            rows["possible"],
            rows["items_scored"],
            rows["items_total"],
            strict=True,
        )
    ]


def building_subscales(subscales: pd.DataFrame, building_id: str) -> pd.DataFrame:
    """One building's subscale rows (lowest at its latest administration first), labelled."""
    rows = subscales[subscales["building_id"] == building_id]
    return rows.assign(
        label=[
            subscale_label(scale, name)
            for scale, name in zip(rows["covers"], rows["scale"], strict=True)
        ]
    )


def subscale_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per subscale, lowest first; a column per administration, newest first."""
    rows = rows.assign(cell=subscale_cells(rows))
    order = list(dict.fromkeys(rows.sort_values("rank")["label"]))
    dates = sorted(set(rows["administered_on"]), reverse=True)
    table = rows.pivot(index="label", columns="administered_on", values="cell").reindex(
        index=order, columns=dates
    )
    table.columns = [short_date(day) for day in dates]
    table = table.astype(object).fillna("—")
    table.insert(0, "Subscale", order)
    return table.reset_index(drop=True)


def lowest_subscale_table(
    subscales: pd.DataFrame, *, building_names: Mapping[str, str]
) -> pd.DataFrame:
    """Each building's lowest subscale at its latest administration, by building name."""
    latest = subscales["administered_on"] == subscales.groupby("building_id")[
        "administered_on"
    ].transform("max")
    rows = subscales[latest & (subscales["rank"] == 0)]
    table = pd.DataFrame(
        {
            "Building": [building_names.get(b, b) for b in rows["building_id"]],
            "Lowest subscale": [
                subscale_label(scale, name)
                for scale, name in zip(rows["covers"], rows["scale"], strict=True)
            ],
            "Percent (points)": subscale_cells(rows),
            "Taken": rows["administered_on"].map(short_date).tolist(),
        }
    )
    return table.sort_values("Building", ignore_index=True)


def subscale_chart(rows: pd.DataFrame, *, title: str) -> go.Figure:
    """The latest administration's subscale percents as bars, lowest at the top, with up to two
    earlier administrations as marks on the same rows; a subscale without a percent says so."""
    dates = sorted(set(rows["administered_on"]), reverse=True)
    order = list(dict.fromkeys(rows.sort_values("rank")["label"]))
    labels = [plain_html(label) for label in order]
    figure = go.Figure()
    latest = rows[rows["administered_on"] == dates[0]].set_index("label").reindex(order)
    percent = latest["percent"].astype(float)
    figure.add_bar(
        x=percent,
        y=labels,
        orientation="h",
        name=f"{short_date(dates[0])} (latest)",
        marker_color=LATEST_COLOR,
        hovertemplate="%{y}: %{x:.1f}%<extra>" + short_date(dates[0]) + "</extra>",
    )
    # The latest percents in a column of their own right of 100%, where no earlier mark can sit on
    # them; a subscale without a percent says "incomplete" there.
    figure.add_scatter(
        x=[VALUE_COLUMN_AT] * len(labels),
        y=labels,
        mode="text",
        text=["incomplete" if pd.isna(value) else f"{value:.0f}%" for value in percent],
        textposition="middle right",
        textfont={"size": FONT_SIZE},
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
    )
    for day, color, symbol in zip(dates[1:], EARLIER_COLORS, EARLIER_SYMBOLS, strict=False):
        earlier = rows[rows["administered_on"] == day].set_index("label").reindex(order)
        figure.add_scatter(
            x=earlier["percent"].astype(float),
            y=labels,
            mode="markers",
            name=short_date(day),
            marker={"color": color, "symbol": symbol, "size": 13, "line": {"width": 1}},
            hovertemplate="%{y}: %{x:.1f}%<extra>" + short_date(day) + "</extra>",
        )
    ticks = [0, 25, 50, 75, 100]
    figure.update_xaxes(
        title_text="Percent of points",
        range=[0, VALUE_COLUMN_AT + 26],
        tickvals=ticks,
        ticktext=[f"{tick}%" for tick in ticks],
    )
    figure.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    figure = base_layout(figure, title=title, height=32 * len(order) + 220)
    return legend_below(figure, lines=1)


def show_subscales(view: FidelityView, building_id: str) -> None:
    """The building's subscales, lowest first at its latest administration, over time: a chart
    beside a table, and the latest total under the heading."""
    rows = building_subscales(view.subscales, building_id)
    st.subheader("Subscales, lowest first")
    if rows.empty:
        st.write(f"The {plain(view.instrument)} definition has no subscales.")
        return
    name = view.name(building_id)
    totals = view.totals[view.totals["building_id"] == building_id].sort_values("administered_on")
    if not totals.empty:
        latest_total = totals.iloc[-1]
        st.markdown(
            f"**Total, {short_date(latest_total['administered_on'])}: "
            f"{plain(total_words(latest_total))}.** The total counts only the scales completed "
            "that day; a scale with an item not scored is left out."
        )
    st.caption(
        "Bars: each subscale's percent of its points at the latest administration, lowest at the "
        f"top; marks: the {EARLIER_SHOWN} administrations before it. Table: every administration, "
        "the percent and (in brackets) the points of the points possible. A subscale with an item "
        "not scored has no percent (incomplete), as a scale. Subscales have no criterion of their "
        "own: the criterion is per scale."
    )
    shown = rows[
        rows["administered_on"].isin(sorted(set(rows["administered_on"]))[-1 - EARLIER_SHOWN :])
    ]
    chart_column, table_column = st.columns([4, 3], gap="large")
    with chart_column:
        figure = subscale_chart(
            shown,
            title=f"{plain_html(name)}: {plain_html(view.instrument)} subscales, percent",
        )
        show_chart(figure, key="fidelity_subscale_chart")
    with table_column:
        show_table(subscale_table(rows), max_rows=16, download="fidelity-subscales")


def show_lowest_subscales(view: FidelityView) -> None:
    """For the district: each building's lowest subscale, the first place to look for an action."""
    if view.subscales.empty:
        return
    st.subheader("Each building's lowest subscale")
    st.caption(
        "At each building's latest administration: the subscale with the lowest percent of its "
        "points (a subscale with an item not scored has no percent and comes after those with one). "
        "The *One building* tab has every subscale over time."
    )
    show_table(
        lowest_subscale_table(view.subscales, building_names=view.building_names),
        max_rows=12,
        download="fidelity-lowest-subscales",
    )
