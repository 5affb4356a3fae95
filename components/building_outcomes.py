"""The Building page's Student outcomes section: where the building stands (the Overview matrix's
outcome cell, in the same words), its agenda items (core below 80%, unmet need up, referrals up)
with their links, and the figures behind them this year and last. Published figures only: a withheld
one says "withheld"."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.display import WRAPPED_ROW_HEIGHT, show_table
from components.meeting_agenda_outcomes import OUTCOMES_PAGE, show_outcome_item
from components.meeting_charts import LEVEL_NAMES
from components.meeting_wording import cell_words
from components.outcome_wording import month_words, outcome_items
from data_access.meeting.rules import outcome_cells
from data_access.school_year import previous_school_year
from data_access.system_health.signals import OutcomeSignals

WITHHELD = "withheld"


def _item(text: str):
    """An item's line and, beside it, the column for its links."""
    text_column, link_column = st.columns([4, 1], vertical_alignment="center")
    text_column.markdown(text)
    return link_column


def _figure(value: object, template: str) -> str:
    return WITHHELD if value is None or pd.isna(value) else template.format(float(value))


def outcome_figures(outcomes: OutcomeSignals, building_id: str) -> pd.DataFrame:
    """The building's figures behind the signals: what, this year, last year (withheld: said so;
    not comparable or not recorded: empty)."""
    year, before = outcomes.school_year, previous_school_year(outcomes.school_year)
    rows = []
    screening = outcomes.screening[outcomes.screening["building_id"] == building_id]
    for row in screening.to_dict("records"):
        if row["state"] == "not_screened":
            continue
        rows.append({
            "Figure": f"% of screened students at benchmark, {row['window']}",
            year: _figure(row["pct_at_benchmark"], "{:.1f}%"), before: "",
        })  # fmt: skip
    unmet = outcomes.unmet[outcomes.unmet["building_id"] == building_id]
    for row in unmet.to_dict("records"):
        rows.append({
            "Figure": "% of students below benchmark with no support"
            + (f", {row['window']}" if row["window"] else ""),
            year: _figure(row["pct_now"], "{:.1f}%"),
            before: _figure(row["pct_before"], "{:.1f}%") if row["window"] else "not comparable",
        })  # fmt: skip
    referrals = outcomes.referrals[outcomes.referrals["building_id"] == building_id]
    for row in referrals.to_dict("records"):
        rows.append({
            "Figure": "Referrals per 100 students per school day, to the end of "
            f"{month_words(row['last_month'])}",
            year: "" if pd.isna(row["rate"]) else f"{row['rate']:.2f}",
            before: "" if pd.isna(row["rate_before"]) else f"{row['rate_before']:.2f}",
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["Figure", year, before])


def show_building_outcomes(outcomes: OutcomeSignals | None, building_id: str) -> None:
    """The section under its heading (anchor `outcomes`)."""
    year = outcomes.school_year if outcomes is not None else ""
    st.subheader(f"Student outcomes, {year}", anchor="outcomes")
    if outcomes is None or (outcomes.screening.empty and outcomes.referrals.empty):
        st.caption(f"No screening results or referral rates are recorded for {year}.")
        return
    cell = outcome_cells(outcomes.screening, outcomes.unmet, outcomes.referrals).get(building_id)
    if cell is not None:  # the matrix's word and level; the items below give the figures
        word, _ = cell_words("outcomes", cell)
        st.markdown(f"In the Overview's matrix: **{word}** ({LEVEL_NAMES[cell['level']].lower()})")
    items = [
        (kind, row) for kind, row in outcome_items(outcomes) if row["building_id"] == building_id
    ]
    for kind, row in items:
        show_outcome_item(_item, kind, row, year)
    if not items:
        st.caption(
            "Nothing to raise: not below 80% at benchmark, unmet need not rising, referrals not "
            "up on last year (a withheld figure raises nothing)."
        )
    figures = outcome_figures(outcomes, building_id)
    if len(figures):
        # Two lines a row: the figures' names wrap, so this year and last stay on a phone's screen.
        show_table(figures, download="building-student-outcomes", row_height=WRAPPED_ROW_HEIGHT)
        st.caption(
            "Last year's figures are of the same screening window and the same months; a figure "
            "of too few students to show is withheld."
        )
    st.page_link(
        OUTCOMES_PAGE,
        label="Open student outcomes for this building",
        icon=":material/school:",
        query_params={"building": building_id},
    )
