"""Scheduling and recording supervision in the app: one session or a recurring series for one or
several staff (several together is group supervision: one row per supervisee sharing a group id),
marking each session held or cancelled, and a series as an iCalendar (.ics) file.

Supervision is confidential: only date, format, status, minutes and supervisor are stored, never
what was discussed. Every write is one transaction with its audit row; bad input raises
`SupervisionInputError` with a message per field and stores nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from icalendar import Calendar, Event
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from data_access.db import record_write
from data_access.models import (
    SUPERVISION_FORMATS,
    SUPERVISION_THEMES,
    Staff,
    StaffAssignment,
    SupervisionSession,
    SupervisionTheme,
)
from data_access.permissions import WriteForbidden, check_write, may_write
from data_access.school_year import school_year_end, school_year_of, school_year_start
from data_access.scope import Scope
from data_access.staff_support.queries import (
    get_support_assignments,
    may_see_staff_member,
    one_row_per_staff,
    visible_staff,
)
from data_access.users.access import UserAccess

MAX_MINUTES = 480  # a session longer than a working day is a typing mistake
CALENDAR_PRODUCT = "-//MTSS leadership dashboard//Supervision//EN"
UID_DOMAIN = "mtss-dashboard"


class SupervisionInputError(ValueError):
    """What is wrong with a scheduling or marking request, per form field; nothing was stored."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class ScheduledSupervision:
    series_id: str
    dates: tuple[date, ...]
    session_ids: tuple[str, ...]  # one per supervisee and date
    school_year: str


def _theme_problem(themes: Sequence[str]) -> str | None:
    unknown = [theme for theme in themes if theme not in SUPERVISION_THEMES]
    if unknown:
        return (
            f"{', '.join(unknown)} is not a supervision theme: choose from "
            f"{', '.join(SUPERVISION_THEMES)}."
        )
    return None


def _set_themes(session: Session, session_ids: Sequence[str], themes: Sequence[str]) -> None:
    """Each session's themes become exactly `themes` (one supervision_themes row per theme)."""
    session.execute(delete(SupervisionTheme).where(SupervisionTheme.session_id.in_(session_ids)))
    session.add_all(
        SupervisionTheme(session_id=session_id, theme=theme)
        for session_id in session_ids
        for theme in themes
    )


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def series_dates(start: date, until: date, every_weeks: int) -> list[date]:
    """`start`, then every `every_weeks` weeks up to and including `until`."""
    step = timedelta(weeks=every_weeks)
    dates, day = [], start
    while day <= until:
        dates.append(day)
        day += step
    return dates


def _names(session: Session, staff_ids: Sequence[str]) -> dict[str, str]:
    rows = session.execute(
        select(Staff.staff_id, Staff.name).where(Staff.staff_id.in_(list(staff_ids)))
    ).all()
    return dict(rows)


def _buildings_in_year(session: Session, staff_ids: Sequence[str], school_year: str) -> dict:
    rows = session.execute(
        select(StaffAssignment.staff_id, StaffAssignment.building_id).where(
            StaffAssignment.staff_id.in_(list(staff_ids)),
            StaffAssignment.school_year == school_year,
        )
    ).all()
    buildings: dict[str, list[str]] = {}
    for staff_id, building_id in rows:
        buildings.setdefault(staff_id, []).append(building_id)
    return buildings


class SupervisionAlreadyScheduled(SupervisionInputError):
    """Some supervisees already have a session (scheduled or held) on a date asked for: most often
    the same request sent twice. Nothing was stored; asking again with `allow_same_day=True` goes
    ahead. `clashes` maps each such date to the names of the supervisees booked that day."""

    def __init__(self, clashes: dict[date, list[str]]):
        self.clashes = clashes
        super().__init__({"start": same_day_message(clashes)})


def same_day_message(clashes: dict[date, list[str]]) -> str:
    """'Ana Diaz and Ben Ode already have supervision on 1 Jun 2026 and 29 Jun 2026.' (the names
    of the first date, and every date with any of them booked)."""
    days = sorted(clashes)
    people = list(dict.fromkeys(name for day in days for name in clashes[day]))
    who = people[0] if len(people) == 1 else f"{', '.join(people[:-1])} and {people[-1]}"
    shown = [f"{day:%-d %b %Y}" for day in days[:3]]
    when = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    if len(days) > 3:
        when += f" (and {len(days) - 3} more date{'s' if len(days) > 4 else ''})"
    verb = "has" if len(people) == 1 else "have"
    return f"{who} already {verb} supervision on {when}."


