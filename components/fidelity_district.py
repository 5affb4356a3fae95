"""The Fidelity page's *All buildings* tab: the headline counts, each building's latest score on each
scale, the share at criterion by term, each building's trend, who is sustaining and who has not taken
the instrument this school year. Each section draws one `FidelityView`."""

from __future__ import annotations

import streamlit as st

from components.display import (
    ROW_HEIGHT,
    WRAPPED_ROW_HEIGHT,
    show_chart,
    show_dataframe,
    show_table,
)
from components.fidelity_charts import (
    SUSTAINING_MARK,
    scale_grid_chart,
    share_at_criterion_chart,
    status_count_chart,
    style_scale_grid,
    trend_small_multiples,
)
from components.fidelity_subscales import show_lowest_subscales
from components.fidelity_tables import (
    ScaleGrid,
    long_date,
    missing_table,
    scale_grid,
    share_table,
    status_count_table,
    status_counts,
    sustaining_table,
)
from components.text import plain, plain_html
from data_access.fidelity.scoring import AT_CRITERION, INCOMPLETE
from data_access.fidelity.view import FidelityView
from data_access.school_year import school_year_end, school_year_start

GRID_MAX_BUILDINGS = 30  # more and the grid chart becomes counts per scale, beside the full table
PANELS_MAX_BUILDINGS = 12  # more and each building's trend is shown one building at a time


def criterion_words(view: FidelityView) -> str:
    """The criterion in words: one percent when every scale shares it."""
    values = set(view.criteria.values())
    return f"{values.pop():g}%" if len(values) == 1 else "each scale's criterion"


def show_all_buildings(view: FidelityView) -> None:
    show_headline(view)
    show_grid(view)
    show_share(view)
    show_trends(view)
    show_lowest_subscales(view)
    show_sustaining_and_missing(view)


def show_grid_table(
    grid: ScaleGrid, *, scales: list[str], max_rows: int, wide: bool = False
) -> None:
    """The grid as a table with coloured cells (`show_table` takes no Styler: it has no length).
    Beside the chart (not `wide`) its rows take two lines, so names and dates wrap and the table
    fits half a 1280 px projector."""
    row_height = ROW_HEIGHT if wide else WRAPPED_ROW_HEIGHT
    show_dataframe(
        style_scale_grid(grid.table, grid.statuses, scales=scales),
        hide_index=True,
        height=ROW_HEIGHT + row_height * min(len(grid.table), max_rows) + 3,
        row_height=row_height,
        width="stretch",
        column_config={
            "Building": st.column_config.TextColumn(pinned=True, width="medium" if wide else None)
        }
        | {scale: st.column_config.TextColumn(alignment="right") for scale in scales},
    )


def show_headline(view: FidelityView) -> None:
    latest, missing, total = view.latest, view.missing, len(view.buildings)
    columns = st.columns(min(len(view.scales), 4) + 2)
    columns[0].metric(
        f"Assessed in {view.school_year}",
        f"{total - len(missing)} of {total}",
        help=f"Buildings with a {plain(view.instrument)} administration dated "
        f"{long_date(school_year_start(view.school_year))} to "
        f"{long_date(school_year_end(view.school_year))}.",
    )
    for column, scale in zip(columns[1:-1], view.scales[:4], strict=False):
        rows = latest[(latest["scale"] == scale) & (latest["status"] != INCOMPLETE)]
        at_criterion = int((rows["status"] == AT_CRITERION).sum())
        column.metric(
            f"{plain(scale)} at criterion",
            f"{at_criterion} of {len(rows)}" if len(rows) else "none complete",
            help=f"Buildings whose latest {plain(scale)} score is complete and at or above "
            f"{view.criteria[scale]:g}%, of those whose latest score is complete.",
        )
    columns[-1].metric(
        "Sustaining",
        f"{latest.loc[latest['sustaining'], 'building_id'].nunique()}",
        help="Buildings at criterion on at least one scale in each of their last three "
        "administrations.",
    )


