"""Fidelity charts: each takes a DataFrame plus column names and returns a plotly Figure (no Streamlit
calls). One instrument per figure, always: percentages of different instruments are never drawn on one
axis. Status colours are colour-blind safe and differ in lightness too, so they survive a projector:
dark blue at or above the criterion, orange below, grey incomplete."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler
from plotly.subplots import make_subplots

from components.charts import FONT_SIZE, base_layout, wrap_words
from components.text import plain_html
from data_access.fidelity.scoring import AT_CRITERION, BELOW_CRITERION, INCOMPLETE, NOT_SCORED

STATUS_COLORS = {
    AT_CRITERION: "#0072B2",  # Okabe-Ito blue
    BELOW_CRITERION: "#E69F00",  # Okabe-Ito orange
    INCOMPLETE: "#BBBBBB",
    NOT_SCORED: "#F2F2F2",
}
STATUS_TEXT_COLORS = {
    AT_CRITERION: "white",
    BELOW_CRITERION: "black",
    INCOMPLETE: "black",
    NOT_SCORED: "#555555",
}
STATUS_LABELS = {
    AT_CRITERION: "At or above criterion",
    BELOW_CRITERION: "Below criterion",
    INCOMPLETE: "Incomplete (not every item scored)",
    NOT_SCORED: "Not scored",
}
# Scales in trend charts: Okabe-Ito colours other than the status blue and orange, so a line's colour
# never reads as "at" or "below" criterion.
SCALE_COLORS = ["#000000", "#CC79A7", "#009E73", "#56B4E9", "#D55E00", "#999999"]
CRITERION_COLOR = "#555555"
SUSTAINING_MARK = "★"
# Item scores: none of the item's points, some, all of them.
ITEM_COLORS = {"none": "#D55E00", "some": "#E69F00", "all": "#0072B2"}
ITEM_LABELS = {"none": "Not in place (0)", "some": "Partly in place", "all": "Fully in place"}


def scale_colors(scales: Sequence[str]) -> dict[str, str]:
    return {scale: SCALE_COLORS[i % len(SCALE_COLORS)] for i, scale in enumerate(scales)}


def scale_grid_chart(
    data: pd.DataFrame,
    *,
    building: str,
    scale: str,
    status: str,
    text: str,
    buildings: Sequence[str],
    scales: Sequence[str],
    title: str,
) -> go.Figure:
    """Buildings (rows, in the order given) by scales (columns): each cell coloured by its status and
    showing its text (the percent and date). Cells with no row are 'not scored'."""
    codes = {name: i for i, name in enumerate(STATUS_COLORS)}
    cells = data.set_index([building, scale])
    z, labels = [], []
    for name in buildings:
        z_row, label_row = [], []
        for column in scales:
            if (name, column) in cells.index:
                row = cells.loc[(name, column)]
                z_row.append(codes[row[status]])
                label_row.append(row[text])
            else:
                z_row.append(codes[NOT_SCORED])
                label_row.append("—")
        z.append(z_row)
        labels.append(label_row)
    steps = len(STATUS_COLORS) - 1
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[plain_html(column) for column in scales],
            y=list(buildings),
            zmin=0,
            zmax=steps,
            colorscale=[[i / steps, color] for i, color in enumerate(STATUS_COLORS.values())],
            showscale=False,
            xgap=3,
            ygap=3,
            hoverinfo="skip",
        )
    )
    # Text as scatter traces, one per text colour: white on the dark blue, black elsewhere.
    for color in sorted(set(STATUS_TEXT_COLORS.values())):
        xs, ys, texts = [], [], []
        for r, name in enumerate(buildings):
            for c, column in enumerate(scales):
                if STATUS_TEXT_COLORS[list(STATUS_COLORS)[z[r][c]]] == color:
                    xs.append(plain_html(column))
                    ys.append(name)
                    texts.append(labels[r][c])
        figure.add_scatter(
            x=xs,
            y=ys,
            text=texts,
            mode="text",
            textfont={"color": color, "size": FONT_SIZE - 2},
            # Centred on its cell: where the cell is narrower than "90.0%", clipping at the plot
            # area's edge took the first digit off the first column ("0.0%").
            cliponaxis=False,
            showlegend=False,
            hoverinfo="skip",
        )
    for name, color in STATUS_COLORS.items():  # a legend for the cell colours
        figure.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={
                "symbol": "square",
                "size": 16,
                "color": color,
                "line": {"color": "#999999", "width": 1},
            },
            name=STATUS_LABELS[name],
        )
    figure.update_xaxes(side="top", showgrid=False, tickfont={"size": FONT_SIZE + 2})
    # Names and cell texts a size smaller: on a phone the names leave the three cells about 60 px,
    # enough for "100.0%" at 14 px, not at 16.
    figure.update_yaxes(autorange="reversed", showgrid=False, tickfont={"size": FONT_SIZE - 2})
    figure = base_layout(figure, title=title, height=58 * len(buildings) + 230)
    # The scale names sit on top like a table's headings, so the legend goes underneath.
    figure.update_layout(
        margin={"t": 100, "b": 100},
        legend={"y": 0.005, "yanchor": "bottom", "x": 0, "xanchor": "left", "yref": "container"},
    )
    return figure


def status_count_chart(
    data: pd.DataFrame, *, scale: str, status: str, count: str, scales: Sequence[str], title: str
) -> go.Figure:
    """For many buildings: per scale, how many buildings are at criterion, below, incomplete or not
    scored (stacked bars, counts printed)."""
    figure = go.Figure()
    for name, color in STATUS_COLORS.items():
        rows = data[data[status] == name].set_index(scale).reindex(scales)
        counts = rows[count].fillna(0).astype(int)
        figure.add_bar(
            x=counts,
            y=[plain_html(scale) for scale in scales],
            orientation="h",
            name=STATUS_LABELS[name],
            marker={"color": color, "line": {"color": "#999999", "width": 1}},
            text=[f"{value:,}" if value else "" for value in counts],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"color": STATUS_TEXT_COLORS[name], "size": FONT_SIZE},
            hovertemplate=f"%{{y}}: %{{x:,}} buildings<extra>{STATUS_LABELS[name]}</extra>",
        )
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title_text="Buildings", rangemode="tozero")
    figure.update_yaxes(autorange="reversed", tickfont={"size": FONT_SIZE + 2})
    figure = base_layout(figure, title=title, height=90 * len(scales) + 230)
    figure.update_layout(
        margin={"b": 110},
        legend={
            "y": 0.005,
            "yanchor": "bottom",
            "yref": "container",
            "x": 0,
            "xanchor": "left",
            "traceorder": "normal",
        },
    )
    return figure


def _criterion_lines(
    figure: go.Figure,
    criteria: Mapping[str, float],
    colors: Mapping[str, str],
    *,
    row: int | None = None,
    col: int | None = None,
    label: bool = True,
) -> None:
    """A dashed line at each scale's criterion; one grey line when every scale has the same one."""
    position = {} if row is None else {"row": row, "col": col}
    same = len(set(criteria.values())) == 1
    lines = [("", next(iter(criteria.values())))] if same else list(criteria.items())
    for scale, value in lines:
        color = CRITERION_COLOR if same else colors[scale]
        words = {}
        if label:  # plotly writes "new text" for an annotation given a font but no text
            words = {
                "annotation_text": f"{plain_html(scale)} criterion {value:g}%".strip(),
                "annotation_position": "top left",
                "annotation_font": {"size": FONT_SIZE - 2, "color": color},
            }
        figure.add_hline(
            y=value, line={"dash": "dash", "color": color, "width": 2}, **words, **position
        )


