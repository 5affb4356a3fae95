"""Thin `show_*` functions that put figures and tables on screen the same way on every page."""

from __future__ import annotations

import contextlib
import copy
import math
import threading
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from components.text_width import text_px, wrapped_px

ROW_HEIGHT = 35  # Streamlit's data-frame row height in pixels


# Plotly's toolbar sat over the chart's title (on a phone, where a tap shows it, for good); zoom
# and pan are not what a meeting does with these charts, and Streamlit's own toolbar above the
# chart still offers full screen.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}
FITTED = "_fitted_for_screen"  # the attribute a figure keeps its fitted copy under
_FITTING = threading.Lock()


def show_chart(figure: go.Figure, *, key: str | None = None, on_select: Any = "ignore") -> Any:
    """The figure, full width and fitted to the screen; with `on_select="rerun"` (or a callback) a
    click on a bar or point selects it, and the selection is returned (components/drill_views.py)."""
    from components.charts import fit_to_screen

    # theme=None keeps the product's own fonts and colours (components/charts.py) instead of
    # Streamlit's, which shrink axis labels below what a projector can show. A copy is fitted:
    # the figure may be a cached one, shared by every session. The fitted copy is kept with it, so
    # a cached figure is copied and fitted once per data version, not on every rerun (copying
    # validates every trace again: it was a good part of a warm rerun under load, issue 23).
    fitted = getattr(figure, FITTED, None)
    if fitted is None:
        # One session at a time: plotly builds a figure's parts the first time they are read, and
        # two threads reading a shared figure's parts at once can break it (plotly.py issue 3441:
        # seen as "Invalid property 'colorbar' for Scatter" when five sessions drew the Equity
        # page's new heatmap together after a write).
        with _FITTING:
            fitted = getattr(figure, FITTED, None)
            if fitted is None:
                fitted = fit_to_screen(go.Figure(figure))
                setattr(figure, FITTED, fitted)  # plotly figures take attributes starting "_"
    return st.plotly_chart(
        fitted,
        width="stretch",
        theme=None,
        key=key,
        on_select=on_select,
        selection_mode="points",
        config=CHART_CONFIG,
    )


NAMED_WIDTHS = {"small": 75, "medium": 200, "large": 400}  # Streamlit's column widths, in px
CELL_PADDING_PX = 20  # 8 px each side, and a little room (text widths: components/text_width)
WIDEST_COLUMN_PX = 400  # wider than this, a column's text is free text: it may be cut
# The grid wraps a cell's text only in rows taller than 4rem (64 px); 65 px holds two lines.
WRAPPED_ROW_HEIGHT = 65
THREE_LINE_ROW_HEIGHT = 85


def lines_in_row(row_height: int) -> int:
    """How many lines of text the grid shows in a row this tall: one up to 64 px; above, a line
    for every 20 px after 16 px of padding (65 px: two, 85 px: three)."""
    return 1 if row_height < WRAPPED_ROW_HEIGHT else (row_height - 16) // 20


def shown_values(values: pd.Series, config: dict[str, Any]) -> list[str]:
    """The text a column's cells show: a number through its column's printf format ("%.0f%%"
    shows 57.142857 as "57%"), or as the grid shows a plain number; anything else as text."""
    values = values.dropna()
    if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return [str(value) for value in values]
    number_format = (config.get("type_config") or {}).get("format") or ""
    if "%" in number_format:
        with contextlib.suppress(TypeError, ValueError):
            return [number_format % value for value in values]
    return [f"{value:,.4g}" if isinstance(value, float) else f"{value:,}" for value in values]


