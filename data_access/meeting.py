"""The leadership meeting's picture: headline figures with their change since the previous meeting
(or a month earlier), the buildings x areas matrix, and the agenda drawn from the data.

Every number comes from the area modules' own queries (fidelity, staff support, equity, follow-up
actions), so the meeting screen says what the area pages say; this module only combines them. The
combining rules (what "slipped", "lapsed" or "new or worse" mean) are pure functions over DataFrames,
tested with hand-computed numbers.

Who sees what: headline figures are district roll-ups (or one building's, for a brief the person may
see), for everyone. Matrix rows and agenda items of a building are only for a scope that includes it.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from data_access.actions import ActionFilters, list_actions
from data_access.db import once_per_session
from data_access.equity import get_equity, list_equity_school_years
from data_access.equity_metrics import DISTRICT_ID, count_consecutive_flags, previous_school_year
from data_access.fidelity import get_scale_scores
from data_access.fidelity_scoring import latest_scale_scores
from data_access.imports_common import school_year_of
from data_access.models import Action, ActionUpdate
from data_access.scope import DISTRICT, Scope, building_scope
from data_access.settings import get_settings
from data_access.staff_support.queries import get_staffing, get_supervision_coverage, list_buildings
from data_access.team import (
    HEALTHY_ATTENDANCE,
    MeetingRef,
    count_by_category,
    get_meeting_on,
    get_previous_meeting,
    get_team_members,
    list_meetings,
    meeting_health,
    missing_categories,
)

FIDELITY_INSTRUMENT = "TFI-2.1"
FIDELITY_SCALE = "Tier 1"
OPEN_STATUSES = ("open", "in_progress")
EQUITY_ACT_FLAGS = 3  # a building with this many flags new or worse than last year: act on it
AREAS = ("fidelity", "supervision", "staffing", "equity", "actions")
AREA_NAMES = {
    "fidelity": "Fidelity",
    "supervision": "Supervision",
    "staffing": "Staffing",
    "equity": "Equity",
    "actions": "Actions",
}
# How a cell of the matrix stands: act on it, watch it, fine, or nothing to say.
ACT, WATCH, GOOD, NO_DATA = "act", "watch", "good", "none"
LEVELS = (ACT, WATCH, GOOD, NO_DATA)
RECOMMENDED_ROLE_NAMES = {
    "counselor": "counselor",
    "psychologist": "psychologist",
    "social_worker": "social worker",
    "nurse": "nurse",
}


# --- What "since last time" means ------------------------------------------------------------------


def month_before(day: date) -> date:
    """The same day a month earlier (the last day of that month when it is shorter)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Comparison:
    """The date the meeting looks at and the date its figures are compared with."""

    as_of: date
    school_year: str
    compare_on: date
    previous_meeting: MeetingRef | None
    this_meeting: MeetingRef | None  # a meeting already recorded for `as_of`

    @property
    def since_short(self) -> str:
        """'since 12 May', for the small print under a figure."""
        return f"since {self.compare_on:%-d %b}"

    @property
    def since(self) -> str:
        """'since the meeting of 12 May 2026', or 'since 29 Apr 2026 (a month earlier)'."""
        if self.previous_meeting is not None:
            return f"since the meeting of {self.compare_on:%-d %b %Y}"
        return f"since {self.compare_on:%-d %b %Y} (a month earlier)"


def get_comparison(session: Session, *, as_of: date) -> Comparison:
    previous = get_previous_meeting(session, before=as_of)
    return Comparison(
        as_of=as_of,
        school_year=school_year_of(as_of),
        compare_on=previous.held_on if previous else month_before(as_of),
        previous_meeting=previous,
        this_meeting=get_meeting_on(session, day=as_of),
    )


# --- Fidelity ----------------------------------------------------------------------------------------


