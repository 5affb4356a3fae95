"""Charts of what supervision is carrying and of the staff wellbeing pulse: each takes a DataFrame
plus column names and returns a plotly figure (no Streamlit)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts import PALETTE, base_layout, legend_below
from components.text import plain_html

BLUES = [[0.0, "#f4f8fc"], [1.0, "#0072B2"]]  # one hue, light to dark: colour-blind safe


def theme_heatmap(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    z: str,
    title: str,
    x_title: str,
    unit: str = "",
    x_order: list | None = None,
    y_order: list | None = None,
) -> go.Figure:
    """A grid of counts or shares (`z`) with the value printed in each cell: `y` down the side, `x`
    across, each in `y_order`/`x_order` (else in the order of the rows)."""
    xs = x_order if x_order is not None else list(dict.fromkeys(data[x]))
    ys = y_order if y_order is not None else list(dict.fromkeys(data[y]))
    grid = data.pivot_table(index=y, columns=x, values=z, aggfunc="sum", sort=False)
    grid = grid.reindex(index=ys, columns=xs)
    text = [["" if pd.isna(v) else f"{v:,.0f}{unit}" for v in row] for row in grid.to_numpy()]
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[plain_html(v) for v in xs],
            y=[plain_html(v) for v in ys],
            text=text,
            texttemplate="%{text}",
            colorscale=BLUES,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        )
    )
    figure.update_xaxes(title_text=x_title, side="bottom", type="category")
    figure.update_yaxes(autorange="reversed", type="category")
    return base_layout(figure, title=title, height=max(320, 38 * len(ys) + 150))


def pulse_trend_chart(
    data: pd.DataFrame, *, x: str, series: dict[str, str], title: str
) -> go.Figure:
    """Grouped bars per school year (`x`), one series per column of `series` (column -> name),
    percentages with their value printed; a year whose figures are withheld has no bars."""
    figure = go.Figure()
    for i, (column, name) in enumerate(series.items()):
        values = pd.to_numeric(data[column], errors="coerce")
        figure.add_bar(
            x=list(data[x]),
            y=values,
            name=name,
            marker_color=PALETTE[i % len(PALETTE)],
            text=["" if pd.isna(v) else f"{v:.0f}%" for v in values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}<br>" + name + ": %{y:.1f}%<extra></extra>",
        )
    figure.update_layout(barmode="group")
    figure.update_xaxes(title_text="School year", type="category")
    figure.update_yaxes(
        title_text="Share of responses (%)", range=[0, 110], gridcolor="#dddddd", ticksuffix="%"
    )
    return legend_below(base_layout(figure, title=title, height=440), lines=len(series))
