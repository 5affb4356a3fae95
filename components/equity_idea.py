"""The Equity page's IDEA discipline view: students with IEPs by race and ethnicity, by removal
length and total removals, as `data_access.equity.idea_queries` publishes them (already through the
disclosure layer and the viewer's scope)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.cache import load
from components.charts import PALETTE, base_layout, fit_to_screen
from components.display import show_chart, show_table
from components.text import plain, plain_html
from data_access.equity.idea_queries import IDEA_INDICATORS, get_idea, state_comparison
from data_access.equity.metrics import GROUP_LABELS, Minimums
from data_access.scope import Scope

WITHHELD = {
    "too_few_students": "too few students",
    "protects_another": "withheld to protect another group",
    "count_withheld": "withheld",
}


def show_idea(scope: Scope, school_year: str, minimums: Minimums) -> None:
    st.markdown(
        "This is the **district-level analogue of the state's calculation** of significant "
        "disproportionality in discipline (34 CFR 300.647(b)(3)-(4)): among students with IEPs, "
        "each race and ethnicity group's risk of a removal compared with every other student with "
        f"an IEP (the risk ratio), at least {minimums.min_n_size} students and "
        f"{minimums.min_cell_size} with the removal on each side. Where a building's comparison "
        "group is too small the state uses an alternate risk ratio; here it is worked out but not "
        "shown, as it would give the small group away. It is not the state's determination."
    )
    state = state_comparison()
    if state is None:
        st.caption(
            "No state comparison rates are loaded (MTSS_IDEA_STATE_RATES): the district's "
            "alternate ratios are not calculated."
        )
    else:
        st.caption(
            "The district's alternate ratios use the state's comparison rates the district loaded:"
        )
        show_table(
            pd.DataFrame(
                {
                    "Measure": state["measure"].map(lambda m: IDEA_INDICATORS[f"idea_{m}"]),
                    "Group (students with IEPs)": state["group"].map(
                        lambda g: GROUP_LABELS[("race_ethnicity", g)]
                    ),
                    "State comparison risk": state["comparison_risk"],
                }
            ),
            max_rows=8,
        )
    rows = load(get_idea, scope=scope, school_year=school_year)
    if rows.empty:
        st.info(
            f"No students with IEPs are enrolled in {school_year} in the buildings you can see."
        )
        return
    measure_column, building_column = st.columns([2, 1])
    indicator = measure_column.selectbox(
        "Removal measure (students with IEPs)",
        list(IDEA_INDICATORS),
        format_func=IDEA_INDICATORS.get,
        key="equity_idea_measure",
    )
    names = rows[["building_id", "building_name"]].drop_duplicates().set_index("building_id")
    building = building_column.selectbox(
        "Building",
        list(names.index),
        format_func=lambda b: plain(names.loc[b, "building_name"]),
        key="equity_idea_building",
    )
    shown = rows[(rows["indicator"] == indicator) & (rows["building_id"] == building)]
    title = f"{IDEA_INDICATORS[indicator]}, {school_year}"
    st.subheader(plain(title))
    show_chart(ratio_chart(shown, title, minimums.threshold), key="equity_idea_chart")
    show_table(idea_table(shown, indicator), max_rows=8, download=f"idea_{school_year}")
    st.caption(
        f"Flags: a ratio over {minimums.threshold:g} (more likely than every other student with an "
        f"IEP) or under 1/{minimums.threshold:g}. A blank ratio: too few students to compare, or "
        "withheld so that no small group can be worked out from this and the other equity tables."
    )


def idea_table(rows: pd.DataFrame, indicator: str) -> pd.DataFrame:
    per = "Removals per student" if indicator == "idea_total_removals" else "Risk"
    return pd.DataFrame(
        {
            "Group (students with IEPs)": rows["group"].map(
                lambda g: GROUP_LABELS[("race_ethnicity", g)]
            ),
            "Students": rows["n_group"],
            "With the removal" if per == "Risk" else "Removals": rows["events_group"],
            per: rows["risk_group"].astype(float).round(3),
            f"{per}, every other student with an IEP": rows["risk_comparison"]
            .astype(float)
            .round(3),
            "Ratio": rows["ratio"].astype(float).round(2),
            "Ratio type": rows["ratio_type"].str.replace("_", " "),
            "Flag": rows["flag"],
            "Why blank": rows["withheld_group"].map(WITHHELD),
        }
    )


def ratio_chart(rows: pd.DataFrame, title: str, threshold: float) -> go.Figure:
    shown = rows[rows["ratio"].notna()]
    labels = shown["group"].map(lambda g: plain_html(GROUP_LABELS[("race_ethnicity", g)]))
    colours = [
        PALETTE[1] if f == "over" else PALETTE[0] if f == "under" else PALETTE[4]
        for f in shown["flag"]
    ]
    figure = go.Figure(
        go.Bar(
            x=shown["ratio"].astype(float),
            y=labels,
            orientation="h",
            marker_color=colours,
            text=[f"{r:.2f}" for r in shown["ratio"].astype(float)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>Risk ratio: %{x:.2f}<extra></extra>",
        )
    )
    figure.add_vline(x=threshold, line_dash="dash", line_color=PALETTE[7])
    figure.add_vline(x=1 / threshold, line_dash="dot", line_color=PALETTE[7])
    figure.update_xaxes(
        title_text="Risk ratio (1 = same as every other student with an IEP)", rangemode="tozero"
    )
    if shown.empty:
        figure.add_annotation(
            text="No ratio shown",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
        )
    return fit_to_screen(base_layout(figure, title=title, height=max(300, 40 * len(shown) + 140)))
