"""Charts: each takes a DataFrame plus column names and returns a plotly Figure (no Streamlit calls),
so plain pytest can test them. One palette and one look for the whole product."""

from __future__ import annotations

import math
import numbers

import pandas as pd
import plotly.graph_objects as go

from components.text import plain_html
from data_access.labels import BUILDING_LEVELS

# Okabe-Ito: distinguishable with every common form of colour blindness, and on a projector.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
LEVEL_COLORS = {
    "elementary": "#0072B2",
    "middle": "#E69F00",
    "high": "#009E73",
    "k8": "#CC79A7",
    "other": "#999999",
}
LEVEL_NAMES = BUILDING_LEVELS  # data_access/labels.py
FONT_SIZE = 16  # readable from the back of a meeting room


def base_layout(figure: go.Figure, *, title: str, height: int) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": FONT_SIZE + 4}},
        font={"size": FONT_SIZE},
        height=height,
        margin={"l": 10, "r": 30, "t": 60, "b": 40},
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    figure.update_xaxes(gridcolor="#dddddd", zerolinecolor="#999999", automargin=True)
    figure.update_yaxes(automargin=True)  # long building names push the plot right, never get cut
    return figure


# A horizontal legend at the figure's foot, left-aligned (the bottom margin makes its room).
LEGEND_AT_FOOT = {
    "orientation": "h",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
    "x": 0,
    "xanchor": "left",
}


def legend_below(figure: go.Figure, *, lines: int = 1) -> go.Figure:
    """The legend at the foot of the figure, left-aligned: beside the title it would run over it.
    `lines` is how many lines it takes (one per entry when the chart is half the screen wide); the
    bottom margin makes room for them."""
    figure.update_layout(
        legend={**LEGEND_AT_FOOT, "traceorder": "normal"}, margin={"b": 84 + 26 * lines}
    )
    return figure


def horizontal_bar_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    title: str,
    x_title: str,
    color_map: dict[str, str],
    color_names: dict[str, str] | None = None,
) -> go.Figure:
    """One bar per row, largest at the top, coloured by a category, with the value printed on the bar."""
    ordered = data.sort_values(x, ascending=True)
    ordered[y] = ordered[y].map(plain_html)  # names are data: plotly would read their HTML
    figure = go.Figure()
    for category, rows in ordered.groupby(color, sort=False, observed=True):
        name = (color_names or {}).get(str(category), str(category))
        figure.add_bar(
            x=rows[x],
            y=rows[y],
            orientation="h",
            name=name,
            marker_color=color_map.get(str(category), PALETTE[-1]),
            text=[f"{value:,.0f}" for value in rows[x]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}<br>{x_title}: %{{x:,.0f}}<extra>{name}</extra>",
        )
    figure.update_yaxes(categoryorder="array", categoryarray=list(ordered[y]))
    figure.update_xaxes(title_text=x_title, rangemode="tozero")
    return base_layout(figure, title=title, height=max(320, 34 * len(ordered) + 120))


TITLE_LINE_CHARS = 34  # a title line a phone's full-width chart (about 350 px) shows whole
AXIS_TITLE_LINE_CHARS = 18  # centred under a phone's plot area (~150 px), a longer line ran off
TITLE_LINE_PX = 26  # a line of the title's 20 px type
TITLE_TOP_PAD_PX = 22
TOP_HEADINGS_PX = 44  # a row of column headings on a top axis (18 px type), with its ticks
TOP_TICK_PX = 18  # half the top tick label ("100%") stands above the plot area, and some air
CHARACTER_EM = 0.55  # an average character's width, as a share of the type's size


def _top_headings_px(figure: go.Figure) -> int:
    """How high the column headings of an x axis on top stand above the plot area: one row of
    level headings, or as high as the longest slanted heading reaches."""
    needed = 0.0
    for axis in figure.select_xaxes():
        if axis.side != "top":
            continue
        labels = axis.ticktext or [
            value for trace in figure.data if trace.x is not None for value in trace.x
        ]
        longest = max((len(str(label)) for label in labels), default=0)
        size = axis.tickfont.size or figure.layout.font.size or FONT_SIZE
        angle = math.radians(abs(axis.tickangle or 0))
        slanted = longest * CHARACTER_EM * size * math.sin(angle) + size * math.cos(angle) + 8
        needed = max(needed, slanted)
    return max(TOP_HEADINGS_PX, math.ceil(needed))