def fidelity_standing(scores: pd.DataFrame, *, on: date) -> pd.DataFrame:
    """Each building's latest TFI Tier 1 score on or before `on` (the contract's `fidelity` rows of
    one instrument): building_id, administered_on, percent, criterion_pct, status (at criterion,
    below criterion, incomplete), previous_on and previous_percent (its administration before that,
    complete ones only), and `slipped`: below criterion and lower than that previous score."""
    columns = [
        "building_id",
        "administered_on",
        "percent",
        "criterion_pct",
        "status",
        "previous_on",
        "previous_percent",
        "slipped",
    ]
    rows = scores[(scores["scale"] == FIDELITY_SCALE) & (scores["administered_on"] <= on)]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    latest = latest_scale_scores(rows)
    complete = rows[rows["complete"].astype(bool)].sort_values("administered_on")
    merged = latest.merge(
        complete[["building_id", "administered_on", "percent"]].rename(
            columns={"administered_on": "previous_on", "percent": "previous_percent"}
        ),
        on="building_id",
        how="left",
    )
    earlier = merged[merged["previous_on"] < merged["administered_on"]]
    previous = earlier.sort_values("previous_on").groupby("building_id").tail(1)
    latest = latest.merge(
        previous[["building_id", "previous_on", "previous_percent"]], on="building_id", how="left"
    )
    percent = latest["percent"].astype("Float64")
    before = latest["previous_percent"].astype("Float64")
    latest["slipped"] = (
        ((latest["status"] == "below criterion") & before.notna() & (percent < before))
        .fillna(False)
        .astype(bool)
    )
    latest["percent"] = percent
    latest["previous_percent"] = before
    return latest[columns].sort_values("building_id", ignore_index=True)


def buildings_at_criterion(standing: pd.DataFrame) -> tuple[int, int]:
    """(buildings at criterion, buildings with a latest score) from `fidelity_standing`."""
    return int((standing["status"] == "at criterion").sum()), len(standing)


# --- Staffing, equity, actions ---------------------------------------------------------------------


def missing_roles(staffing: pd.DataFrame) -> pd.DataFrame:
    """Building rows (not the district's) of recommended roles nobody holds: building_id, role."""
    gaps = staffing[(staffing["building_id"] != DISTRICT_ID) & (staffing["band"] == "nobody")]
    return gaps[["building_id", "role"]].reset_index(drop=True)


def flag_changes(history: pd.DataFrame, *, school_year: str) -> pd.DataFrame:
    """The flagged rows of `school_year` (equity rows of any number of years, as get_equity returns
    them) with `years_flagged`, last year's `previous_ratio` and `previous_flag`, and:
    `new` (not flagged the same way last school year) and `worse` (flagged the same way and the ratio
    moved further from 1: up for an over flag, down for an under flag)."""
    current = count_consecutive_flags(history, school_year=school_year)
    keys = ["building_id", "indicator", "group_type", "group"]
    last_year = history[history["school_year"] == previous_school_year(school_year)]
    previous = last_year[[*keys, "ratio", "flag"]].rename(
        columns={"ratio": "previous_ratio", "flag": "previous_flag"}
    )
    rows = current.merge(previous, on=keys, how="left")
    ratio = rows["ratio"].astype(float)
    before = rows["previous_ratio"].astype(float)
    same = rows["previous_flag"].eq(rows["flag"]).fillna(False).astype(bool)
    rows["new"] = ~same
    rows["worse"] = same & (
        ((rows["flag"] == "over") & (ratio > before))
        | ((rows["flag"] == "under") & (ratio < before))
    )
    return rows


def agenda_flag_order(flags: pd.DataFrame) -> pd.DataFrame:
    """New or worse flags first those flagged longest (states act on three years in a row), then
    the furthest from 1 (a ratio of 0.33 is as far as 3.0)."""
    distance = np.abs(np.log(flags["ratio"].astype(float)))
    return (
        flags.assign(_distance=distance)
        .sort_values(["years_flagged", "_distance"], ascending=[False, False])
        .drop(columns="_distance")
        .reset_index(drop=True)
    )


def statuses_on(actions: pd.DataFrame, changes: pd.DataFrame, *, day: date) -> pd.Series:
    """Each action's status at the end of `day` (missing when it did not exist yet), from its history.

    `actions`: action_id, status (now), created_at. `changes`: action_id, changed_at, old_value,
    new_value of its status changes. The status then is the last change's new value on or before
    the day; with none, the first later change's old value; with no change at all, today's."""
    status = pd.Series(actions["status"].to_numpy(), index=actions["action_id"], dtype=object)
    if not changes.empty:
        when = pd.to_datetime(changes["changed_at"], utc=True).dt.date
        ordered = changes.assign(_day=when).sort_values(["action_id", "changed_at"])
        later = ordered[ordered["_day"] > day].groupby("action_id").head(1)
        status.update(pd.Series(later["old_value"].to_numpy(), index=later["action_id"]))
        earlier = ordered[ordered["_day"] <= day].groupby("action_id").tail(1)
        status.update(pd.Series(earlier["new_value"].to_numpy(), index=earlier["action_id"]))
    created = pd.to_datetime(actions["created_at"], utc=True).dt.date.to_numpy()
    status[created > day] = None
    return status.reindex(actions["action_id"]).reset_index(drop=True)