def _same_day_sessions(
    session: Session, staff_ids: Sequence[str], dates: Sequence[date]
) -> dict[date, list[str]]:
    """Date → names of the supervisees with a scheduled or held session that day (cancelled ones
    do not count: the slot is free again)."""
    rows = session.execute(
        select(SupervisionSession.session_date, Staff.name)
        .join(Staff, Staff.staff_id == SupervisionSession.staff_id)
        .where(
            SupervisionSession.staff_id.in_(list(staff_ids)),
            SupervisionSession.session_date.in_(list(dates)),
            SupervisionSession.status != "cancelled",
        )
        .order_by(SupervisionSession.session_date, Staff.name)
    ).all()
    clashes: dict[date, list[str]] = {}
    for day, name in rows:
        if name not in clashes.setdefault(day, []):
            clashes[day].append(name)
    return clashes


class SupervisionForbidden(WriteForbidden):
    """The person's role may not schedule or mark supervision (of those staff); nothing stored."""


def _check_staff_buildings(
    editor: UserAccess, write: str, buildings: dict[str, list[str]], staff_ids: Sequence[str]
) -> None:
    """A staff member counts as in the editor's buildings when any of their buildings is (as in
    `may_see_staff_member`); one with no building that year counts as the whole district."""
    touched = [
        next((b for b in buildings.get(s, []) if may_write(editor, write, b)), None)
        or next(iter(buildings.get(s, [])), None)
        for s in staff_ids
    ]
    check_write(editor, write, building_ids=touched, refusal=SupervisionForbidden)


def schedule_supervision(
    session: Session,
    *,
    staff_ids: Sequence[str],
    supervisor_id: str | None,
    session_format: str,
    start: date | None,
    until: date | None = None,
    every_weeks: int | None = None,
    editor: UserAccess,
    allow_same_day: bool = False,
    themes: Sequence[str] = (),
) -> ScheduledSupervision:
    """Schedule one session (`until=None`) or a series from `start` every `every_weeks` weeks to
    `until` (inside the school year `start` falls in), for one or several supervisees.

    Raises SupervisionInputError, storing nothing, when: no staff or no start date; the end is before
    the start or past 30 June of that school year; the interval is under one week; a supervisee has
    no staff assignment in that school year or is outside the scope; the supervisor is unknown or is
    one of the supervisees; several supervisees are booked as individual supervision; a theme is
    not one of the fixed list (`themes`: what the sessions are planned to touch on). Raises
    SupervisionAlreadyScheduled, storing nothing, when a supervisee already has a session on one of
    the dates, unless `allow_same_day`. Raises SupervisionForbidden when the editor's role may not
    schedule supervision (for those staff)."""
    check_write(editor, "schedule_supervision", refusal=SupervisionForbidden)
    scope = editor.scope
    problems: dict[str, str] = {}
    staff_ids = list(dict.fromkeys(staff_ids))  # each person once, in the order chosen
    if not staff_ids:
        problems["staff"] = "Choose at least one staff member to supervise."
    if start is None:
        problems["start"] = "Choose the date of the (first) session."
    if session_format not in SUPERVISION_FORMATS:
        problems["format"] = "Choose individual or group supervision."
    elif session_format == "individual" and len(staff_ids) > 1:
        problems["format"] = (
            "Several staff in one session is group supervision: choose Group, or schedule each "
            "person on their own."
        )
    themes = list(dict.fromkeys(themes))
    if problem := _theme_problem(themes):
        problems["themes"] = problem
    if until is not None and (every_weeks is None or int(every_weeks) < 1):
        problems["every_weeks"] = "A series repeats at least every 1 week: enter 1 or more."
    school_year = school_year_of(start) if start is not None else None
    if start is not None and until is not None:
        if until < start:
            problems["until"] = (
                f"The series ends ({until:%-d %b %Y}) before it starts ({start:%-d %b %Y}): "
                "choose an end date on or after the start."
            )
        elif until > school_year_end(school_year):
            problems["until"] = (
                f"{until:%-d %b %Y} is outside the {school_year} school year the series starts in "
                f"(1 July {school_year_start(school_year).year} to 30 June "
                f"{school_year_end(school_year).year}): end it by then and schedule the next "
                "school year as its own series."
            )

    names = _names(session, [*staff_ids, *([supervisor_id] if supervisor_id else [])])
    if staff_ids and school_year is not None:
        buildings = _buildings_in_year(session, staff_ids, school_year)
        unknown = [s for s in staff_ids if s not in names]
        inactive = [s for s in staff_ids if s in names and s not in buildings]
        hidden = [
            s for s in staff_ids if s in buildings and not may_see_staff_member(scope, buildings[s])
        ]
        if unknown:
            problems["staff"] = f"No staff member has the ID {', '.join(unknown)}."
        elif inactive:
            who = ", ".join(f"{names[s]} ({s})" for s in inactive)
            problems["staff"] = (
                f"{who} {'has' if len(inactive) == 1 else 'have'} no staff assignment in "
                f"{school_year}, so supervision cannot be scheduled for them in that school year."
            )
        elif hidden:
            problems["staff"] = (
                f"{', '.join(hidden)} {'works' if len(hidden) == 1 else 'work'} outside your "
                "buildings: ask a district leader to schedule their supervision."
            )
    if not supervisor_id:
        problems["supervisor"] = "Choose who supervises."
    elif supervisor_id not in names:
        problems["supervisor"] = f"No staff member has the ID {supervisor_id}."
    elif supervisor_id in staff_ids:
        problems["supervisor"] = (
            f"{names[supervisor_id]} cannot supervise themselves: remove them from the staff or "
            "choose another supervisor."
        )
    if problems:
        raise SupervisionInputError(problems)
    _check_staff_buildings(editor, "schedule_supervision", buildings, staff_ids)

    assert start is not None and school_year is not None  # checked above
    dates = [start] if until is None else series_dates(start, until, int(every_weeks or 1))
    if not allow_same_day and (clashes := _same_day_sessions(session, staff_ids, dates)):
        raise SupervisionAlreadyScheduled(clashes)
    series_id = _new_id("SER")
    session_ids = []
    for day in dates:
        group_id = _new_id("GRP") if session_format == "group" else None
        for staff_id in staff_ids:
            session_id = _new_id("SUP")
            session.add(
                SupervisionSession(
                    session_id=session_id,
                    staff_id=staff_id,
                    session_date=day,
                    format=session_format,
                    status="scheduled",
                    supervisor_id=supervisor_id,
                    series_id=series_id,
                    group_id=group_id,
                )
            )
            session_ids.append(session_id)
    session.flush()
    if themes:
        _set_themes(session, session_ids, themes)
        session.flush()
    record_write(
        session,
        actor=editor.email,
        operation="schedule_supervision",
        table_name="supervision",
        row_key=series_id,
        detail={
            "staff_ids": staff_ids,
            "supervisor_id": supervisor_id,
            "format": session_format,
            "dates": [day.isoformat() for day in dates],
            "sessions": len(session_ids),
            "themes": themes,
            "before": None,
            "after": {"status": "scheduled", "session_ids": session_ids},
        },
    )
    return ScheduledSupervision(
        series_id=series_id,
        dates=tuple(dates),
        session_ids=tuple(session_ids),
        school_year=school_year,
    )


