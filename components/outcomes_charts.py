"""Student outcomes charts: tier distribution, screening at benchmark, unmet need, referral rates
and breakdowns, and the behaviour triangle. Each takes a DataFrame plus column names and returns a
plotly Figure (no Streamlit calls); a withheld value is missing and draws no bar."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts import PALETTE, base_layout, legend_below
from components.text import plain_html

BLUE, ORANGE, GREEN, PINK, SKY, VERMILLION = PALETTE[:6]
GREY = "#999999"
TIER_COLORS = {"pct_tier1_only": GREEN, "pct_tier2": ORANGE, "pct_tier3": VERMILLION}
TIER_NAMES = {"pct_tier1_only": "Tier 1 only", "pct_tier2": "Tier 2", "pct_tier3": "Tier 3"}
RATE_TITLE = "Referrals per 100 students per school day"
WINDOW_COLORS = {"fall": ORANGE, "winter": SKY, "spring": GREEN}


def _reference_line(figure: go.Figure, x: float, text: str, *, anchor: str = "center") -> None:
    figure.add_vline(x=x, line_dash="dash", line_color="#000000", line_width=2)
    figure.add_annotation(x=x, y=1, yref="paper", yanchor="bottom", xanchor=anchor, text=text,
                          showarrow=False)  # fmt: skip


def tier_chart(data: pd.DataFrame, *, label: str, title: str) -> go.Figure:
    """Stacked bars of pct_tier1_only, pct_tier2 and pct_tier3 per row (`label`), with the 80/15/5
    marks of a healthy system at 80% and 95%."""
    figure = go.Figure()
    names = data[label].map(plain_html)
    for column, name in TIER_NAMES.items():
        figure.add_bar(
            x=data[column], y=names, orientation="h", name=name,
            marker_color=TIER_COLORS[column],
            text=[f"{v:.0f}%" if pd.notna(v) and v >= 8 else "" for v in data[column]],  # room
            textposition="inside",
            hovertemplate=f"%{{y}}<br>{name}: %{{x:.1f}}% of students<extra></extra>",
        )  # fmt: skip
    figure.update_layout(barmode="stack")
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text="% of enrolled students", range=[0, 100])
    _reference_line(figure, 80, "80%")
    _reference_line(figure, 95, "95%")
    figure = base_layout(figure, title=title, height=max(300, 40 * len(data) + 160))
    return legend_below(figure)


def screening_chart(data: pd.DataFrame, *, title: str) -> go.Figure:
    """Percent at benchmark per building (`name`) and window (`window`, `pct`), with the 80% line."""
    figure = go.Figure()
    for window, rows in data.groupby("window", sort=False):
        figure.add_bar(
            x=rows["pct"], y=rows["name"].map(plain_html), orientation="h",
            name=window.capitalize(), marker_color=WINDOW_COLORS.get(window, GREY),
            text=[f"{v:.0f}%" if pd.notna(v) else "withheld" for v in rows["pct"]],
            textposition="outside",
            hovertemplate=f"%{{y}}<br>{window.capitalize()}: %{{x:.1f}}% at benchmark<extra></extra>",
        )  # fmt: skip
    figure.update_layout(barmode="group")
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text="% of screened students at benchmark", range=[0, 105])
    # Ending at the line: centred on it, the words ran off a phone's figure.
    _reference_line(figure, 80, "80%: core sufficient", anchor="right")
    buildings = data["name"].nunique()
    figure = base_layout(
        figure, title=title, height=max(300, 28 * len(data) + 18 * buildings + 160)
    )
    return legend_below(figure)


def count_chart(data: pd.DataFrame, *, x: str, y: str, title: str, x_title: str) -> go.Figure:
    """One bar per row (`y`) of a count (`x`); a withheld count shows no bar."""
    figure = go.Figure()
    figure.add_bar(
        x=data[x], y=data[y].map(plain_html), orientation="h", marker_color=BLUE,
        text=[f"{v:,.0f}" if pd.notna(v) else "withheld" for v in data[x]],
        textposition="outside",
        hovertemplate=f"%{{y}}<br>{x_title}: %{{x:,.0f}}<extra></extra>",
    )  # fmt: skip
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text=x_title, rangemode="tozero")
    return base_layout(figure, title=title, height=max(280, 34 * len(data) + 140))


def rate_by_month_chart(
    data: pd.DataFrame, *, title: str, y: str = "rate", y_title: str = RATE_TITLE
) -> go.Figure:
    """Referrals per 100 students per school day (`rate`, or another column `y`) by month of the
    school year (`month_name` in order), one line per school year (`school_year`), the newest solid."""
    figure = go.Figure()
    years = sorted(data["school_year"].unique())
    for i, (year, rows) in enumerate(data.groupby("school_year", sort=True)):
        newest = i == len(years) - 1
        figure.add_scatter(
            x=rows["month_name"], y=rows[y], mode="lines+markers", name=year,
            line={"color": BLUE if newest else GREY, "width": 3, "dash": None if newest else "dot"},
            hovertemplate=f"%{{x}} {year}: %{{y:.2f}} ({y_title.lower()})<extra></extra>",
        )  # fmt: skip
    figure.update_yaxes(title_text=y_title, rangemode="tozero")
    figure = base_layout(figure, title=title, height=380)
    return legend_below(figure)


def referral_bars(data: pd.DataFrame, *, label: str, title: str) -> go.Figure:
    """Incidents per row (`label`) as majors and minors stacked (`major`, `minor`)."""
    figure = go.Figure()
    for column, name, color in (("major", "Major", VERMILLION), ("minor", "Minor", SKY)):
        figure.add_bar(
            x=data[column], y=data[label].map(plain_html), orientation="h", name=name,
            marker_color=color,
            hovertemplate=f"%{{y}}<br>{name}: %{{x:,.0f}} referrals<extra></extra>",
        )  # fmt: skip
    figure.update_layout(barmode="stack")
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text="Referrals", rangemode="tozero")
    figure = base_layout(figure, title=title, height=max(300, 32 * len(data) + 160))
    return legend_below(figure)


FIDELITY_COLORS = {"At criterion": GREEN, "Below criterion": VERMILLION, "No complete TFI": GREY}


def fidelity_outcome_chart(
    data: pd.DataFrame, *, x: str, title: str, x_title: str, line: float | None = None
) -> go.Figure:
    """One bar per building (`name`) of an outcome `x`, coloured by its TFI Tier 1 status
    (`status`); a missing value (withheld, or none) draws no bar."""
    figure = go.Figure()
    ordered = data.sort_values(["status", "name"])
    for status, rows in ordered.groupby("status", sort=False):
        figure.add_bar(
            x=rows[x], y=rows["name"].map(plain_html), orientation="h", name=status,
            marker_color=FIDELITY_COLORS.get(status, GREY),
            hovertemplate=f"%{{y}}<br>{x_title}: %{{x:.2f}}<extra>{status}</extra>",
        )  # fmt: skip
    figure.update_yaxes(categoryorder="array", autorange="reversed",
                        categoryarray=list(ordered["name"].map(plain_html)))  # fmt: skip
    figure.update_xaxes(title_text=x_title, rangemode="tozero")
    if line is not None:
        _reference_line(figure, line, f"{line:g}%")
    figure = base_layout(figure, title=title, height=max(300, 30 * len(data) + 160))
    return legend_below(figure)


RISK_COLORS = {"low": GREEN, "some": ORANGE, "high": VERMILLION}
RISK_NAMES = {"low": "Low risk", "some": "Some risk", "high": "High risk"}


def movement_chart(data: pd.DataFrame, *, title: str) -> go.Figure:
    """Students by fall risk level (`fall`, one bar each, high first) split by their spring level
    (`spring`, stacked: low, some, high) from `students`; a withheld count draws no segment."""
    figure = go.Figure()
    falls = ["high", "some", "low"]  # every level, even one whose counts are all withheld
    labels = [f"{RISK_NAMES[level]} in fall" for level in falls]
    for spring in ("low", "some", "high"):
        rows = data[data["spring"] == spring].set_index("fall").reindex(falls)
        figure.add_bar(
            x=rows["students"].astype("float"), y=labels, orientation="h",
            name=f"{RISK_NAMES[spring]} in spring", marker_color=RISK_COLORS[spring],
            text=[f"{v:,.0f}" if pd.notna(v) else "" for v in rows["students"]],
            textposition="inside",
            hovertemplate=f"%{{y}}, {RISK_NAMES[spring].lower()} in spring: %{{x:,.0f}} students"
            "<extra></extra>",
        )  # fmt: skip
    # A number too long for its segment is hidden, not shrunk to a smudge (the table has it).
    figure.update_layout(barmode="stack", uniformtext_minsize=12, uniformtext_mode="hide")
    figure.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    figure.update_xaxes(title_text="Students screened in fall and spring", rangemode="tozero")
    figure = base_layout(figure, title=title, height=380)
    return legend_below(figure)


TRIANGLE_COLORS = {"all": BLUE, "major": VERMILLION, "minor": SKY}
TRIANGLE_NAMES = {"all": "Every referral", "major": "Majors", "minor": "Minors"}


def triangle_chart(data: pd.DataFrame, *, title: str) -> go.Figure:
    """Percent of students per band (`band`, `pct`), one bar per kind of referral (`kind`: all,
    major, minor) side by side; a withheld count draws no bar and says so."""
    figure = go.Figure()
    for kind, rows in data.groupby("kind", sort=False):
        figure.add_bar(
            x=rows["pct"].astype("float"), y=rows["band"], orientation="h",
            name=TRIANGLE_NAMES[kind], marker_color=TRIANGLE_COLORS[kind],
            text=[f"{v:.0f}%" if pd.notna(v) else "withheld" for v in rows["pct"]],
            textposition="outside", cliponaxis=False, constraintext="none",
            hovertemplate=f"%{{y}}, {TRIANGLE_NAMES[kind].lower()}: %{{x:.1f}}% of students"
            "<extra></extra>",
        )  # fmt: skip
    figure.update_layout(barmode="group", bargroupgap=0.1)
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text="% of enrolled students", range=[0, 118])  # room for "96%"
    kinds = data["kind"].nunique()
    figure = base_layout(figure, title=title, height=max(280, 3 * (24 * kinds + 24) + 180))
    return legend_below(figure) if kinds > 1 else figure