def count_overdue_on(session: Session, *, day: date, building_id: str | None = None) -> int:
    """Actions that were open or in progress at the end of `day` with a due date before it: what
    the Follow-up page said was overdue that day, rebuilt from each action's history."""
    statement = select(Action.action_id, Action.status, Action.created_at).where(
        Action.due_date < day
    )
    if building_id is not None:
        statement = statement.where(Action.building_id == building_id)
    actions = pd.DataFrame(
        session.execute(statement).all(), columns=["action_id", "status", "created_at"]
    )
    if actions.empty:
        return 0
    changes = pd.DataFrame(
        session.execute(
            select(
                ActionUpdate.action_id,
                ActionUpdate.changed_at,
                ActionUpdate.old_value,
                ActionUpdate.new_value,
            ).where(
                ActionUpdate.field == "status",
                ActionUpdate.action_id.in_(select(statement.subquery().c.action_id)),
            )
        ).all(),
        columns=["action_id", "changed_at", "old_value", "new_value"],
    )
    return int(statuses_on(actions, changes, day=day).isin(OPEN_STATUSES).sum())


# --- Headline figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """One headline figure: its value now and at the comparison date, in words."""

    key: str  # one of AREAS
    label: str
    shown: str  # the value as the screen shows it, e.g. "7 of 12"
    value: float | None
    before: float | None
    higher_is_better: bool
    unit: str  # of the change: "buildings", "points", "flags", "actions", "roles"
    since: str  # "since the meeting of 12 May 2026" or "since 2024-25"
    detail: str  # one sentence: what exactly is counted
    since_short: str = ""  # "since 12 May", for the small print under a figure

    @property
    def change(self) -> float | None:
        if self.value is None or self.before is None:
            return None
        return round(self.value - self.before, 6)

    @property
    def change_shown(self) -> str | None:
        """'+1 building', '-7 points', 'no change'; None when there is nothing to compare with."""
        change = self.change
        if change is None:
            return None
        if change == 0:
            return "no change"
        amount = f"{abs(change):,.0f}"
        unit = self.unit[:-1] if amount == "1" and self.unit.endswith("s") else self.unit
        return f"{'+' if change > 0 else '-'}{amount} {unit}"

    @property
    def verdict(self) -> str | None:
        """'better', 'worse' or 'same' (None without a comparison)."""
        change = self.change
        if change is None:
            return None
        if change == 0:
            return "same"
        return "better" if (change > 0) == self.higher_is_better else "worse"


@dataclass(frozen=True)
class Headlines:
    place: str  # "the district" or a building's name
    building_id: str | None
    comparison: Comparison
    items: tuple[Headline, ...]

    def get(self, key: str) -> Headline:
        return next(item for item in self.items if item.key == key)


def _share(covered: int, staff: int) -> float | None:
    return covered * 100.0 / staff if staff else None


def _coverage_of(coverage, building_id: str | None) -> tuple[int, int]:
    if building_id is None:
        return coverage.district_covered, coverage.district_staff
    row = coverage.by_building[coverage.by_building["building_id"] == building_id]
    return (int(row["covered"].sum()), int(row["staff"].sum())) if len(row) else (0, 0)


def _flags_in(rows: pd.DataFrame, building_id: str | None) -> int:
    flagged = rows[rows["flag"].notna()] if len(rows) else rows
    if building_id is not None:
        flagged = flagged[flagged["building_id"] == building_id]
    return len(flagged)


