"""Charts and colours of the meeting screen, the Team page and the meeting brief. Each chart takes a
DataFrame plus column names and returns a plotly Figure (no Streamlit calls); the matrix colours are
a pandas Styler, so the screen's table and the brief's table share them.

Okabe-Ito colours (colour-blind safe, and different in lightness so they survive a projector), always
with a word beside them: vermillion to act on, orange to watch, light blue fine, grey nothing to say."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from components.charts import FONT_SIZE, base_layout, legend_below
from components.meeting_wording import AREA_NAMES, cell_words, matrix_words
from components.text import plain_html
from data_access.meeting.rules import ACT, AREAS, GOOD, NO_DATA, WATCH

VERMILLION, ORANGE, BLUE, SKY, GREY = "#D55E00", "#E69F00", "#0072B2", "#56B4E9", "#999999"
LEVEL_COLORS = {ACT: VERMILLION, WATCH: "#F7D794", GOOD: "#D6EAF8", NO_DATA: "#EEEEEE"}
LEVEL_TEXT_COLORS = {ACT: "#FFFFFF", WATCH: "#3D2B00", GOOD: "#0B3D63", NO_DATA: "#444444"}
LEVEL_NAMES = {
    ACT: "Act on it",
    WATCH: "Watch",
    GOOD: "Fine",
    NO_DATA: "Nothing to show",
}
# Short, so the matrix's seven columns fit a projector's 1280 px beside the sidebar; the caption
# above it says what each measures (the instrument, the supervision window).
AREA_HEADINGS = {
    "fidelity": "Fidelity",
    "outcomes": "Outcomes",
    "supervision": "Supervision",
    "staffing": "Staffing",
    "equity": "Equity concerns",
    "actions": "Follow-up actions",
}
CRITERION_COLOR = "#555555"
FIDELITY_COLORS = {"Slipped": VERMILLION, "Below": ORANGE, "At criterion": BLUE}


DISTRICT_ROW = "Whole district"


def matrix_table(
    matrix: pd.DataFrame, district: Mapping[str, object] | None = None
) -> pd.DataFrame:
    """The matrix as the screen and the brief print it: Building, Needs attention, then one column
    per area reading 'Word · number'. With `district` (the district's outcome cell) a last row,
    "Whole district", shows it; its other areas are the headline figures' and stay empty."""
    said = matrix_words(matrix)
    table = pd.DataFrame(
        {"Building": said["building"], "Act on": said["attention"]}, index=matrix.index
    )
    for area in AREAS:
        words, numbers = said[f"{area}_word"], said[f"{area}_number"]
        table[AREA_HEADINGS[area]] = [
            f"{word} · {number}" if number else word
            for word, number in zip(words, numbers, strict=True)
        ]
    if district is not None:
        word, number = cell_words("outcomes", district)
        row = dict.fromkeys(table.columns, "")
        row["Building"] = DISTRICT_ROW
        row["Act on"] = AREA_NAMES["outcomes"] if district["level"] == ACT else ""
        row[AREA_HEADINGS["outcomes"]] = f"{word} · {number}" if number else word
        last = int(table.index.max()) + 1 if len(table) else 0  # the index stays whole numbers
        table = pd.concat([table, pd.DataFrame([row], index=[last])])
    return table


def _level_css(level: str) -> str:
    return f"background-color: {LEVEL_COLORS[level]}; color: {LEVEL_TEXT_COLORS[level]}"


def matrix_colours(
    table: pd.DataFrame, matrix: pd.DataFrame, district: Mapping[str, object] | None = None
) -> pd.DataFrame:
    """The CSS of each of `matrix_table`'s cells: its level's colours, "Act on" bold when any; the
    district's row (with `district`) coloured in its outcome cell only, a line above it."""
    css = pd.DataFrame("", index=table.index, columns=table.columns)
    buildings = matrix.index
    for area in AREAS:
        css.loc[buildings, AREA_HEADINGS[area]] = matrix[f"{area}_level"].map(_level_css)
    css.loc[buildings, "Act on"] = [
        "font-weight: bold" if count else "" for count in matrix["act_count"]
    ]
    if district is not None:
        last = table.index[-1]  # matrix_table's district row
        css.loc[last] = "border-top: 2px solid #444444; font-weight: bold"
        css.loc[last, AREA_HEADINGS["outcomes"]] += "; " + _level_css(str(district["level"]))
    return css


def fidelity_chart(
    data: pd.DataFrame,
    *,
    y: str,
    percent: str,
    word: str,
    text: str,
    criterion: float,
    title: str,
) -> go.Figure:
    """Each building's latest percent as a bar, lowest at the top, coloured by its status word
    (at criterion, below, slipped) and labelled, with the criterion as a dashed line."""
    data = data.assign(**{y: data[y].map(plain_html)})  # building names are data
    ordered = data.assign(_p=data[percent].astype(float)).sort_values(
        ["_p", y], ascending=[True, True]
    )
    figure = go.Figure()
    for name, colour in FIDELITY_COLORS.items():
        rows = ordered[ordered[word] == name]
        if rows.empty:
            continue
        figure.add_bar(
            x=rows["_p"],
            y=rows[y],
            orientation="h",
            name=name,
            marker_color=colour,
            text=rows[text],
            textposition="inside",
            insidetextanchor="end",
            textfont={"color": "black" if colour == ORANGE else "white", "size": FONT_SIZE},
            hovertemplate="%{y}: %{x:.0f}%<extra>" + name + "</extra>",
        )
    figure.add_vline(
        x=criterion,
        line={"dash": "dash", "color": CRITERION_COLOR, "width": 2},
        annotation_text=f"criterion {criterion:g}%",
        annotation_position="top",
        annotation_font={"size": FONT_SIZE - 2, "color": CRITERION_COLOR},
    )
    figure.update_yaxes(categoryorder="array", categoryarray=list(ordered[y]), autorange="reversed")
    figure.update_xaxes(
        title_text="Points earned of points possible (%)",
        range=[0, 102],
        tickvals=[0, 25, 50, 75, 100],
        ticktext=["0%", "25%", "50%", "75%", "100%"],
    )
    figure = base_layout(figure, title=title, height=max(320, 40 * len(ordered) + 200))
    return legend_below(figure)


def flags_chart(
    data: pd.DataFrame, *, y: str, new_or_worse: str, continuing: str, title: str
) -> go.Figure:
    """Equity concerns per building this school year, split into new or worse since last year and the
    rest, most flags at the top, the total printed at the end of each bar."""
    data = data.assign(**{y: data[y].map(plain_html)})  # building names are data
    ordered = data.assign(_total=data[new_or_worse] + data[continuing]).sort_values(
        ["_total", y], ascending=[False, True]
    )
    figure = go.Figure()
    for column, name, colour in (
        (new_or_worse, "New or worse since last year", VERMILLION),
        (continuing, "Same or better than last year", ORANGE),
    ):
        figure.add_bar(
            x=ordered[column],
            y=ordered[y],
            orientation="h",
            name=name,
            marker_color=colour,
            hovertemplate="%{y}: %{x}<extra>" + name + "</extra>",
        )
    figure.add_scatter(
        x=ordered["_total"],
        y=ordered[y],
        mode="text",
        text=[f"  {total}" for total in ordered["_total"]],
        textposition="middle right",
        textfont={"size": FONT_SIZE},
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
    )
    figure.update_layout(barmode="stack")
    figure.update_yaxes(categoryorder="array", categoryarray=list(ordered[y]), autorange="reversed")
    top = int(ordered["_total"].max()) if len(ordered) else 1
    figure.update_xaxes(
        title_text="Flags (building, indicator and group)", range=[0, top * 1.2 + 1]
    )
    figure = base_layout(figure, title=title, height=max(320, 40 * len(ordered) + 200))
    return legend_below(figure)


def attendance_chart(
    data: pd.DataFrame, *, x: str, share: str, low: str, healthy: float, title: str
) -> go.Figure:
    """Each meeting's attendance (share of members present) as a bar, in date order, below the
    healthy share in orange and labelled, with the healthy share as a dashed line."""
    ordered = data.sort_values(x)
    labels = [f"{day:%-d %b %Y}" for day in ordered[x]]
    figure = go.Figure()
    for is_low, name, colour in (
        (False, "Healthy attendance", BLUE),
        (True, f"Below {healthy:.0%}", ORANGE),
    ):
        rows = ordered[ordered[low] == is_low]
        if rows.empty:
            continue
        figure.add_bar(
            x=[f"{day:%-d %b %Y}" for day in rows[x]],
            y=rows[share].astype(float) * 100,
            name=name,
            marker_color=colour,
            # Only the meetings below the healthy share carry their figure: the table has the rest.
            text=[f"{value:.0%}" if is_low else "" for value in rows[share].astype(float)],
            textposition="outside",
            textfont={"size": FONT_SIZE},
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.0f}%<extra></extra>",
        )
    # The dashed line's meaning is in the title: an annotation would sit on the bars.
    figure.add_hline(y=healthy * 100, line={"dash": "dash", "color": CRITERION_COLOR, "width": 2})
    figure.update_yaxes(
        title_text="Members attending (%)",
        range=[0, 118],
        tickvals=[0, 25, 50, 75, 100],
        ticktext=["0%", "25%", "50%", "75%", "100%"],
    )
    figure.update_xaxes(
        title_text="Meeting date",
        type="category",
        categoryorder="array",
        categoryarray=labels,
        tickangle=-45,
    )
    figure = base_layout(figure, title=title, height=460)
    return legend_below(figure)


def students_in(group_type: str, group: str) -> str:
    """A student group as a sentence names it: 'Black students', 'students with IEPs',
    'English learners', 'economically disadvantaged students'."""
    from data_access.equity.metrics import GROUP_LABELS

    label = GROUP_LABELS.get((group_type, group), group)
    if group_type == "iep":
        return "students with IEPs"
    if group_type == "el":
        return "English learners"
    if group_type == "econ_disadv":
        return "economically disadvantaged students"
    if group_type == "sex":
        return {"F": "female students", "M": "male students"}.get(group, f"{label} students")
    return f"{label} students"
