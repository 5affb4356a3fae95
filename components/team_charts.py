"""The Leadership team page's own chart: members per category. Takes a DataFrame plus column names and
returns a plotly Figure (no Streamlit calls)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts import PALETTE, base_layout


def category_chart(
    data: pd.DataFrame, *, label: str = "label", members: str = "members", title: str
) -> go.Figure:
    """Members per category, every category shown; an empty one says so in vermillion."""
    figure = go.Figure(
        go.Bar(
            x=data[members],
            y=data[label],
            orientation="h",
            marker_color=[PALETTE[0] if n else "#D55E00" for n in data[members]],
            text=[f"{n}" if n else "<b>none: missing</b>" for n in data[members]],
            textposition="outside",
            textfont={"color": ["#222222" if n else "#D55E00" for n in data[members]]},
            cliponaxis=False,
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    top = int(data[members].max()) if len(data) else 1
    figure.update_xaxes(title_text="Members", range=[0, top + 2.5], dtick=1)
    return base_layout(figure, title=title, height=400)