def get_equity_years(session: Session, *, as_of: date) -> list[str]:
    """The school years the meeting reads equity rows of, newest first: the year it reports (that of
    `as_of`, or the newest in the store when the store holds none for it) and up to two before it
    that the store holds (enough to tell a flag three school years in a row). Empty without
    students."""
    years = list_equity_school_years(session)
    if not years:
        return []
    year = school_year_of(as_of) if school_year_of(as_of) in years else years[0]
    wanted = [year, previous_school_year(year), previous_school_year(previous_school_year(year))]
    return [y for y in wanted if y in years]


EquityRows = Mapping[str, pd.DataFrame]  # school year → get_equity rows, for one scope


def _equity_rows(
    session: Session, *, years: list[str], scope: Scope, given: EquityRows | None
) -> dict[str, pd.DataFrame]:
    """Each year's get_equity rows: those the caller already has (the page passes its cached ones,
    shared with the Equity page), the rest computed here."""
    given = given or {}
    return {
        year: given[year]
        if year in given
        else once_per_session(session, get_equity, school_year=year, scope=scope)
        for year in years
    }


def get_headlines(
    session: Session,
    *,
    as_of: date,
    building_id: str | None = None,
    equity: EquityRows | None = None,
) -> Headlines:
    """The five headline figures for the district (`building_id=None`: roll-ups everyone sees) or
    one building (the caller checks the person may see it), each now and at the comparison date."""
    comparison = once_per_session(session, get_comparison, as_of=as_of)
    then = comparison.compare_on
    since = comparison.since
    scope = DISTRICT if building_id is None else building_scope({building_id})
    names = once_per_session(session, list_buildings, scope=scope)
    place = "the district" if building_id is None else names["building"].iloc[0]
    window = get_settings().supervision_window_days
    items = []

    # Fidelity: buildings at criterion (district) or the building's percent, latest on each date.
    scores = once_per_session(
        session, get_scale_scores, scope=scope, instrument=FIDELITY_INSTRUMENT
    )
    now_standing = fidelity_standing(scores, on=as_of)
    then_standing = fidelity_standing(scores, on=then)
    if building_id is None:
        at, assessed = buildings_at_criterion(now_standing)
        at_then, assessed_then = buildings_at_criterion(then_standing)
        criterion = (
            f"{now_standing['criterion_pct'].max():g}%" if len(now_standing) else "the criterion"
        )
        items.append(
            Headline(
                key="fidelity",
                label="TFI at criterion",
                shown=f"{at:,} of {assessed:,}" if assessed else "no scores",
                value=float(at) if assessed else None,
                before=float(at_then) if assessed_then else None,
                higher_is_better=True,
                unit="buildings",
                since=since,
                since_short=comparison.since_short,
                detail=f"Buildings whose latest {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} score is at "
                f"or above {criterion}, of the {assessed:,} with a score.",
            )
        )
    else:
        percent = now_standing["percent"].iloc[0] if len(now_standing) else pd.NA
        before = then_standing["percent"].iloc[0] if len(then_standing) else pd.NA
        items.append(
            Headline(
                key="fidelity",
                label=f"{FIDELITY_INSTRUMENT} {FIDELITY_SCALE}, latest",
                shown=f"{percent:.0f}%" if pd.notna(percent) else "no score",
                value=None if pd.isna(percent) else float(percent),
                before=None if pd.isna(before) else float(before),
                higher_is_better=True,
                unit="points",
                since=since,
                since_short=comparison.since_short,
                detail=f"The latest {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} score: points earned "
                "of points possible.",
            )
        )

    # Supervision: support staff with a held session in the window ending on each date.
    covered, staff = _coverage_of(
        once_per_session(session, get_supervision_coverage, as_of=as_of, scope=scope), building_id
    )
    covered_then, staff_then = _coverage_of(
        once_per_session(session, get_supervision_coverage, as_of=then, scope=scope), building_id
    )
    share, share_then = _share(covered, staff), _share(covered_then, staff_then)
    items.append(
        Headline(
            key="supervision",
            label="Staff supervised",
            shown=f"{share:.0f}%" if share is not None else "no staff",
            value=None if share is None else round(share),
            before=None if share_then is None else round(share_then),
            higher_is_better=True,
            unit="points",
            since=since,
            since_short=comparison.since_short,
            detail=f"{covered:,} of {staff:,} support staff in {place} had a held supervision "
            f"session in the {window} days ending {as_of:%-d %b %Y}.",
        )
    )

    # Staffing: buildings with nobody in a recommended role (district) or the building's such roles.
    now_gaps = missing_roles(
        once_per_session(session, get_staffing, school_year=school_year_of(as_of), scope=scope)
    )
    # Usually the same school year as now: asked the same way, it is read once.
    then_gaps = missing_roles(
        once_per_session(session, get_staffing, school_year=school_year_of(then), scope=scope)
    )
    if building_id is None:
        value, before_value = now_gaps["building_id"].nunique(), then_gaps["building_id"].nunique()
        label, unit = "Missing a role", "buildings"
        detail = (
            "Buildings with nobody at all as counselor, psychologist, social worker or nurse "
            f"(the roles with a national recommended ratio) in {school_year_of(as_of)}."
        )
    else:
        value, before_value = len(now_gaps), len(then_gaps)
        label, unit = "Recommended roles unfilled", "roles"
        roles = ", ".join(RECOMMENDED_ROLE_NAMES.get(r, r) for r in now_gaps["role"]) or "none"
        detail = (
            f"Counselor, psychologist, social worker or nurse with no one in the role: {roles}."
        )
    items.append(
        Headline(
            key="staffing",
            label=label,
            shown=f"{value:,}",
            value=float(value),
            before=float(before_value),
            higher_is_better=False,
            unit=unit,
            since=since,
            since_short=comparison.since_short,
            detail=detail,
        )
    )

    # Equity: flags this school year against last school year (equity figures are yearly).
    years = once_per_session(session, get_equity_years, as_of=as_of)
    year = years[0] if years else None
    last_year = years[1] if len(years) > 1 and years[1] == previous_school_year(year) else None
    rows = _equity_rows(
        session, years=[y for y in (year, last_year) if y], scope=scope, given=equity
    )
    flags = _flags_in(rows[year], building_id) if year else 0
    flags_before = _flags_in(rows[last_year], building_id) if last_year else None
    threshold = get_settings().risk_ratio_threshold
    items.append(
        Headline(
            key="equity",
            label="Equity flags",
            shown=f"{flags:,}" if year else "no students",
            value=float(flags) if year else None,
            before=None if flags_before is None else float(flags_before),
            higher_is_better=False,
            unit="flags",
            since=f"since {last_year}" if last_year else since,
            since_short=f"since {last_year}" if last_year else comparison.since_short,
            detail=f"Building, indicator and student-group risk ratios above {threshold:g} or "
            f"below 1/{threshold:g} in {place} in {year}"
            + (", district rows included" if building_id is None else "")
            + ". Equity is counted per school year, so the change is against last school year.",
        )
    )

    # Actions: open or in progress past their due date, now and as the history says they were then.
    actions = list_actions(
        session,
        scope=scope,
        as_of=as_of,
        filters=ActionFilters(
            building_ids=(building_id,) if building_id else (), statuses=OPEN_STATUSES
        ),
    )
    overdue = int(actions["overdue"].sum())
    items.append(
        Headline(
            key="actions",
            label="Overdue actions",
            shown=f"{overdue:,}",
            value=float(overdue),
            before=float(count_overdue_on(session, day=then, building_id=building_id)),
            higher_is_better=False,
            unit="actions",
            since=since,
            since_short=comparison.since_short,
            detail=f"Follow-up actions still open or in progress after their due date, on "
            f"{as_of:%-d %b %Y}.",
        )
    )
    return Headlines(
        place=place, building_id=building_id, comparison=comparison, items=tuple(items)
    )


