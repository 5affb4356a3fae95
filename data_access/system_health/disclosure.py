"""Which system-health student counts may be published, on the generic engine in
`data_access.suppression`: one school year's buildings and the district at a time.

Every count but `enrolled` is a cell of a table whose rows are the buildings and the district (the
buildings add up to the district) and whose columns add up to a row total anyone knows or can
bound:

- the tiers: Tier 1 only + Tier 2 + Tier 3 = enrolled (`pct_tier1_only` publishes Tier 1 only);
- the behaviour triangle: students with 0-1 + 2-5 + 6 or more incidents = enrolled;
- each screening window: students screened (a count of its own), and at benchmark + below = screened
  (`pct_at_benchmark_W` x screened publishes at benchmark);
- unmet need: below benchmark + not below = students screened that year (never published: taken as
  known, which only withholds more), and below with no support + below with support = below;
- supports: ended (a count of its own), and goal met + not = ended.

A count below the minimum cell size (zero included) is withheld, then more until no withheld count
can be narrowed to fewer than that many values by adding and subtracting what is published. A
count's parts are withheld with it. One link crosses tables: when nearly every student (all but fewer
than the minimum) was screened in the latest window, below benchmark that year is almost the latest
window's below, so the two are withheld together.

The page says only "withheld", never whether a count is small or withheld to protect another.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_access.models import SCREENING_WINDOWS
from data_access.suppression import SHOWN, SMALL, Count, Table
from data_access.system_health.rules import DISTRICT_ID

MAX_ROUNDS = 50


def _table(values: np.ndarray, upper: np.ndarray, min_size: int) -> Table:
    values = np.asarray(values, dtype=float)
    bound = np.repeat(np.asarray(upper, dtype=float)[:, None], values.shape[1], axis=1)
    return Table(
        values=values,
        reason=np.where(values < min_size, SMALL, SHOWN),
        small_upper=bound.copy(),
        protect_lower=np.zeros(values.shape),
        upper_limit=bound.copy(),
        priority=np.zeros(values.shape),
    )


def _parts(totals: np.ndarray, parts: list[np.ndarray], min_size: int, closed=None) -> Count:
    """A count whose parts add up to `totals` (taken as known), rows whose total is withheld
    (`closed`) withheld whole."""
    table = _table(np.column_stack(parts), totals, min_size)
    count = Count(tables=[table], totals=np.asarray(totals, float), total_known=True,
                  min_size=min_size)  # fmt: skip
    if closed is not None:
        for row in np.flatnonzero(closed):
            count.close_row(row)
    return count


def _alone(values: np.ndarray, upper: np.ndarray, min_size: int) -> Count:
    """A count published on its own: only the buildings adding up to the district tie it."""
    table = _table(np.asarray(values)[:, None], upper, min_size)
    return Count(tables=[table], totals=np.asarray(values, float), total_known=False,
                 min_size=min_size)  # fmt: skip


def withheld_counts(year: pd.DataFrame, min_size: int) -> dict[str, np.ndarray]:
    """For one school year's rows (`rules.system_health_counts`, buildings then the DISTRICT row
    last): each count column's withheld rows (True: withheld)."""
    if year["building_id"].iloc[-1] != DISTRICT_ID:
        raise ValueError("the district's row comes last")
    column = {name: year[name].to_numpy(float) for name in year.columns if name != "school_year"
              and name != "building_id" and pd.api.types.is_numeric_dtype(year[name])}  # fmt: skip
    enrolled = column["enrolled"]

    people = Count(
        tables=[
            _table(
                np.column_stack(
                    [column["tier1_only"], column["tier2_students"], column["tier3_students"]]
                ),
                enrolled,
                min_size,
            ),
            _table(
                np.column_stack(
                    [
                        column["students_0_1_incidents"],
                        column["students_2_5_incidents"],
                        column["students_6_plus_incidents"],
                    ]
                ),
                enrolled,
                min_size,
            ),
        ],
        totals=enrolled,
        total_known=True,
        min_size=min_size,
    )
    people.settle()
    tiers, triangle = people.tables

    screened = {w: _alone(column[f"screened_{w}"], enrolled, min_size) for w in SCREENING_WINDOWS}
    for count in screened.values():
        count.settle()
    benchmark = {}
    for w in SCREENING_WINDOWS:
        total = column[f"screened_{w}"]
        at = column[f"at_benchmark_{w}"]
        benchmark[w] = _parts(
            total, [at, total - at], min_size, closed=screened[w].tables[0].hidden[:, 0]
        )
        benchmark[w].settle()

    below = column["below_benchmark"]
    need = _parts(column["screened_any"], [below, column["screened_any"] - below], min_size)
    need.settle()
    latest = _latest_windows(column, min_size)
    for _ in range(MAX_ROUNDS):
        changed = False
        for row, window in latest.items():
            window_hidden = benchmark[window].tables[0].hidden[row, 0]
            need_hidden = need.tables[0].hidden[row, 0]
            if window_hidden and not need_hidden:
                need.tables[0].protect(row, 0)
                changed = True
            elif need_hidden and not window_hidden:
                benchmark[window].tables[0].protect(row, 0)
                changed = True
        if not changed:
            break
        need.settle()
        for count in benchmark.values():
            count.settle()
    else:  # pragma: no cover
        raise RuntimeError("system-health disclosure avoidance did not settle")
    no_support = column["below_benchmark_no_support"]
    unmet = _parts(below, [no_support, below - no_support], min_size,
                   closed=need.tables[0].hidden[:, 0])  # fmt: skip
    unmet.settle()

    ended = _alone(column["supports_ended"], np.full(len(enrolled), np.inf), min_size)
    ended.settle()
    ended_total = column["supports_ended"]
    goal = _parts(ended_total, [column["supports_goal_met"], ended_total - column["supports_goal_met"]],
                  min_size, closed=ended.tables[0].hidden[:, 0])  # fmt: skip
    goal.settle()

    out = {
        "tier1_only": tiers.hidden[:, 0],
        "tier2_students": tiers.hidden[:, 1],
        "tier3_students": tiers.hidden[:, 2],
        "students_0_1_incidents": triangle.hidden[:, 0],
        "students_2_5_incidents": triangle.hidden[:, 1],
        "students_6_plus_incidents": triangle.hidden[:, 2],
        "below_benchmark": need.tables[0].hidden[:, 0],
        "below_benchmark_no_support": unmet.tables[0].hidden[:, 0],
        "supports_ended": ended.tables[0].hidden[:, 0],
        "supports_goal_met": goal.tables[0].hidden[:, 0],
    }
    for w in SCREENING_WINDOWS:
        out[f"screened_{w}"] = screened[w].tables[0].hidden[:, 0]
        out[f"at_benchmark_{w}"] = benchmark[w].tables[0].hidden[:, 0]
    return out