def wrap_words(text: str, width: int) -> str:
    """`text` with a plotly line break (<br>) between words wherever a line would pass `width`
    characters; the line breaks already there are kept."""
    lines = []
    for line in str(text).split("<br>"):
        current = ""
        for word in line.split(" "):
            if current and len(current) + 1 + len(word) > width:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        lines.append(current)
    return "<br>".join(lines)


def _legend_lines(figure: go.Figure) -> int:
    names = [
        str(trace.name) for trace in figure.data if trace.showlegend is not False and trace.name
    ]
    if not names:
        return 0
    return max(1, math.ceil(sum(len(name) + 4 for name in names) / TITLE_LINE_CHARS))


def fit_to_screen(figure: go.Figure) -> go.Figure:
    """Every figure, just before it is drawn, made to fit any screen from a phone to a projector:
    the title wraps and pushes the plot down (never cut, never under the tick labels of an axis on
    top), axis titles wrap, a legend placed over the plot's top goes underneath (beside the title
    it ran over it), and data labels are never clipped by the plot area's edge."""
    layout = figure.layout
    title = layout.title.text
    if title:
        # The title at the figure's top and a top margin that holds its lines and what sits above
        # the plot area: seen in a browser, plotly's automargin let a wrapped title's last line
        # run into the top tick label ("(70%)" on "100%") or the Fidelity grid's column headings.
        headings_on_top = any(axis.side == "top" for axis in figure.select_xaxes())
        wrapped = wrap_words(title, TITLE_LINE_CHARS)
        lines = wrapped.count("<br>") + 1
        above_plot = _top_headings_px(figure) if headings_on_top else TOP_TICK_PX
        # Sized from the type actually used (presentation mode enlarges it).
        scale = (layout.title.font.size or FONT_SIZE + 4) / (FONT_SIZE + 4)
        figure.update_layout(
            title={
                "text": wrapped,
                "yref": "container",
                "y": 1,
                "yanchor": "top",
                # plotly anchors a title's top a little low: without this its first line is cut.
                "pad": {"t": math.ceil(scale * TITLE_TOP_PAD_PX)},
            },
            margin={
                "t": math.ceil(scale * (TITLE_TOP_PAD_PX + lines * TITLE_LINE_PX + above_plot))
            },
        )
    for axis in (*figure.select_xaxes(), *figure.select_yaxes()):
        if axis.title.text and len(axis.title.text) > AXIS_TITLE_LINE_CHARS:
            axis.title.text = wrap_words(axis.title.text, AXIS_TITLE_LINE_CHARS)
    legend = layout.legend
    on_top = (
        legend.y is not None and legend.y >= 0.9 and (legend.yanchor in (None, "bottom", "top"))
    )
    lines = _legend_lines(figure)
    if lines and on_top:
        bottom = layout.margin.b if layout.margin.b is not None else 40
        figure.update_layout(legend=LEGEND_AT_FOOT, margin={"b": bottom + 30 * lines})
    figure.update_traces(cliponaxis=False, selector={"type": "scatter"})
    figure.update_traces(cliponaxis=False, selector={"type": "bar"})
    # A label after the end of a long bar ran off a phone's figure ("100% (10 of 10)"): inside a bar
    # at least half the longest one, after a shorter one (it leaves the room). Plotly's own "auto"
    # hid the label of a bar of 0, the one a meeting most needs to read.
    for trace in figure.select_traces({"type": "bar", "orientation": "h"}):
        if trace.textposition != "outside" or trace.x is None:
            continue
        values = [abs(float(x)) for x in trace.x if isinstance(x, numbers.Real)]
        longest = max(values, default=0.0)
        if len(values) == len(trace.x) and longest > 0:
            trace.textposition = [
                "inside" if abs(float(x)) >= longest / 2 else "outside" for x in trace.x
            ]
    return figure