def fitted_column_config(
    frame: pd.DataFrame, column_config: dict[str, Any] | None, *, lines: int = 1
) -> dict[str, Any] | None:
    """Each column at least as wide as its heading and its longest value need (up to
    WIDEST_COLUMN_PX): a width chosen once ("Taken" 60 px, "Building" 140 px) cut "Roosevelt
    Middle School" and "15 May 2026, overdue by 14 days". Columns without a width get one too:
    the grid sizes a column by the first rows it draws, so "Intervention specialist" in row 20
    was cut, and a number column's bold heading ("Recommended") by the numbers."""
    fitted = dict(column_config or {})
    for column in frame.columns:
        if column not in fitted and isinstance(column, str):
            config: Any = {"width": 0}
        else:
            config = fitted.get(column)
        if not isinstance(config, dict):
            continue
        width = config.get("width") or 0
        width = NAMED_WIDTHS.get(width, width) if isinstance(width, str) else width
        if not isinstance(width, int | float):
            continue
        values = shown_values(frame[column], config)
        # Headings never wrap; cells wrap onto `lines` lines in a row tall enough (WRAPPED_ROW_HEIGHT).
        heading = text_px(str(config.get("label") or column))
        longest = max([0.0, *(wrapped_px(value, lines) for value in values)])
        needed = min(WIDEST_COLUMN_PX, math.ceil(max(heading, longest) + CELL_PADDING_PX))
        if needed > width:
            fitted[column] = {**config, "width": needed}
    return fitted or column_config


def show_dataframe(data: pd.DataFrame | Styler, **options: Any) -> Any:
    """`st.dataframe`, for every table the app shows: text cells a spreadsheet would run as a formula
    (starting with = + - @, a tab or a carriage return) are neutralised exactly as the app's own CSV
    and Excel buttons do (components/downloads.py), so the table toolbar's download and a copy of
    its cells are as safe as those. Returns what `st.dataframe` returns (the selection, if any)."""
    from components.downloads import safe_frame

    frame = data.data if isinstance(data, Styler) else data
    lines = lines_in_row(options.get("row_height") or ROW_HEIGHT)
    options["column_config"] = fitted_column_config(
        frame, options.get("column_config"), lines=lines
    )
    if isinstance(data, Styler):
        # Same index and columns, so the styles (computed from them when drawn) still apply.
        styled = copy.copy(data)
        styled.data = safe_frame(data.data, headers=False)
        return st.dataframe(styled, **options)
    return st.dataframe(safe_frame(data, index=True), **options)


def show_editor(data: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """`st.data_editor`, for every grid the app lets someone type into (a form's rows): its
    starting cells are neutralised as `show_dataframe` does (a copy of them is as safe as the app's
    own downloads), and what was typed comes back as a DataFrame to check like any other input."""
    from components.downloads import safe_frame

    return st.data_editor(safe_frame(data, index=True), **options)


def show_static_table(data: pd.DataFrame | Styler, **options: Any) -> None:
    """`st.table`, whose cells (headers and index too) Streamlit renders as Markdown: every text
    cell goes through `plain` first, so a name is shown as written. A Styler keeps its headers (its
    styles are keyed on them; they are the app's own words) and has its cells escaped."""
    from components.text import plain

    def escaped(frame: pd.DataFrame) -> pd.DataFrame:
        safe = frame.copy()
        for column in safe.columns:
            values = safe[column]
            if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
                safe[column] = values.map(plain, na_action="ignore").astype(object)
        return safe

    if isinstance(data, Styler):
        styled = copy.copy(data)
        styled.data = escaped(data.data)
        st.table(styled, **options)
        return
    table = escaped(data)
    table.columns = [plain(column) for column in table.columns]
    if table.index.dtype == object or pd.api.types.is_string_dtype(table.index.dtype):
        table.index = table.index.map(plain)
    st.table(table, **options)


def show_table(
    table: pd.DataFrame, *, max_rows: int = 25, download: str | None = None, **options
) -> None:
    """A table tall enough to show up to `max_rows` rows without scrolling; with `download` (a file
    name), CSV and Excel downloads of exactly these rows under it."""
    row_height = options.get("row_height") or ROW_HEIGHT
    height = ROW_HEIGHT + row_height * min(len(table), max_rows) + 3
    show_dataframe(table, hide_index=True, height=height, **({"width": "stretch"} | options))
    if download:
        from components.downloads import download_menu

        download_menu(table, download, key=f"download_{download}")


def print_friendly() -> None:
    """When the page is printed, leave out the sidebar, the toolbar and links: only the content."""
    st.html(
        "<style>@media print {"
        "[data-testid='stSidebar'], [data-testid='stHeader'], [data-testid='stToolbar'],"
        "[data-testid='stPageLink'], [data-testid='stSelectbox'] {display: none !important;}"
        "[data-testid='stMain'] {margin-left: 0 !important;}"
        ".js-plotly-plot, [data-testid='stDataFrame'] {break-inside: avoid;}"
        "}</style>"
    )
