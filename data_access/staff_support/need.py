"""Need-weighted resourcing: the contract's `support_need` table. Per school year and building (and
the DISTRICT): students enrolled, students needing support (a tier 2 or 3 support that year, or
chronically absent, or below benchmark: the rules of `data_access.student_needs`, counted in SQL),
the FTE of the support roles assigned there, need per FTE and `need_rank` (where the next support
hire helps most).

Disclosure avoidance. Enrolment is published, so a building's students needing support tell its
students who do not; and the buildings add up to the district. The counts go through the generic
engine (`data_access.suppression`): a count below the minimum cell size is withheld, so is one
whose "everyone else" is (a building whose students all need support), and further buildings (or
the district) are withheld until no withheld count can be worked out by subtraction. Need per
FTE times the FTE (published) is the count, so it is withheld with the count. A rank places a
building between its neighbours' need per FTE, which narrows a withheld count, so ranks go only
to buildings whose need is published (the others read "withheld", in the export an empty rank).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from data_access import student_counts
from data_access.buildings import list_buildings
from data_access.export_format import ExportOptions, format_export
from data_access.memo import remembered
from data_access.models import Staff, StaffAssignment, Student, StudentCount
from data_access.scope import DISTRICT, Scope
from data_access.settings import get_settings
from data_access.suppression import SHOWN, SMALL, Count, Table

DISTRICT_ID = "DISTRICT"
# Why a building stands where it does (components/staff_support_need.py has the words).
NO_STAFF = "no_staff"  # students needing support and no support staff at all
PER_FTE = "per_fte"  # ranked by students needing support per support FTE
NO_NEED = "no_need"  # no student needing support (and nobody to staff it)
WITHHELD = "withheld"  # the count is withheld, so the building is not ranked
SUPPORT_NEED_COLUMNS = [
    "school_year",
    "building_id",
    "enrolled",
    "students_needing_support",
    "support_fte",
    "students_needing_support_per_fte",
    "need_rank",
]


# --- Counting (SQL) -------------------------------------------------------------------------------


def count_need(session: Session, *, school_years: Iterable[str]) -> pd.DataFrame:
    """school_year, building_id, enrolled, need (true counts, never published as they are): one
    row per building with students that year. The students needing support are the union of the
    three rules' students (a student in two of them once), counted per building in the database
    and stored (`data_access.student_counts`, kept equal to the student rows)."""
    years = sorted(set(school_years))
    if not years:
        return pd.DataFrame(columns=["school_year", "building_id", "enrolled", "need"])
    student_counts.up_to_date(session)
    table = StudentCount.__table__
    rows = session.execute(
        select(table.c.school_year, table.c.building_id, table.c.enrolled, table.c.needs_support)
        .where(table.c.school_year.in_(years))
        .order_by(table.c.school_year, table.c.building_id)
    ).all()
    frame = pd.DataFrame(rows, columns=["school_year", "building_id", "enrolled", "need"])
    return frame.astype({"enrolled": "int64", "need": "int64"})


def support_fte(session: Session, *, school_years: Iterable[str]) -> pd.DataFrame:
    """school_year, building_id, support_fte: the FTE of the support roles assigned there."""
    rows = session.execute(
        select(
            StaffAssignment.school_year,
            StaffAssignment.building_id,
            func.sum(StaffAssignment.fte),
        )
        .join(Staff, Staff.staff_id == StaffAssignment.staff_id)
        .where(
            StaffAssignment.school_year.in_(sorted(set(school_years))),
            Staff.role.in_(get_settings().support_roles),
        )
        .group_by(StaffAssignment.school_year, StaffAssignment.building_id)
    ).all()
    frame = pd.DataFrame(rows, columns=["school_year", "building_id", "support_fte"])
    frame["support_fte"] = frame["support_fte"].astype(float).round(4)
    return frame


# --- Disclosure avoidance and ranking (pure) ------------------------------------------------------


def withheld_need(enrolled: np.ndarray, need: np.ndarray, min_cell_size: int) -> np.ndarray:
    """Which of the rows' need counts to withhold (rows: the buildings, the district last). The
    attacker knows each enrolment, that the buildings add up to the district, and of a withheld
    count only that it is withheld (at most the enrolment)."""
    # One cell per row: the need count, at most the enrolment (everyone else is enrolment minus it,
    # so a small "everyone else" withholds the count as a small count does). The row's total is the
    # count itself, known only while it is published; the buildings add up to the district.
    values = need.astype(float)[:, None]
    small = (need < min_cell_size) | (enrolled - need < min_cell_size)
    limit = enrolled.astype(float)[:, None]
    table = Table(
        values=values,
        reason=np.where(small[:, None], SMALL, SHOWN),
        small_upper=limit,
        protect_lower=np.zeros(values.shape),
        upper_limit=limit,
        priority=np.zeros(values.shape),  # in a column, a building before the district
    )
    Count(
        tables=[table], totals=need.astype(float), total_known=False, min_size=min_cell_size
    ).settle()
    return table.hidden[:, 0]


def need_ranks(year: pd.DataFrame) -> pd.Series:
    """need_rank for one school year's building rows with a published need (`need` not missing):
    need and no support staff first (largest need first), then need per FTE, highest first; then
    buildings with neither need nor staff. Ties: by building_id."""
    ranked = year[year["students_needing_support"].notna()].copy()
    no_staff = ranked["support_fte"] <= 0
    has_need = ranked["students_needing_support"] > 0
    ranked["_group"] = np.where(no_staff & has_need, 0, np.where(no_staff, 2, 1))
    ranked["_key"] = np.where(
        ranked["_group"] == 0,
        -ranked["students_needing_support"].astype(float),
        -ranked["students_needing_support_per_fte"].astype(float).fillna(0.0),
    )
    ranked = ranked.sort_values(["_group", "_key", "building_id"])
    return pd.Series(range(1, len(ranked) + 1), index=ranked.index, dtype="Int64")


def support_need_table(
    counts: pd.DataFrame, fte: pd.DataFrame, *, min_cell_size: int
) -> pd.DataFrame:
    """The contract's rows (plus `withheld`) for every school year of `counts` and `fte`: each
    building with students or support staff, then the DISTRICT."""
    merged = counts.merge(fte, on=["school_year", "building_id"], how="outer")
    merged["enrolled"] = merged["enrolled"].fillna(0).astype("int64")
    merged["need"] = merged["need"].fillna(0).astype("int64")
    merged["support_fte"] = merged["support_fte"].fillna(0.0)
    parts = []
    for school_year, year in merged.groupby("school_year", sort=True):
        year = year.sort_values("building_id", ignore_index=True)
        district = pd.DataFrame(
            [
                {
                    "school_year": school_year,
                    "building_id": DISTRICT_ID,
                    "enrolled": int(year["enrolled"].sum()),
                    "need": int(year["need"].sum()),
                    "support_fte": round(float(year["support_fte"].sum()), 4),
                }
            ]
        )
        year = pd.concat([year, district], ignore_index=True)
        hidden = np.zeros(len(year), dtype=bool)
        # A building without students has nobody to protect (its need is 0 of 0): it stays out of
        # the table, which it adds nothing to.
        with_students = np.flatnonzero(year["enrolled"].to_numpy() > 0)
        if len(with_students) > 1:  # at least one building and the district
            hidden[with_students] = withheld_need(
                year["enrolled"].to_numpy()[with_students],
                year["need"].to_numpy()[with_students],
                min_cell_size,
            )
        year["withheld"] = hidden
        year["students_needing_support"] = year["need"].astype("Int64").mask(hidden)
        per_fte = year["need"] / year["support_fte"].where(year["support_fte"] > 0)
        year["students_needing_support_per_fte"] = per_fte.mask(hidden)
        buildings = year["building_id"] != DISTRICT_ID
        year["need_rank"] = pd.Series(pd.NA, index=year.index, dtype="Int64")
        ranks = need_ranks(year[buildings])
        year.loc[ranks.index, "need_rank"] = ranks
        parts.append(year)
    if not parts:
        return pd.DataFrame(columns=[*SUPPORT_NEED_COLUMNS, "withheld"])
    table = pd.concat(parts, ignore_index=True)
    table["need_rank"] = table["need_rank"].astype("Int64")
    return table[[*SUPPORT_NEED_COLUMNS, "withheld"]]


def in_scope(table: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The scope's buildings and the DISTRICT rows (decided on the whole district, whoever asks, so
    two scopes' figures cannot be set against each other)."""
    if scope.is_district:
        return table
    keep = (table["building_id"] == DISTRICT_ID) | table["building_id"].map(scope.allows)
    return table[keep.astype(bool)]


