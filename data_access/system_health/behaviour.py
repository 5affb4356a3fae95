"""The behaviour triangle with majors and minors apart: students with 0-1, 2-5 and 6 or more
major (office-managed) referrals that school year, and the same for minor (staff-managed) ones,
counted by the database per building and published through the disclosure layer beside the
`system_health` triangle (every referral together).

Each kind's bands add up to the building's students (published), and the buildings to the
district. Where a building has referrals of one kind only (the Big 5 tables say so), that kind's
triangle is the `system_health` one (published or withheld with it) and the other kind's is
everyone in 0-1 (no secret).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from data_access.memo import remembered
from data_access.models import Discipline, Student
from data_access.scope import Scope
from data_access.settings import get_settings
from data_access.system_health.disclosure import View, settle_views
from data_access.system_health.queries import get_published_rows
from data_access.system_health.rules import DISTRICT_ID

KINDS = ("major", "minor")
BANDS = ("0_1", "2_5", "6_plus")
COLUMNS = ["building_id", "referral_type", "enrolled", "incidents", *BANDS]


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def get_triangle_counts(session: Session, *, school_year: str) -> pd.DataFrame:
    """One row per building with students that school year and referral type (major, minor):
    `enrolled`, `incidents` of that type, and students with 0-1 (`0_1`), 2-5 (`2_5`) and 6 or
    more (`6_plus`) referrals of that type."""
    per_student = (
        select(
            Discipline.student_id,
            Discipline.school_year,
            *(_count(Discipline.referral_type == kind).label(kind) for kind in KINDS),
        )
        .where(Discipline.school_year == school_year)
        .group_by(Discipline.student_id, Discipline.school_year)
        .subquery("referrals_per_student")
    )
    columns = []
    for kind in KINDS:
        n = func.coalesce(per_student.c[kind], 0)
        columns += [
            func.coalesce(func.sum(n), 0),
            _count(n <= 1),
            _count(and_(n >= 2, n <= 5)),
            _count(n >= 6),
        ]
    statement = (
        select(Student.building_id, func.count(), *columns)
        .select_from(Student)
        .outerjoin(
            per_student,
            and_(
                per_student.c.student_id == Student.student_id,
                per_student.c.school_year == Student.school_year,
            ),
        )
        .where(Student.school_year == school_year)
        .group_by(Student.building_id)
    )
    rows = []
    for building, enrolled, *values in session.connection().execute(statement):
        for k, kind in enumerate(KINDS):
            rows.append([building, kind, enrolled, *values[4 * k : 4 * k + 4]])
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame[COLUMNS[2:]] = frame[COLUMNS[2:]].astype("int64")
    return frame


def publish_triangle_by_type(
    counts: pd.DataFrame, health: pd.DataFrame, min_size: int
) -> pd.DataFrame:
    """`get_triangle_counts`' rows with the district's, as they may be published beside the year's
    `system_health` rows (`health`, published): building_id, referral_type, enrolled, incidents,
    and the three bands (withheld: missing)."""
    if counts.empty:
        return pd.DataFrame(columns=COLUMNS)
    buildings = sorted(set(counts["building_id"]))
    order = [*buildings, DISTRICT_ID]
    rows = len(order)
    grid, incidents = {}, {}
    for kind in KINDS:
        part = counts[counts["referral_type"] == kind].set_index("building_id").reindex(buildings)
        values = part[list(BANDS)].to_numpy(float)
        grid[kind] = np.vstack([values, values.sum(axis=0)])
        incidents[kind] = np.append(part["incidents"].to_numpy(float), part["incidents"].sum())
    enrolled = grid["major"].sum(axis=1)
    ids = {
        kind: k * rows * 3 + np.arange(rows * 3).reshape(rows, 3) for k, kind in enumerate(KINDS)
    }
    enrolled_id = 2 * rows * 3 + np.arange(rows)
    values = np.concatenate([grid["major"].ravel(), grid["minor"].ravel(), enrolled])
    start = np.zeros(len(values), dtype=bool)
    known = np.zeros(len(values), dtype=bool)
    known[enrolled_id] = True
    published = health.set_index("building_id").reindex(order)
    overall = {band: published[f"students_{band}_incidents"].isna().to_numpy() for band in BANDS}
    for r in range(rows):
        for kind, other in (KINDS, KINDS[::-1]):
            if incidents[other][r] > 0:
                continue
            # One kind only (or none): this kind's triangle is the `system_health` one.
            for b, band in enumerate(BANDS):
                start[ids[kind][r, b]] = overall[band][r]
                known[ids[kind][r, b]] = not overall[band][r]
            if incidents[kind][r] > 0:
                known[ids[other][r]] = True  # everyone in 0-1, as the Big 5 tables say
    views = [View(ids[kind], totals=enrolled_id) for kind in KINDS]
    hidden = settle_views(values, views, min_size, start=start, known=known)
    out = []
    for kind in KINDS:
        for r, building in enumerate(order):
            out.append({
                "building_id": building, "referral_type": kind, "enrolled": enrolled[r],
                "incidents": incidents[kind][r],
                **{band: None if hidden[ids[kind][r, b]] else grid[kind][r, b]
                   for b, band in enumerate(BANDS)},
            })  # fmt: skip
    frame = pd.DataFrame(out, columns=COLUMNS)
    for name in COLUMNS[2:]:
        frame[name] = frame[name].astype("Int64")
    return frame


@remembered("students")
def get_published_triangles(session: Session, *, school_year: str) -> pd.DataFrame:
    """Every building's (and the district's) triangle by referral type of a school year."""
    health = get_published_rows(session, school_years=None)
    health = health[health["school_year"] == school_year]
    counts = get_triangle_counts(session, school_year=school_year)
    return publish_triangle_by_type(counts, health, get_settings().min_cell_size)


def get_triangles_by_type(session: Session, *, scope: Scope, school_year: str) -> pd.DataFrame:
    """`get_published_triangles` for the buildings in `scope` and the district."""
    frame = get_published_triangles(session, school_year=school_year)
    keep = [b == DISTRICT_ID or scope.allows(b) for b in frame["building_id"]]
    return frame.loc[pd.Series(keep, index=frame.index, dtype=bool)].reset_index(drop=True)
