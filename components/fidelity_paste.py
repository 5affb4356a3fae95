"""Filling the fidelity entry form at once, from scores pasted as a column (or item and score pairs)
or from an item-score file. Reading and checking live in `data_access.fidelity.score_sheet` (every
score through `FidelityScoreInput`); this draws the box above the form and, when everything is
accepted, puts the scores into the form's own fields, where the person checks them and saves. A
refused sheet changes nothing in the form."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.text import plain
from data_access.fidelity.score_sheet import ScoreSheet, read_pasted_scores, read_score_file


def show_score_filler(
    *, instrument: str, items: pd.DataFrame, field_key: Callable[[str, str], str]
) -> None:
    """The "Paste or upload the scores" box. Call it before the form, in the same run: the form's
    fields (keys from `field_key(instrument, item_id)`) are set before they are drawn."""
    with st.expander("Paste or upload the scores", icon=":material/content_paste:"):
        st.caption(
            f"Paste **{len(items)} scores, one per line**, in the order of {plain(instrument)}'s "
            "items (copy the column from a spreadsheet; an empty line for an item not scored), or "
            "**item and score** pairs separated by a tab or a comma (`1.1, 2`). Or upload an "
            "item-score file (CSV or Excel) with an **Item** column and a **Score** column, the "
            "layout of a TFI item report exported from PBIS Assessment or your own sheet. The "
            "scores fill the form below; nothing is saved until you press Save."
        )
        message = st.empty()
        paste_column, file_column = st.columns(2)
        with paste_column:
            text = st.text_area(
                "Scores to paste", key="fidelity_paste_text", height=140, placeholder="2\n1\n2\n…"
            )
            pasted = st.button("Fill the form from the pasted scores", key="fidelity_paste_fill")
        with file_column:
            upload = st.file_uploader(
                "Item-score file", type=["csv", "xlsx"], key="fidelity_upload_file"
            )
            uploaded = st.button(
                "Fill the form from the file", key="fidelity_upload_fill", disabled=upload is None
            )
        sheet: ScoreSheet | None = None
        source = ""
        if pasted:
            sheet = read_pasted_scores(text or "", instrument=instrument, items=items)
            source = "what you pasted"
        elif uploaded and upload is not None:
            sheet = read_score_file(
                upload.name, upload.getvalue(), instrument=instrument, items=items
            )
            source = upload.name
        if sheet is None:
            return
        if sheet.problems:
            count = len(sheet.problems)
            with message.container():
                st.error(
                    f"Nothing was filled: {count} problem{'s' if count != 1 else ''} in "
                    f"{plain(source)}.",
                    icon=":material/error:",
                )
                for problem in sheet.problems[:20]:
                    st.error(plain(problem))
                if count > 20:
                    st.caption(f"… and {count - 20} more.")
            return
        for item_id, score in sheet.scores.items():
            st.session_state[field_key(instrument, item_id)] = score
        message.success(
            f"Filled the form from {plain(sheet.described)}. Check the scores below, choose the "
            "building and date, and save.",
            icon=":material/check_circle:",
        )
