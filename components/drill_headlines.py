"""Under each Overview headline, a link to what makes it up: the buildings' fidelity scores, the
support staff and their supervision, the staffing ratios, the year's equity flags, the overdue
actions. For a principal's own building the links open that building's figures."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.access import may_open
from data_access.meeting.rules import Headlines
from data_access.users.access import UserAccess


@dataclass(frozen=True)
class HeadlineLink:
    page: str
    label: str
    query: tuple[tuple[str, str], ...] = ()

    @property
    def params(self) -> dict[str, str]:
        return dict(self.query)


def headline_link(key: str, *, building_id: str | None, equity_year: str | None) -> HeadlineLink:
    """Where headline `key` (one of the meeting's areas) is made up, for the district or one
    building."""
    building = (("building", building_id),) if building_id else ()
    if key == "fidelity":
        return HeadlineLink("pages/fidelity.py", "Scores by building", building)
    if key == "supervision":
        return HeadlineLink(
            "pages/staff_support.py", "Who is supervised", (*building, ("tab", "Supervision"))
        )
    if key == "staffing":
        return HeadlineLink(
            "pages/staff_support.py", "Staffing ratios", (*building, ("tab", "Staffing ratios"))
        )
    if key == "equity":
        year = (("school_year", equity_year),) if equity_year else ()
        return HeadlineLink("pages/equity.py", "Every flag", (*year, *building))
    return HeadlineLink("pages/follow_up.py", "Overdue actions")


def show_headline_links(
    headlines: Headlines, *, equity_year: str | None, user: UserAccess | None
) -> None:
    """One link under each headline, in the headlines' columns (none to a page the role cannot
    open)."""
    columns = st.columns(len(headlines.items))
    for column, item in zip(columns, headlines.items, strict=True):
        link = headline_link(item.key, building_id=headlines.building_id, equity_year=equity_year)
        if user is None or not may_open(user, link.page.removeprefix("pages/").removesuffix(".py")):
            continue
        with column:
            st.page_link(
                link.page,
                label=link.label,
                icon=":material/arrow_forward:",
                query_params=link.params,
            )
