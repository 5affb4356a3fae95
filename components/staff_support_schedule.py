"""The Staff support page's scheduling tab: schedule a session or a series, download a series for
calendars (.ics), and (`staff_support_mark`) mark a session held or cancelled. The writes go through
`data_access.staff_support.schedule` with the acting user, which checks the permission again."""

from __future__ import annotations

from datetime import date, time, timedelta

import streamlit as st

from components.cache import load
from components.staff_support_charts import role_name, theme_name
from components.staff_support_mark import MARK_LIST, show_mark_form
from components.text import plain
from data_access.db import session_scope
from data_access.models import SUPERVISION_THEMES
from data_access.permissions import may_write
from data_access.school_year import school_year_end
from data_access.scope import Scope
from data_access.staff_support.schedule import (
    MAX_MINUTES,
    SupervisionAlreadyScheduled,
    SupervisionInputError,
    build_series_calendar,
    get_series_sessions,
    schedule_supervision,
)
from data_access.staff_support.view import (
    StaffSupportView,
    SupervisionScheduleView,
    get_supervision_schedule_view,
)
from data_access.users.access import UserAccess


def show_schedule_tab(
    view: StaffSupportView, *, scope: Scope, editor: UserAccess | None, chosen: str | None
) -> None:
    """The whole tab: for someone who may schedule or mark supervision of their buildings' staff,
    the forms for the support team chosen (the building chosen above, or the first one); for anyone
    else a word on why not, and the page stops here (this is its last tab)."""
    may_schedule = editor is not None and may_write(editor, "schedule_supervision")
    may_mark = editor is not None and may_write(editor, "mark_supervision")
    st.info(
        "Only the **date, format, status, minutes, supervisor and themes** of a session are "
        "stored; themes come from a fixed list (safeguarding, attendance, family, workload...). "
        "Supervision is confidential: no case content, names of students or notes belong here.",
        icon=":material/lock:",
    )
    notice = st.session_state.pop("staff_support_notice", None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    if view.buildings.empty:
        st.caption(
            "Scheduling and recording supervision is for the staff of your own buildings; you see "
            "the district's figures."
        )
        st.stop()
    if not (may_schedule or may_mark):  # data_access.permissions; the data functions check too
        st.caption(
            "Scheduling supervision and marking sessions held or cancelled is for district admins "
            "and leaders; you see the figures above."
        )
        st.stop()
    building_names = view.building_names
    team_options = [*view.buildings["building_id"], None]
    team = st.selectbox(
        "Support team",
        team_options,
        index=team_options.index(chosen) if chosen is not None else 0,
        format_func=lambda b: "Every building" if b is None else f"{building_names[b]} ({b})",
        key="schedule_team",
        help="Whose sessions to schedule, mark and download: the building chosen above, or the "
        "first one. *Every building* lists all your support staff, for group supervision across "
        "buildings.",
    )
    lists = load(
        get_supervision_schedule_view,
        scope=scope,
        school_year=view.school_year,
        building_id=team,
        limit=MARK_LIST,
    )
    schedule_column, mark_column = st.columns([1, 1], gap="large")
    with schedule_column:
        _schedule_form(
            lists,
            as_of=view.as_of,
            school_year=view.school_year,
            editor=editor,
            may_schedule=may_schedule,
        )
        _series_download(lists, scope=scope, school_year=view.school_year)
    with mark_column:
        show_mark_form(lists, school_year=view.school_year, editor=editor, may_mark=may_mark)


def _schedule_form(
    lists: SupervisionScheduleView,
    *,
    as_of: date,
    school_year: str,
    editor: UserAccess | None,
    may_schedule: bool,
) -> None:
    staff_label = {
        row.staff_id: f"{row.name} ({role_name(row.role)})"
        for row in lists.schedulable.itertuples()
    }
    supervisor_label = {
        row.staff_id: f"{row.name} ({role_name(row.role)})"
        for row in lists.supervisors.itertuples()
    }
    st.subheader("Schedule supervision")
    next_day = as_of + timedelta(days=1)
    next_day += timedelta(days=max(0, 7 - next_day.weekday()) if next_day.weekday() >= 5 else 0)
    with st.form("schedule_form", border=True):
        chosen_staff = st.multiselect(
            "Supervisee(s)",
            list(staff_label),
            format_func=staff_label.get,
            key="schedule_staff",
            help="Several people together is group supervision (one row each, one session).",
        )
        staff_slot = st.empty()
        supervisor = st.selectbox(
            "Supervisor",
            list(supervisor_label),
            index=None,
            placeholder="Choose who supervises",
            format_func=supervisor_label.get,
            key="schedule_supervisor",
        )
        supervisor_slot = st.empty()
        session_format = st.radio(
            "Format",
            ["individual", "group"],
            format_func=str.capitalize,
            horizontal=True,
            key="schedule_format",
        )
        format_slot = st.empty()
        repeat = st.radio(
            "How often",
            ["once", "series"],
            format_func={"once": "One session", "series": "A repeating series"}.get,
            horizontal=True,
            key="schedule_repeat",
        )
        start = st.date_input(
            "Date (of the first session)",
            value=next_day,
            key="schedule_start",
            format="YYYY-MM-DD",
        )
        start_slot = st.empty()
        every_column, until_column = st.columns(2)
        every = every_column.number_input(
            "Every (weeks), for a series",
            value=6,
            step=1,
            key="schedule_every",
            help="About once per half-term is every 6 weeks.",
        )
        every_slot = every_column.empty()
        until = until_column.date_input(
            "Until, for a series",
            value=school_year_end(school_year),
            key="schedule_until",
            format="YYYY-MM-DD",
            help="Defaults to the end of the school year, 30 June.",
        )
        until_slot = until_column.empty()
        themes = st.multiselect(
            "Themes (optional)",
            list(SUPERVISION_THEMES),
            format_func=theme_name,
            key="schedule_themes",
            help="What the sessions are meant to touch on, from a fixed list. Never case content.",
        )
        themes_slot = st.empty()
        submitted = st.form_submit_button(
            "Schedule", type="primary", key="schedule_submit", disabled=not may_schedule
        )
    if not may_schedule:
        st.caption("Scheduling supervision is for district leaders and district admins.")
    slots = {
        "staff": staff_slot,
        "supervisor": supervisor_slot,
        "format": format_slot,
        "start": start_slot,
        "every_weeks": every_slot,
        "until": until_slot,
        "themes": themes_slot,
    }
    if submitted:
        st.session_state.pop(PENDING, None)  # a new request replaces one waiting for a choice
        request = {
            "staff_ids": list(chosen_staff),
            "supervisor_id": supervisor,
            "session_format": session_format,
            "start": start,
            "until": until if repeat == "series" else None,
            "every_weeks": int(every) if repeat == "series" else None,
            "themes": list(themes),
        }
        _schedule(request, editor=editor, slots=slots, allow_same_day=False)
    _ask_about_same_day(editor=editor, slots=slots)


PENDING = "schedule_pending"  # a request held back because a supervisee is booked that day


def _schedule(
    request: dict, *, editor: UserAccess | None, slots: dict, allow_same_day: bool
) -> None:
    try:
        with session_scope() as session:
            scheduled = schedule_supervision(
                session, **request, editor=editor, allow_same_day=allow_same_day
            )
    except SupervisionAlreadyScheduled as clash:
        # Most often the same request sent twice: nothing is written until the person chooses.
        st.session_state[PENDING] = {"request": request, "message": clash.problems["start"]}
    except SupervisionInputError as error:
        for field, message in error.problems.items():
            slots.get(field, slots["start"]).error(plain(message), icon=":material/error:")
        st.error("Nothing was scheduled: correct the fields marked above.")
    else:
        st.session_state.pop(PENDING, None)
        st.session_state["staff_support_series"] = scheduled.series_id
        # The calendar picker below moves to the series just made (a widget keeps its own choice
        # across reruns, so it is set, not only its default).
        st.session_state["ics_series"] = scheduled.series_id
        count = len(scheduled.dates)
        st.session_state["staff_support_notice"] = (
            f"Scheduled {count} session{'s' if count != 1 else ''} from "
            f"{scheduled.dates[0]:%-d %b %Y} to {scheduled.dates[-1]:%-d %b %Y}. "
            "Download them for calendars below."
        )
        st.rerun()  # every figure on the page now counts the new sessions


def _ask_about_same_day(*, editor: UserAccess | None, slots: dict) -> None:
    """A request held back because a supervisee already has a session that day: say so, and let the
    person go ahead (a second session that day, on purpose) or drop it (the usual answer)."""
    pending = st.session_state.get(PENDING)
    if not pending:
        return
    st.warning(
        f"Nothing was scheduled yet: {plain(pending['message'])} Scheduling again would book a "
        "second session on the same day, which is most often the same request sent twice.",
        icon=":material/event_busy:",
    )
    drop_column, go_column = st.columns(2)
    if drop_column.button(
        "Don't schedule", type="primary", key="schedule_duplicate_cancel", width="stretch"
    ):
        st.session_state.pop(PENDING, None)
        st.rerun()
    if go_column.button("Schedule anyway", key="schedule_duplicate_confirm", width="stretch"):
        _schedule(pending["request"], editor=editor, slots=slots, allow_same_day=True)


def _series_download(lists: SupervisionScheduleView, *, scope: Scope, school_year: str) -> None:
    st.subheader("Download a series for calendars")
    series = lists.series
    if series.empty:
        st.caption("Series scheduled here can be downloaded as an iCalendar (.ics) file.")
        return
    ids = list(series["series_id"])
    last = st.session_state.get("staff_support_series")
    described = {
        row.series_id: f"{row.first:%-d %b} to {row.last:%-d %b %Y} · {row.sessions} "
        f"session{'s' if row.sessions != 1 else ''} · {row.supervisees}"
        for row in series.itertuples()
    }
    picked = st.selectbox(
        "Series",
        ids,
        index=ids.index(last) if last in ids else 0,
        format_func=described.get,
        key="ics_series",
    )
    time_column, length_column = st.columns(2)
    starts_at = time_column.time_input("Starts at", value=time(15, 30), key="ics_time")
    minutes = length_column.number_input(
        "Length (minutes)",
        min_value=15,
        max_value=MAX_MINUTES,
        value=60,
        step=15,
        key="ics_minutes",
    )
    events = load(get_series_sessions, series_id=picked, scope=scope, school_year=school_year)
    st.download_button(
        f"Download {len(events)} session{'s' if len(events) != 1 else ''} (.ics)",
        data=build_series_calendar(events, start_time=starts_at, minutes=int(minutes)),
        file_name=f"supervision-{picked}.ics",
        mime="text/calendar",
        key="ics_download",
        on_click="ignore",
        icon=":material/calendar_month:",
    )
    st.caption("Each event says only *Supervision*, with the date and time.")