def _latest_windows(column: dict[str, np.ndarray], min_size: int) -> dict[int, str]:
    """Rows whose below benchmark is nearly their latest window's below: the latest window anyone
    was screened in, when fewer than `min_size` students were not screened in it."""
    linked = {}
    for row in range(len(column["enrolled"])):
        screened = [w for w in SCREENING_WINDOWS if column[f"screened_{w}"][row] > 0]
        if not screened:
            continue
        window = screened[-1]
        if column["enrolled"][row] - column[f"screened_{window}"][row] < min_size:
            linked[row] = window
    return linked


def publish(counts: pd.DataFrame, min_size: int) -> pd.DataFrame:
    """`counts` (`rules.system_health_counts`, every building of the district) with every withheld
    count missing (nullable integers)."""
    out = counts.copy()
    decided = [c for c in counts.columns if c not in ("school_year", "building_id", "enrolled",
               "incidents", "school_days", "incidents_per_100_per_day", "screened_any")]  # fmt: skip
    for column in decided:
        out[column] = out[column].astype("Int64")
    out["screened_any"] = pd.array([pd.NA] * len(out), dtype="Int64")  # never published
    for _, index in counts.groupby("school_year", sort=False).indices.items():
        year = counts.iloc[index]
        hidden = withheld_counts(year, min_size)
        for column, mask in hidden.items():
            rows = out.index[index[mask]]
            out.loc[rows, column] = pd.NA
    return out
