"""Presentation mode's slides: the Overview one area at a time (headlines, buildings, fidelity, staff
support, equity, student outcomes, follow-up), each made to fit a 1280x720 projector. A strip of slide names with
Previous and Next (the arrow keys, and Page Up / Page Down, which presentation clickers send), the
slide in the address (?present=1&slide=equity) so it can be shared and reopened, and a way out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from components.display import show_chart
from components.meeting_agenda import show_agenda
from components.meeting_chart_data import (
    charted_buildings,
    coverage_figure,
    coverage_rows,
    fidelity_figure,
    fidelity_rows,
    flag_rows,
    flags_figure,
)
from components.meeting_headlines import show_headlines, show_team_warning
from components.meeting_matrix import show_matrix
from components.meeting_presentation import leave_presentation
from components.presentation_charts import for_projector
from components.text import plain
from data_access.meeting.rules import FIDELITY_INSTRUMENT, FIDELITY_SCALE, Headlines
from data_access.meeting.view import MeetingPicture
from data_access.scope import Scope
from data_access.users.access import UserAccess

SLIDE_KEY = "slide"  # the address's parameter: ?slide=equity
SLIDE_ITEMS = 3  # agenda items per section on a slide (the rest are counted, with a link)


@dataclass(frozen=True)
class Slide:
    name: str  # in the address
    title: str  # in the strip of slides
    sections: tuple[str, ...] = ()  # the agenda's sections it shows (components.meeting_agenda)
    chart: str | None = None  # the key chart beside them


SLIDES = (
    Slide("headlines", "Headlines"),
    Slide("buildings", "Buildings"),
    Slide("fidelity", "Fidelity", ("fidelity_slipping",), "fidelity"),
    Slide("staff-support", "Staff support", ("supervision_gaps", "missing_roles"), "supervision"),
    Slide("equity", "Equity", ("equity_flags",), "equity"),
    Slide("outcomes", "Student outcomes", ("student_outcomes",)),
    Slide("follow-up", "Follow-up", ("left_open", "the_team", "overdue_actions")),
)
BY_NAME = {slide.name: slide for slide in SLIDES}


def _step(by: int) -> None:
    """Previous/Next's callback: the slide `by` places on, within the first and the last."""
    names = list(BY_NAME)
    index = names.index(st.session_state.get(SLIDE_KEY) or names[0]) + by
    st.session_state[SLIDE_KEY] = names[min(max(index, 0), len(names) - 1)]


def slide_strip() -> Slide:
    """Previous, the strip of slide names, Next and Leave; the slide chosen, which the address
    names from then on. A slide named in the address that does not exist opens the first."""
    names = list(BY_NAME)
    if SLIDE_KEY not in st.session_state:
        wanted = st.query_params.get(SLIDE_KEY)
        st.session_state[SLIDE_KEY] = wanted if wanted in BY_NAME else names[0]
    at = names.index(st.session_state[SLIDE_KEY])
    with st.container(key="present_nav", horizontal=True, vertical_alignment="center", gap="small"):
        st.button(
            "Previous",
            key="present_previous",
            icon=":material/arrow_back:",
            on_click=_step,
            args=(-1,),
            disabled=at == 0,
            shortcut="Left",
        )
        chosen = st.segmented_control(
            "Slide",
            names,
            format_func=lambda name: BY_NAME[name].title,
            key=SLIDE_KEY,
            required=True,
            label_visibility="collapsed",
        )
        st.button(
            "Next",
            key="present_next",
            icon=":material/arrow_forward:",
            icon_position="right",
            on_click=_step,
            args=(1,),
            disabled=at == len(names) - 1,
            shortcut="Right",
        )
        st.space("stretch")
        st.button(
            "Leave presentation",
            key="present_leave",
            icon=":material/close_fullscreen:",
            on_click=leave_presentation,
        )
        # Presentation clickers send Page Down / Page Up: the same steps, under keys of their own
        # (a button takes one shortcut); hidden, as the arrows above say what they do.
        st.button("Next", key="present_next_page", on_click=_step, args=(1,), shortcut="PageDown")
        st.button(
            "Previous", key="present_previous_page", on_click=_step, args=(-1,), shortcut="PageUp"
        )
    # The address names the slide. (The widget's own bind="query-params" would write the title,
    # "Staff support", rather than the name.)
    slide = BY_NAME[chosen or names[0]]
    st.query_params[SLIDE_KEY] = slide.name
    return slide


def show_slides(
    headlines: Headlines,
    picture: MeetingPicture,
    *,
    as_of: date,
    scope: Scope,
    user: UserAccess | None,
) -> None:
    """The strip, then the one slide it shows."""
    slide = slide_strip()

    def agenda(sections: tuple[str, ...]) -> None:
        """The agenda's `sections`, in a half-width column: fewer items, each link under its item."""
        show_agenda(
            picture,
            as_of=as_of,
            scope=scope,
            user=user,
            sections=sections,
            items=SLIDE_ITEMS,
            links_below=True,
        )

    if slide.name == "headlines":
        show_headlines(headlines)
        show_team_warning(picture)
    elif slide.name == "buildings":
        show_matrix(picture, as_of=as_of)
    elif slide.chart is not None and not picture.matrix.empty:
        agenda_column, chart_column = st.columns(2, gap="large")
        with agenda_column:
            agenda(slide.sections)
        with chart_column:
            show_area_chart(picture, slide.chart)
    elif slide.name == "follow-up":
        # The overdue actions take a column; what was left open and the team share the other.
        team_column, actions_column = st.columns(2, gap="large")
        with team_column:
            agenda(slide.sections[:2])
        with actions_column:
            agenda(slide.sections[2:])
    else:  # student outcomes, or an area slide for someone who sees no building's rows: the agenda
        agenda(slide.sections)


def show_area_chart(picture: MeetingPicture, area: str) -> None:
    """The area's key chart (the buildings needing most attention), in the projector's type."""
    order, few = charted_buildings(picture)
    if area == "fidelity":
        rows = fidelity_rows(picture, order)
        empty = f"No {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} scores yet."
        figure = fidelity_figure(rows, few=few) if len(rows) else None
    elif area == "supervision":
        rows = coverage_rows(picture, order)
        empty = "No support staff assigned this school year."
        figure = coverage_figure(rows, picture=picture, few=few) if len(rows) else None
    else:
        rows = flag_rows(picture, order)
        empty = f"No building in your view has an equity flag in {picture.equity_year}."
        figure = flags_figure(rows, picture=picture, few=few) if len(rows) else None
    if figure is None:
        st.caption(empty)
        return
    # The title above the chart, where it wraps: in the figure, a long one would be cut off.
    st.markdown(f"**{plain(figure.layout.title.text)}**")
    figure.update_layout(title_text=None, margin_t=24)  # room for the criterion's label
    projected = for_projector(figure, bars=len(rows))
    show_chart(projected, key=f"present_{area}_chart")