def trend_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    criteria: Mapping[str, float],
    title: str,
    y_title: str = "Percent of points possible",
) -> go.Figure:
    """One building's percent per scale over its administrations, with the criterion. A missing value
    (an incomplete scale) leaves a gap in the line, never a dip."""
    scales = list(criteria)
    colors = scale_colors(scales)
    figure = go.Figure()
    for scale in scales:
        rows = data[data[color] == scale].sort_values(x)
        figure.add_scatter(
            x=rows[x],
            y=rows[y].astype(float),
            mode="lines+markers",
            name=plain_html(scale),
            line={"color": colors[scale], "width": 3},
            marker={"size": 9},
            connectgaps=False,
            hovertemplate=f"{plain_html(scale)}<br>%{{x|%-d %b %Y}}: %{{y:.1f}}%<extra></extra>",
        )
    _criterion_lines(figure, criteria, colors)
    figure.update_yaxes(title_text=y_title, range=[0, 105], ticksuffix="%", gridcolor="#eeeeee")
    figure.update_xaxes(title_text="Administration date", tickformat="%b %Y")
    return base_layout(figure, title=title, height=460)


PANEL_TITLE_CHARS = 14


def trend_small_multiples(
    data: pd.DataFrame,
    *,
    panel: str,
    x: str,
    y: str,
    color: str,
    panels: Sequence[str],
    criteria: Mapping[str, float],
    title: str,
    columns: int = 3,
) -> go.Figure:
    """One small chart per building (in the order given), each with every scale's percent over time
    and the criterion; same axes everywhere so the panels compare at a glance."""
    scales = list(criteria)
    colors = scale_colors(scales)
    rows_needed = max(1, math.ceil(len(panels) / columns))
    figure = make_subplots(
        rows=rows_needed,
        cols=columns,
        # A third of a phone's width is about 100 px: a title line of 14 characters at 14 px.
        subplot_titles=[wrap_words(plain_html(name), PANEL_TITLE_CHARS) for name in panels],
        shared_xaxes=True,
        shared_yaxes=True,
        vertical_spacing=0.25 / rows_needed if rows_needed > 1 else 0.1,
        horizontal_spacing=0.03,
    )
    for index, name in enumerate(panels):
        row, col = index // columns + 1, index % columns + 1
        building_rows = data[data[panel] == name]
        for scale in scales:
            rows = building_rows[building_rows[color] == scale].sort_values(x)
            figure.add_scatter(
                x=rows[x],
                y=rows[y].astype(float),
                mode="lines+markers",
                name=plain_html(scale),
                legendgroup=scale,
                showlegend=index == 0,
                line={"color": colors[scale], "width": 2.5},
                marker={"size": 6},
                connectgaps=False,
                hovertemplate=f"{plain_html(name)}<br>{plain_html(scale)}, "
                "%{x|%-d %b %Y}: %{y:.1f}%<extra></extra>",
                row=row,
                col=col,
            )
        _criterion_lines(figure, criteria, colors, row=row, col=col, label=False)
    figure.update_yaxes(
        range=[0, 105], tickvals=[0, 50, 100], ticktext=["0%", "50%", "100%"], gridcolor="#eeeeee"
    )
    figure.update_xaxes(tickformat="%Y", showgrid=False)
    figure.update_annotations(font={"size": FONT_SIZE - 2})  # the panel titles
    criterion_note = (
        f"dashed line: criterion {next(iter(criteria.values())):g}%"
        if len(set(criteria.values())) == 1
        else "dashed lines: each scale's criterion"
    )
    figure = base_layout(
        figure, title=f"{title} ({criterion_note})", height=230 * rows_needed + 130
    )
    figure.update_layout(
        margin={"t": 110},
        legend={"y": 1, "yanchor": "top", "yref": "container", "x": 1, "xanchor": "right"},
    )
    return figure


