"""Fidelity tables for the screen: plain DataFrames with the words and dates a meeting reads (no
Streamlit calls), built from the frames `data_access.fidelity.scoring` returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from components.charts import LEVEL_NAMES
from components.fidelity_charts import SUSTAINING_MARK
from components.text import plain_html
from data_access.fidelity.scoring import COVERS_SEPARATOR, NOT_SCORED, STATUSES, scale_status


def long_date(day: date) -> str:
    return f"{day:%-d %B %Y}"


def short_date(day: date) -> str:
    return f"{day:%-d %b %Y}"


def percent_text(percent: object) -> str:
    """A scale's percent as shown on screen; a missing percent is an incomplete scale."""
    return "incomplete" if pd.isna(percent) else f"{float(percent):.1f}%"


def sortable_percent(percent: object, status: str) -> str:
    """A grid table cell: the percent padded to six characters (" 68.8%", "100.0%") so that sorting
    the column as text sorts the numbers, then "incomplete", then "—" (not scored). Shown
    right-aligned, so the padding is invisible. (Streamlit shows a missing number as "None", so the
    cells are text.)"""
    if status == NOT_SCORED:
        return "—"
    return "incomplete" if pd.isna(percent) else f"{float(percent):5.1f}%"


@dataclass(frozen=True)
class ScaleGrid:
    """The buildings x scales grid of latest scores, in every form the page shows it."""

    cells: pd.DataFrame  # latest rows plus `row` (building and date) and `cell` (the cell's text)
    row_labels: list[str]  # the grid chart's rows, in building order
    table: pd.DataFrame  # Building, one text column per scale (see sortable_percent), Taken, ...
    statuses: pd.DataFrame  # same shape as the scale columns of `table`: each cell's status


def scale_grid(
    latest: pd.DataFrame,
    *,
    building_ids: Sequence[str],
    building_names: Mapping[str, str],
    scales: Sequence[str],
    with_details: bool,
) -> ScaleGrid:
    """From each building's latest score per scale (with `status` and `sustaining`): the chart's
    cells and the table. The building's latest date goes under its name; a cell names its own date
    only when the scale was last scored on another day. `with_details` adds, for a table shown
    without the chart, each scale's own date (when any differs) and the sustaining scales."""
    latest = latest.copy()
    latest_date = latest.groupby("building_id")["administered_on"].max()
    name = latest["building_id"].map(lambda b: building_names.get(b, b))
    # The chart draws these rows as plotly text: the name is data, the line break is ours.
    latest["row"] = (
        name.map(plain_html) + "<br>" + latest["building_id"].map(latest_date).map(short_date)
    )
    # The percent alone on the first line: a cell is as narrow as "100.0%", and a mark beside the
    # percent pushed its first digit out of the cell ("90.0% ★" read "0.0%" on screen).
    latest["cell"] = [
        percent_text(percent)
        + (
            "<br>"
            + " ".join(
                ([SUSTAINING_MARK] if sustaining else [])
                + ([short_date(day)] if day != latest_date[b] else [])
            )
            if sustaining or day != latest_date[b]
            else ""
        )
        for b, percent, sustaining, day in zip(
            latest["building_id"],
            latest["percent"],
            latest["sustaining"],
            latest["administered_on"],
            strict=True,
        )
    ]
    labels = dict(zip(latest["building_id"], latest["row"], strict=False))

    def wide(values: str) -> pd.DataFrame:
        return latest.pivot(index="building_id", columns="scale", values=values).reindex(
            index=list(building_ids), columns=list(scales)
        )

    percents = wide("percent").astype(float)
    statuses = wide("status").astype(object).fillna(NOT_SCORED)
    table = pd.DataFrame(
        {
            scale: [
                sortable_percent(percent, status)
                for percent, status in zip(percents[scale], statuses[scale], strict=True)
            ]
            for scale in scales
        },
        index=percents.index,
    )
    table.insert(0, "Building", [building_names.get(b, b) for b in building_ids])
    taken = latest_date.reindex(list(building_ids))
    table["Taken"] = taken.map(short_date)
    if with_details:
        dates = wide("administered_on")
        for scale in scales:
            if (dates[scale].notna() & (dates[scale] != taken)).any():
                table[f"{scale} taken"] = dates[scale].map(
                    lambda day: "" if pd.isna(day) else short_date(day)
                )
        sustaining = latest[latest["sustaining"]].groupby("building_id")["scale"].agg(", ".join)
        table["Sustaining"] = sustaining.reindex(list(building_ids)).fillna("")
    table.columns.name = None
    statuses.columns.name = None
    return ScaleGrid(
        cells=latest,
        row_labels=[labels[b] for b in building_ids],
        table=table.reset_index(drop=True),
        statuses=statuses.reset_index(drop=True),
    )