def reason(withheld: bool, need: object, fte: float) -> str:
    if withheld:
        return WITHHELD
    if fte <= 0:
        return NO_STAFF if need > 0 else NO_NEED
    return PER_FTE


# --- Reads ------------------------------------------------------------------------------------------


def _school_years(session: Session) -> list[str]:
    return list(
        session.execute(select(Student.school_year).distinct().order_by(Student.school_year))
        .scalars()
        .all()
    )


def compute_support_need(session: Session, *, school_years: Iterable[str]) -> pd.DataFrame:
    years = sorted(set(school_years))
    return support_need_table(
        count_need(session, school_years=years),
        support_fte(session, school_years=years),
        min_cell_size=get_settings().min_cell_size,
    )


@remembered("students", "staff")
def get_support_need(session: Session, *, school_year: str, scope: Scope) -> pd.DataFrame:
    """One school year's published rows for the scope's buildings and the DISTRICT, with each
    building's `name` and `level` (the DISTRICT's name: "Whole district") and `reason`."""
    table = in_scope(compute_support_need(session, school_years=[school_year]), scope)
    table["reason"] = [
        reason(hidden, need, fte)
        for hidden, need, fte in zip(
            table["withheld"], table["students_needing_support"], table["support_fte"], strict=True
        )
    ]
    names = list_buildings(session, scope=DISTRICT)
    table = table.merge(names, on="building_id", how="left")
    table.loc[table["building_id"] == DISTRICT_ID, "name"] = "Whole district"
    return table.reset_index(drop=True)


def build_support_need_export(session: Session, options: ExportOptions) -> pd.DataFrame:
    """The contract's `support_need` table, every school year with students (or `--year`)."""
    years = [options.school_year] if options.school_year else _school_years(session)
    table = in_scope(compute_support_need(session, school_years=years), options.scope)
    return format_export(
        table[SUPPORT_NEED_COLUMNS].reset_index(drop=True),
        rates=["support_fte", "students_needing_support_per_fte"],
    )


def next_hire(table: pd.DataFrame, scope: Scope) -> tuple[dict | None, int]:
    """From one school year's published rows (`get_support_need` for the whole district): the
    best-ranked building the scope may see (a dict of its row, or None) and how many buildings
    are ranked in the district."""
    ranked = table[table["need_rank"].notna() & (table["building_id"] != DISTRICT_ID)]
    mine = ranked[ranked["building_id"].map(scope.allows).astype(bool)] if len(ranked) else ranked
    if mine.empty:
        return None, len(ranked)
    return mine.sort_values("need_rank").iloc[0].to_dict(), len(ranked)
