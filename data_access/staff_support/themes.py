"""What supervision is carrying (seed 001): the themes held supervision sessions touched on (from
the contract's fixed list, never case content), by month, building and role, and the themes rising
against the previous term.

A session counts at its supervisee's building that school year: the one where they hold the most
FTE (the lowest building id on a tie), so a person split across two buildings counts once, and
the buildings add up to the district. Only held sessions of support staff count; a session counts
once for each theme it carried, and once in `held` (what a theme's share is out of).

Terms are the two halves of the school year, as most US districts run them: fall (July to
December) and spring (January to June). A theme is **rising** in a place when this term it came up
in at least `RISE_MINIMUM_SESSIONS` held sessions, the previous term had held sessions to compare
with, its share of held sessions is at least `RISE_MINIMUM_CHANGE` (a quarter) above last term's
(or it did not come up at all last term), and the rise is larger than chance would explain in a
small team (a one-sided two-proportion z test at the 1% level, `RISE_MINIMUM_Z`: with a few
sessions a building's shares swing by chance, and ten themes in every building and level would
make a page of false alarms). Shares, not counts: a term under way has fewer sessions than a
finished one. Counting happens in SQL (GROUP BY month, building, role, theme);
the arithmetic over the counts is pure and below the queries. Codes and numbers only: the words
are the components'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import extract, func, select
from sqlmodel import Session

from data_access.memo import remembered
from data_access.models import Staff, StaffAssignment, SupervisionSession, SupervisionTheme
from data_access.school_year import school_year_of, school_year_start
from data_access.scope import Scope
from data_access.settings import get_settings
from data_access.staff_support.queries import buildings_by_id

RISE_MINIMUM_SESSIONS = 5  # a theme must come up in at least this many held sessions this term
RISE_MINIMUM_CHANGE = 0.25  # and its share of held sessions be at least a quarter above last term's
# and the rise be larger than chance: a one-sided two-proportion z test at the 1% level (z >= 2.33)
RISE_MINIMUM_Z = 2.33
HELD_COLUMNS = ["month", "building_id", "role", "held"]
THEME_COLUMNS = ["month", "building_id", "role", "theme", "sessions"]
RISING_COLUMNS = [
    "place_type",  # all (every building in scope), level or building
    "place",  # None, a level code or a building id
    "theme",
    "sessions",
    "held",
    "share",
    "sessions_before",
    "held_before",
    "share_before",
    "change",  # relative change of the share (0.4: up 40%); None when it did not come up before
]


@dataclass(frozen=True)
class Term:
    """One half of a school year: `half` is "fall" (July to December) or "spring" (January to
    June)."""

    school_year: str
    half: str
    start: date
    end: date


def term_of(day: date) -> Term:
    school_year = school_year_of(day)
    start_year = school_year_start(school_year).year
    if day.month >= 7:
        return Term(school_year, "fall", date(start_year, 7, 1), date(start_year, 12, 31))
    return Term(school_year, "spring", date(start_year + 1, 1, 1), date(start_year + 1, 6, 30))


def previous_term(term: Term) -> Term:
    return term_of(date.fromordinal(term.start.toordinal() - 1))


# --- Queries -------------------------------------------------------------------------------------


def _home_buildings(school_year: str):
    """Each support staff member's building that school year (most FTE, lowest id on a tie) and
    role, as a subquery: staff_id, building_id, role."""
    ranked = (
        select(
            StaffAssignment.staff_id,
            StaffAssignment.building_id,
            Staff.role,
            func.row_number()
            .over(
                partition_by=StaffAssignment.staff_id,
                order_by=(StaffAssignment.fte.desc(), StaffAssignment.building_id),
            )
            .label("rank"),
        )
        .join(Staff, Staff.staff_id == StaffAssignment.staff_id)
        .where(
            StaffAssignment.school_year == school_year,
            Staff.role.in_(get_settings().support_roles),
        )
        .subquery()
    )
    return (
        select(ranked.c.staff_id, ranked.c.building_id, ranked.c.role)
        .where(ranked.c.rank == 1)
        .subquery()
    )


def read_theme_counts(
    session: Session, *, start: date, end: date, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Held sessions (`HELD_COLUMNS`) and held sessions carrying each theme (`THEME_COLUMNS`) by
    month (its first day), building and role, from `start` to `end` (within one school year), of
    the buildings in scope."""
    home = _home_buildings(school_year_of(start))
    year = extract("year", SupervisionSession.session_date).label("year")
    month = extract("month", SupervisionSession.session_date).label("month_number")
    held = (
        select(year, month, home.c.building_id, home.c.role)
        .join(home, home.c.staff_id == SupervisionSession.staff_id)
        .where(
            SupervisionSession.status == "held",
            SupervisionSession.session_date.between(start, end),
            scope.where(home.c.building_id),
        )
    )
    held_rows = session.execute(
        held.add_columns(func.count().label("held")).group_by(
            year, month, home.c.building_id, home.c.role
        )
    ).all()
    theme_rows = session.execute(
        held.join(SupervisionTheme, SupervisionTheme.session_id == SupervisionSession.session_id)
        .add_columns(SupervisionTheme.theme, func.count().label("sessions"))
        .group_by(year, month, home.c.building_id, home.c.role, SupervisionTheme.theme)
    ).all()

    def framed(rows, columns: list[str]) -> pd.DataFrame:
        frame = pd.DataFrame([tuple(row) for row in rows], columns=["year", "m", *columns[1:]])
        frame.insert(
            0,
            "month",
            [date(int(y), int(m), 1) for y, m in zip(frame["year"], frame["m"], strict=True)],
        )
        frame = frame.drop(columns=["year", "m"])
        frame[columns[-1]] = frame[columns[-1]].astype("int64")
        return frame.sort_values(columns[:-1], ignore_index=True)

    return framed(held_rows, HELD_COLUMNS), framed(theme_rows, THEME_COLUMNS)