def share_at_criterion_chart(
    data: pd.DataFrame,
    *,
    x: str,
    label: str,
    y: str,
    color: str,
    scales: Sequence[str],
    title: str,
) -> go.Figure:
    """Per term, the percent of assessed buildings at criterion on each scale. `x` is the first day
    of the term (a date), `label` its name ("Fall 2025"); the axis is marked by school year, so five
    years of three terms stay readable on a projector."""
    colors = scale_colors(scales)
    figure = go.Figure()
    for scale in scales:
        rows = data[data[color] == scale]
        figure.add_scatter(
            x=rows[x],
            y=rows[y].astype(float),
            mode="lines+markers",
            name=plain_html(scale),
            line={"color": colors[scale], "width": 3},
            marker={"size": 9},
            customdata=rows[label],
            hovertemplate=f"{plain_html(scale)}, %{{customdata}}: %{{y:.0f}}% of buildings<extra></extra>",
        )
    starts = sorted({day.year if day.month >= 7 else day.year - 1 for day in data[x]})
    figure.update_xaxes(
        title_text="School year (points: fall, winter and spring terms)",
        tickvals=[date(year, 7, 1) for year in starts],
        ticktext=[f"{year}-{(year + 1) % 100:02d}" for year in starts],
        showgrid=True,
    )
    figure.update_yaxes(
        title_text="Buildings at criterion", range=[0, 105], ticksuffix="%", gridcolor="#eeeeee"
    )
    return base_layout(figure, title=title, height=460)