def status_counts(statuses: pd.DataFrame, *, scales: Sequence[str]) -> pd.DataFrame:
    """How many buildings are in each status on each scale (long: scale, status, buildings)."""
    counts = (
        statuses.melt(var_name="scale", value_name="status")
        .groupby(["scale", "status"])
        .size()
        .reindex(pd.MultiIndex.from_product([list(scales), list(STATUSES)]), fill_value=0)
    )
    counts.index.names = ["scale", "status"]
    return counts.rename("buildings").reset_index()


def status_count_table(counts: pd.DataFrame, *, scales: Sequence[str]) -> pd.DataFrame:
    table = (
        counts.pivot(index="scale", columns="status", values="buildings")
        .reindex(index=list(scales), columns=list(STATUSES))
        .reset_index()
    )
    table.columns = ["Scale", "At criterion", "Below", "Incomplete", "Not scored"]
    return table


def share_table(share: pd.DataFrame, *, scales: Sequence[str]) -> pd.DataFrame:
    """One row per term, newest first; each scale's cell reads like "7 of 12 (58%)"."""
    cells = share.assign(
        cell=[
            f"{at} of {complete} ({percent:.0f}%)"
            for at, complete, percent in zip(
                share["buildings_at_criterion"],
                share["buildings_complete"],
                share["share"],
                strict=True,
            )
        ]
    )
    table = (
        cells.pivot(index=["term_start", "term"], columns="scale", values="cell")
        .reindex(columns=list(scales))
        .astype(object)
        .fillna("none complete")
        .sort_index(ascending=False)
        .reset_index()
        .drop(columns="term_start")
        .rename(columns={"term": "Term"})
    )
    table.columns.name = None
    return table


def sustaining_table(latest: pd.DataFrame, *, building_names: Mapping[str, str]) -> pd.DataFrame:
    rows = latest[latest["sustaining"]].assign(
        Building=lambda frame: frame["building_id"].map(lambda b: building_names.get(b, b))
    )
    rows = rows.sort_values(["Building", "scale"])
    return rows[["Building", "scale", "streak"]].rename(
        columns={"scale": "Scale", "streak": "Administrations in a row"}
    )


def missing_table(missing: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Building": missing["name"],
            "Level": missing["level"].map(LEVEL_NAMES),
            "Last administration": missing["last_administered_on"].map(
                lambda day: "never" if pd.isna(day) else short_date(day)
            ),
        }
    )


def history_table(
    history: pd.DataFrame, *, scales: Sequence[str], totals: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One building's administrations, newest first: each scale's percent, 'incomplete' or 'not
    scored'; with `totals`, the administration's total and the scales it covers."""
    shown = [
        "not scored" if status == NOT_SCORED else percent_text(percent)
        for percent, status in zip(history["percent"], scale_status(history), strict=True)
    ]
    table = (
        history.assign(shown=shown)
        .pivot(index="administered_on", columns="scale", values="shown")
        .reindex(columns=list(scales))
        .sort_index(ascending=False)
    )
    if totals is not None:
        table["Total"] = total_cells(totals, list(table.index), every_scale=list(scales))
    table.insert(0, "Date", table.index.map(short_date))
    table.columns.name = None
    return table.reset_index(drop=True)


def total_cells(
    totals: pd.DataFrame, dates: Sequence[date], *, every_scale: Sequence[str]
) -> list[str]:
    """Each administration's total percent and the scales it covers: "65.6% (all)" when it covers
    `every_scale`, "60.0% (Tier 1 and Tier 3)" otherwise, "none complete" when no scale was
    completed that day."""
    by_date = totals.set_index("administered_on")
    cells = []
    for day in dates:
        if day not in by_date.index or pd.isna(by_date.loc[day, "percent"]):
            cells.append("none complete")
            continue
        row = by_date.loc[day]
        covered = str(row["covers"]).split(COVERS_SEPARATOR)
        scope = "all" if covered == list(every_scale) else covers_words(row["covers"])
        cells.append(f"{float(row['percent']):.1f}% ({scope})")
    return cells


def covers_words(covers: object) -> str:
    """The scales a total covers (`;`-separated in the data), in words: "Tier 1 and Tier 3"."""
    scales = [scale for scale in str(covers).split(COVERS_SEPARATOR) if scale]
    if len(scales) <= 1:
        return "".join(scales)
    return ", ".join(scales[:-1]) + " and " + scales[-1]


def item_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """Items in the order given: id, 'n of max' (or 'not scored'), title, subscale."""
    return pd.DataFrame(
        {
            "Item": ranked["item_id"],
            "Score": [
                "not scored" if pd.isna(score) else f"{score} of {top}"
                for score, top in zip(ranked["score"], ranked["max_score"], strict=True)
            ],
            "Title": ranked["item_title"],
            "Subscale": ranked["subscale"],
        }
    )