# --- Arithmetic over the counts ------------------------------------------------------------------


def theme_table(held: pd.DataFrame, themes: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Held sessions carrying each theme by `by` (e.g. ["month"], ["building_id"], ["role"]): the
    `by` columns, theme, sessions, held (every held session of that row) and share (sessions /
    held). Only themes that came up."""
    columns = [*by, "theme", "sessions", "held", "share"]
    if themes.empty:
        return pd.DataFrame(columns=columns)
    counted = themes.groupby([*by, "theme"], as_index=False)["sessions"].sum()
    totals = held.groupby(by, as_index=False)["held"].sum()
    table = counted.merge(totals, on=by, how="left")
    table["share"] = table["sessions"] / table["held"]
    return table.sort_values([*by, "theme"], ignore_index=True)[columns]


def _by_place(
    held: pd.DataFrame, themes: pd.DataFrame, levels: dict[str, str], *, levels_too: bool
):
    """Theme sessions and held sessions per place: every building in the frames together ("all"),
    each level (when `levels_too`) and each building."""
    parts_held, parts_themes = [], []
    for place_type in ["all", *(["level"] if levels_too else []), "building"]:
        for frame, parts, keys in (
            (held, parts_held, []),
            (themes, parts_themes, ["theme"]),
        ):
            placed = frame.assign(
                place_type=place_type,
                place=None
                if place_type == "all"
                else frame["building_id"].map(levels)
                if place_type == "level"
                else frame["building_id"],
            )
            value = "held" if "held" in frame else "sessions"
            parts.append(
                placed.groupby(["place_type", "place", *keys], as_index=False, dropna=False)[
                    value
                ].sum()
            )
    return pd.concat(parts_held, ignore_index=True), pd.concat(parts_themes, ignore_index=True)


def rise_z(sessions, held, sessions_before, held_before):
    """The two-proportion z statistic of a share rising from sessions_before / held_before to
    sessions / held (pooled standard error); 0 where either term has no held session."""
    held_before = held_before.where(held_before > 0)
    pooled = (sessions + sessions_before) / (held + held_before)
    error = (pooled * (1 - pooled) * (1 / held + 1 / held_before)) ** 0.5
    z = (sessions / held - sessions_before / held_before) / error.where(error > 0)
    return z.fillna(0.0)


def rising_themes(
    held: pd.DataFrame,
    themes: pd.DataFrame,
    held_before: pd.DataFrame,
    themes_before: pd.DataFrame,
    *,
    levels: dict[str, str],
    levels_too: bool = True,
) -> pd.DataFrame:
    """The themes rising this term against the previous one (`RISING_COLUMNS`), in every place:
    all the buildings, each level with more than one building (`levels_too`), each building. The
    largest rise first (a theme new this term before any rise, then the most sessions)."""
    if themes.empty:
        return pd.DataFrame(columns=RISING_COLUMNS)
    if levels_too:
        counts = pd.Series(levels).value_counts()
        levels = {b: lv for b, lv in levels.items() if counts[lv] > 1}
    now_held, now = _by_place(held, themes, levels, levels_too=levels_too)
    before_held, before = _by_place(held_before, themes_before, levels, levels_too=levels_too)
    keys = ["place_type", "place"]
    table = now.merge(now_held, on=keys, how="left")
    table = table.merge(
        before.rename(columns={"sessions": "sessions_before"}), on=[*keys, "theme"], how="left"
    ).merge(before_held.rename(columns={"held": "held_before"}), on=keys, how="left")
    table = table[table["place"].notna() | (table["place_type"] == "all")]
    table[["sessions_before", "held_before"]] = (
        table[["sessions_before", "held_before"]].fillna(0).astype("int64")
    )
    table["share"] = table["sessions"] / table["held"]
    table["share_before"] = table["sessions_before"] / table["held_before"].where(
        table["held_before"] > 0
    )
    table["change"] = (table["share"] / table["share_before"] - 1).where(
        table["sessions_before"] > 0
    )
    table["z"] = rise_z(
        table["sessions"], table["held"], table["sessions_before"], table["held_before"]
    )
    rising = table[
        (table["sessions"] >= RISE_MINIMUM_SESSIONS)
        & (table["held_before"] > 0)
        & ((table["sessions_before"] == 0) | (table["change"] >= RISE_MINIMUM_CHANGE - 1e-9))
        & (table["z"] >= RISE_MINIMUM_Z)
    ].copy()
    rising["_new"] = rising["sessions_before"] == 0
    rising["_order"] = rising["place_type"].map({"all": 0, "level": 1, "building": 2})
    rising = rising.sort_values(
        ["_new", "change", "sessions", "_order", "theme"],
        ascending=[False, False, False, True, True],
        na_position="first",
    )
    rising = rising.astype({"place": object})
    rising["place"] = rising["place"].where(rising["place"].notna(), None)
    return rising.reset_index(drop=True)[RISING_COLUMNS]


def get_rising_themes(session: Session, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """The themes rising in the term of `as_of` (up to it) against the previous term, in every
    place of the scope (`RISING_COLUMNS`): for the meeting's agenda."""
    term = term_of(as_of)
    previous = previous_term(term)
    buildings = buildings_by_id(session, scope=scope)
    levels = dict(zip(buildings["building_id"], buildings["level"], strict=True))
    held, themes = read_theme_counts(session, start=term.start, end=as_of, scope=scope)
    held_before, themes_before = read_theme_counts(
        session, start=previous.start, end=previous.end, scope=scope
    )
    rising = rising_themes(
        held, themes, held_before, themes_before, levels=levels, levels_too=scope.is_district
    )
    if not scope.is_district:
        rising = rising[rising["place_type"] == "building"].reset_index(drop=True)
    return rising


# --- The tab's view -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisionThemesView:
    """What supervision carried in the school year of `as_of` up to it, for the buildings in scope
    (or one building's team): by month, building and role, and the themes rising this term."""

    as_of: date
    school_year: str
    term: Term
    previous: Term
    held: int  # held sessions of the place this school year up to as_of
    by_month: pd.DataFrame  # month, theme, sessions, held, share: the place's
    by_building: pd.DataFrame  # building_id, theme, sessions, held, share: every building in scope
    by_role: pd.DataFrame  # role, theme, sessions, held, share: the place's
    rising: pd.DataFrame  # RISING_COLUMNS (the place's building only, when one is chosen)
    levels: dict[str, str]  # building_id -> level, for the buildings in scope


@remembered("staff")
def get_supervision_themes_view(
    session: Session, *, scope: Scope, as_of: date, building_id: str | None = None
) -> SupervisionThemesView:
    """The themes tab's data: the whole scope (`building_id` None) or one building in it."""
    school_year = school_year_of(as_of)
    term = term_of(as_of)
    previous = previous_term(term)
    buildings = buildings_by_id(session, scope=scope)
    levels = dict(zip(buildings["building_id"], buildings["level"], strict=True))
    held, themes = read_theme_counts(
        session, start=school_year_start(school_year), end=as_of, scope=scope
    )
    held_before, themes_before = read_theme_counts(
        session, start=previous.start, end=previous.end, scope=scope
    )
    this_term_held = held[held["month"] >= term.start]
    this_term = themes[themes["month"] >= term.start]
    rising = rising_themes(
        this_term_held,
        this_term,
        held_before,
        themes_before,
        levels=levels,
        levels_too=scope.is_district and building_id is None,
    )
    by_building = theme_table(held, themes, ["building_id"])
    if not scope.is_district:  # a principal's "all" is their own building(s): the rows say it
        rising = rising[rising["place_type"] == "building"].reset_index(drop=True)
    if building_id is not None:
        held = held[held["building_id"] == building_id]
        themes = themes[themes["building_id"] == building_id]
        rising = rising[
            (rising["place_type"] == "building") & (rising["place"] == building_id)
        ].reset_index(drop=True)
    return SupervisionThemesView(
        as_of=as_of,
        school_year=school_year,
        term=term,
        previous=previous,
        held=int(held["held"].sum()),
        by_month=theme_table(held, themes, ["month"]),
        by_building=by_building,
        by_role=theme_table(held, themes, ["role"]),
        rising=rising,
        levels=levels,
    )