def mark_supervision(
    session: Session,
    *,
    session_id: str,
    status: str,
    minutes: int | None,
    editor: UserAccess,
    themes: Sequence[str] | None = None,
) -> int:
    """Mark a session held (with its length in minutes) or cancelled. A group session is marked for
    every supervisee in it. `themes` (from the fixed list, never case content), when given, become
    the session's themes (for every supervisee of a group session); None leaves them as they are.
    Returns how many rows changed; raises SupervisionInputError otherwise, and
    SupervisionForbidden when the editor's role may not mark sessions (of those staff)."""
    check_write(editor, "mark_supervision", refusal=SupervisionForbidden)
    scope = editor.scope
    problems: dict[str, str] = {}
    row = session.get(SupervisionSession, session_id)
    if row is None:
        raise SupervisionInputError({"session": "That session no longer exists: reload the page."})
    if status not in ("held", "cancelled"):
        problems["status"] = "Mark the session held or cancelled."
    if status == "held" and (minutes is None or not 1 <= int(minutes) <= MAX_MINUTES):
        problems["minutes"] = f"Enter how long the session lasted, 1 to {MAX_MINUTES} minutes."
    if themes is not None:
        themes = list(dict.fromkeys(themes))
        if problem := _theme_problem(themes):
            problems["themes"] = problem
    together = SupervisionSession.session_id == session_id
    if row.group_id is not None:
        together = or_(together, SupervisionSession.group_id == row.group_id)
    staff_ids = list(session.execute(select(SupervisionSession.staff_id).where(together)).scalars())
    buildings = _buildings_in_year(session, staff_ids, school_year_of(row.session_date))
    if not all(may_see_staff_member(scope, buildings.get(s, [])) for s in staff_ids):
        problems["session"] = "This session includes staff outside your buildings."
    if problems:
        raise SupervisionInputError(problems)
    _check_staff_buildings(editor, "mark_supervision", buildings, staff_ids)
    before = [
        {
            "session_id": r.session_id,
            "staff_id": r.staff_id,
            "status": r.status,
            "minutes": r.minutes,
        }
        for r in session.execute(
            select(SupervisionSession).where(together).order_by(SupervisionSession.session_id)
        ).scalars()
    ]
    kept_minutes = int(minutes) if status == "held" and minutes is not None else None
    changed = session.execute(
        update(SupervisionSession)
        .where(together)
        .values(status=status, minutes=kept_minutes)
        .execution_options(synchronize_session=False)
    ).rowcount
    if themes is not None:
        _set_themes(session, [entry["session_id"] for entry in before], themes)
        session.flush()
    record_write(
        session,
        actor=editor.email,
        operation="mark_supervision",
        table_name="supervision",
        row_key=row.group_id or session_id,
        detail={
            "status": status,
            "minutes": kept_minutes,
            "themes": themes,
            "rows": changed,
            "before": before,
            "after": {"status": status, "minutes": kept_minutes},
        },
    )
    return changed