# --- The buildings x areas matrix ----------------------------------------------------------------


def _cell(level: str, word: str, number: str) -> dict[str, str]:
    return {"level": level, "word": word, "number": number}


def fidelity_cell(row: pd.Series | None) -> dict[str, str]:
    if row is None:
        return _cell(NO_DATA, "No score", "")
    if row["status"] == "at criterion":
        return _cell(GOOD, "At criterion", f"{row['percent']:.0f}%")
    if row["status"] == "below criterion":
        if row["slipped"]:
            return _cell(
                ACT, "Slipped", f"{row['percent']:.0f}% (was {row['previous_percent']:.0f}%)"
            )
        return _cell(WATCH, "Below", f"{row['percent']:.0f}%")
    return _cell(NO_DATA, "Incomplete", "")


def supervision_cell(staff: int, covered: int) -> dict[str, str]:
    if staff == 0:
        return _cell(NO_DATA, "No support staff", "")
    number = f"{covered:,} of {staff:,}"
    if covered == staff:
        return _cell(GOOD, "All covered", number)
    if covered == 0:
        return _cell(ACT, "Lapsed", number)
    return _cell(WATCH, "Gaps", number)


def staffing_cell(roles: Sequence[tuple[str, str]]) -> dict[str, str]:
    """`roles`: the building's recommended roles as (role, band) pairs (from get_staffing)."""
    if not roles:
        return _cell(NO_DATA, "No data", "")
    nobody = [role for role, band in roles if band == "nobody"]
    if nobody:
        names = ", ".join(RECOMMENDED_ROLE_NAMES.get(r, r) for r in nobody)
        return _cell(ACT, "Role missing", f"no {names}")
    above = sum(band == "above" for _, band in roles)
    if above:
        return _cell(WATCH, "Over ratio", f"{above} of {len(roles)} roles")
    return _cell(GOOD, "Meets", f"{len(roles)} roles")


