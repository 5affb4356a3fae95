"""What the Staff support page's resourcing tabs show: where the next support hire helps most (need
per FTE, ranked, with why, beside the plain ratios), caseloads over the school year per role, and
retention (turnover and vacant posts). One view per tab, loaded only when the tab is open. Codes
and numbers only; the words are the components'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlmodel import Session

from data_access.school_year import school_year_of
from data_access.scope import Scope
from data_access.settings import get_settings
from data_access.staff_support.need import DISTRICT_ID, get_support_need
from data_access.staff_support.queries import buildings_by_id, get_staffing
from data_access.staff_support.retention import get_caseload_trend, get_retention

NEXT_HIRE_ROLE = "counselor"  # the plain ratio shown beside need: students per counselor FTE


@dataclass(frozen=True)
class SupportNeedView:
    as_of: date
    school_year: str
    # One row per building in scope, by need_rank (unranked, withheld buildings last, by name):
    # building_id, name, enrolled, students_needing_support, support_fte,
    # students_needing_support_per_fte, need_rank, students_per_support_fte, counselor_fte,
    # students_per_counselor, reason.
    buildings: pd.DataFrame
    district: dict | None  # the DISTRICT row, the same columns
    counselor_ratio: int | None  # the national recommendation for counselors
    caseload_trend: pd.DataFrame  # retention.TREND_COLUMNS


def get_support_need_view(session: Session, *, scope: Scope, as_of: date) -> SupportNeedView:
    school_year = school_year_of(as_of)
    need = get_support_need(session, school_year=school_year, scope=scope)
    staffing = get_staffing(session, school_year=school_year, scope=scope)
    counselors = staffing.loc[staffing["role"] == NEXT_HIRE_ROLE, ["building_id", "fte"]]
    table = need.merge(
        counselors.rename(columns={"fte": "counselor_fte"}), on="building_id", how="left"
    )
    table["counselor_fte"] = table["counselor_fte"].fillna(0.0)
    table["students_per_support_fte"] = table["enrolled"] / table["support_fte"].where(
        table["support_fte"] > 0
    )
    table["students_per_counselor"] = table["enrolled"] / table["counselor_fte"].where(
        table["counselor_fte"] > 0
    )
    names = buildings_by_id(session, scope=scope)
    in_scope = set(names["building_id"])
    buildings = table[table["building_id"].isin(in_scope)].copy()
    buildings["_unranked"] = buildings["need_rank"].isna()
    buildings["_rank"] = buildings["need_rank"].fillna(0).astype(int)
    buildings = buildings.sort_values(["_unranked", "_rank", "name"]).drop(
        columns=["_unranked", "_rank", "withheld"]
    )
    district = table[table["building_id"] == DISTRICT_ID].drop(columns=["withheld"])
    return SupportNeedView(
        as_of=as_of,
        school_year=school_year,
        buildings=buildings.reset_index(drop=True),
        district=None if district.empty else district.iloc[0].to_dict(),
        counselor_ratio=get_settings().recommended_ratios.get(NEXT_HIRE_ROLE),
        caseload_trend=get_caseload_trend(session, as_of=as_of),
    )


@dataclass(frozen=True)
class RetentionView:
    as_of: date
    school_year: str
    building_names: dict[str, str]  # building_id -> name, the buildings in scope
    turnover: pd.DataFrame  # retention.TURNOVER_COLUMNS, every school year up to as_of's
    district_by_year: (
        pd.DataFrame
    )  # the DISTRICT's rows: school_year, role, in_post, leavers, turnover
    this_year: pd.DataFrame  # as_of's school year, the scope's buildings, each role: + name
    vacant: pd.DataFrame  # retention.VACANCY_COLUMNS + name


def get_retention_view(session: Session, *, scope: Scope, as_of: date) -> RetentionView:
    school_year = school_year_of(as_of)
    turnover, vacant = get_retention(session, as_of=as_of, scope=scope)
    names = buildings_by_id(session, scope=scope)
    building_names = dict(zip(names["building_id"], names["building"], strict=True))
    district = turnover[turnover["building_id"] == DISTRICT_ID].drop(columns=["building_id"])
    this_year = turnover[
        (turnover["school_year"] == school_year)
        & (turnover["building_id"] != DISTRICT_ID)
        & (turnover["role"] != "ALL")
    ].copy()
    this_year["name"] = this_year["building_id"].map(building_names)
    this_year = this_year.sort_values(
        ["leavers", "turnover", "name"], ascending=[False, False, True]
    )
    vacant = vacant.assign(name=vacant["building_id"].map(building_names))
    return RetentionView(
        as_of=as_of,
        school_year=school_year,
        building_names=building_names,
        turnover=turnover,
        district_by_year=district.reset_index(drop=True),
        this_year=this_year.reset_index(drop=True),
        vacant=vacant.reset_index(drop=True),
    )


def has_need(view: SupportNeedView) -> bool:
    return bool(view.buildings["students_needing_support"].notna().any()) or bool(
        np.any(view.buildings["support_fte"] > 0)
    )
