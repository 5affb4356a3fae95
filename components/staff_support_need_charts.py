"""Charts of the Staff support page's resourcing tabs: need per support FTE by building, caseloads per
FTE by month per role, and support-staff turnover by school year. Each returns a plotly Figure (no
Streamlit calls)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts import FONT_SIZE, PALETTE, base_layout, legend_below
from components.staff_support_charts import role_name
from components.text import plain_html
from data_access.staff_support.need import NO_STAFF, WITHHELD

BLUE, ORANGE, GREEN, PINK, SKY, VERMILLION = PALETTE[:6]
MOST_BUILDINGS = 15  # more bars than this stop being readable on a projector: the table has all


def need_chart(buildings: pd.DataFrame, *, title: str) -> go.Figure:
    """One row per building, in need_rank order (1 at the top): students needing support per support
    FTE as a bar, all students per support FTE (the plain ratio) as a diamond beside it. A building
    with no support staff, or whose count is withheld, is written out instead of drawn."""
    rows = buildings.head(MOST_BUILDINGS).reset_index(drop=True)
    labels = [
        f"{'' if pd.isna(rank) else f'{int(rank)}. '}{plain_html(name)}"
        for rank, name in zip(rows["need_rank"], rows["name"], strict=True)
    ]
    need = rows["students_needing_support_per_fte"]
    plain_ratio = rows["students_per_support_fte"]
    figure = go.Figure()
    figure.add_bar(
        x=need.fillna(0),
        y=labels,
        orientation="h",
        name="Students needing support per support FTE",
        marker_color=BLUE,
        text=["" if pd.isna(v) else f"{v:,.0f}" for v in need],
        textposition="inside",
        insidetextanchor="end",
        hovertemplate="%{y}: %{x:,.0f} students needing support per FTE<extra></extra>",
    )
    figure.add_scatter(
        x=plain_ratio,
        y=labels,
        mode="markers",
        name="All students per support FTE",
        marker={"symbol": "diamond", "size": 14, "color": ORANGE, "line": {"width": 1}},
        hovertemplate="%{y}: %{x:,.0f} students per FTE<extra></extra>",
    )
    for label, reason, count in zip(
        labels, rows["reason"], rows["students_needing_support"], strict=True
    ):
        text = None
        if reason == NO_STAFF:
            text = f"No support staff · {int(count):,} students needing support"
        elif reason == WITHHELD:
            text = "Count withheld (privacy)"
        if text:
            figure.add_annotation(
                x=0,
                y=label,
                text=text,
                showarrow=False,
                xanchor="left",
                font={"size": FONT_SIZE, "color": VERMILLION if reason == NO_STAFF else "#555555"},
            )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(
        title_text="Students per full-time support staff member", rangemode="tozero"
    )
    figure = base_layout(figure, title=title, height=max(340, 48 * len(rows) + 220))
    return legend_below(figure, lines=2)


def caseload_trend_chart(trend: pd.DataFrame, *, title: str) -> go.Figure:
    """Per role, the median caseload per FTE month by month (a line) and the middle half of the
    role's staff (the band between the quartiles): a band that widens is parity drifting."""
    figure = go.Figure()
    for i, (role, rows) in enumerate(trend.groupby("role", sort=True)):
        colour = PALETTE[i % (len(PALETTE) - 2)]
        months = [f"{m:%b %Y}" for m in rows["month"]]
        figure.add_scatter(
            x=months + months[::-1],
            y=list(rows["q3"]) + list(rows["q1"])[::-1],
            fill="toself",
            fillcolor=colour,
            opacity=0.18,
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
        figure.add_scatter(
            x=months,
            y=rows["median"],
            mode="lines+markers",
            name=role_name(role),
            line={"color": colour, "width": 3},
            customdata=rows[["q1", "q3", "staff"]].to_numpy(),
            hovertemplate=role_name(role) + ", %{x}: median %{y:.1f} cases per FTE"
            "<br>middle half %{customdata[0]:.1f} to %{customdata[1]:.1f}"
            " (%{customdata[2]} staff)<extra></extra>",
        )
    figure.update_yaxes(title_text="Active cases per FTE", rangemode="tozero")
    figure.update_xaxes(title_text="Month (latest count in the month)", type="category")
    figure = base_layout(figure, title=title, height=460)
    return legend_below(figure, lines=max(1, (trend["role"].nunique() + 2) // 3))


def turnover_chart(district: pd.DataFrame, *, title: str) -> go.Figure:
    """Support-staff turnover (leavers / staff in post, %) per school year, a bar per role, with
    all support roles together as a black line."""
    figure = go.Figure()
    roles = [r for r in dict.fromkeys(district["role"]) if r != "ALL"]
    for i, role in enumerate(roles):
        rows = district[district["role"] == role]
        figure.add_bar(
            x=rows["school_year"],
            y=rows["turnover"] * 100,
            name=role_name(role),
            marker_color=PALETTE[i % (len(PALETTE) - 2)],
            customdata=rows[["leavers", "in_post"]].to_numpy(),
            hovertemplate=role_name(role) + " %{x}: %{y:.0f}% (%{customdata[0]} of "
            "%{customdata[1]} left)<extra></extra>",
        )
    everyone = district[district["role"] == "ALL"]
    figure.add_scatter(
        x=everyone["school_year"],
        y=everyone["turnover"] * 100,
        mode="lines+markers+text",
        name="All support roles",
        line={"color": "black", "width": 3},
        text=[f"{v:.0f}%" for v in everyone["turnover"] * 100],
        textposition="top center",
        cliponaxis=False,
    )
    figure.update_layout(barmode="group")
    figure.update_yaxes(title_text="Leavers as % of staff in post", rangemode="tozero")
    figure.update_xaxes(title_text="School year (1 July to 30 June)", type="category")
    figure = base_layout(figure, title=title, height=440)
    return legend_below(figure, lines=max(1, (len(roles) + 3) // 3))
