"""Implementation fidelity: are our buildings doing MTSS as designed, and which items should each act
on? One instrument at a time (percentages of different instruments or versions are never combined)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from components.access import may_record
from components.cache import load
from components.display import ROW_HEIGHT, show_chart, show_dataframe, show_table
from components.fidelity_charts import (
    SUSTAINING_MARK,
    item_scores_chart,
    scale_grid_chart,
    share_at_criterion_chart,
    status_count_chart,
    style_scale_grid,
    trend_chart,
    trend_small_multiples,
)
from components.fidelity_entry import show_entry_form
from components.fidelity_tables import (
    ScaleGrid,
    history_table,
    item_table,
    long_date,
    missing_table,
    scale_grid,
    share_table,
    short_date,
    status_count_table,
    status_counts,
    sustaining_table,
)
from components.follow_up import create_action_link
from components.page import building_from_link, current_scope, current_user, page_setup
from components.text import plain, plain_html
from data_access.fidelity.queries import (
    get_administration_items,
    get_fidelity_buildings,
    get_fidelity_overview,
    list_scored_instruments,
)
from data_access.fidelity.scoring import (
    AT_CRITERION,
    INCOMPLETE,
    buildings_without_administration,
    rank_items,
)
from data_access.imports_common import school_year_end, school_year_of, school_year_start
from data_access.scope import Scope

GRID_MAX_BUILDINGS = 30  # more and the grid chart becomes counts per scale, beside the full table
PANELS_MAX_BUILDINGS = 12  # more and each building's trend is shown one building at a time
ITEMS_TO_PLAN = 3  # teams pick 1-3 low-scoring items per administration to action-plan on


@dataclass(frozen=True)
class View:
    """What every section of the page needs to know about the chosen instrument and district."""

    instrument: str
    scales: list[str]  # in the instrument's order
    criteria: dict[str, float]  # scale → criterion percent
    building_ids: list[str]  # buildings with scores, by name
    building_names: dict[str, str]
    school_year: str  # the current school year
    scope: Scope  # the buildings the viewer may see

    @property
    def criterion_words(self) -> str:
        values = set(self.criteria.values())
        return f"{values.pop():g}%" if len(values) == 1 else "each scale's criterion"

    def name(self, building_id: str) -> str:
        return self.building_names.get(building_id, building_id)


def keep_choice(key: str, options: list) -> None:
    """Forget a remembered choice the options no longer hold (another instrument, a new store)."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def show_grid_table(
    grid: ScaleGrid, *, scales: list[str], max_rows: int, wide: bool = False
) -> None:
    """The grid as a table with coloured cells (`show_table` takes no Styler: it has no length)."""
    show_dataframe(
        style_scale_grid(grid.table, grid.statuses, scales=scales),
        hide_index=True,
        height=ROW_HEIGHT * (min(len(grid.table), max_rows) + 1) + 3,
        width="stretch",
        column_config={
            "Building": st.column_config.TextColumn(pinned=True, width="medium" if wide else None)
        }
        | {scale: st.column_config.TextColumn(alignment="right") for scale in scales},
    )


def show_headline(view: View, latest: pd.DataFrame, missing: pd.DataFrame, total: int) -> None:
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


def show_grid(view: View, latest: pd.DataFrame) -> None:
    st.subheader("Latest score of each building")
    st.caption(
        f"The latest {plain(view.instrument)} percent on each scale. Under each building: the date of its "
        "latest administration (a cell shows its own date when that scale was last scored "
        f"earlier). Blue: at or above the criterion ({view.criterion_words}); orange: below it; grey: "
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


def show_share(view: View, share: pd.DataFrame) -> None:
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
            title=f"{plain_html(view.instrument)}: buildings at criterion ({view.criterion_words})",
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
            download="fidelity-share-at-criterion",
        )


def show_trends(view: View, scores: pd.DataFrame) -> None:
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


def show_sustaining_and_missing(view: View, latest: pd.DataFrame, missing: pd.DataFrame) -> None:
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


