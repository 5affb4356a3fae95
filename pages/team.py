"""Leadership team: who sits at the district's MTSS table (and who is missing), how often the team
meets and who attends, the team's own shared-leadership self-check, and recording a meeting."""

from __future__ import annotations

import streamlit as st

from components.cache import load
from components.meeting_form import meeting_form, show_meeting_saved
from components.page import current_scope, current_user, page_setup
from components.team_meetings import show_meetings
from components.team_members import member_form, show_who_is_at_the_table
from components.team_self_check import self_check_form, show_self_check
from data_access.staff_support.queries import default_as_of
from data_access.team.view import get_team_view

status = page_setup(
    "Leadership team",
    caption="Who sits at the district's MTSS leadership table and who is missing, how often the "
    "team meets and who comes, and how it rates its own shared leadership.",
)
as_of = default_as_of(status)
user = current_user()
may_record = user is not None and user.role in ("district_admin", "district_leader")
# Role titles and minutes can name a building and quote its figures: the view holds them only for
# people who see every building.
view = load(get_team_view, scope=current_scope(), as_of=as_of)

show_who_is_at_the_table(view)
if may_record:
    with st.expander("Add or change a member", icon=":material/person_add:"):
        member_form(editor=user)

show_meetings(view)
if may_record:
    show_meeting_saved(prefix="team_record")
    with st.expander("Record a meeting", icon=":material/edit_note:"):
        meeting_form(prefix="team_record", default_day=as_of, editor=user)

show_self_check(view)
if may_record:
    with st.expander("Enter a self-check", icon=":material/checklist:"):
        self_check_form(view, editor=user)
