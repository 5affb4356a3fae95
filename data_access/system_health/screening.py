"""Universal screening by measure, and the movement between risk levels fall to spring: counted
by the database per school year, building and measure, published through the disclosure layer
(`disclosure.settle_views`) together with the `system_health` rows they sit beside.

- **By measure**: students screened on a measure in a window, and of them at benchmark on it. A
  student screened on reading and math is counted under each; the `system_health` window figures
  count them once (at benchmark only when at benchmark on both).
- **Movement**: students with a risk level on a measure in both fall and spring, by their fall
  level and their spring level (low, some, high), with the row totals (fall level), the column
  totals (spring level) and the grand total published beside the cells.

Counts are read and decided for the whole district, whatever the viewer's scope (the same rule as
`queries.get_published_rows`); callers filter to scope.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from data_access.memo import remembered
from data_access.models import RISK_LEVELS, SCREENING_WINDOWS, Screening, Student
from data_access.scope import Scope
from data_access.settings import get_settings
from data_access.system_health.disclosure import View, settle_views
from data_access.system_health.queries import get_published_rows, get_student_counts
from data_access.system_health.rules import DISTRICT_ID, percent

LEVELS = tuple(RISK_LEVELS)  # low, some, high


def _frame(session: Session, statement, columns: list[str]) -> pd.DataFrame:
    rows = [tuple(row) for row in session.connection().execute(statement)]
    return pd.DataFrame.from_records(rows, columns=columns)


def _same_student(row):
    return and_(Student.student_id == row.student_id, Student.school_year == row.school_year)


def get_measure_counts(session: Session, *, school_year: str) -> pd.DataFrame:
    """One row per building, window and measure anyone was screened on that school year:
    `screened` (students with a row for it) and `at_benchmark` (of them, at benchmark on it)."""
    statement = (
        select(
            Student.building_id,
            Screening.window,
            Screening.measure,
            func.count(),
            func.sum(case((Screening.at_benchmark, 1), else_=0)),
        )
        .join(Student, _same_student(Screening))
        .where(Screening.school_year == school_year)
        .group_by(Student.building_id, Screening.window, Screening.measure)
    )
    columns = ["building_id", "window", "measure", "screened", "at_benchmark"]
    frame = _frame(session, statement, columns)
    frame[["screened", "at_benchmark"]] = frame[["screened", "at_benchmark"]].astype("int64")
    return frame


def get_movement_counts(session: Session, *, school_year: str) -> pd.DataFrame:
    """Students with a risk level on a measure in both fall and spring that school year, per
    building, measure, fall level and spring level: `students`."""
    fall, spring = aliased(Screening), aliased(Screening)
    statement = (
        select(
            Student.building_id,
            fall.measure,
            fall.risk_level,
            spring.risk_level,
            func.count(),
        )
        .select_from(fall)
        .join(
            spring,
            and_(
                spring.student_id == fall.student_id,
                spring.school_year == fall.school_year,
                spring.measure == fall.measure,
                spring.window == "spring",
                spring.risk_level.is_not(None),
            ),
        )
        .join(Student, _same_student(fall))
        .where(fall.school_year == school_year, fall.window == "fall", fall.risk_level.is_not(None))
        .group_by(Student.building_id, fall.measure, fall.risk_level, spring.risk_level)
    )
    columns = ["building_id", "measure", "fall", "spring", "students"]
    frame = _frame(session, statement, columns)
    frame["students"] = frame["students"].astype("int64")
    return frame


def _rows(health: pd.DataFrame) -> list[str]:
    """The year's buildings (every one with students), then the district."""
    buildings = sorted(b for b in health["building_id"] if b != DISTRICT_ID)
    return [*buildings, DISTRICT_ID]


