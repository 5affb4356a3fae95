"""The meeting's pure rules: what "since last time", "slipped", "lapsed" or "new or worse" mean, the
headline figure and its change, and the buildings x areas matrix with each cell's level. No session
here: every function works on the frames the area queries return, tested with hand-computed numbers.

The matrix levels, the cells' statuses and the areas are codes (ACT, WATCH, GOOD, NO_DATA; AREAS);
each cell carries its status code and numbers, and a headline its values, unit and comparison: the
words the screen and the brief show are made from them in components/meeting_wording.py."""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from data_access.equity.identification import (
    DEFAULT_IDENTIFICATION,
    IdentificationRules,
    identify_flags,
)
from data_access.equity.metrics import DISTRICT_ID, only_concerns
from data_access.fidelity.scoring import latest_scale_scores
from data_access.school_year import previous_school_year
from data_access.system_health.signals import published_value
from data_access.team.queries import MeetingRef

FIDELITY_INSTRUMENT = "TFI-2.1"
FIDELITY_SCALE = "Tier 1"
OPEN_STATUSES = ("open", "in_progress")
EQUITY_ACT_FLAGS = 3  # a building with this many flags new or worse than last year: act on it
# Student outcomes beside fidelity: the team judges outcomes where the practice is in place.
AREAS = ("fidelity", "outcomes", "supervision", "staffing", "equity", "actions")
# How a cell of the matrix stands: act on it, watch it, fine, or nothing to say.
ACT, WATCH, GOOD, NO_DATA = "act", "watch", "good", "none"
LEVELS = (ACT, WATCH, GOOD, NO_DATA)


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
    def kind(self) -> str:
        """What `compare_on` is: "meeting" (the previous meeting's date) or "month" (a month
        before `as_of`, with no earlier meeting)."""
        return "meeting" if self.previous_meeting is not None else "month"


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


def flag_changes(
    history: pd.DataFrame,
    *,
    school_year: str,
    rules: IdentificationRules = DEFAULT_IDENTIFICATION,
) -> pd.DataFrame:
    """The flags of concern of `school_year` (equity rows of any number of years, as get_equity
    returns them; `only_concerns`: a group with fewer suspensions than everyone else is not one) with
    `years_flagged` and identification's columns (`identified`, `one_year_away`, ...: see
    equity.identification), last year's `previous_ratio` and `previous_flag`, and: `new` (not flagged the
    same way last school year) and `worse` (flagged the same way and the ratio moved further from 1,
    the way of concern: up for an over flag, down for an under flag on access to supports)."""
    current = only_concerns(identify_flags(history, school_year=school_year, rules=rules))
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


# --- Headline figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """One headline figure: its value now and at the comparison date, as numbers and codes (the
    screen's words are made in components/meeting_wording.py)."""

    key: str  # one of AREAS
    value: float | None  # None: nothing to count (no scores, no staff, no students)
    before: float | None
    higher_is_better: bool
    unit: str  # of the value and its change: "buildings", "points", "flags", "actions", "roles"
    value_kind: str = "count"  # "count", "percent", or "count_of" (`value` of `total`)
    total: int | None = None  # for "count_of": what `value` is counted out of
    since_year: str | None = None  # the school year compared with, instead of the comparison date
    # What exactly is counted, for the figure's explanation:
    criterion_pct: float | None = None  # fidelity (district): the criterion, None without scores
    covered: int | None = None  # supervision: support staff with a held session in the window,
    staff: int | None = None  # of this many
    window_days: int | None = None  # the supervision window
    school_year: str | None = None  # staffing: the as-of date's; equity: the one flags count in
    roles: tuple[str, ...] = ()  # staffing (a building): the recommended roles nobody holds
    threshold: float | None = None  # equity: the risk-ratio threshold

    @property
    def change(self) -> float | None:
        if self.value is None or self.before is None:
            return None
        return round(self.value - self.before, 6)

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
    """The headline figures and whose they are: one building's (`building_id`, `building`), the
    whole district's (`whole_district`), or some buildings' (`buildings`: a principal of several)."""

    building: str | None  # the building's name; None for the district or several buildings
    building_id: str | None
    comparison: Comparison
    items: tuple[Headline, ...]
    buildings: tuple[str, ...] = ()  # the names, when the figures are several buildings'
    whole_district: bool = False

    def get(self, key: str) -> Headline:
        return next(item for item in self.items if item.key == key)


# --- The buildings x areas matrix ----------------------------------------------------------------


