"""The Overview's key charts: latest fidelity, supervision coverage and equity flags of the buildings
needing most attention, each beside its table; a click on a bar opens that building's page there."""

from __future__ import annotations

import pandas as pd
import streamlit as st

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


def show_key_charts(picture: MeetingPicture) -> None:
    matrix = picture.matrix
    if not matrix.empty:
        st.subheader("Key charts")
        fidelity_tab, supervision_tab, equity_tab = st.tabs(
            [AREA_HEADINGS["fidelity"], AREA_HEADINGS["supervision"], AREA_HEADINGS["equity"]]
        )
        order, few = charted_buildings(picture)
        # A click on a building's bar opens its page at that area.
        building_ids = dict(zip(matrix["building"], matrix["building_id"], strict=True))
        with fidelity_tab:
            rows = fidelity_rows(picture, order)
            chart_column, table_column = st.columns([3, 2], gap="large")
            if rows.empty:
                st.caption(f"No {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} scores yet.")
            else:
                with chart_column:
                    show_clickable_bars(
                        fidelity_figure(rows, few=few),
                        key="meeting_fidelity_chart",
                        building_ids=building_ids,
                        area="fidelity",
                    )
                with table_column:
                    ordered = rows.sort_values(["percent", "building"])
                    show_table(
                        pd.DataFrame(
                            {
                                "Building": ordered["building"],
                                "Latest": [f"{p:.0f}%" for p in ordered["percent"].astype(float)],
                                "Status": ordered["word"],
                            }
                        )
                    )
        with supervision_tab:
            rows = coverage_rows(picture, order)
            chart_column, table_column = st.columns([3, 2], gap="large")
            if rows.empty:
                st.caption("No support staff assigned this school year.")
            else:
                with chart_column:
                    show_clickable_bars(
                        coverage_figure(rows, picture=picture, few=few),
                        key="meeting_supervision_chart",
                        building_ids=building_ids,
                        area="staff",
                    )
                with table_column:
                    ordered = rows.sort_values(["share", "building"])
                    show_table(
                        pd.DataFrame(
                            {
                                "Building": ordered["building"],
                                "Support staff": ordered["staff"],
                                "Supervised": ordered["covered"],
                                "Share": [f"{s:.0%}" for s in ordered["share"]],
                            }
                        )
                    )
        with equity_tab:
            rows = flag_rows(picture, order)
            chart_column, table_column = st.columns([3, 2], gap="large")
            if rows.empty:
                st.caption(
                    f"No building in your view has an equity concern in {picture.equity_year}."
                )
            else:
                with chart_column:
                    show_clickable_bars(
                        flags_figure(rows, picture=picture, few=few),
                        key="meeting_equity_chart",
                        building_ids=building_ids,
                        area="equity",
                    )
                with table_column:
                    ordered = rows.assign(total=rows["new_or_worse"] + rows["continuing"])
                    ordered = ordered.sort_values(["total", "building"], ascending=[False, True])
                    show_table(
                        pd.DataFrame(
                            {
                                "Building": ordered["building"],
                                "Flags": ordered["total"],
                                "New or worse than last year": ordered["new_or_worse"],
                            }
                        )
                    )