def equity_cell(flags: int, new_or_worse: int) -> dict[str, str]:
    """Act when several flags (EQUITY_ACT_FLAGS or more) are new or worse than last year; watch any
    other flag; fine with none."""
    if flags == 0:
        return _cell(GOOD, "No flags", "")
    number = f"{flags} flag{'s' if flags != 1 else ''}"
    if new_or_worse >= EQUITY_ACT_FLAGS:
        return _cell(ACT, "New or worse", f"{number}, {new_or_worse} new or worse")
    if new_or_worse:
        return _cell(WATCH, "Flagged", f"{number}, {new_or_worse} new or worse")
    return _cell(WATCH, "Flagged", number)


def actions_cell(open_count: int, overdue: int) -> dict[str, str]:
    if overdue:
        return _cell(ACT, "Overdue", f"{overdue} of {open_count} open")
    if open_count:
        return _cell(GOOD, "On track", f"{open_count} open")
    return _cell(NO_DATA, "None open", "")


def building_matrix(
    *,
    buildings: pd.DataFrame,
    fidelity: pd.DataFrame,
    coverage: pd.DataFrame,
    staffing: pd.DataFrame,
    flags: pd.DataFrame,
    actions: pd.DataFrame,
) -> pd.DataFrame:
    """One row per building: for each area its level (act, watch, good, none), status word and
    number, and `attention` (the areas to act on, in words), buildings needing most attention first.

    Inputs: buildings (building_id, building); fidelity (fidelity_standing); coverage (building_id,
    staff, covered); staffing (get_staffing rows); flags (flag_changes rows); actions (open actions:
    building_id, overdue)."""
    # Each input grouped by building once: two hundred buildings must not mean a thousand filters.
    fidelity_by = {row["building_id"]: row for _, row in fidelity.iterrows()}
    coverage_by = coverage.set_index("building_id")[["staff", "covered"]].to_dict("index")
    recommended = staffing[staffing["band"].notna()]
    roles_by: dict[str, list[tuple[str, str]]] = {}
    for building_id, role, band in zip(
        recommended["building_id"], recommended["role"], recommended["band"], strict=True
    ):
        roles_by.setdefault(building_id, []).append((role, band))
    flag_counts = (
        flags.assign(changed=flags["new"].astype(bool) | flags["worse"].astype(bool))
        .groupby("building_id")["changed"]
        .agg(["size", "sum"])
        .to_dict("index")
    )
    action_counts = actions.groupby("building_id")["overdue"].agg(["size", "sum"]).to_dict("index")
    none = {"size": 0, "sum": 0}
    records = []
    for building_id, name in zip(buildings["building_id"], buildings["building"], strict=True):
        building_flags = flag_counts.get(building_id, none)
        building_actions = action_counts.get(building_id, none)
        covered = coverage_by.get(building_id, {"staff": 0, "covered": 0})
        cells = {
            "fidelity": fidelity_cell(fidelity_by.get(building_id)),
            "supervision": supervision_cell(int(covered["staff"]), int(covered["covered"])),
            "staffing": staffing_cell(roles_by.get(building_id, [])),
            "equity": equity_cell(int(building_flags["size"]), int(building_flags["sum"])),
            "actions": actions_cell(int(building_actions["size"]), int(building_actions["sum"])),
        }
        record = {"building_id": building_id, "building": name}
        for area, cell in cells.items():
            record[f"{area}_level"] = cell["level"]
            record[f"{area}_word"] = cell["word"]
            record[f"{area}_number"] = cell["number"]
        act = [AREA_NAMES[a] for a in AREAS if cells[a]["level"] == ACT]
        record["act_count"] = len(act)
        record["watch_count"] = sum(cells[a]["level"] == WATCH for a in AREAS)
        record["attention"] = ", ".join(act) if act else "Nothing urgent"
        records.append(record)
    columns = ["building_id", "building"]
    for area in AREAS:
        columns += [f"{area}_level", f"{area}_word", f"{area}_number"]
    columns += ["act_count", "watch_count", "attention"]
    matrix = pd.DataFrame(records, columns=columns)
    return matrix.sort_values(
        ["act_count", "watch_count", "building"], ascending=[False, False, True], ignore_index=True
    )