def publish_measures(
    counts: pd.DataFrame, health: pd.DataFrame, enrolled: dict[str, int], min_size: int
) -> pd.DataFrame:
    """One school year's by-measure rows (`get_measure_counts`) with the district's, as they may be
    published beside that year's `system_health` rows (`health`, published): building_id, window,
    measure, screened, at_benchmark (withheld: missing) and pct_at_benchmark; a row for every
    building with students and every measure anyone was screened on in the window.

    Per window and measure two tables: students screened (a count of its own), and at benchmark +
    below = screened. Tied to the window's published figures: where a building was screened on one
    measure only in a window, its figures are the window's (published or withheld with them);
    where the window's are withheld, every measure's are; and a building's measures in a window are
    withheld together."""
    columns = ["building_id", "window", "measure", "screened", "at_benchmark", "pct_at_benchmark"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    order = _rows(health)
    published = health.set_index("building_id").reindex(order)
    upper = np.array([enrolled.get(b, 0) for b in order[:-1]] + [sum(enrolled.values())], float)
    out = []
    for window in SCREENING_WINDOWS:
        part = counts[counts["window"] == window]
        measures = sorted(set(part["measure"]))
        if not measures:
            continue
        grid = {}
        for name in ("screened", "at_benchmark"):
            wide = part.pivot_table(index="building_id", columns="measure", values=name,
                                    aggfunc="sum", fill_value=0)  # fmt: skip
            wide = wide.reindex(index=order[:-1], columns=measures, fill_value=0).to_numpy(float)
            grid[name] = np.vstack([wide, wide.sum(axis=0)])
        screened, at = grid["screened"], grid["at_benchmark"]
        rows, k = screened.shape
        # counts: screened, at benchmark, below; each rows x measures
        values = np.concatenate([screened.ravel(), at.ravel(), (screened - at).ravel()])
        ids = np.arange(3 * rows * k).reshape(3, rows, k)
        views = []
        for m in range(k):
            views.append(View(ids[0][:, [m]], row_upper=upper, alone=True))
            views.append(View(np.column_stack([ids[1][:, m], ids[2][:, m]]), totals=ids[0][:, m],
                              row_upper=upper))  # fmt: skip
        window_hidden_at = published[f"pct_at_benchmark_{window}"].isna().to_numpy()
        window_hidden_screened = published[f"screened_{window}"].isna().to_numpy()
        single = (screened > 0).sum(axis=1) == 1
        start = np.zeros(len(values), dtype=bool)
        known = np.zeros(len(values), dtype=bool)
        for r in range(rows):
            on = screened[r] > 0
            start[ids[0][r]] = window_hidden_screened[r]
            start[ids[1][r]] = start[ids[2][r]] = window_hidden_at[r]
            if single[r]:  # the window's own figures, published there
                known[ids[0][r][on]] = not window_hidden_screened[r]
                known[ids[1][r][on]] = known[ids[2][r][on]] = not window_hidden_at[r]
        # Nobody screened on a measure in a building whose window figures are published: no row
        # (a zero about the screener, not about a student). Where the window's are withheld (a
        # school that screened nobody), the zero keeps a withheld row: leaving it out would publish
        # a zero the `system_health` rows withhold, and the district's total less the others would
        # then give away a withheld building's count.
        absent = (screened == 0) & ~window_hidden_screened[:, None]
        for kind in range(3):
            known[ids[kind][absent]] = True
        on = screened > 0  # a building's measures in a window are withheld together
        together = [np.concatenate([ids[1][r][on[r]], ids[2][r][on[r]]]) for r in range(rows)]
        together += [ids[0][r][on[r]] for r in range(rows)]
        hidden = settle_views(values, views, min_size, start=start, known=known,
                              together=together)  # fmt: skip
        for r, building in enumerate(order):
            for m, measure in enumerate(measures):
                if absent[r, m]:
                    continue
                shown_screened = not hidden[ids[0][r, m]]
                shown_at = not hidden[ids[1][r, m]] and not hidden[ids[2][r, m]]
                out.append({
                    "building_id": building, "window": window, "measure": measure,
                    "screened": screened[r, m] if shown_screened else None,
                    "at_benchmark": at[r, m] if shown_at and shown_screened else None,
                })  # fmt: skip
    frame = pd.DataFrame(out, columns=columns[:-1])
    for name in ("screened", "at_benchmark"):
        frame[name] = frame[name].astype("Int64")
    frame["pct_at_benchmark"] = [
        percent(a, s) for a, s in zip(frame["at_benchmark"], frame["screened"], strict=True)
    ]
    return frame


MOVEMENT_COLUMNS = ["building_id", "measure", "fall", "spring", "students"]


def publish_movement(
    counts: pd.DataFrame, order: list[str], min_size: int, measures: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One school year's movement between risk levels (`get_movement_counts`) as it may be
    published: per building (`order`: the buildings, then the district) and measure, the nine
    cells (fall level x spring level), the fall totals (`spring` "all"), the spring totals (`fall`
    "all") and the grand total (both "all"); withheld: missing.

    Audited by its faces: per building the three-by-three table with both sets of totals; per
    fall-to-spring cell, per fall level and per spring level the buildings adding up to the
    district; the grand total a count of its own.

    Tied to the by-measure rows (`measures`, published): a screener's low risk is, as a rule, at
    benchmark, so the students at low risk in a window are at most those at benchmark on the measure
    and at least the moving students less those below. When fewer than `min_size` students screened
    on the measure in that window did not move (no level in the other window), that pins the
    window's low-risk total: it is the published at-benchmark count (published with it), or
    withheld with it."""
    if counts.empty:
        return pd.DataFrame(columns=MOVEMENT_COLUMNS)
    out = []
    n = len(LEVELS)
    for measure in sorted(set(counts["measure"])):
        part = counts[counts["measure"] == measure]
        cells = np.zeros((len(order), n, n))
        position = {b: i for i, b in enumerate(order)}
        for row in part.itertuples(index=False):
            if row.building_id in position:
                cells[position[row.building_id], LEVELS.index(row.fall),
                      LEVELS.index(row.spring)] += row.students  # fmt: skip
        cells[-1] = cells[:-1].sum(axis=0)
        fall_totals, spring_totals = cells.sum(axis=2), cells.sum(axis=1)
        grand = cells.sum(axis=(1, 2))
        rows = len(order)
        # count ids: the cells, then the fall totals, the spring totals and the grand totals
        cell_id = np.arange(rows * n * n).reshape(rows, n, n)
        fall_id = rows * n * n + np.arange(rows * n).reshape(rows, n)
        spring_id = rows * n * n + rows * n + np.arange(rows * n).reshape(rows, n)
        grand_id = rows * n * n + 2 * rows * n + np.arange(rows)
        values = np.concatenate([cells.ravel(), fall_totals.ravel(), spring_totals.ravel(),
                                 grand])  # fmt: skip
        upper = np.full(rows, np.inf)
        views = [
            View(grand_id[:, None], row_upper=upper, alone=True),
            View(cell_id.reshape(rows, n * n), totals=grand_id, row_upper=upper),
            View(fall_id, totals=grand_id, row_upper=upper),
            View(spring_id, totals=grand_id, row_upper=upper),
        ]
        for r in range(rows):
            # rows: fall levels, then the spring totals (the fall levels add up to them)
            views.append(View(np.vstack([cell_id[r], spring_id[r]]),
                              totals=[*fall_id[r], grand_id[r]], row_upper=np.full(n + 1, np.inf)))  # fmt: skip
        start, known = _tied_to_benchmark(
            measures, order, measure, grand, min_size,
            {"fall": fall_id[:, 0], "spring": spring_id[:, 0]}, len(values),
        )  # fmt: skip
        hidden = settle_views(values, views, min_size, start=start, known=known)
        for r, building in enumerate(order):  # every building, nobody moving included
            shown = [
                *((LEVELS[i], LEVELS[j], cells[r, i, j], cell_id[r, i, j])
                  for i in range(n) for j in range(n)),
                *((LEVELS[i], "all", fall_totals[r, i], fall_id[r, i]) for i in range(n)),
                *(("all", LEVELS[j], spring_totals[r, j], spring_id[r, j]) for j in range(n)),
                ("all", "all", grand[r], grand_id[r]),
            ]  # fmt: skip
            for fall, spring, value, index in shown:
                out.append({"building_id": building, "measure": measure, "fall": fall,
                            "spring": spring, "students": None if hidden[index] else value})  # fmt: skip
    frame = pd.DataFrame(out, columns=MOVEMENT_COLUMNS)
    frame["students"] = frame["students"].astype("Int64")
    return frame


def _tied_to_benchmark(measures, order, measure, grand, min_size, low_ids, size):
    """(start, known) for `settle_views`: each window's low-risk total that the at-benchmark count
    of the same building, window and measure pins (see `publish_movement`)."""
    start, known = np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    if measures is None or measures.empty:
        return start, known
    rows = measures.set_index(["building_id", "window", "measure"])
    for window, ids in low_ids.items():
        for r, building in enumerate(order):
            key = (building, window, measure)
            if key not in rows.index or pd.isna(rows.loc[key, "screened"]):
                continue
            if rows.loc[key, "screened"] - grand[r] < min_size:
                if pd.isna(rows.loc[key, "at_benchmark"]):
                    start[ids[r]] = True
                else:
                    known[ids[r]] = True
    return start, known


@remembered("students")
def get_published_screening(session: Session, *, school_year: str) -> dict[str, pd.DataFrame]:
    """Every building's (and the district's) by-measure rows and movement rows of a school year,
    as published: {"measures": publish_measures' rows, "movement": publish_movement's rows}."""
    health = get_published_rows(session, school_years=None)  # get_system_health's: kept once
    health = health[health["school_year"] == school_year]
    students = get_student_counts(session, school_years=[school_year])
    enrolled = dict(zip(students["building_id"], students["enrolled"], strict=True))
    min_size = get_settings().min_cell_size
    measures = publish_measures(
        get_measure_counts(session, school_year=school_year), health, enrolled, min_size
    )
    movement = publish_movement(
        get_movement_counts(session, school_year=school_year), _rows(health), min_size, measures
    )
    return {"measures": measures, "movement": movement}


def get_screening_figures(
    session: Session, *, scope: Scope, school_year: str
) -> dict[str, pd.DataFrame]:
    """`get_published_screening` for the buildings in `scope` and the district."""
    published = get_published_screening(session, school_year=school_year)

    def in_scope(frame: pd.DataFrame) -> pd.DataFrame:
        keep = [b == DISTRICT_ID or scope.allows(b) for b in frame["building_id"]]
        return frame.loc[pd.Series(keep, index=frame.index, dtype=bool)].reset_index(drop=True)

    return {name: in_scope(frame) for name, frame in published.items()}