# --- What the scheduling forms list ------------------------------------------------------------


def list_schedulable_staff(
    session: Session, *, school_year: str, scope: Scope, building_id: str | None = None
) -> pd.DataFrame:
    """Support staff active in the school year the scope may see (one building's team when given):
    staff_id, name, role, building_ids."""
    assignments = get_support_assignments(session, school_year=school_year)
    if building_id is not None:
        team = assignments.loc[assignments["building_id"] == building_id, "staff_id"]
        assignments = assignments[assignments["staff_id"].isin(team)]
    staff = visible_staff(one_row_per_staff(assignments), scope)
    return staff[["staff_id", "name", "role", "building_ids"]].sort_values(
        ["name", "staff_id"], ignore_index=True
    )


def list_supervisor_choices(
    session: Session, *, school_year: str, scope: Scope, building_id: str | None = None
) -> pd.DataFrame:
    """Who can be chosen as supervisor: everyone who has supervised a session, district staff with
    no building assignment at all (a director of student services, a lead psychologist), and the
    staff (any role) of the building, or of every building in scope, that school year.
    staff_id, name, role."""
    past = select(SupervisionSession.supervisor_id).where(
        SupervisionSession.supervisor_id.is_not(None)
    )
    team = select(StaffAssignment.staff_id).where(
        StaffAssignment.school_year == school_year, scope.where(StaffAssignment.building_id)
    )
    if building_id is not None:
        team = team.where(StaffAssignment.building_id == building_id)
    rows = session.execute(
        select(Staff.staff_id, Staff.name, Staff.role)
        .where(
            or_(
                Staff.staff_id.in_(past.distinct()),
                Staff.staff_id.in_(team),
                ~Staff.staff_id.in_(select(StaffAssignment.staff_id)),
            )
        )
        .order_by(Staff.name, Staff.staff_id)
    ).all()
    return pd.DataFrame(rows, columns=["staff_id", "name", "role"])


def _sessions(
    session: Session, *, conditions: list, scope: Scope, school_year: str
) -> pd.DataFrame:
    """Supervision rows matching `conditions`, with names, one row per supervisee; only sessions
    whose supervisees the scope may all see."""
    supervisor = aliased(Staff, name="supervisor_staff")
    rows = session.execute(
        select(
            SupervisionSession.session_id,
            SupervisionSession.group_id,
            SupervisionSession.series_id,
            SupervisionSession.session_date,
            SupervisionSession.format,
            SupervisionSession.status,
            SupervisionSession.minutes,
            SupervisionSession.staff_id,
            Staff.name,
            supervisor.name.label("supervisor"),
        )
        .join(Staff, Staff.staff_id == SupervisionSession.staff_id)
        .outerjoin(supervisor, supervisor.staff_id == SupervisionSession.supervisor_id)
        .where(*conditions)
        .order_by(SupervisionSession.session_date, SupervisionSession.session_id)
    ).all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "session_id",
            "group_id",
            "series_id",
            "session_date",
            "format",
            "status",
            "minutes",
            "staff_id",
            "name",
            "supervisor",
        ],
    )
    if scope.is_district or frame.empty:
        return frame
    buildings = _buildings_in_year(session, frame["staff_id"].unique().tolist(), school_year)
    allowed = frame["staff_id"].map(lambda s: may_see_staff_member(scope, buildings.get(s, [])))
    # A group session is listed only when every supervisee in it may be seen: the person can then
    # mark it for all of them.
    key = frame["group_id"].fillna(frame["session_id"])
    whole = allowed.astype(bool).groupby(key).transform("all")
    return frame[whole]