# --- The picture: matrix, agenda and what the charts need --------------------------------------------


@dataclass(frozen=True)
class MeetingPicture:
    """Everything the meeting screen and brief show beyond the headline figures, for one scope."""

    comparison: Comparison
    school_year: str  # of the as-of date: staffing and supervision
    equity_year: str | None  # the school year equity flags are counted for
    window_days: int
    matrix: pd.DataFrame  # building_matrix, buildings in scope
    fidelity: pd.DataFrame  # fidelity_standing with building names, in scope
    coverage: pd.DataFrame  # building_id, building, staff, covered, share, in scope
    district_coverage: tuple[int, int]  # (covered, staff) across the district, for everyone
    left_open: pd.DataFrame  # the previous meeting's actions still open (list_actions rows)
    flags: pd.DataFrame  # new or worse equity flags in scope (and the district's), agenda order
    all_flags: pd.DataFrame  # every flag of the year in scope, with new / worse / years_flagged
    supervision_gaps: pd.DataFrame  # buildings in scope with staff past the window, worst first
    slipped: pd.DataFrame  # buildings in scope below criterion and lower than before
    missing_roles: pd.DataFrame  # building_id, building, roles (in words), in scope
    missing_role_buildings: int  # across the district (a count, for everyone)
    overdue: pd.DataFrame  # overdue actions in scope (list_actions rows), longest overdue first
    open_actions: pd.DataFrame  # every open action in scope (list_actions rows), soonest due first
    team_members: int
    team_missing: tuple[str, ...]  # category labels nobody represents
    last_meeting: pd.Series | None  # meeting_health row of the latest meeting on or before as_of