# Each cell: its level, a status code (what the cell says, in components/meeting_wording.py) and the
# numbers it shows. Every cell of an area carries the same numbers, so the matrix has fixed columns.
CELL_NUMBERS = {
    "fidelity": ("percent", "previous_percent"),
    "outcomes": ("window", "pct_at_benchmark", "unmet_change", "referral_change"),
    "supervision": ("covered", "staff"),
    "staffing": ("missing", "above", "roles"),
    "equity": ("flags", "new_or_worse"),
    "actions": ("open", "overdue"),
}


def fidelity_cell(row: pd.Series | None) -> dict[str, object]:
    """Status: no_score, at_criterion, slipped (below criterion and lower than before), below or
    incomplete; numbers: percent and previous_percent (NaN when there is none)."""
    if row is None:
        return {
            "level": NO_DATA,
            "status": "no_score",
            "percent": np.nan,
            "previous_percent": np.nan,
        }
    numbers = {"percent": row["percent"], "previous_percent": row["previous_percent"]}
    if row["status"] == "at criterion":
        return {"level": GOOD, "status": "at_criterion", **numbers}
    if row["status"] == "below criterion":
        if row["slipped"]:
            return {"level": ACT, "status": "slipped", **numbers}
        return {"level": WATCH, "status": "below", **numbers}
    return {"level": NO_DATA, "status": "incomplete", **numbers}


def supervision_cell(staff: int, covered: int) -> dict[str, object]:
    """Status: no_staff, all_covered, lapsed (nobody covered) or gaps; numbers: covered, staff."""
    numbers = {"covered": covered, "staff": staff}
    if staff == 0:
        return {"level": NO_DATA, "status": "no_staff", **numbers}
    if covered == staff:
        return {"level": GOOD, "status": "all_covered", **numbers}
    if covered == 0:
        return {"level": ACT, "status": "lapsed", **numbers}
    return {"level": WATCH, "status": "gaps", **numbers}


def staffing_cell(roles: Sequence[tuple[str, str]]) -> dict[str, object]:
    """`roles`: the building's recommended roles as (role, band) pairs (from get_staffing).
    Status: no_data, role_missing, over_ratio or meets; numbers: missing (the role codes nobody
    holds), above (roles above the ratio) and roles (recommended roles with a band)."""
    nobody = tuple(role for role, band in roles if band == "nobody")
    above = sum(band == "above" for _, band in roles)
    numbers = {"missing": nobody, "above": above, "roles": len(roles)}
    if not roles:
        return {"level": NO_DATA, "status": "no_data", **numbers}
    if nobody:
        return {"level": ACT, "status": "role_missing", **numbers}
    if above:
        return {"level": WATCH, "status": "over_ratio", **numbers}
    return {"level": GOOD, "status": "meets", **numbers}


def equity_cell(flags: int, new_or_worse: int) -> dict[str, object]:
    """Act when several flags (EQUITY_ACT_FLAGS or more) are new or worse than last year; watch any
    other flag; fine with none. Status: no_flags, new_or_worse or flagged."""
    numbers = {"flags": flags, "new_or_worse": new_or_worse}
    if flags == 0:
        return {"level": GOOD, "status": "no_flags", **numbers}
    if new_or_worse >= EQUITY_ACT_FLAGS:
        return {"level": ACT, "status": "new_or_worse", **numbers}
    return {"level": WATCH, "status": "flagged", **numbers}


def actions_cell(open_count: int, overdue: int) -> dict[str, object]:
    """Status: overdue, on_track or none_open; numbers: open, overdue."""
    numbers = {"open": open_count, "overdue": overdue}
    if overdue:
        return {"level": ACT, "status": "overdue", **numbers}
    if open_count:
        return {"level": GOOD, "status": "on_track", **numbers}
    return {"level": NO_DATA, "status": "none_open", **numbers}


