"""Figures for the projector: one layout update that enlarges every text of a plotly figure (its
base font, title, axes, legend, annotations and the labels printed on bars), widens the margins to
match, and sets a height that fits a 1280x720 slide. Applied to each figure presentation mode shows;
no Streamlit here."""

from __future__ import annotations

import plotly.graph_objects as go

from components.charts import FONT_SIZE

PROJECTOR_FONT_SIZE = 20  # tick labels and bar labels on a 1280x720 projector (the screen's: 16)
SCALE = PROJECTOR_FONT_SIZE / FONT_SIZE
BAR_PITCH = 24  # pixels per bar on a slide: the 20 px labels of neighbouring bars never touch
TICKS = 30  # the axis' tick labels, between the bars and the bottom margin


def _scaled(size: float | None, *, default: float = FONT_SIZE) -> int:
    return round((size or default) * SCALE)


def for_projector(figure: go.Figure, *, bars: int | None = None) -> go.Figure:
    """A copy of `figure` with every text 1.25 times its size (so 16 px becomes 20 px) and margins
    grown alike; for a horizontal bar chart of `bars` bars, a height that gives each bar room for
    its label. The figure passed in is left as it was."""
    projected = go.Figure(figure)
    layout = projected.layout
    base = layout.font.size or FONT_SIZE
    layout.font.size = _scaled(base)
    layout.title.font.size = _scaled(layout.title.font.size, default=base)
    layout.legend.font.size = _scaled(layout.legend.font.size, default=base)
    layout.hoverlabel.font.size = _scaled(layout.hoverlabel.font.size, default=base - 2)
    projected.for_each_xaxis(lambda axis: _scale_axis(axis, base))
    projected.for_each_yaxis(lambda axis: _scale_axis(axis, base))
    for annotation in layout.annotations:
        annotation.font.size = _scaled(annotation.font.size, default=base)
    for trace in projected.data:  # labels printed on bars, set in the chart's size or the base
        if getattr(trace, "text", None) is not None and hasattr(trace, "textfont"):
            trace.textfont.size = _scaled(trace.textfont.size, default=base)
    margin = layout.margin
    layout.margin = {
        "l": margin.l,
        "r": round((margin.r or 30) * SCALE),
        "t": round((margin.t or 60) * SCALE),
        "b": round((margin.b or 40) * SCALE),
    }
    if bars is not None:
        layout.height = BAR_PITCH * max(bars, 4) + layout.margin.t + layout.margin.b + TICKS
    return projected


def _scale_axis(axis, base: float) -> None:
    axis.tickfont.size = _scaled(axis.tickfont.size, default=base)
    axis.title.font.size = _scaled(axis.title.font.size, default=base)
