"""What the meeting's key charts show, shaped from the meeting picture (shared by the Overview's key
charts and the brief), and the brief's charts as plotly figures. No Streamlit here."""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from components.fidelity_charts import trend_chart
from components.meeting_charts import fidelity_chart, flags_chart
from components.staff_support_charts import coverage_chart
from data_access.meeting.rules import FIDELITY_INSTRUMENT, FIDELITY_SCALE
from data_access.meeting.view import MeetingPicture


def fidelity_rows(picture: MeetingPicture, order: list[str]) -> pd.DataFrame:
    """Latest Tier 1 of the buildings in `order` that have a complete score: building, percent,
    administered_on, criterion_pct, word (at criterion / below / slipped) and text for the bar."""
    rows = picture.fidelity[
        picture.fidelity["building_id"].isin(order) & picture.fidelity["percent"].notna()
    ].copy()
    rows["word"] = [
        "Slipped" if slipped else ("At criterion" if status == "at criterion" else "Below")
        for slipped, status in zip(rows["slipped"], rows["status"], strict=True)
    ]
    rows["text"] = [
        f"{p:.0f}%" + (f" (was {b:.0f}%)" if s else "")
        for p, b, s in zip(
            rows["percent"].astype(float), rows["previous_percent"], rows["slipped"], strict=True
        )
    ]
    return rows.reset_index(drop=True)


def coverage_rows(picture: MeetingPicture, order: list[str]) -> pd.DataFrame:
    return picture.coverage[picture.coverage["building_id"].isin(order)].reset_index(drop=True)


def flag_rows(picture: MeetingPicture, order: list[str]) -> pd.DataFrame:
    """Equity concerns per building in `order` this school year: building, new_or_worse, continuing."""
    flags = picture.all_flags[picture.all_flags["building_id"].isin(order)]
    if flags.empty:
        return pd.DataFrame(columns=["building_id", "building", "new_or_worse", "continuing"])
    changed = flags["new"] | flags["worse"]
    counts = (
        flags.assign(_changed=changed.astype(int), _same=(~changed).astype(int))
        .groupby("building_id", as_index=False)
        .agg(new_or_worse=("_changed", "sum"), continuing=("_same", "sum"))
    )
    names = dict(zip(picture.matrix["building_id"], picture.matrix["building"], strict=True))
    counts.insert(1, "building", counts["building_id"].map(names))
    return counts


CHART_BUILDINGS = 15  # the key charts show the buildings needing most attention, up to this many


def charted_buildings(picture: MeetingPicture) -> tuple[list[str], str]:
    """The buildings the key charts show (the first of the matrix, which lists those needing most
    attention first) and the words saying so in a title when that is not all of them."""
    order = list(picture.matrix["building_id"])[:CHART_BUILDINGS]
    few = (
        ""
        if len(picture.matrix) <= CHART_BUILDINGS
        else f" (the {CHART_BUILDINGS} needing most attention)"
    )
    return order, few


def fidelity_figure(rows: pd.DataFrame, *, few: str) -> go.Figure:
    return fidelity_chart(
        rows,
        y="building",
        percent="percent",
        word="word",
        text="text",
        criterion=float(rows["criterion_pct"].max()),
        title=f"{FIDELITY_INSTRUMENT} {FIDELITY_SCALE}, latest by building{few}",
    )


def coverage_figure(rows: pd.DataFrame, *, picture: MeetingPicture, few: str) -> go.Figure:
    return coverage_chart(
        rows,
        y="building",
        title=f"Support staff supervised in the {picture.window_days} days to "
        f"{picture.comparison.as_of:%-d %b %Y}{few}",
    )


def flags_figure(rows: pd.DataFrame, *, picture: MeetingPicture, few: str) -> go.Figure:
    return flags_chart(
        rows,
        y="building",
        new_or_worse="new_or_worse",
        continuing="continuing",
        title=f"Equity concerns by building, {picture.equity_year}{few}",
    )


def brief_charts(
    picture: MeetingPicture, *, building_id: str | None, trend: pd.DataFrame | None = None
) -> list[tuple[str, go.Figure]]:
    """The key charts of the brief, as on the meeting screen: for the district, latest Tier 1,
    supervision coverage and equity flags by building; for one building, its TFI trend."""
    if building_id is not None:
        if trend is None or trend.empty:
            return []
        criteria = dict(
            sorted(zip(trend["scale"], trend["criterion_pct"].astype(float), strict=False))
        )
        return [
            (
                f"{FIDELITY_INSTRUMENT} by administration",
                trend_chart(
                    trend,
                    x="administered_on",
                    y="percent",
                    color="scale",
                    criteria=criteria,
                    title=f"{FIDELITY_INSTRUMENT} percent by administration",
                ),
            )
        ]
    order, few = charted_buildings(picture)
    charts = []
    for area, rows, figure in (
        ("Fidelity", fidelity_rows(picture, order), fidelity_figure),
        ("Supervision", coverage_rows(picture, order), partial(coverage_figure, picture=picture)),
        ("Equity", flag_rows(picture, order), partial(flags_figure, picture=picture)),
    ):
        if len(rows):
            charts.append((area, figure(rows, few=few)))
    return charts
