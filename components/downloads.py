"""Downloads of any table a page shows, as CSV and as Excel, with the same numbers.

Every text cell that starts with = + - @, a tab or a carriage return is neutralised
(data_access.export_format), so a spreadsheet shows it and never runs it as a formula. `to_csv_bytes`
and `to_xlsx_bytes` are plain functions (tested without Streamlit); `download_menu` puts the two
buttons on screen. `components.display.show_dataframe` shows every table with the same cells, so the
table toolbar's own download is as safe."""

from __future__ import annotations

import io
import re

import pandas as pd
import streamlit as st

from data_access.export_format import neutralise_formula

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_frame(frame: pd.DataFrame, *, headers: bool = True, index: bool = False) -> pd.DataFrame:
    """A copy with every text cell (headers too, and the index if asked) neutralised; numbers, dates
    and booleans stay."""
    safe = frame.copy()
    if headers:
        safe.columns = [neutralise_formula(str(column)) for column in frame.columns]
    text_index = safe.index.dtype == object or pd.api.types.is_string_dtype(safe.index.dtype)
    if index and text_index and not isinstance(safe.index, pd.MultiIndex):
        safe.index = safe.index.map(neutralise_formula)
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            safe[column] = values.map(neutralise_formula, na_action="ignore").astype(object)
    return safe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accented names correctly."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet_name: str = "data") -> bytes:
    safe = safe_frame(frame)
    for column in safe.columns:  # Excel has no time zones
        if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
            safe[column] = safe[column].dt.tz_convert("UTC").dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=_sheet_name(sheet_name))
        sheet = writer.sheets[_sheet_name(sheet_name)]
        for cells in sheet.columns:  # wide enough to read each header
            width = max(len(str(cells[0].value or "")), 8) + 2
            sheet.column_dimensions[cells[0].column_letter].width = min(width, 60)
        sheet.freeze_panes = "A2"
    return buffer.getvalue()


def _sheet_name(text: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31] or "data"


def download_menu(
    frame: pd.DataFrame, file_stem: str, *, key: str, label: str = "Download"
) -> None:
    """Two buttons side by side (one under the other where there is no room): the table as CSV and
    as an Excel workbook. Each is as wide as its label, so the label is never cut."""
    row = st.container(horizontal=True, wrap=True, gap="small")
    first, second = row, row
    first.download_button(
        f"{label} (CSV)",
        data=lambda: to_csv_bytes(frame),  # built when clicked, not on every rerun
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
        width="content",
    )
    second.download_button(
        f"{label} (Excel)",
        data=lambda: to_xlsx_bytes(frame, sheet_name=file_stem),
        file_name=f"{file_stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/download:",
        width="content",
    )
