"""The Overview's matrix: where each building stands in every area, coloured by what to do about it,
a click on a building's row or cell opens its page (at that area), and a picker does too."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components.cache import derive_figure
from components.drill_views import show_clickable_matrix
from components.meeting_charts import matrix_colours, matrix_table
from components.meeting_wording import outcomes_when
from components.text import plain
from data_access.meeting.rules import FIDELITY_INSTRUMENT, FIDELITY_SCALE
from data_access.meeting.view import MeetingPicture
from data_access.system_health.signals import REFERRAL_RISE, UNMET_RISE_POINTS

TABLE_ROWS = 25  # up to this many buildings the matrix is a plain table (large type on a projector)


def show_matrix(picture: MeetingPicture, *, as_of: date, **filters: Any) -> None:
    """`filters` are what decided `picture` (scope, dates, level): with them the table's words and
    colours are worked out once per data version and shared by every session (they were a fifth of
    a warm Overview rerun, issue 23); each run styles its own copy, since drawing a Styler changes
    it."""
    st.subheader("Where each building stands")
    matrix = picture.matrix
    if matrix.empty:
        st.info(
            "Building-by-building figures are for district leaders and each building's principal and "
            "coaches; your view shows the district as a whole.",
            icon=":material/visibility_off:",
        )
    else:
        st.caption(
            "Each cell: its status in words, then the number. **Vermillion: act on it**; light orange: "
            "watch; light blue: fine; grey: nothing to show. Buildings with most to act on first. "
            f"Fidelity: latest {FIDELITY_INSTRUMENT} {FIDELITY_SCALE}, *slipped* when below criterion "
            "and lower than the administration before. Student outcomes: % of screened students at "
            f"benchmark in {outcomes_when(picture)} (80% or more: core instruction is "
            "sufficient), *unmet need up* when the share of students below benchmark with no "
            f"support is {UNMET_RISE_POINTS:g} points or more above last year's, *referrals up* "
            f"when referrals per 100 students per school day this year to date are "
            f"{REFERRAL_RISE:.0%} or more above the same months last year (act on two or more; "
            "*+1 more*: the agenda names it); *withheld* when the figure would show too few "
            "students. Supervision: support staff with a held session "
            f"in the {picture.window_days} days to {as_of:%-d %b}; *lapsed* when nobody has. Staffing: "
            "counselor, psychologist, social worker and nurse against national ratios. Equity: "
            f"concerns (flags the way each indicator worries about) in {picture.equity_year}, *new "
            "or worse* than last school year. Actions: open follow-up "
            "actions, *overdue* past their due date. **Click a cell** to open that building's page "
            "at that area."
        )
        table, css = (
            derive_figure(matrix_cells, picture, as_of=as_of, **filters)
            if filters
            else matrix_cells(picture)
        )
        styled = table.style.apply(lambda _frame: css, axis=None).hide(axis="index")
        show_clickable_matrix(
            styled,
            list(matrix["building_id"]),  # the district's row, last, opens nothing
            rows=min(len(matrix), TABLE_ROWS) + (picture.district_outcome is not None),
        )
        names = dict(zip(matrix["building_id"], matrix["building"], strict=True))
        # Keyboard users (and anyone who prefers it) can still pick a building by name.
        pick_column, link_column = st.columns([2, 1], vertical_alignment="bottom")
        chosen = pick_column.selectbox(
            "Or pick a building's page",
            list(matrix["building_id"]),
            format_func=lambda b: f"{names[b]} ({b})",
            key="meeting_building",
            help="Buildings in the order above: the one with most to act on first.",
        )
        with link_column:
            st.page_link(
                "pages/building.py",
                label=f"Open {plain(names[chosen])}",
                icon=":material/domain:",
                query_params={"building": chosen},
            )


def matrix_cells(picture: MeetingPicture, **_filters: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matrix's table in words and each cell's CSS. Shared: nobody may change them."""
    table = matrix_table(picture.matrix, picture.district_outcome)
    return table, matrix_colours(table, picture.matrix, picture.district_outcome)
