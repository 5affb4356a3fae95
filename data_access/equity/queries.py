"""Equity queries: the counts per building and demographic cell (from the summary that
`equity.summary` keeps), then the contract's `equity` rows (risks, ratios, suppression, flags) from
`equity.metrics` as the privacy layer (`equity.disclosure`) publishes them.

No student row leaves the database: a year is at most a few hundred cells per building.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from data_access.db import known_data_version
from data_access.equity.disclosure import publish_equity
from data_access.equity.identification import IdentificationRules
from data_access.equity.metrics import (
    CELL_COUNTS,
    DISTRICT_ID,
    EXPORT_COLUMNS,
    GROUP_COLUMNS,
    Minimums,
)
from data_access.memo import remembered
from data_access.models import Building, EquityCellCount
from data_access.scope import DISTRICT, Scope
from data_access.settings import get_settings


def get_cell_counts(
    session: Session, *, school_year: str, scope: Scope, by_building: bool = True
) -> pd.DataFrame:
    """One row per building (or, with `by_building=False`, for the whole district) and demographic
    cell of the school year: students, the chronic-absence population, and students with each outcome.

    Read from the summary (`equity.summary.cell_counts_query`'s result, rebuilt whenever student data
    changes): a few thousand rows a year. The district's cells are its buildings' sum, since every
    student attends exactly one building in a school year."""
    summary = EquityCellCount
    cell = [getattr(summary, column) for column in GROUP_COLUMNS]
    counts = [getattr(summary, column) for column in CELL_COUNTS]
    if by_building:
        statement = select(summary.building_id, *cell, *counts).where(
            scope.where(summary.building_id)
        )
    else:
        statement = select(*cell, *(func.sum(count).label(count.key) for count in counts)).group_by(
            *cell
        )
    statement = statement.where(summary.school_year == school_year)
    # Core rows: the ORM adds nothing to plain columns but per-row work (about 10% here).
    rows = [tuple(row) for row in session.connection().execute(statement)]
    columns = [*(["building_id"] if by_building else []), *GROUP_COLUMNS, *CELL_COUNTS]
    cells = pd.DataFrame.from_records(rows, columns=columns)
    if not by_building:
        cells.insert(0, "building_id", DISTRICT_ID)
    return _typed_cells(cells)


def get_cell_counts_of_years(
    session: Session, *, school_years: Sequence[str], scope: Scope
) -> dict[str, pd.DataFrame]:
    """`get_cell_counts` (by building) of several school years, read in one statement."""
    summary = EquityCellCount
    columns = ["building_id", *GROUP_COLUMNS, *CELL_COUNTS]
    statement = select(summary.school_year, *(getattr(summary, column) for column in columns))
    statement = statement.where(
        scope.where(summary.building_id), summary.school_year.in_(sorted(set(school_years)))
    )
    rows = [tuple(row) for row in session.connection().execute(statement)]
    every_year = pd.DataFrame.from_records(rows, columns=["school_year", *columns])
    return {
        year: _typed_cells(
            every_year.loc[every_year["school_year"] == year, columns].reset_index(drop=True)
        )
        for year in school_years
    }


def _typed_cells(cells: pd.DataFrame) -> pd.DataFrame:
    for column in ("iep", "el", "econ_disadv"):
        cells[column] = cells[column].astype(bool)
    for column in CELL_COUNTS:
        cells[column] = cells[column].fillna(0).astype("int64")
    return cells


def current_minimums() -> Minimums:
    settings = get_settings()
    return Minimums(
        min_cell_size=settings.min_cell_size,
        min_n_size=settings.min_n_size,
        threshold=settings.risk_ratio_threshold,
    )


def current_identification_rules() -> IdentificationRules:
    settings = get_settings()
    return IdentificationRules(
        years=settings.identification_years, progress=settings.reasonable_progress
    )


def get_equity(session: Session, *, school_year: str, scope: Scope) -> pd.DataFrame:
    """The contract's `equity` rows for one school year: the district's rows (everyone may see them)
    and every building in `scope`, each with its name. Withheld values are NaN."""
    return get_equity_of_years(session, school_years=[school_year], scope=scope)[school_year]


@remembered("students")
def get_equity_of_years(
    session: Session, *, school_years: Sequence[str], scope: Scope
) -> dict[str, pd.DataFrame]:
    """`get_equity` of each school year, in at most three statements whatever their number: the data
    version, the counts of the years not yet published in this process, the buildings' names."""
    published = _published_years(session, school_years=school_years)
    names: dict[str, str] | None = None
    equity = {}
    for school_year in school_years:
        rows = published[school_year]
        if rows.empty:
            equity[school_year] = empty_equity()
            continue
        rows = rows[(rows["building_id"] == DISTRICT_ID) | rows["building_id"].map(scope.allows)]
        rows = rows.reset_index(drop=True)
        rows.insert(0, "school_year", school_year)
        if names is None:
            names = dict(session.execute(select(Building.building_id, Building.name)).all())
        rows["building_name"] = rows["building_id"].map(names).fillna("District (all buildings)")
        equity[school_year] = rows
    return equity


