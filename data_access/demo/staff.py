"""Staff: positions sized by enrollment, who held them each year, their caseloads and supervision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_access.demo.buildings import BuildingPlan
from data_access.demo.dates import (
    DEMO_AS_OF,
    first_weekdays,
    start_year,
    to_dates,
    weekday_on_or_after,
)
from data_access.demo.names import email_for, unique_person_names
from data_access.settings import SUPPORT_ROLES

# Students per FTE the district budgets for (half-FTE steps), and the most it tolerates before adding
# half a post: counselors near 1:300 (better than the US average of ~385, short of ASCA's 250),
# psychologists and nurses ~1:850, social workers ~1:450.
STUDENTS_PER_FTE = {"counselor": 300, "psychologist": 850, "nurse": 850, "social_worker": 450}
MOST_STUDENTS_PER_FTE = {
    "counselor": 360,
    "psychologist": 1000,
    "nurse": 1000,
    "social_worker": 700,
}
HALF_FTE_BY_LEVEL = {  # roles staffed by level rather than enrollment, in half-FTE units
    "intervention_specialist": {"elementary": 2, "k8": 2, "middle": 2, "high": 2},
    "behavior_specialist": {"elementary": 1, "k8": 1, "middle": 2, "high": 2},
    "safeguarding_lead": {"elementary": 0, "k8": 1, "middle": 1, "high": 2},
}
TURNOVER = 0.08  # share of positions that change hands between two school years
SUPERVISION_EVERY_DAYS = 38  # about once per half-term (six weeks), a little sooner
SUPERVISION_CANCELLED = 0.12
SUPERVISION_GROUP_SHARE = 0.35
SUPERVISION_LAPSED_DAYS = 70  # the story team's last held session, counted back from DEMO_AS_OF
# Active cases carried at 1.0 FTE, and how caseloads build over the year (September → May).
CASELOAD_AT_FULL_TIME = {
    "counselor": 65,
    "psychologist": 30,
    "social_worker": 38,
    "nurse": 45,
    "intervention_specialist": 34,
    "behavior_specialist": 18,
    "safeguarding_lead": 14,
}
CASELOAD_MONTHS = [9, 10, 11, 12, 1, 2, 3, 4, 5]
CASELOAD_SEASON = {9: 0.75, 10: 0.88, 11: 0.95, 12: 1.0, 1: 1.0, 2: 1.05, 3: 1.08, 4: 1.1, 5: 1.05}
STORY_CASELOAD = 1.9  # the story counselor carries ~1.9x a typical counselor's cases this year
SUPERVISOR_TITLES = [
    ("administrator", "Director of Student Services"),
    ("psychologist", "Lead School Psychologist"),
    ("social_worker", "Lead School Social Worker"),
    ("counselor", "Lead School Counselor"),
]


@dataclass
class Position:
    role: str
    title: str
    buildings: list[tuple[int, float]]  # (building index, fte)
    vacant_last_year: bool = False  # the story gaps: cut or unfilled this school year
    stable: bool = False  # the same person every year (story people, supervisors)


@dataclass
class StaffPlan:
    staff: pd.DataFrame  # staff_id, name, role, email
    # staff_id, building_id, school_year, fte, plus building and year indexes, role and job title
    assignments: pd.DataFrame
    supervisors: list[str]  # staff ids, "Director of Student Services" first
    story_counselor: str  # staff id of the counselor with the heavy caseload
    lapsed_supervisor: str


def plan_positions(plan: BuildingPlan, enrollment: np.ndarray) -> list[Position]:
    """Positions per building. Half-FTE remainders are shared by neighbouring buildings (a psychologist
    at 0.5 in each of two elementaries), except where a story needs the building's own staff."""
    planned = enrollment.mean(axis=0)  # budgets follow typical, not this year's, enrollment
    latest = enrollment[-1]
    stories = plan.stories
    positions: list[Position] = []
    shared_halves: dict[str, list[int]] = {}
    for b in range(plan.count):
        level = plan.levels[b]
        positions.append(Position("administrator", "Principal", [(b, 1.0)]))
        assistants = {"middle": 1, "high": 2, "k8": 1}.get(level, 0) + int(planned[b] > 600)
        positions += [Position("administrator", "Assistant principal", [(b, 1.0)])] * assistants
        for role in SUPPORT_ROLES:
            if role in STUDENTS_PER_FTE:
                halves = max(1, round(planned[b] / STUDENTS_PER_FTE[role] * 2))
                if planned[b] / (halves / 2) > MOST_STUDENTS_PER_FTE[role]:
                    halves += 1  # no building sits far above the district's target
            else:
                halves = HALF_FTE_BY_LEVEL[role][level]
            dedicated = b == stories["supervision_lapsed"]  # the whole team is the building's own
            title = role.replace("_", " ").capitalize()
            if role == "counselor" and b == stories["counselor_ratio"]:
                # Story: the building had ~1:300 until the half-time counselor post was cut this year,
                # leaving one counselor for ~450 students.
                now = max(2, round(latest[b] / 450 * 2))
                positions += [Position(role, title, [(b, 1.0)], stable=True)] * (now // 2)
                if now % 2:
                    positions.append(Position(role, title, [(b, 0.5)]))
                positions.append(Position(role, title, [(b, 0.5)], vacant_last_year=True))
                continue
            if role == "social_worker" and b == stories["missing_social_worker"]:
                # Story: the social worker left last June and the post is unfilled.
                positions += [Position(role, title, [(b, 1.0)], vacant_last_year=True)] * (
                    halves // 2
                )
                if halves % 2:
                    positions.append(Position(role, title, [(b, 0.5)], vacant_last_year=True))
                continue
            positions += [Position(role, title, [(b, 1.0)]) for _ in range(halves // 2)]
            if halves % 2:
                if dedicated:
                    positions.append(Position(role, title, [(b, 0.5)]))
                else:
                    shared_halves.setdefault(role, []).append(b)
    for role, buildings in shared_halves.items():
        title = role.replace("_", " ").capitalize()
        for i in range(0, len(buildings), 2):
            positions.append(Position(role, title, [(b, 0.5) for b in buildings[i : i + 2]]))
    # Coaches: each supports 2-4 neighbouring buildings.
    start, sizes = 0, [3, 3, 2, 4]
    while start < plan.count:
        size = sizes[sum(p.role == "coach" for p in positions) % len(sizes)]
        group = list(range(start, min(start + size, plan.count)))
        positions.append(
            Position("coach", "MTSS coach", [(b, round(1 / len(group), 2)) for b in group])
        )
        start += len(group)
    # District clinical supervisors: one per ~8 buildings (at least 3); no building assignment.
    for i in range(max(3, plan.count // 8)):
        role, title = SUPERVISOR_TITLES[0] if i == 0 else SUPERVISOR_TITLES[1 + (i - 1) % 3]
        positions.append(Position(role, title, [], stable=True))
    return positions


def staff_people(
    plan: BuildingPlan,
    positions: list[Position],
    school_years: list[str],
    rng: np.random.Generator,
    reserved_names: set[str],
) -> StaffPlan:
    """Who held each position each year (~8% turnover a year), as staff and staff_assignments."""
    n_positions, n_years = len(positions), len(school_years)
    changes = rng.random((n_positions, n_years)) < TURNOVER
    changes[:, 0] = True
    changes[[p.stable for p in positions], 1:] = False
    holder = np.cumsum(changes, axis=1)
    people: dict[tuple[int, int], int] = {}
    for year in range(n_years):  # staff ids in the order people joined
        for p in range(n_positions):
            people.setdefault((p, int(holder[p, year])), len(people))
    names = unique_person_names(len(people), rng, exclude=reserved_names)
    staff_ids = [f"ST{i + 1:05d}" for i in range(len(people))]
    role_of = {staff_ids[i]: positions[p].role for (p, _), i in people.items()}
    staff = pd.DataFrame(
        {
            "staff_id": staff_ids,
            "name": names,
            "role": [role_of[s] for s in staff_ids],
            "email": [email_for(name) for name in names],
        }
    )
    rows = []
    for p, position in enumerate(positions):
        for year in range(n_years):
            if position.vacant_last_year and year == n_years - 1:
                continue
            person = staff_ids[people[(p, int(holder[p, year]))]]
            for b, fte in position.buildings:
                rows.append((person, b, year, fte, position.role, position.title, p))
    assignments = pd.DataFrame(
        rows, columns=["staff_id", "building", "year", "fte", "role", "title", "position"]
    )
    # A person holding two half posts at one building in one year counts once, with both halves.
    assignments = assignments.groupby(["staff_id", "building", "year"], as_index=False).agg(
        fte=("fte", "sum"),
        role=("role", "first"),
        title=("title", "first"),
        position=("position", "min"),
    )
    assignments["fte"] = assignments["fte"].clip(upper=1.0)
    assignments["building_id"] = plan.ids[assignments["building"]].astype(object)
    assignments["school_year"] = np.array(school_years, dtype=object)[assignments["year"]]
    assignments = assignments.sort_values(
        ["school_year", "building_id", "staff_id"], ignore_index=True
    )

    supervisors = [
        staff_ids[people[(p, int(holder[p, 0]))]]
        for p, pos in enumerate(positions)
        if not pos.buildings
    ]
    last = n_years - 1
    story_b = plan.stories["counselor_ratio"]
    story_counselor = assignments.loc[
        (assignments["year"] == last)
        & (assignments["building"] == story_b)
        & (assignments["role"] == "counselor")
        & (assignments["fte"] == 1.0),
        "staff_id",
    ].min()
    return StaffPlan(
        staff,
        assignments,
        supervisors,
        story_counselor,
        _supervisor_of(plan.stories["supervision_lapsed"], plan.count, supervisors),
    )


def _supervisor_of(building: int, n_buildings: int, supervisors: list[str]) -> str:
    """Each district supervisor looks after the support teams of a run of neighbouring buildings."""
    return supervisors[building * len(supervisors) // n_buildings]


def staff_assignments_frame(staff: StaffPlan) -> pd.DataFrame:
    return staff.assignments[["staff_id", "building_id", "school_year", "fte"]].copy()


def caseloads(staff: StaffPlan, school_years: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Monthly snapshots (first weekday of September ... May) of each support staff member's active
    cases in each building, in proportion to FTE and building through the year."""
    a = staff.assignments[staff.assignments["role"].isin(SUPPORT_ROLES)]
    person = pd.Series(rng.uniform(0.8, 1.2, len(staff.staff)), index=staff.staff["staff_id"])
    frames = []
    for year, school_year in enumerate(school_years):
        of_year = a[a["year"] == year]
        for day in first_weekdays(school_year, CASELOAD_MONTHS):
            base = of_year["role"].map(CASELOAD_AT_FULL_TIME) * of_year["fte"]
            load = base * of_year["staff_id"].map(person) * CASELOAD_SEASON[day.month]
            if year == len(school_years) - 1:
                load = load.where(
                    of_year["staff_id"] != staff.story_counselor,
                    base * STORY_CASELOAD * CASELOAD_SEASON[day.month],
                )
            frames.append(
                pd.DataFrame(
                    {
                        "staff_id": of_year["staff_id"].to_numpy(),
                        "building_id": of_year["building_id"].to_numpy(),
                        "as_of": day,
                        "active_cases": np.round(
                            load.to_numpy() * rng.uniform(0.93, 1.07, len(of_year))
                        ).astype(int),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def supervision(
    plan: BuildingPlan, staff: StaffPlan, school_years: list[str], rng: np.random.Generator
) -> pd.DataFrame:
    """Supervision every ~6 weeks for every active support staff member, by building team: some
    cycles as a group (one row per supervisee, same date), most individually; ~12% cancelled; sessions
    after DEMO_AS_OF are scheduled. The story team's supervision stopped ten weeks ago."""
    a = staff.assignments[staff.assignments["role"].isin(SUPPORT_ROLES)]
    # A member's team is the building where they hold the most FTE (first building on a tie).
    members = a.sort_values(
        ["year", "staff_id", "fte", "building"], ascending=[True, True, False, True]
    ).drop_duplicates(["year", "staff_id"])[["year", "building", "staff_id"]]
    teams = members[["year", "building"]].drop_duplicates().sort_values(["year", "building"])
    n_teams, max_cycles = len(teams), 10
    first = np.array(
        [np.datetime64(date(start_year(school_years[y]), 9, 2), "D") for y in teams["year"]]
    )
    offsets = rng.integers(0, 15, n_teams)[:, None] + np.arange(max_cycles) * SUPERVISION_EVERY_DAYS
    offsets += rng.integers(-4, 5, (n_teams, max_cycles))
    cycle_date = np.busday_offset(first[:, None] + offsets, 0, roll="forward")
    year_end = np.array(
        [np.datetime64(date(start_year(school_years[y]) + 1, 6, 19), "D") for y in teams["year"]]
    )
    cycles = pd.DataFrame(
        {
            "year": np.repeat(teams["year"].to_numpy(), max_cycles),
            "building": np.repeat(teams["building"].to_numpy(), max_cycles),
            "cycle": np.tile(np.arange(max_cycles), n_teams),
            "cycle_date": cycle_date.ravel(),
            "in_year": (cycle_date <= year_end[:, None]).ravel(),
            "group": rng.random(n_teams * max_cycles) < SUPERVISION_GROUP_SHARE,
            "group_cancelled": rng.random(n_teams * max_cycles) < SUPERVISION_CANCELLED,
        }
    )
    cycles = cycles[cycles["in_year"]]
    sessions = cycles.merge(members, on=["year", "building"]).sort_values(
        ["year", "building", "cycle", "staff_id"], ignore_index=True
    )
    n = len(sessions)
    individual_day = np.busday_offset(
        sessions["cycle_date"].to_numpy().astype("datetime64[D]") + rng.integers(0, 10, n),
        0,
        roll="forward",
    )
    group = sessions["group"].to_numpy().copy()
    day = np.where(group, sessions["cycle_date"].to_numpy().astype("datetime64[D]"), individual_day)
    cancelled = np.where(group, sessions["group_cancelled"], rng.random(n) < SUPERVISION_CANCELLED)
    minutes = np.where(group, rng.choice([60, 75, 90], n), rng.choice([45, 50, 60], n))
    today = np.datetime64(DEMO_AS_OF, "D")
    status = np.where(day > today, "scheduled", np.where(cancelled, "cancelled", "held")).astype(
        object
    )

    # Story: the supervisor of one building's team went on leave in March. The last session was held
    # ten weeks ago, everything since was cancelled and nothing is in the calendar.
    last_year = len(school_years) - 1
    lapsed = (
        (sessions["year"] == last_year)
        & (sessions["building"] == plan.stories["supervision_lapsed"])
    ).to_numpy()
    cutoff = np.datetime64(DEMO_AS_OF - timedelta(days=SUPERVISION_LAPSED_DAYS), "D")
    lapsed_cycles = sessions.loc[lapsed & (sessions["cycle_date"] <= cutoff).to_numpy(), "cycle"]
    last_held = lapsed & (sessions["cycle"] == lapsed_cycles.max()).to_numpy()
    day[last_held], status[last_held], group[last_held] = cutoff, "held", True
    minutes[last_held] = 75
    after = lapsed & (day > cutoff)
    status[after & (day <= today)] = "cancelled"
    keep = ~(after & (day > today))

    supervisor_of = {b: _supervisor_of(b, plan.count, staff.supervisors) for b in range(plan.count)}
    frame = pd.DataFrame(
        {
            "staff_id": sessions["staff_id"].to_numpy(),
            "day": day,
            "format": np.where(group, "group", "individual").astype(object),
            "status": status,
            "supervisor_id": sessions["building"].map(supervisor_of).to_numpy(),
            "minutes": np.where(status == "held", minutes, None).astype(object),
        }
    )[keep].sort_values(["day", "staff_id"], ignore_index=True)
    frame.insert(0, "session_id", [f"SUP{i:06d}" for i in range(1, len(frame) + 1)])
    frame.insert(2, "session_date", to_dates(frame.pop("day").to_numpy()))
    frame["minutes"] = [None if m is None else int(m) for m in frame["minutes"]]
    return frame


def with_staff_dates(staff: StaffPlan, school_years: list[str]) -> pd.DataFrame:
    """The staff rows with start and end dates (issue 20's retention), from who held a post when:
    someone first assigned in a later school year started on 15 August of it; someone there from
    the first year started 1 to 8 years before it (by their id, so the same seed gives the same
    dates); someone whose last assignment is before the newest school year left on 30 June of
    their last one. District staff with no assignment keep empty dates."""
    years = staff.assignments.groupby("staff_id")["year"].agg(["min", "max"])
    first_year = int(school_years[0][:4])
    last = len(school_years) - 1
    starts, ends = [], []
    for staff_id in staff.staff["staff_id"]:
        if staff_id not in years.index:
            starts.append(None)
            ends.append(None)
            continue
        joined, left = (int(v) for v in years.loc[staff_id, ["min", "max"]])
        back = 1 + int(staff_id[-3:]) % 8 if joined == 0 else 0
        starts.append(date(first_year + joined - back, 8, 15))
        ends.append(date(first_year + left + 1, 6, 30) if left < last else None)
    return staff.staff.assign(start_date=starts, end_date=ends)


BASE_THEMES = {  # how often a held session touches on each theme, outside the story
    "caseload": 0.35,
    "workload": 0.3,
    "wellbeing": 0.25,
    "mental_health": 0.3,
    "behavior": 0.2,
    "professional_learning": 0.15,
    "safeguarding": 0.1,
    "attendance": 0.08,
    "family": 0.08,
    "other": 0.03,
}
WINTER = (12, 1, 2, 3)  # the story's months: attendance and family rise in two buildings


def supervision_themes(
    sessions: pd.DataFrame,
    assignments: pd.DataFrame,
    story_buildings: list[str],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One row per held session and theme (never case content). In `story_buildings`, from
    December to March of the newest school year, attendance and family come up in most sessions."""
    held = sessions[sessions["status"] == "held"].sort_values("session_id", ignore_index=True)
    if held.empty:
        return pd.DataFrame(columns=["session_id", "theme"])
    home = (
        assignments.sort_values(["school_year", "staff_id", "fte"], ascending=[True, True, False])
        .drop_duplicates(["school_year", "staff_id"])
        .set_index(["school_year", "staff_id"])["building_id"]
    )
    newest = assignments["school_year"].max()
    names = list(BASE_THEMES)
    chances = np.array([BASE_THEMES[name] for name in names])
    draws = rng.random((len(held), len(names)))
    rows = []
    for i, session in enumerate(held.itertuples(index=False)):
        day = session.session_date
        year = f"{day.year - (day.month < 7)}-{str(day.year - (day.month < 7) + 1)[2:]}"
        building = home.get((year, session.staff_id))
        odds = chances.copy()
        if year == newest and building in story_buildings and day.month in WINTER:
            odds[names.index("attendance")] = 0.75
            odds[names.index("family")] = 0.6
        chosen = [name for name, draw, odd in zip(names, draws[i], odds, strict=True) if draw < odd]
        rows.extend((session.session_id, theme) for theme in chosen)
    return pd.DataFrame(rows, columns=["session_id", "theme"])


PULSE_DAYS = ((10, 15), (3, 10))  # the pulse goes out once a term: mid-October and early March
PULSE_RESPONSE_RATE = 0.85
# Typical answers (1-5) and the story team's this school year: counselors drained, unsupported,
# finding supervision unhelpful since it stopped, and most saying they may leave.
PULSE_TYPICAL = {"workload": 3.4, "supported": 3.7, "supervision_helpful": 3.8, "drained": 2.6}
PULSE_STORY = {"workload": 1.6, "supported": 1.9, "supervision_helpful": 1.7, "drained": 4.6}
PULSE_STAY = (0.86, 0.2)  # chance of intending to stay: typical, the story team's


def staff_pulse(
    staff: StaffPlan, school_years: list[str], story_building: str, rng: np.random.Generator
) -> pd.DataFrame:
    """The anonymous wellbeing pulse, once a term, from ~85% of support staff at their main
    building (no staff id is kept). In `story_building` the counselors, who all answer, are drained
    and mostly intend to leave in the newest school year (enough answers to be shown)."""
    a = staff.assignments[staff.assignments["role"].isin(SUPPORT_ROLES)]
    home = a.sort_values(
        ["year", "staff_id", "fte", "building_id"], ascending=[True, True, False, True]
    ).drop_duplicates(["year", "staff_id"])
    newest = len(school_years) - 1
    rows = []
    for person in home.itertuples(index=False):
        story = (
            person.year == newest
            and person.building_id == story_building
            and person.role == "counselor"
        )
        first = start_year(school_years[person.year])
        for month, day in PULSE_DAYS:
            draws = rng.normal(0, 0.8, len(PULSE_TYPICAL))
            answered, stay_draw, blank = rng.random(3)
            when = weekday_on_or_after(date(first + (month < 7), month, day))
            if when > DEMO_AS_OF or not (story or answered < PULSE_RESPONSE_RATE):
                continue
            means = PULSE_STORY if story else PULSE_TYPICAL
            values = {
                item: int(np.clip(round(mean + draw), 1, 5))
                for (item, mean), draw in zip(means.items(), draws, strict=True)
            }
            stay = None if blank < 0.04 else bool(stay_draw < PULSE_STAY[story])
            rows.append((person.building_id, person.role, when, *values.values(), stay))
    frame = pd.DataFrame(
        rows, columns=["building_id", "role", "responded_on", *PULSE_TYPICAL, "intend_to_stay"]
    )
    # Ids in date order, not by person: nothing in the row leads back to who answered.
    frame = frame.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).sort_values(
        "responded_on", kind="stable", ignore_index=True
    )
    frame.insert(0, "response_id", [f"PULSE{i:06d}" for i in range(1, len(frame) + 1)])
    frame["intend_to_stay"] = frame["intend_to_stay"].astype(object)
    return frame
