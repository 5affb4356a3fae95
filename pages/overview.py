"""Overview: the leadership meeting screen. Headline figures and what changed since the last meeting,
where each building stands in every area, the agenda the data sets, a presentation mode for the
projector, the meeting brief, and the district at a glance."""

from __future__ import annotations

import streamlit as st

from components.brief_downloads import brief_downloads
from components.cache import load
from components.drill_filters import level_filter, picture_at_level
from components.drill_headlines import show_headline_links
from components.meeting_agenda import show_agenda
from components.meeting_form import meeting_form, show_meeting_saved
from components.meeting_headlines import show_headlines, show_team_warning
from components.meeting_key_charts import show_key_charts
from components.meeting_matrix import show_matrix
from components.meeting_presentation import presentation_toggle, presenting
from components.meeting_wording import since
from components.overview_empty import show_empty_store
from components.overview_glance import show_district_glance
from components.page import current_scope, current_user, page_setup
from components.presentation_slides import show_slides
from data_access.meeting.view import get_overview_view
from data_access.staff_support.queries import default_as_of

status = page_setup(
    "District overview",
    caption="The leadership team's meeting screen: where each building stands on fidelity, staff "
    "support and equity, what changed since the last meeting, and what to decide.",
    presenting=presenting(),
)
scope = current_scope()
user = current_user()
as_of = default_as_of(status)
# Headlines, matrix, agenda and the district at a glance in one cached call: they share their
# scores, coverage and equity rows.
view = load(get_overview_view, scope=scope, as_of=as_of, freshness_as_of=status.as_of)

if not view.summary.school_years:
    show_empty_store(user)  # next steps in the app: import on the Data page, or the demo again
    st.stop()

may_record = user is not None and user.role in ("district_admin", "district_leader")
headlines, picture = view.headlines, view.picture
comparison = headlines.comparison

toggle_column, when_column = st.columns([1, 3], vertical_alignment="center")
present = presentation_toggle(toggle_column)
when_column.markdown(
    f"**As of {as_of:%-d %B %Y}** · changes {since(comparison)}"
    + (
        f" · this meeting is recorded (meeting {comparison.this_meeting.meeting_id}): actions "
        "created from here link to it"
        if comparison.this_meeting
        else ""
    )
)

if present:  # one area per slide, for the projector
    show_slides(headlines, picture, as_of=as_of, scope=scope, user=user)
    st.stop()
show_headlines(headlines)
show_headline_links(headlines, equity_year=picture.equity_year, user=user)
show_team_warning(picture)
level_column, _ = st.columns([1, 3])  # the matrix and key charts at one level
level = level_filter(level_column, key="meeting_level")
picture = picture_at_level(picture, scope, level)
filters = {"scope": scope, "as_of": as_of, "freshness_as_of": status.as_of, "level": level}
show_matrix(picture, **filters)
show_agenda(picture, as_of=as_of, scope=scope, user=user)
# What decided the picture: its charts are built once per data version under it.
show_key_charts(picture, **filters)

# --- Record this meeting, and the brief ------------------------------------------------------------
if may_record:
    show_meeting_saved(prefix="meeting_record")
    with st.expander(
        f"Record this meeting ({as_of:%-d %B %Y})"
        if not comparison.this_meeting
        else f"Update the record of this meeting ({as_of:%-d %B %Y})",
        icon=":material/edit_note:",
    ):
        meeting_form(prefix="meeting_record", default_day=as_of, editor=user)

st.subheader("Meeting brief")
brief_downloads(headlines=headlines, picture=picture, scope=scope, as_of=as_of, equity=view.equity)

st.divider()
show_district_glance(view, scope=scope, as_of=as_of, freshness_as_of=status.as_of)
