"""What the Student outcomes page shows, gathered once per scope and school year.

Every student count comes from the published `system_health` rows (`queries.get_system_health`:
the same numbers as the export, small counts withheld); the behaviour "Big 5" are incident counts
(each incident is a referral), by month against last year, behaviour, location, hour and weekday,
majors and minors apart. No wording for screens here: codes and numbers only."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from data_access.buildings import list_buildings
from data_access.memo import remembered
from data_access.school_year import previous_school_year
from data_access.scope import Scope
from data_access.system_health.queries import (
    REFERRAL_BREAKDOWNS,
    get_calendar_months,
    get_enrolled,
    get_interventions,
    get_referral_counts,
    get_system_health,
    list_school_years,
)
from data_access.system_health.rules import DISTRICT_ID, monthly_rates, with_district


@dataclass(frozen=True)
class StudentOutcomesView:
    """Everything the page shows for a scope and school year."""

    school_year: str | None
    school_years: list[str]  # newest first
    building_names: dict[str, str]  # the buildings in scope, by name
    health: pd.DataFrame  # published system_health rows, every year: buildings in scope, DISTRICT
    monthly: pd.DataFrame  # monthly_rates' rows, this year and last: in scope and DISTRICT
    # by → school_year, building_id, referral_type, key, incidents
    referrals: dict[str, pd.DataFrame]
    interventions: pd.DataFrame  # publish_interventions' rows of the year: in scope and DISTRICT


@remembered("students")
def get_big_five(session: Session, *, school_years: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Every building's referral counts (and the district's) of those years, by month (as
    `monthly_rates`) and by each other breakdown."""
    enrolled = get_enrolled(session, school_years=school_years)
    out = {
        "month": monthly_rates(
            get_referral_counts(session, school_years=school_years, by="month"),
            get_calendar_months(session, school_years=school_years),
            enrolled,
        )
    }
    keys = ["referral_type", "key"]
    for by in REFERRAL_BREAKDOWNS[1:]:
        out[by] = with_district(
            get_referral_counts(session, school_years=school_years, by=by), keys
        )
    return out


def get_student_outcomes_view(
    session: Session, *, scope: Scope, school_year: str | None = None
) -> StudentOutcomesView:
    """The page's figures for `school_year` (default: the newest with students) and the one before
    it (the Big 5's "against last year")."""
    years = list_school_years(session)
    if school_year is None or school_year not in years:
        school_year = years[0] if years else None
    buildings = list_buildings(session, scope=scope)
    names = dict(zip(buildings["building_id"], buildings["name"], strict=True))
    health = get_system_health(session, scope=scope)
    if school_year is None:
        return StudentOutcomesView(None, [], names, health, pd.DataFrame(), {}, pd.DataFrame())
    big_five = get_big_five(session, school_years=(previous_school_year(school_year), school_year))

    def in_scope(frame: pd.DataFrame) -> pd.DataFrame:
        keep = (frame["building_id"] == DISTRICT_ID) | frame["building_id"].isin(names)
        return frame[keep].reset_index(drop=True)

    return StudentOutcomesView(
        school_year=school_year,
        school_years=years,
        building_names=names,
        health=health,
        monthly=in_scope(big_five["month"]),
        referrals={by: in_scope(big_five[by]) for by in REFERRAL_BREAKDOWNS[1:]},
        interventions=in_scope(get_interventions(session, school_year=school_year)),
    )