def show_building(view: View, scores: pd.DataFrame) -> None:
    keep_choice("fidelity_building", view.building_ids)
    building_from_link("fidelity_building", list(view.building_ids))
    building_id = st.selectbox(
        "Building",
        view.building_ids,
        format_func=view.name,
        key="fidelity_building",
    )
    name = view.name(building_id)
    history = scores[scores["building_id"] == building_id]
    chart_column, table_column = st.columns([3, 2], gap="large")
    with chart_column:
        figure = trend_chart(
            history,
            x="administered_on",
            y="percent",
            color="scale",
            criteria=view.criteria,
            title=f"{plain_html(name)}: {plain_html(view.instrument)} percent by administration",
        )
        show_chart(figure, key="fidelity_building_trend")
    with table_column:
        show_table(
            history_table(history, scales=view.scales),
            max_rows=10,
            download="fidelity-building-history",
        )

    dates = sorted(set(history["administered_on"]), reverse=True)
    date_column, scale_column = st.columns(2)
    with date_column:
        keep_choice("fidelity_administration", dates)
        administered_on = st.selectbox(
            "Administration", dates, format_func=long_date, key="fidelity_administration"
        )
    with scale_column:
        keep_choice("fidelity_item_scale", view.scales)
        scale = st.selectbox("Scale", view.scales, key="fidelity_item_scale")
    score = history[
        (history["administered_on"] == administered_on) & (history["scale"] == scale)
    ].iloc[0]
    if score["complete"]:
        verdict = "at criterion" if score["meets_criterion"] else "below criterion"
        st.markdown(
            f"**{plain(scale)}, {long_date(administered_on)}: {score['points']} of {score['possible']} "
            f"points ({score['percent']:.1f}%), {verdict} ({score['criterion_pct']:g}%).**"
        )
    else:
        st.markdown(
            f"**{plain(scale)}, {long_date(administered_on)}: incomplete** — {score['items_scored']} of "
            f"{score['items_total']} items scored, so no percent."
        )
    items = load(
        get_administration_items,
        scope=view.scope,
        building_id=building_id,
        instrument=view.instrument,
        administered_on=administered_on,
    )
    ranked = rank_items(items[items["scale"] == scale])
    to_plan = ranked[ranked["share"].notna() & (ranked["share"] < 1)].head(ITEMS_TO_PLAN)
    if not to_plan.empty:
        st.markdown("**Lowest items, to plan on** (teams pick one to three per administration):")
        for row in to_plan.itertuples():
            item_column, link_column = st.columns([3, 1], vertical_alignment="center")
            item_column.markdown(
                f"- **{plain(row.item_id)} {plain(row.item_title)}**: {row.score} of {row.max_score} points"
            )
            with link_column:
                create_action_link(
                    source_type="fidelity_item",
                    source_ref=f"{view.instrument} {row.item_id}",
                    building_id=building_id,
                    title=f"Raise {view.instrument} {row.item_id} {row.item_title} at {name}",
                    problem_statement=(
                        f"{name} scored {row.score} of {row.max_score} on {view.instrument} item "
                        f"{row.item_id} ({row.item_title}) on {long_date(administered_on)}."
                    ),
                )
    ranked["label"] = ranked["item_id"] + " " + ranked["item_title"].str.slice(0, 45)
    chart_column, table_column = st.columns([3, 2], gap="large")
    with chart_column:
        figure = item_scores_chart(
            ranked,
            label="label",
            score="score",
            max_score="max_score",
            title=f"{plain_html(name)}, {plain_html(scale)}, {short_date(administered_on)}"
            "<br>Item scores, lowest first",
        )
        show_chart(figure, key="fidelity_items_chart")
    with table_column:
        show_table(item_table(ranked), max_rows=20, download="fidelity-item-scores")


status = page_setup(
    "Implementation fidelity",
    caption="Are our buildings doing MTSS as designed, and which items should each act on?",
)
scope = current_scope()
today = date.today()
school_year = school_year_of(status.as_of or today)
year_start, year_end = school_year_start(school_year), school_year_end(school_year)

buildings = load(get_fidelity_buildings, scope=scope)
building_names = dict(zip(buildings["building_id"], buildings["name"], strict=True))
scored_instruments = load(list_scored_instruments, scope=scope)

instrument = None
if buildings.empty:
    if scope.is_district:
        st.warning(
            "The store holds no buildings yet, so there is nothing to show. Load your district's "
            "files (see the README's *Loading your own data*).",
            icon=":material/inbox:",
        )
    else:
        st.info(
            f"This page shows each building's fidelity scores, and you see {plain(scope.label)}, so "
            "there "
            "is nothing to show here. Ask a district admin if you should see a building.",
            icon=":material/lock:",
        )
    st.stop()
if scored_instruments:
    keep_choice("fidelity_instrument", scored_instruments)
    instrument = st.selectbox(
        "Instrument",
        scored_instruments,
        index=scored_instruments.index("TFI-2.1") if "TFI-2.1" in scored_instruments else 0,
        key="fidelity_instrument",
        help="Scores of different instruments, or versions of one (TFI 2.1 and 3.0), are never "
        "combined or drawn on one axis.",
    )
else:
    st.info(
        "No fidelity scores yet. Enter an administration in the *Enter an administration* tab, or "
        "load a `fidelity` file (see the README's *Loading your own data*).",
        icon=":material/inbox:",
    )

may_enter = may_record(current_user(), "save_administration")  # data_access checks it too
district_tab, building_tab, *entry_tabs = st.tabs(
    ["All buildings", "One building", *(["Enter an administration"] if may_enter else [])]
)

if instrument is not None:
    overview = load(get_fidelity_overview, scope=scope, instrument=instrument)
    scores = overview.scores.assign(building=overview.scores["building_id"].map(building_names))
    latest = overview.latest
    view = View(
        instrument=instrument,
        scales=list(dict.fromkeys(scores["scale"])),
        criteria=scores.drop_duplicates("scale").set_index("scale")["criterion_pct"].to_dict(),
        building_ids=sorted(set(scores["building_id"]), key=lambda b: building_names.get(b, b)),
        building_names=building_names,
        school_year=school_year,
        scope=scope,
    )
    missing = buildings_without_administration(
        buildings,
        scores.drop_duplicates(["building_id", "administered_on"]),
        start=year_start,
        end=year_end,
    )
    with district_tab:
        show_headline(view, latest, missing, total=len(buildings))
        show_grid(view, latest)
        show_share(view, overview.share)
        show_trends(view, scores)
        show_sustaining_and_missing(view, latest, missing)
    with building_tab:
        show_building(view, scores)

for entry_tab in entry_tabs:
    with entry_tab:
        show_entry_form(
            buildings=buildings,
            building_names=building_names,
            default_instrument=instrument,
            editor=current_user(),
            today=today,
        )
