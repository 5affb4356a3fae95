"""Generate the whole demo district as one DataFrame per table, deterministically from a seed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlmodel import SQLModel

from data_access import models
from data_access.demo import actions as actions_module
from data_access.demo import fidelity as fidelity_module
from data_access.demo import staff as staff_module
from data_access.demo import team
from data_access.demo.buildings import BuildingPlan, plan_buildings
from data_access.demo.dates import DEMO_AS_OF, SCHOOL_YEARS, last_day, school_days
from data_access.demo.students import enroll_students, year_outcomes
from data_access.settings import SUPPORT_ROLES

# Every district-data table, in an order that satisfies the foreign keys (inserts go top to bottom,
# deletes bottom to top). The instruments table is not district data: init_store provides it.
TABLE_MODELS: dict[str, type[SQLModel]] = {
    "buildings": models.Building,
    "staff": models.Staff,
    "staff_assignments": models.StaffAssignment,
    "students": models.Student,
    "attendance": models.Attendance,
    "discipline": models.Discipline,
    "supports": models.Support,
    "screening": models.Screening,
    "school_calendar": models.SchoolCalendar,
    "fidelity": models.FidelityScore,
    "supervision": models.SupervisionSession,
    "supervision_themes": models.SupervisionTheme,
    "caseloads": models.Caseload,
    "staff_pulse": models.StaffPulse,
    "users": models.User,
    "user_buildings": models.UserBuilding,
    "team_members": models.TeamMember,
    "meetings": models.Meeting,
    "meeting_attendance": models.MeetingAttendance,
    "team_self_checks": models.TeamSelfCheck,
    "actions": models.Action,
    "action_updates": models.ActionUpdate,
}
# The large district screens reading only in its last two years, to keep a load under a few minutes.
SCREENED_YEARS = {"small": 3, "large": 2, "xlarge": 2}
# Each part of the district draws from its own stream, so changing one part leaves the others alone.
STREAMS = (
    "buildings",
    "students",
    "staff",
    "outcomes",
    "fidelity",
    "supervision",
    "team",
    "wellbeing",  # last: adding a stream leaves the others' draws alone
)


@dataclass(frozen=True)
class DemoDistrict:
    as_of: date
    tables: dict[str, pd.DataFrame]  # table name → rows, columns named as in the model


def generate_district(*, size: str = "small", seed: int = 2026) -> DemoDistrict:
    """The demo district: 12 buildings and ~6,000 students a year over 3 school years ("small"), or
    200 buildings and ~150,000 students a year over 5 ("large"), or twice that ("xlarge", for
    measuring growth). The same seed gives the same data."""
    if size not in SCHOOL_YEARS:
        raise ValueError(f"size must be one of {', '.join(SCHOOL_YEARS)}, not {size!r}")
    rng = {name: np.random.default_rng([seed, i]) for i, name in enumerate(STREAMS)}
    school_years = SCHOOL_YEARS[size]
    n_years = len(school_years)

    plan = plan_buildings(size, rng["buildings"])
    population, roster = enroll_students(plan, n_years, rng["students"])
    enrollment = np.zeros((n_years, plan.count))
    np.add.at(enrollment, (roster.year, roster.building), 1)

    positions = staff_module.plan_positions(plan, enrollment)
    staff = staff_module.staff_people(
        plan, positions, school_years, rng["staff"], team.RESERVED_NAMES
    )
    champions = staff.assignments.loc[
        staff.assignments["role"].isin(SUPPORT_ROLES),
        ["staff_id", "building", "school_year", "role"],
    ]
    tier_use = rng["outcomes"].uniform(0.75, 1.3, plan.count)
    outcomes = [
        year_outcomes(
            plan,
            population,
            roster,
            year,
            school_year,
            champions,
            tier_use,
            screened=year >= n_years - SCREENED_YEARS[size],
            rng=rng["outcomes"],
        )
        for year, school_year in enumerate(school_years)
    ]

    def combined(name: str) -> pd.DataFrame:
        return pd.concat(
            [getattr(o, name) for o in outcomes if getattr(o, name) is not None], ignore_index=True
        )

    tables = {
        name: combined(name)
        for name in ("students", "attendance", "discipline", "supports", "screening")
    }
    tables["school_calendar"] = school_calendar(school_years)
    tables["fidelity"] = fidelity_module.fidelity_scores(plan, school_years, rng["fidelity"])
    tables["staff"] = staff_module.with_staff_dates(staff, school_years)
    tables["staff_assignments"] = staff_module.staff_assignments_frame(staff)
    tables["supervision"] = staff_module.supervision(plan, staff, school_years, rng["supervision"])
    tables["caseloads"] = staff_module.caseloads(staff, school_years, rng["supervision"])
    # Themes: attendance and family rising in two buildings in winter (the last two building ids).
    tables["supervision_themes"] = staff_module.supervision_themes(
        tables["supervision"],
        tables["staff_assignments"],
        [str(b) for b in plan.ids[-2:]],
        rng["wellbeing"],
    )
    # The pulse: the counselors of the building whose supervision lapsed are drained this year.
    tables["staff_pulse"] = staff_module.staff_pulse(
        staff, school_years, plan.story_id("supervision_lapsed"), rng["wellbeing"]
    )

    facts = district_facts(plan, tables, school_years)
    users, user_buildings = team.users(plan, staff, n_years)
    members = team.team_members(plan, staff, school_years)
    meetings, attendance = team.meetings(plan, school_years, members, facts, rng["team"])
    actions, updates = actions_module.actions(
        plan, staff, school_years, meetings, tables["fidelity"], facts, size, rng["team"]
    )
    principal = user_buildings.merge(users[users["role"] == "principal"], on="email")
    tables.update(
        {
            "buildings": plan.frame(
                [principal.set_index("building_id")["email"].get(b) for b in plan.ids]
            ),
            "users": users,
            "user_buildings": user_buildings,
            "team_members": members,
            "meetings": meetings,
            "meeting_attendance": attendance,
            "team_self_checks": team.self_checks(school_years, rng["team"]),
            "actions": actions,
            "action_updates": updates,
        }
    )
    ordered = {}
    for name, model in TABLE_MODELS.items():
        columns = list(model.__table__.columns.keys())
        # A nullable column the demo does not fill (one a later feature added) stays empty; a
        # required one that is missing still fails, at insert, loudly.
        ordered[name] = tables[name].reindex(columns=columns).reset_index(drop=True)
        for column in set(columns) - set(tables[name].columns):
            ordered[name][column] = pd.Series([None] * len(ordered[name]), dtype=object)
    return DemoDistrict(as_of=DEMO_AS_OF, tables=ordered)


def school_calendar(school_years: list[str]) -> pd.DataFrame:
    """School days per month of every school year, the same for every building (`ALL`): the whole
    year's calendar, this year's months after today included (a calendar is planned ahead)."""
    frames = []
    for school_year in school_years:
        days = school_days(school_year, until=last_day(school_year))
        months = pd.Series(days.astype("datetime64[M]").astype(str)).value_counts().sort_index()
        frames.append(
            pd.DataFrame(
                {
                    "school_year": school_year,
                    "building_id": models.CALENDAR_ALL_BUILDINGS,
                    "month": months.index.astype(object),
                    "school_days": months.to_numpy().astype(int),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def district_facts(
    plan: BuildingPlan, tables: dict[str, pd.DataFrame], school_years: list[str]
) -> team.DistrictFacts:
    """The few numbers the minutes and actions quote, computed from the generated rows themselves."""
    attendance = tables["attendance"]
    chronic = (
        (attendance["days_absent"] / attendance["days_enrolled"] >= 0.10)
        .groupby(attendance["school_year"])
        .mean()
    )
    screening = tables["screening"]
    fall = screening[screening["window"] == "fall"].groupby("school_year")["at_benchmark"].mean()
    students = tables["students"]
    story_id = plan.story_id("oss_disproportionality")
    oss_students = (
        tables["discipline"]
        .loc[tables["discipline"]["action"] == "OSS", ["student_id", "school_year"]]
        .drop_duplicates()
    )
    story = students[students["building_id"] == story_id].merge(
        oss_students.assign(oss=True), on=["student_id", "school_year"], how="left"
    )
    story["oss"] = story["oss"].eq(True)
    story_oss: dict[str, dict[str, dict[str, float]]] = {}
    for school_year, of_year in story.groupby("school_year"):
        groups = {"BL": of_year["race_ethnicity"] == "BL", "IEP": of_year["iep"]}
        story_oss[str(school_year)] = {}
        for group, in_group in groups.items():
            risk = of_year.loc[in_group, "oss"].mean()
            comparison = of_year.loc[~in_group, "oss"].mean()
            story_oss[str(school_year)][group] = {
                "n": float(in_group.sum()),
                "events": float(of_year.loc[in_group, "oss"].sum()),
                "risk": float(risk),
                "ratio": float(risk / comparison) if comparison else 0.0,
            }
    return team.DistrictFacts(
        chronic_absence={str(k): float(v) for k, v in chronic.items()},
        fall_benchmark={str(k): float(v) for k, v in fall.items()},
        story_oss=story_oss,
    )