def building_matrix(
    *,
    buildings: pd.DataFrame,
    fidelity: pd.DataFrame,
    coverage: pd.DataFrame,
    staffing: pd.DataFrame,
    flags: pd.DataFrame,
    actions: pd.DataFrame,
    outcomes: Mapping[str, dict[str, object]] | None = None,
) -> pd.DataFrame:
    """One row per building: for each area its level (act, watch, good, none), status code and
    numbers (`{area}_level`, `{area}_status`, `{area}_{number}` for each of CELL_NUMBERS[area]), and
    how many areas to act on and to watch, buildings needing most attention first.

    Inputs: buildings (building_id, building); fidelity (fidelity_standing); coverage (building_id,
    staff, covered); staffing (get_staffing rows); flags (flag_changes rows); actions (open actions:
    building_id, overdue); outcomes (`outcome_cells`: building_id → its cell; a building without
    one has no screening to show)."""
    outcomes = outcomes or {}
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
            "outcomes": outcomes.get(building_id) or outcomes_cell(None, None, None),
            "supervision": supervision_cell(int(covered["staff"]), int(covered["covered"])),
            "staffing": staffing_cell(roles_by.get(building_id, [])),
            "equity": equity_cell(int(building_flags["size"]), int(building_flags["sum"])),
            "actions": actions_cell(int(building_actions["size"]), int(building_actions["sum"])),
        }
        record = {"building_id": building_id, "building": name}
        for area, cell in cells.items():
            record[f"{area}_level"] = cell["level"]
            record[f"{area}_status"] = cell["status"]
            for number in CELL_NUMBERS[area]:
                record[f"{area}_{number}"] = cell[number]
        record["act_count"] = sum(cells[a]["level"] == ACT for a in AREAS)
        record["watch_count"] = sum(cells[a]["level"] == WATCH for a in AREAS)
        records.append(record)
    columns = ["building_id", "building"]
    for area in AREAS:
        columns += [f"{area}_level", f"{area}_status"]
        columns += [f"{area}_{number}" for number in CELL_NUMBERS[area]]
    columns += ["act_count", "watch_count"]
    matrix = pd.DataFrame(records, columns=columns)
    return matrix.sort_values(
        ["act_count", "watch_count", "building"], ascending=[False, False, True], ignore_index=True
    )


# --- Staff wellbeing ---------------------------------------------------------------------------------

DRAINED_OFTEN_PCT = 50.0  # half or more of a group's responses drained often (4 or 5)
SUPPORTED_BELOW = 3.0  # and "I feel supported" below the scale's middle, on average


def drained_and_unsupported(pulse: pd.DataFrame) -> pd.DataFrame:
    """The published staff pulse rows (`staff_pulse` columns, one school year) of buildings whose
    staff, or one role of them, report being drained and unsupported: at least `DRAINED_OFTEN_PCT`
    drained often and a mean below `SUPPORTED_BELOW` on feeling supported. Withheld rows never
    count. A building's role row before its ALL row; the most drained first."""
    rows = pulse[(pulse["building_id"] != DISTRICT_ID) & pulse["responses"].notna()]
    drained = pd.to_numeric(rows["pct_drained_often"], errors="coerce")
    supported = pd.to_numeric(rows["supported"], errors="coerce")
    found = rows[(drained >= DRAINED_OFTEN_PCT) & (supported < SUPPORTED_BELOW)]
    return found.sort_values(
        ["pct_drained_often", "building_id", "role"], ascending=[False, True, True]
    ).reset_index(drop=True)


# --- Student outcomes ------------------------------------------------------------------------------
# The signals come from system_health.signals (published figures only); here they become a cell.


def outcomes_cell(
    screening: Mapping | None, unmet: Mapping | None, referrals: Mapping | None
) -> dict[str, object]:
    """One building's (or the district's) outcome cell from its rows of screening_standing,
    unmet_need_change and referral_rates_to_date (None: no row). Act on two signals or more (core
    below 80%, unmet need rising, referrals up), watch one; fine when the latest window's percent
    at benchmark is published and at 80% or more; else withheld or no screening. Status: the first
    signal, or core_sufficient, withheld, no_screening; numbers: window, pct_at_benchmark (None
    unless published), unmet_change (points, when rising), referral_change (share, when up)."""
    state = screening["state"] if screening is not None else None
    core_below = bool(screening is not None and screening["core_below"])
    rising = bool(unmet is not None and unmet["rising"])
    up = bool(referrals is not None and referrals["up"])
    numbers = {
        "window": screening["window"] if screening is not None else None,
        "pct_at_benchmark": published_value(screening["pct_at_benchmark"]) if screening is not None
        else None,
        "unmet_change": published_value(unmet["change"]) if rising else None,
        "referral_change": published_value(referrals["change"]) if up else None,
    }  # fmt: skip
    signals = [name for name, on in (("core_below", core_below), ("unmet_rising", rising),
                                     ("referrals_up", up)) if on]  # fmt: skip
    if signals:
        return {"level": ACT if len(signals) >= 2 else WATCH, "status": signals[0], **numbers}
    if state == "published":
        return {"level": GOOD, "status": "core_sufficient", **numbers}
    if state == "withheld":
        return {"level": NO_DATA, "status": "withheld", **numbers}
    return {"level": NO_DATA, "status": "no_screening", **numbers}


def outcome_cells(
    screening: pd.DataFrame, unmet: pd.DataFrame, referrals: pd.DataFrame
) -> dict[str, dict[str, object]]:
    """`outcomes_cell` of every building (and DISTRICT) named in any of the three frames."""
    by = [
        {row["building_id"]: row for row in frame.to_dict("records")}
        for frame in (screening, unmet, referrals)
    ]
    ids = sorted(set().union(*by))
    return {b: outcomes_cell(*(rows.get(b) for rows in by)) for b in ids}
