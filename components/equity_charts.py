"""Equity charts and the words around them: the buildings x groups heatmap of risk ratios, a building's
group risks beside their comparison groups', a ratio's trend across school years, and the text of
every cell, hover label and table row.

Figures are built from DataFrames and column names, with no Streamlit calls, so plain pytest can test
them. The frames come from `data_access.equity.queries`, where withheld values are already missing (NaN): a
number the privacy rules withhold never reaches these functions, so it cannot reach the screen.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.charts import FONT_SIZE, PALETTE, base_layout
from components.text import plain_html
from data_access.equity.metrics import GROUP_LABELS, Minimums
from data_access.labels import FLAGS, INDICATORS_SHORT, RATIO_TYPES

# Diverging and colour-blind safe (Okabe-Ito blue and vermillion), white at a ratio of 1, on a log
# scale so that 0.5 and 2 are equally far from 1.
BLUE, VERMILLION, WHITE = "#0072B2", "#D55E00", "#FFFFFF"
RATIO_COLORSCALE = [[0.0, BLUE], [0.5, WHITE], [1.0, VERMILLION]]
LOG2_LIMIT = 2.0  # colours saturate at ratios of 4 and 1/4
NOT_CALCULATED_FILL = "#D9D9D9"
NOT_CALCULATED_LINE = "#7F7F7F"
GROUP_COLOR, COMPARISON_COLOR = PALETTE[2], "#8C8C8C"
OVER_MARK, UNDER_MARK = "▲", "▼"

# Column headings of the heatmap: short enough for thirteen columns on a projector.
HEATMAP_GROUP_LABELS: dict[tuple[str, str], str] = {
    ("race_ethnicity", "HI"): "Hispanic/Latino",
    ("race_ethnicity", "AM"): "American Indian",
    ("race_ethnicity", "AS"): "Asian",
    ("race_ethnicity", "HP"): "Pacific Islander",
    ("race_ethnicity", "BL"): "Black",
    ("race_ethnicity", "WH"): "White",
    ("race_ethnicity", "TR"): "Two or more races",
    ("sex", "F"): "Female",
    ("sex", "M"): "Male",
    ("sex", "X"): "Sex X",
    ("iep", "Y"): "With IEPs",
    ("el", "Y"): "English learners",
    ("econ_disadv", "Y"): "Low income",  # economically disadvantaged, in the hover text
}
# Indicator names short enough for a table column, flags and ratio types (data_access/labels.py).
INDICATOR_SHORT_NAMES = INDICATORS_SHORT
FLAG_NAMES = {"over": f"{FLAGS['over']} {OVER_MARK}", "under": f"{FLAGS['under']} {UNDER_MARK}"}
RATIO_TYPE_NAMES = RATIO_TYPES


# --- Words -----------------------------------------------------------------------------------------


def describe_side(
    n: int | None,
    events: float,
    risk: float,
    minimums: Minimums,
    *,
    short: bool = False,
    withheld: str | None = None,
) -> str:
    """'37.5% (45 of 120 students)', or why the numbers are withheld, never the withheld numbers.
    `short` drops the word 'students' and the group size, for bars and tables. `withheld` is the
    disclosure layer's reason (data_access.equity.disclosure).

    A withheld count never says whether it is small or withheld to protect another group: telling
    them apart would let anyone narrow the cells around it."""
    if not pd.isna(risk) and not pd.isna(events):
        unit = "" if short else " students"
        return f"{risk:.1%} ({int(events):,} of {int(n):,}{unit})"
    if withheld == "too_few_students" or (
        withheld is None and (pd.isna(n) or n < minimums.min_n_size)
    ):
        return f"withheld (fewer than {minimums.min_n_size} students)"
    if withheld == "protects_another" or pd.isna(n):
        return "withheld to protect another group"
    if short:
        return f"withheld (fewer than {minimums.min_cell_size} had it, or to protect another group)"
    return (
        f"withheld (fewer than {minimums.min_cell_size} of {int(n):,} students had it, or to "
        "protect another group)"
    )


def describe_ratio(ratio: float, ratio_type: str, flag: str | None, threshold: float) -> str:
    if ratio_type == "not_calculated" or pd.isna(ratio):
        return "Not shown: too few students to compare, or withheld to protect a small group"
    name = "Alternate risk ratio" if ratio_type == "alternate_risk_ratio" else "Risk ratio"
    text = f"{name}: {ratio:.2f}"
    if flag == "over":
        text += f" {OVER_MARK} over the {threshold:g} flag"
    elif flag == "under":
        text += f" {UNDER_MARK} under the 1/{threshold:g} flag"
    return text


def cell_text(ratio: float, ratio_type: str, flag: str | None) -> str:
    """What a heatmap cell says: the ratio, then its flag mark (▲ over, ▼ under) and 'alt' for an
    alternate ratio on a second line. Not-calculated cells say nothing: they are hatched grey, and the
    legend says why."""
    if ratio_type == "not_calculated" or pd.isna(ratio):
        return ""
    marks = {"over": OVER_MARK, "under": UNDER_MARK}.get(flag or "", "")  # narrow cells: marks only
    if ratio_type == "alternate_risk_ratio":
        marks = f"{marks} alt".strip()
    return f"{ratio:.2f}<br>{marks}" if marks else f"{ratio:.2f}"


def ratio_label(ratio: float, ratio_type: str, flag: str | None) -> str:
    """The ratio in one line for tables: '2.96 ▲ over', '1.20 alternate', 'not calculated'."""
    if ratio_type == "not_calculated" or pd.isna(ratio):
        return "not calculated"
    marks = {"over": f" {OVER_MARK} over", "under": f" {UNDER_MARK} under"}.get(flag or "", "")
    alternate = " (alternate)" if ratio_type == "alternate_risk_ratio" else ""
    return f"{ratio:.2f}{marks}{alternate}"


def label_equity_rows(rows: pd.DataFrame, minimums: Minimums) -> pd.DataFrame:
    """The rows with the words every view shows: group label, heatmap heading, cell text, the two
    sides described, and the hover text. Built only from values the rules let through."""
    keys = list(zip(rows["group_type"], rows["group"], strict=True))
    for reason in ("withheld_group", "withheld_comparison"):
        if reason not in rows:
            rows = rows.assign(**{reason: None})
    labelled = rows.assign(
        group_label=[GROUP_LABELS[key] for key in keys],
        heatmap_label=[HEATMAP_GROUP_LABELS[key] for key in keys],
    )
    records = labelled[
        [
            "n_group",
            "events_group",
            "risk_group",
            "n_comparison",
            "events_comparison",
            "risk_comparison",
            "ratio",
            "ratio_type",
            "flag",
            "building_id",
            "building_name",
            "group_label",
            "withheld_group",
            "withheld_comparison",
        ]
    ].itertuples(index=False)
    texts, labels, groups, comparisons, ratios, hovers = [], [], [], [], [], []
    groups_short, comparisons_short = [], []
    for row in records:
        group_reason = row.withheld_group if isinstance(row.withheld_group, str) else None
        comparison_reason = (
            row.withheld_comparison if isinstance(row.withheld_comparison, str) else None
        )
        group = describe_side(
            row.n_group, row.events_group, row.risk_group, minimums, withheld=group_reason
        )
        comparison = describe_side(
            row.n_comparison,
            row.events_comparison,
            row.risk_comparison,
            minimums,
            withheld=comparison_reason,
        )
        flag = row.flag if isinstance(row.flag, str) else None
        ratio = describe_ratio(row.ratio, row.ratio_type, flag, minimums.threshold)
        where = (
            "the district"
            if row.building_id == "DISTRICT" or row.ratio_type == "alternate_risk_ratio"
            else "the building"
        )
        texts.append(cell_text(row.ratio, row.ratio_type, flag))
        groups_short.append(
            describe_side(
                row.n_group,
                row.events_group,
                row.risk_group,
                minimums,
                short=True,
                withheld=group_reason,
            )
        )
        comparisons_short.append(
            describe_side(
                row.n_comparison,
                row.events_comparison,
                row.risk_comparison,
                minimums,
                short=True,
                withheld=comparison_reason,
            )
        )
        labels.append(ratio_label(row.ratio, row.ratio_type, flag))
        groups.append(group)
        comparisons.append(comparison)
        ratios.append(ratio)
        hovers.append(
            f"<b>{plain_html(row.building_name)}</b><br>{row.group_label}<br>{ratio}<br>"
            f"Group: {group}<br>Everyone else in {where}: {comparison}"
        )
    return labelled.assign(
        cell_text=texts,
        ratio_label=labels,
        group_text=groups,
        comparison_text=comparisons,
        group_short=groups_short,
        comparison_short=comparisons_short,
        ratio_text=ratios,
        hover=hovers,
    )


# --- Figures ---------------------------------------------------------------------------------------


def _log2_ratio(ratio: pd.Series) -> np.ndarray:
    return np.clip(np.log2(ratio.astype(float)), -LOG2_LIMIT, LOG2_LIMIT).to_numpy()


def risk_ratio_heatmap(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    ratio: str,
    ratio_type: str,
    text: str,
    hover: str,
    title: str,
    threshold: float,
) -> go.Figure:
    """Rows `y` (in the frame's order, first at the top) by columns `x` (in the frame's order), each
    cell coloured by its ratio on a log scale centred on 1 and labelled with `text`. Cells whose
    ratio was not calculated are hatched grey and say so, never white (which means 'like everyone
    else') and never 0."""
    columns = list(dict.fromkeys(data[x]))
    rows = list(dict.fromkeys(data[y]))
    col_of = {label: i for i, label in enumerate(columns)}
    row_of = {label: i for i, label in enumerate(rows)}
    shape = (len(rows), len(columns))
    z = np.full(shape, np.nan)
    labels = np.full(shape, "", dtype=object)
    hovers = np.full(shape, "", dtype=object)
    xi = data[x].map(col_of).to_numpy()
    yi = data[y].map(row_of).to_numpy()
    calculated = (data[ratio_type] != "not_calculated").to_numpy() & data[ratio].notna().to_numpy()
    z[yi[calculated], xi[calculated]] = _log2_ratio(data.loc[calculated, ratio])
    labels[yi, xi] = data[text].to_numpy()
    hovers[yi, xi] = data[hover].to_numpy()

    figure = go.Figure()
    # Not-calculated cells first, underneath: hatched grey squares (one trace, one polygon each).
    px, py = [], []
    for r, c in zip(yi[~calculated], xi[~calculated], strict=True):
        px += [c - 0.5, c + 0.5, c + 0.5, c - 0.5, c - 0.5, None]
        py += [r - 0.5, r - 0.5, r + 0.5, r + 0.5, r - 0.5, None]
    if px:
        figure.add_scatter(
            x=px,
            y=py,
            mode="lines",
            fill="toself",
            fillcolor=NOT_CALCULATED_FILL,
            fillpattern={
                "shape": "/",
                "fgcolor": NOT_CALCULATED_LINE,
                "bgcolor": NOT_CALCULATED_FILL,
                "size": 8,
                "solidity": 0.15,
            },
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
    # Its legend entry: a bar legend swatch shows the hatching (a filled line's does not).
    figure.add_bar(
        x=[None],
        y=[None],
        marker={
            "color": NOT_CALCULATED_FILL,
            "pattern": {
                "shape": "/",
                "fgcolor": NOT_CALCULATED_LINE,
                "bgcolor": NOT_CALCULATED_FILL,
                "solidity": 0.3,
            },
        },
        name="No ratio shown (hover for why)",
        hoverinfo="skip",
    )
    ticks = [-2, -1, 0, 1, 2]
    figure.add_heatmap(
        z=z,
        x=list(range(len(columns))),
        y=list(range(len(rows))),
        zmin=-LOG2_LIMIT,
        zmax=LOG2_LIMIT,
        zmid=0,
        colorscale=RATIO_COLORSCALE,
        xgap=2,
        ygap=2,
        customdata=hovers,
        hovertemplate="%{customdata}<extra></extra>",
        hoverongaps=True,
        colorbar={
            "title": {"text": "Risk ratio (log scale)", "side": "top"},
            "tickvals": ticks,
            "ticktext": [_ratio_tick(2.0**t) for t in ticks],
            "orientation": "h",
            "thickness": 16,
            "len": 0.45,
            "x": 0,
            "xanchor": "left",
            "y": -24 / (40 * len(rows)),
            "yanchor": "top",
        },
    )
    # The cell text as its own layer, dark on light cells and white on strong blue.
    text_color = np.where(np.nan_to_num(z, nan=0.0) < -1.2, WHITE, "#000000")
    grid_y, grid_x = np.indices(shape)
    figure.add_scatter(
        x=grid_x.ravel(),
        y=grid_y.ravel(),
        mode="text",
        text=labels.ravel(),
        textfont={"size": FONT_SIZE - 3, "color": text_color.ravel()},
        hoverinfo="skip",
        showlegend=False,
    )
    figure.update_xaxes(
        tickvals=list(range(len(columns))),
        ticktext=columns,
        side="top",
        tickangle=-40,
        ticklabeloverflow="allow",
        showgrid=False,
        zeroline=False,
        range=[-0.5, len(columns) - 0.5],
    )
    figure.update_yaxes(
        tickvals=list(range(len(rows))),
        ticktext=[plain_html(row) for row in rows],  # building names are data
        autorange=False,
        range=[len(rows) - 0.5, -0.5],  # the first row at the top
        showgrid=False,
        zeroline=False,
    )
    plot_height = 44 * len(rows)
    base_layout(figure, title=title, height=plot_height + 330)
    figure.update_layout(
        title={"yref": "container", "y": 0.99, "yanchor": "top"},
        margin={"t": 200, "b": 130, "r": 70},
        hoverlabel={"font": {"size": FONT_SIZE}},
        plot_bgcolor=WHITE,
        legend={
            "orientation": "h",
            "x": 1,
            "xanchor": "right",
            "y": -20 / plot_height,
            "yanchor": "top",
        },
    )
    return figure


def _ratio_tick(value: float) -> str:
    return f"{value:g}" if value >= 1 else f"1/{1 / value:g}"


def group_risk_bars(
    data: pd.DataFrame,
    *,
    y: str,
    risk_group: str,
    risk_comparison: str,
    text_group: str,
    text_comparison: str,
    title: str,
) -> go.Figure:
    """For each row `y`, the group's risk and its comparison group's risk as two bars, each labelled
    with its percent (its counts in the hover). A withheld risk draws no bar: the row says
    'withheld' instead."""
    figure = go.Figure()
    categories = list(data[y])
    for risk, text, name, color in (
        (risk_comparison, text_comparison, "Everyone else", COMPARISON_COLOR),
        (risk_group, text_group, "Group", GROUP_COLOR),
    ):
        shown = data[risk].notna()
        figure.add_bar(
            x=data.loc[shown, risk].astype(float),
            y=data.loc[shown, y],
            orientation="h",
            name=name,
            marker_color=color,
            # The risk on the bar, its counts in the hover and the table beside: on a phone the
            # plot area is ~150 px, and "30.6% (41 of 134)" after a bar ran off the figure.
            text=[f"{risk:.1%}" for risk in data.loc[shown, risk].astype(float)],
            hovertext=data.loc[shown, text],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}<br>{name}: %{{hovertext}}<extra></extra>",
            offsetgroup=name,
        )
        withheld = data[~shown]
        if not withheld.empty:
            figure.add_scatter(
                x=[0.0] * len(withheld),
                y=withheld[y],
                mode="text",
                # Short on the bar's row; why it is withheld is in the hover and the table beside.
                text=[f"{name}: withheld"] * len(withheld),
                hovertext=[f"{name} {value}" for value in withheld[text]],
                hovertemplate="%{hovertext}<extra></extra>",
                textposition="middle right",
                textfont={"size": FONT_SIZE - 3, "color": "#555555"},
                showlegend=False,
                offsetgroup=name,
            )
    largest = pd.concat([data[risk_group], data[risk_comparison]]).astype(float).max()
    top = 0.1 if pd.isna(largest) else max(0.05, float(largest) * 1.9)
    figure.update_xaxes(
        title_text="Students with the outcome (%)", tickformat=".0%", range=[0, top]
    )
    figure.update_yaxes(categoryorder="array", categoryarray=categories[::-1])
    figure.update_layout(barmode="group", scattermode="group", bargap=0.25)
    base_layout(figure, title=title, height=170 + 70 * len(categories))
    figure.update_layout(legend={"traceorder": "reversed"}, margin={"t": 110})
    return figure


def ratio_trend_chart(
    data: pd.DataFrame,
    *,
    x: str,
    ratio: str,
    ratio_type: str,
    text: str,
    title: str,
    threshold: float,
) -> go.Figure:
    """A ratio across school years on a log axis with the flag lines; an alternate ratio is an open
    marker, a year whose ratio was not calculated says so at 1 rather than dropping to 0."""
    figure = go.Figure()
    years = list(data[x])
    calculated = data[data[ratio].notna()]
    for kind, symbol, name in (
        ("risk_ratio", "circle", "Risk ratio"),
        ("alternate_risk_ratio", "circle-open", "Alternate risk ratio (against the district)"),
    ):
        points = calculated[calculated[ratio_type] == kind]
        if points.empty:
            continue
        figure.add_scatter(
            x=points[x],
            y=points[ratio].astype(float),
            mode="markers+text",
            marker={"size": 16, "symbol": symbol, "color": PALETTE[0], "line": {"width": 3}},
            text=points[text],
            textposition="top center",
            name=name,
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    figure.add_scatter(
        x=calculated[x],
        y=calculated[ratio].astype(float),
        mode="lines",
        line={"color": PALETTE[0], "width": 2},
        hoverinfo="skip",
        showlegend=False,
    )
    missing = data[data[ratio].isna()]
    if not missing.empty:
        figure.add_scatter(
            x=missing[x],
            y=[1.0] * len(missing),
            mode="markers+text",
            marker={"size": 14, "symbol": "x-thin-open", "color": NOT_CALCULATED_LINE},
            text=["not calculated"] * len(missing),
            textposition="bottom center",
            textfont={"color": "#555555"},
            name="Not calculated",
            hoverinfo="skip",
        )
    values = calculated[ratio].astype(float)
    low = min([1 / threshold, *values]) if len(values) else 1 / threshold
    high = max([threshold, *values]) if len(values) else threshold
    for level, label in ((threshold, "over flag"), (1 / threshold, "under flag")):
        figure.add_hline(
            y=level, line={"dash": "dash", "color": VERMILLION if level > 1 else BLUE, "width": 2}
        )
        # Outside the plot, right of its line: never over a point. On a log axis an annotation's y
        # is the logarithm of the value.
        figure.add_annotation(
            x=1,
            xref="paper",
            xanchor="left",
            y=math.log10(level),
            yanchor="middle",
            text=f"{label}<br>({_ratio_tick(level)})",
            showarrow=False,
            font={"color": VERMILLION if level > 1 else BLUE},
        )
    figure.add_hline(y=1, line={"color": "#999999", "width": 1})
    figure.update_yaxes(
        type="log",
        title_text="Risk ratio (log scale)",
        range=[math.log10(low / 1.6), math.log10(high * 1.6)],
        tickvals=[0.25, 0.5, 1, 2, 3, 4, 6, 8],
        ticktext=["1/4", "1/2", "1", "2", "3", "4", "6", "8"],
        gridcolor="#eeeeee",
    )
    figure.update_xaxes(
        title_text="School year",
        type="category",
        categoryorder="array",
        categoryarray=years,
        range=[-0.5, len(years) - 0.5],  # room for the labels of the first and last year
    )
    base_layout(figure, title=title, height=540)
    return figure.update_layout(
        margin={"t": 140, "b": 120, "r": 100},
        legend={"y": -0.3, "yanchor": "top", "x": 0, "xanchor": "left"},
    )