def get_meeting_picture(
    session: Session, *, as_of: date, scope: Scope, equity: EquityRows | None = None
) -> MeetingPicture:
    """The matrix, the agenda and what the charts need, for the buildings in `scope`. `equity`: the
    get_equity rows of `get_equity_years` for this scope, when the caller already has them."""
    comparison = once_per_session(session, get_comparison, as_of=as_of)
    school_year = school_year_of(as_of)
    buildings = once_per_session(session, list_buildings, scope=scope)
    names = dict(zip(buildings["building_id"], buildings["building"], strict=True))

    scores = once_per_session(
        session, get_scale_scores, scope=scope, instrument=FIDELITY_INSTRUMENT
    )
    fidelity = fidelity_standing(scores, on=as_of)
    fidelity = fidelity.assign(building=fidelity["building_id"].map(names))

    coverage_now = once_per_session(session, get_supervision_coverage, as_of=as_of, scope=scope)
    coverage = coverage_now.by_building[["building_id", "building", "staff", "covered", "share"]]

    staffing = once_per_session(session, get_staffing, school_year=school_year, scope=scope)
    gaps = missing_roles(staffing)
    district_gaps = (
        gaps
        if scope.is_district
        else missing_roles(
            once_per_session(session, get_staffing, school_year=school_year, scope=DISTRICT)
        )
    )

    years = once_per_session(session, get_equity_years, as_of=as_of)
    equity_year = years[0] if years else None
    if equity_year is None:
        all_flags = pd.DataFrame(
            columns=["building_id", "indicator", "group_type", "group", "ratio", "flag"]
            + ["years_flagged", "new", "worse", "building_name", "previous_ratio"]
        )
    else:
        rows = _equity_rows(session, years=years, scope=scope, given=equity)
        history = pd.concat(list(rows.values()), ignore_index=True)
        all_flags = flag_changes(history, school_year=equity_year)
    changed = all_flags[all_flags["new"] | all_flags["worse"]]
    flags = agenda_flag_order(changed) if len(changed) else changed.reset_index(drop=True)

    open_actions = list_actions(
        session, scope=scope, as_of=as_of, filters=ActionFilters(statuses=OPEN_STATUSES)
    )
    overdue = open_actions[open_actions["overdue"]].sort_values(["due_date", "action_id"])
    if comparison.previous_meeting is not None:
        decided = set(
            session.execute(
                select(Action.action_id).where(
                    Action.meeting_id == comparison.previous_meeting.meeting_id
                )
            ).scalars()
        )
        left_open = open_actions[open_actions["action_id"].isin(decided)]
    else:
        left_open = open_actions.iloc[0:0]

    matrix = building_matrix(
        buildings=buildings,
        fidelity=fidelity,
        coverage=coverage,
        staffing=staffing,
        flags=all_flags[all_flags["building_id"] != DISTRICT_ID],
        actions=open_actions,
    )

    supervision_gaps = coverage.loc[coverage["covered"] < coverage["staff"]].sort_values(
        ["share", "building"]
    )
    slipped = fidelity.loc[fidelity["slipped"].astype(bool)].assign(
        drop=lambda f: f["previous_percent"] - f["percent"]
    )
    slipped = slipped.sort_values(["drop", "building"], ascending=[False, True])
    missing = (
        gaps.assign(role=gaps["role"].map(lambda r: RECOMMENDED_ROLE_NAMES.get(r, r)))
        .groupby("building_id", as_index=False)["role"]
        .agg(", ".join)
        .rename(columns={"role": "roles"})
    )
    missing.insert(1, "building", missing["building_id"].map(names))

    members = get_team_members(session, on=as_of)
    meetings = meeting_health(list_meetings(session, until=as_of))
    return MeetingPicture(
        comparison=comparison,
        school_year=school_year,
        equity_year=equity_year,
        window_days=coverage_now.window_days,
        matrix=matrix,
        fidelity=fidelity,
        coverage=coverage.reset_index(drop=True),
        district_coverage=(coverage_now.district_covered, coverage_now.district_staff),
        left_open=left_open.reset_index(drop=True),
        flags=flags,
        all_flags=all_flags.reset_index(drop=True),
        supervision_gaps=supervision_gaps.reset_index(drop=True),
        slipped=slipped.reset_index(drop=True),
        missing_roles=missing,
        missing_role_buildings=int(district_gaps["building_id"].nunique()),
        overdue=overdue.reset_index(drop=True),
        open_actions=open_actions.reset_index(drop=True),
        team_members=len(members),
        team_missing=tuple(missing_categories(count_by_category(members))),
        last_meeting=meetings.iloc[-1] if len(meetings) else None,
    )


@dataclass(frozen=True)
class Meeting:
    """What the meeting screen shows for one scope, computed in one session so the headlines and the
    picture share their scores, coverage, staffing and equity rows."""

    headlines: Headlines  # the district's
    picture: MeetingPicture  # the scope's
    district_equity: dict[str, pd.DataFrame]  # school year → the district's get_equity rows


def get_meeting(session: Session, *, as_of: date, scope: Scope) -> Meeting:
    district_equity = _equity_rows(
        session,
        years=once_per_session(session, get_equity_years, as_of=as_of),
        scope=DISTRICT,
        given=None,
    )
    return Meeting(
        headlines=get_headlines(session, as_of=as_of),  # its equity rows: once_per_session's
        picture=get_meeting_picture(session, as_of=as_of, scope=scope),
        district_equity=district_equity,
    )


__all__ = [
    "HEALTHY_ATTENDANCE",
    "Comparison",
    "Headline",
    "Headlines",
    "Meeting",
    "MeetingPicture",
    "get_comparison",
    "get_headlines",
    "get_meeting",
    "get_meeting_picture",
]