def show_grid(view: FidelityView) -> None:
    latest = view.latest
    st.subheader("Latest score of each building")
    st.caption(
        f"The latest {plain(view.instrument)} percent on each scale. Under each building: the date of its "
        "latest administration (a cell shows its own date when that scale was last scored "
        f"earlier). Blue: at or above the criterion ({criterion_words(view)}); orange: below it; grey: "
        f"incomplete (some items not scored, so no percent). {SUSTAINING_MARK} sustaining: at "
        "criterion in each of the last three administrations."
    )
    many = len(view.building_ids) > GRID_MAX_BUILDINGS
    grid = scale_grid(
        latest,
        building_ids=view.building_ids,
        building_names=view.building_names,
        scales=view.scales,
        with_details=many,
    )
    chart_column, table_column = st.columns([1, 1], gap="large")
    if many:  # a row per building stops being readable: counts per scale, then the full table
        counts = status_counts(grid.statuses, scales=view.scales)
        with chart_column:
            figure = status_count_chart(
                counts,
                scale="scale",
                status="status",
                count="buildings",
                scales=view.scales,
                title=f"{plain_html(view.instrument)}: buildings by latest score",
            )
            show_chart(figure, key="fidelity_grid_chart")
        with table_column:
            show_table(
                status_count_table(counts, scales=view.scales), download="fidelity-status-counts"
            )
        st.caption(
            "Every building's latest percent (sort by a column: click its heading; search: hover "
            "the table and use the magnifier)."
        )
        show_grid_table(grid, scales=view.scales, max_rows=15, wide=True)
        return
    with chart_column:
        figure = scale_grid_chart(
            grid.cells,
            building="row",
            scale="scale",
            status="status",
            text="cell",
            buildings=grid.row_labels,
            scales=view.scales,
            title=f"Latest {plain_html(view.instrument)} percent",
        )
        show_chart(figure, key="fidelity_grid_chart")
    with table_column:
        show_grid_table(grid, scales=view.scales, max_rows=GRID_MAX_BUILDINGS)


def show_share(view: FidelityView) -> None:
    share = view.share
    st.subheader("Share of buildings at criterion, by term")
    chart_column, table_column = st.columns([3, 2], gap="large")
    with chart_column:
        figure = share_at_criterion_chart(
            share,
            x="term_start",
            label="term",
            y="share",
            color="scale",
            scales=view.scales,
            title=f"{plain_html(view.instrument)}: buildings at criterion ({criterion_words(view)})",
        )
        show_chart(figure, key="fidelity_share_chart")
    with table_column:
        st.caption(
            "Buildings at criterion of those with a complete score that term (a building counts "
            "once, with its latest complete score). Terms: fall July to November, winter December "
            "to February, spring March to June."
        )
        show_table(
            share_table(share, scales=view.scales),
            max_rows=12,
            row_height=WRAPPED_ROW_HEIGHT,  # "7 of 12 (58%)" on two lines: fits beside the chart
            download="fidelity-share-at-criterion",
        )


def show_trends(view: FidelityView) -> None:
    scores = view.scores
    st.subheader("Each building's scores over time")
    if len(view.building_ids) > PANELS_MAX_BUILDINGS:
        st.caption(
            f"{len(view.building_ids):,} buildings: choose one in the *One building* tab to see its "
            "trend, or sort the table above."
        )
        return
    figure = trend_small_multiples(
        scores,
        panel="building",
        x="administered_on",
        y="percent",
        color="scale",
        panels=[view.name(b) for b in view.building_ids],
        criteria=view.criteria,
        title=f"{plain_html(view.instrument)} percent by administration",
    )
    show_chart(figure, key="fidelity_trend_panels")


def show_sustaining_and_missing(view: FidelityView) -> None:
    latest, missing = view.latest, view.missing
    sustaining_column, missing_column = st.columns(2, gap="large")
    with sustaining_column:
        st.subheader(f"{SUSTAINING_MARK} Sustaining")
        if not latest["sustaining"].any():
            st.write("No building is at criterion three administrations in a row yet.")
        else:
            st.caption("At criterion in each of its last three administrations, or more.")
            show_table(
                sustaining_table(latest, building_names=view.building_names),
                max_rows=12,
                download="fidelity-sustaining",
            )
    with missing_column:
        st.subheader(f"No administration in {view.school_year}")
        if missing.empty:
            st.write(f"Every building has taken the {plain(view.instrument)} this school year.")
        else:
            show_table(missing_table(missing), max_rows=12, download="fidelity-not-administered")