def _published_years(session: Session, *, school_years: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Every building's and the district's rows of each year as they may be published. Every building
    is counted whatever the viewer's scope: what is withheld to protect a small group depends on the
    whole district's table, and must be the same for every viewer (two viewers' screens together
    must show nothing either alone does not). So it is worked out once per store, data version, school
    year and minimums in this process, whoever asks first (the others wait for it); callers only ever
    get filtered copies. A write that changed none of a year's counts (a follow-up action saved, a
    meeting recorded) reuses the year's decision: it is kept with a fingerprint of the counts."""
    minimums = current_minimums()
    store, version = str(session.get_bind().url), known_data_version(session)
    published = _already_published(store, version, school_years, minimums)
    if len(published) == len(school_years):
        return published
    with _PUBLISHING[store]:  # one session decides; the others find its result
        published = _already_published(store, version, school_years, minimums)
        missing = [school_year for school_year in school_years if school_year not in published]
        if not missing:
            return published
        cells_of_years = get_cell_counts_of_years(session, school_years=missing, scope=DISTRICT)
        for school_year, cells in cells_of_years.items():
            fingerprint = _fingerprint(cells)
            earlier = _PUBLISHED_COUNTS.get((store, school_year, minimums))
            if earlier is not None and earlier[0] == fingerprint:
                rows = earlier[1]
            else:
                rows = publish_equity(cells, minimums) if not cells.empty else pd.DataFrame()
            with _PUBLISHED_LOCK:  # server sessions run in threads
                while len(_PUBLISHED) >= _PUBLISHED_YEARS:
                    _PUBLISHED.pop(next(iter(_PUBLISHED)))
                _PUBLISHED[(store, version, school_year, minimums)] = rows
                _PUBLISHED_COUNTS[(store, school_year, minimums)] = (fingerprint, rows)
            published[school_year] = rows
    return published


def _already_published(
    store: str, version: int, school_years: Sequence[str], minimums: Minimums
) -> dict[str, pd.DataFrame]:
    found = {}
    for school_year in school_years:
        rows = _PUBLISHED.get((store, version, school_year, minimums))
        if rows is not None:
            found[school_year] = rows
    return found


def _fingerprint(cells: pd.DataFrame) -> str:
    """Of every row and value of a year's counts: equal only when the counts are."""
    hashed = pd.util.hash_pandas_object(cells, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


_PUBLISHED: dict[tuple, pd.DataFrame] = {}
_PUBLISHED_LOCK = threading.Lock()
_PUBLISHED_YEARS = 16  # school years x stores x versions kept; a few megabytes each at most
# The newest decision of each store, school year and minimums, with the fingerprint of its counts.
_PUBLISHED_COUNTS: dict[tuple, tuple[str, pd.DataFrame]] = {}
_PUBLISHING: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


def empty_equity() -> pd.DataFrame:
    return pd.DataFrame(columns=[*EXPORT_COLUMNS, "building_name"])


def list_equity_school_years(session: Session) -> list[str]:
    """School years with enrolled students, newest first."""
    years = session.execute(select(EquityCellCount.school_year).distinct()).scalars().all()
    return sorted(years, reverse=True)