def item_band(score: object, max_score: int) -> str | None:
    """'none', 'some' or 'all' of an item's points; None when the item was not scored."""
    if score is None or pd.isna(score):
        return None
    if score <= 0:
        return "none"
    return "all" if score >= max_score else "some"


def item_scores_chart(
    data: pd.DataFrame, *, label: str, score: str, max_score: str, title: str
) -> go.Figure:
    """One bar per item in the order given (lowest first, at the top), the score printed as 'n of max';
    unscored items say so instead of showing an empty bar."""
    data = data.assign(**{label: data[label].map(plain_html)})  # item titles are data
    bands = [item_band(s, int(m)) for s, m in zip(data[score], data[max_score], strict=True)]
    figure = go.Figure()
    for band, color in ITEM_COLORS.items():
        rows = data[[b == band for b in bands]]
        figure.add_bar(
            x=rows[score].astype(float),
            y=rows[label],
            orientation="h",
            name=ITEM_LABELS[band],
            marker_color=color,
            # A zero has no bar to colour: its text says it, in bold, and it needs no legend entry.
            showlegend=band != "none",
            text=[
                f"<b>{int(s)} of {int(m)}</b>" if band == "none" else f"{int(s)} of {int(m)}"
                for s, m in zip(rows[score], rows[max_score], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.0f}<extra></extra>",
        )
    unscored = data[[b is None for b in bands]]
    if not unscored.empty:
        figure.add_scatter(
            x=[0] * len(unscored),
            y=unscored[label],
            mode="text",
            text=["not scored"] * len(unscored),
            textposition="middle right",
            textfont={"color": "#555555", "size": FONT_SIZE},
            name="Not scored",
            showlegend=False,
            hoverinfo="skip",
        )
    top = int(data[max_score].max()) if len(data) else 1
    figure.update_xaxes(
        title_text="Score", range=[0, top * 1.25], tickvals=list(range(top + 1)), dtick=1
    )
    figure.update_yaxes(
        categoryorder="array", categoryarray=list(data[label]), autorange="reversed"
    )
    figure = base_layout(figure, title=title, height=40 * len(data) + 200)
    figure.update_layout(
        barmode="overlay",
        margin={"t": 90, "b": 110},
        legend={"y": 0.005, "yanchor": "bottom", "yref": "container", "x": 0, "xanchor": "left"},
    )
    return figure


def style_scale_grid(
    table: pd.DataFrame, statuses: pd.DataFrame, *, scales: Sequence[str]
) -> Styler:
    """A table of buildings by scales coloured like the grid chart: `statuses` has the same index and
    scale columns as `table`, holding each cell's status."""

    def colours(frame: pd.DataFrame) -> pd.DataFrame:
        css = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for column in scales:
            css[column] = statuses[column].map(
                lambda status: (
                    f"background-color: {STATUS_COLORS.get(status, STATUS_COLORS[NOT_SCORED])}; "
                    f"color: {STATUS_TEXT_COLORS.get(status, 'black')}"
                )
            )
        return css

    return table.style.apply(colours, axis=None)
