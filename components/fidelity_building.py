"""The Fidelity page's *One building* tab: a building's scores over time, then one administration's
items of one scale, lowest first, with a link to plan an action on each of the lowest."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components.display import show_chart, show_table
from components.fidelity_charts import item_scores_chart, trend_chart
from components.fidelity_subscales import show_subscales
from components.fidelity_tables import history_table, item_table, long_date, short_date
from components.follow_up import create_action_link
from components.page import building_from_link
from components.text import plain, plain_html
from data_access.fidelity.scoring import rank_items
from data_access.fidelity.view import FidelityView

ITEMS_TO_PLAN = 3  # teams pick 1-3 low-scoring items per administration to action-plan on


def keep_choice(key: str, options: list) -> None:
    """Forget a remembered choice the options no longer hold (another instrument, a new store)."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def show_building_history(view: FidelityView) -> tuple[str, date, str]:
    """A building's trend and history, then the choice of one of its administrations and a scale,
    with that scale's result: returns (building_id, administered_on, scale)."""
    scores = view.scores
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
            history_table(
                history,
                scales=view.scales,
                totals=view.totals[view.totals["building_id"] == building_id],
            ),
            max_rows=10,
            download="fidelity-building-history",
        )
        st.caption(
            "Total: the points of the scales completed that day, as a percent of their points "
            "possible (all: every scale); an incomplete scale is left out of it."
        )
    show_subscales(view, building_id)

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
    return building_id, administered_on, scale


def show_administration_items(
    view: FidelityView, *, building_id: str, administered_on: date, scale: str, items: pd.DataFrame
) -> None:
    """One administration's items of one scale, lowest first: the ones to plan on, a chart, a table."""
    name = view.name(building_id)
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