def _one_row_per_session(rows: pd.DataFrame) -> pd.DataFrame:
    """A group session's supervisee rows collapsed into one: `key` (group or session id), the first
    session_id, date, format, status, supervisor, supervisees (names) and how many."""
    columns = [
        "key",
        "session_id",
        "series_id",
        "session_date",
        "format",
        "status",
        "minutes",
        "supervisor",
        "supervisees",
        "staff",
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.assign(key=rows["group_id"].fillna(rows["session_id"]))
    grouped = rows.groupby("key", as_index=False, sort=False).agg(
        session_id=("session_id", "first"),
        series_id=("series_id", "first"),
        session_date=("session_date", "first"),
        format=("format", "first"),
        status=("status", "first"),
        minutes=("minutes", "first"),
        supervisor=("supervisor", "first"),
        supervisees=("name", lambda names: ", ".join(sorted(names))),
        staff=("staff_id", "nunique"),
    )
    return grouped.sort_values(["session_date", "key"], ignore_index=True)[columns]


def list_sessions_to_mark(
    session: Session,
    *,
    school_year: str,
    scope: Scope,
    building_id: str | None = None,
    limit: int = 200,
) -> pd.DataFrame:
    """Scheduled sessions of the school year not yet marked held or cancelled, earliest first, one
    row per session (a group session once); only sessions whose supervisees the scope may see."""
    conditions = [
        SupervisionSession.status == "scheduled",
        SupervisionSession.session_date.between(
            school_year_start(school_year), school_year_end(school_year)
        ),
    ]
    if building_id is not None:
        team = select(StaffAssignment.staff_id).where(
            StaffAssignment.school_year == school_year, StaffAssignment.building_id == building_id
        )
        conditions.append(SupervisionSession.staff_id.in_(team))
    rows = _sessions(session, conditions=conditions, scope=scope, school_year=school_year)
    return _one_row_per_session(rows).head(limit)


def list_series(
    session: Session, *, school_year: str, scope: Scope, building_id: str | None = None
) -> pd.DataFrame:
    """Series scheduled in the app for the school year: series_id, first and last date, sessions,
    format, supervisor and supervisees; newest first."""
    conditions = [
        SupervisionSession.series_id.is_not(None),
        SupervisionSession.session_date.between(
            school_year_start(school_year), school_year_end(school_year)
        ),
    ]
    if building_id is not None:
        team = select(StaffAssignment.staff_id).where(
            StaffAssignment.school_year == school_year, StaffAssignment.building_id == building_id
        )
        conditions.append(SupervisionSession.staff_id.in_(team))
    sessions = _one_row_per_session(
        _sessions(session, conditions=conditions, scope=scope, school_year=school_year)
    )
    columns = ["series_id", "first", "last", "sessions", "format", "supervisor", "supervisees"]
    if sessions.empty:
        return pd.DataFrame(columns=columns)
    series = sessions.groupby("series_id", as_index=False).agg(
        first=("session_date", "min"),
        last=("session_date", "max"),
        sessions=("key", "nunique"),
        format=("format", "first"),
        supervisor=("supervisor", "first"),
        supervisees=("supervisees", "first"),
    )
    return series.sort_values(["first", "series_id"], ascending=False, ignore_index=True)[columns]


def get_series_sessions(
    session: Session, *, series_id: str, scope: Scope, school_year: str
) -> pd.DataFrame:
    """Every session of one series, one row per session (a group session once), by date."""
    rows = _sessions(
        session,
        conditions=[SupervisionSession.series_id == series_id],
        scope=scope,
        school_year=school_year,
    )
    return _one_row_per_session(rows)


# --- iCalendar ------------------------------------------------------------------------------------


def build_series_calendar(
    sessions: pd.DataFrame,
    *,
    start_time: time = time(15, 30),
    minutes: int = 60,
    stamp: datetime | None = None,
) -> bytes:
    """An iCalendar file with one event per session (a group session once): a stable UID from the
    session (or group) id, so downloading again updates rather than duplicates; SUMMARY
    "Supervision" and nothing else about it, since no case content ever leaves this product. Times
    are local ("floating"): the store keeps dates only, so the time comes from whoever downloads."""
    calendar = Calendar()
    calendar.add("prodid", CALENDAR_PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    for row in sessions.itertuples(index=False):
        event = Event()
        begins = datetime.combine(row.session_date, start_time)
        event.add("uid", f"{row.key}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", begins)
        event.add("dtend", begins + timedelta(minutes=minutes))
        event.add("summary", "Supervision")
        event.add("status", "CANCELLED" if row.status == "cancelled" else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


def default_series_end(start: date) -> date:
    """A series runs to the end of its school year (30 June) unless told otherwise."""
    return school_year_end(school_year_of(start))
