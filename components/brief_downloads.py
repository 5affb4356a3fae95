"""The meeting brief on the Overview: choose the district or a building in scope, then one click
downloads its brief as a PDF or as printable HTML. The PDF is only made when someone clicks."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components.brief_browser import find_browser
from components.brief_document import brief_html, brief_pdf
from components.cache import load
from components.meeting_wording import headline_place
from data_access.meeting.rules import Headlines
from data_access.meeting.view import MeetingPicture, get_building_brief_view
from data_access.scope import Scope


def brief_downloads(
    *,
    headlines: Headlines,
    picture: MeetingPicture,
    scope: Scope,
    as_of: date,
    equity: dict[str, pd.DataFrame] | None = None,
) -> None:
    """Choose the district or a building in scope, then one click downloads its brief. `equity`:
    the district's equity rows the page already loaded (a building's flags are counted from them)."""
    buildings = list(picture.matrix.sort_values("building")["building_id"])
    # The figures without a building chosen are the scope's (the district's, or a principal's
    # buildings'): for a principal of one building that is the building's own brief.
    options: list[str | None] = [
        *([None] if scope.is_district or len(buildings) != 1 else []),
        *buildings,
    ]
    names = dict(zip(picture.matrix["building_id"], picture.matrix["building"], strict=True))
    pick_column, pdf_column, html_column = st.columns([2, 1, 1], vertical_alignment="bottom")
    building_id = pick_column.selectbox(
        "Brief for",
        options,
        format_func=lambda b: (
            names[b]
            if b is not None
            else "The whole district"
            if scope.is_district
            else f"All your buildings ({headline_place(headlines)})"
        ),
        key="meeting_brief_for",
        help="The headline figures, where each building stands, the key charts, the agenda and the "
        "open actions, ready to send to people who missed the meeting.",
    )
    if building_id is not None and not scope.allows(building_id):
        return  # never: the options are the buildings in scope
    chosen_headlines, trend = headlines, None
    if building_id is not None:
        building = load(
            get_building_brief_view, as_of=as_of, building_id=building_id, equity=equity
        )
        chosen_headlines, trend = building.headlines, building.trend
    slug = "district" if building_id is None else building_id
    stem = f"meeting-brief-{slug}-{as_of.isoformat()}"
    browser = find_browser()
    if browser is not None:
        pdf_column.download_button(
            "Download the brief (PDF)",
            data=lambda: brief_pdf(chosen_headlines, picture, building_id=building_id, trend=trend),
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            key="meeting_brief_pdf",
            type="primary",
            on_click="ignore",
        )
    html_column.download_button(
        "Printable HTML brief",
        data=lambda: brief_html(chosen_headlines, picture, building_id=building_id, trend=trend),
        file_name=f"{stem}.html",
        mime="text/html",
        icon=":material/print:",
        key="meeting_brief_html",
        on_click="ignore",
    )
    if browser is None:
        st.warning(
            "**The PDF brief needs Chrome or Chromium on the server** to draw its charts, and none "
            "was found (install Chromium, or set BROWSER_PATH to one). Download the printable HTML "
            "brief instead: the same figures, tables and charts; open it in a browser and print it.",
            icon=":material/print_disabled:",
        )
