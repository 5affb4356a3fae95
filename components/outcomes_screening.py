"""The Student outcomes page's Screening tab: percent at benchmark by building and window, for all
measures together or one measure at a time, with the 80% line; and the movement between risk
levels fall to spring at the chosen place. Each chart has its table beside it; a withheld count
says "withheld"."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.cache import derive_figure
from components.display import show_chart, show_table
from components.outcomes_charts import movement_chart, screening_chart
from components.outcomes_common import (
    WITHHELD,
    _count,
    _percent,
    _side_by_side,
    _year_rows,
)
from components.text import plain
from data_access.system_health.rules import DISTRICT_ID
from data_access.system_health.view import StudentOutcomesView

ALL_MEASURES = ""  # the selector's first choice: the window figures, every measure together
WINDOWS = ("fall", "winter", "spring")


def _screening_rows(view: StudentOutcomesView) -> pd.DataFrame:
    """Every measure together: the `system_health` window figures."""
    rows = _year_rows(view, view.school_year)
    parts = []
    for window in WINDOWS:
        part = rows[["name"]].assign(
            window=window,
            screened=rows[f"screened_{window}"],
            pct=rows[f"pct_at_benchmark_{window}"],
        )
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    seen = out.groupby("window")["screened"].transform(lambda s: s.notna().any() and s.sum() > 0)
    return out[seen.astype(bool)].reset_index(drop=True)


def _measure_rows(view: StudentOutcomesView, measures: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One measure's rows: buildings by name, the district last, windows in order."""
    if measure == ALL_MEASURES:
        return _screening_rows(view)
    rows = measures[measures["measure"] == measure]
    names = view.building_names | {DISTRICT_ID: "Whole district"}
    rows = rows.assign(
        name=rows["building_id"].map(names),
        district=rows["building_id"] == DISTRICT_ID,
        order=rows["window"].map(WINDOWS.index),
        pct=rows["pct_at_benchmark"],
    )
    rows = rows.sort_values(["order", "district", "name"])
    return rows[["name", "window", "screened", "pct"]].reset_index(drop=True)


def _screening_figure(pair, *, school_year, measure, buildings):
    view, measures = pair[0], pair[1]["measures"]
    what = "every measure" if measure == ALL_MEASURES else measure
    return screening_chart(
        _measure_rows(view, measures, measure),
        title=f"Universal screening ({what}), {school_year}: % of screened students at benchmark",
    )


def _movement_rows(movement: pd.DataFrame, place: str, measure: str) -> pd.DataFrame:
    rows = movement[(movement["building_id"] == place) & (movement["measure"] == measure)]
    return rows[["fall", "spring", "students"]].reset_index(drop=True)


def _movement_figure(pair, *, school_year, place, measure, buildings):
    view, movement = pair[0], pair[1]["movement"]
    name = view.building_names.get(place, "whole district")
    rows = _movement_rows(movement, place, measure)
    rows = rows[(rows["fall"] != "all") & (rows["spring"] != "all")]
    return movement_chart(
        rows, title=f"Risk level fall to spring ({measure}), {name}, {school_year}: students"
    )


def _movement_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Fall level down, spring level across, with both totals (short headings: the table sits in
    half a projector's width, or a phone's)."""
    wide = rows.pivot_table(index="fall", columns="spring", values="students", aggfunc="first",
                            dropna=False)  # fmt: skip
    order = ["high", "some", "low", "all"]
    wide = wide.reindex(index=order, columns=order)
    out = pd.DataFrame({"Fall ↓ spring →": [level.capitalize() for level in order]})
    for level in order:
        out[level.capitalize()] = [_count(v) for v in wide[level]]
    return out


def _pair_figure(build, view: StudentOutcomesView, figures: dict, **arguments):
    """`derive_figure` over the view and the screening figures (neither part of the key: the
    school year, the place, the measure and the buildings in scope are)."""
    buildings = tuple(sorted(view.building_names))
    return derive_figure(build, (view, figures), buildings=buildings, **arguments)


def show_movement(view: StudentOutcomesView, figures: dict, *, place: str) -> None:
    movement = figures["movement"]
    name = view.building_names.get(place, "the whole district")
    st.subheader(f"Movement between risk levels, fall to spring, {name}")
    st.caption(
        "Students with a risk level (low, some or high risk) on the measure in both fall and "
        "spring, by their fall level (down) and their spring level (across): are students at high "
        "risk in fall moving down by spring? \"All\" is the row's or the column's total."
    )
    measures = sorted(set(movement.loc[movement["building_id"] == place, "measure"]))
    if not measures:
        st.info(
            f"No risk levels are recorded for {name} in both fall and spring of {view.school_year}.",
            icon=":material/inbox:",
        )
        return
    measure = measures[0]
    if len(measures) > 1:
        measure = st.radio("Measure", measures, format_func=plain, horizontal=True,
                           key="outcomes_movement_measure")  # fmt: skip
    rows = _movement_rows(movement, place, measure)
    if rows["students"].isna().all():  # an empty chart and a table of "withheld" say nothing
        st.info(f"Every count of the movement at {name} is {WITHHELD}: too small to show, or it "
                "would let a small one be worked out.", icon=":material/visibility_off:")  # fmt: skip
        return
    chart, table = _side_by_side()
    with chart:
        show_chart(_pair_figure(_movement_figure, view, figures, school_year=view.school_year,
                                place=place, measure=measure), key="movement")  # fmt: skip
    with table:
        show_table(_movement_table(rows))
        if rows["students"].isna().any():
            st.caption(f"A count marked {WITHHELD} has no bar: it is too small to show, or would "
                       "let a small one be worked out.")  # fmt: skip


def show_screening_tab(view: StudentOutcomesView, figures: dict, *, place: str) -> None:
    year = view.school_year
    st.caption(
        "A student is at benchmark in a window when at benchmark on every measure they were "
        "screened on in it; one measure at a time, each student screened on it counts. 80% or more "
        "at benchmark is the usual sign that core instruction is sufficient."
    )
    measures = figures["measures"]
    if _screening_rows(view).empty and measures.empty:
        st.info(f"No screening results are recorded for {year}.", icon=":material/inbox:")
        return
    names = sorted(set(measures["measure"]))
    measure = ALL_MEASURES
    if len(names) > 1 or (names and _screening_rows(view).empty):
        measure = st.radio(
            "Measure", [ALL_MEASURES, *names], horizontal=True, key="outcomes_measure",
            format_func=lambda m: "Every measure together" if m == ALL_MEASURES else plain(m),
        )  # fmt: skip
    rows = _measure_rows(view, measures, measure)
    chart, table = _side_by_side()
    with chart:
        show_chart(_pair_figure(_screening_figure, view, figures, school_year=year,
                                measure=measure), key="screening")  # fmt: skip
    with table:
        show_table(pd.DataFrame({
            "Building": rows["name"],
            "Window": rows["window"].str.capitalize(),
            "Screened": rows["screened"].map(_count),
            "At benchmark": rows["pct"].map(_percent),
        }), max_rows=40)  # fmt: skip
    show_movement(view, figures, place=place)
