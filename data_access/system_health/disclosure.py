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
from data_access.suppression import SHOWN, SMALL, Count, Table, possible_values
from data_access.system_health.rules import DISTRICT_ID

MAX_ROUNDS = 50


def _table(values: np.ndarray, upper: np.ndarray, min_size: int, known=None) -> Table:
    """Cells below `min_size` withheld as small; `known` cells are published whatever their size
    (a row left out of a list says its count is 0)."""
    values = np.asarray(values, dtype=float)
    # A row whose total is below the minimum says only that its counts are small, which publishing
    # the total says anyway: no neighbour withheld can widen that, so none is (no cascade).
    upper = np.maximum(np.asarray(upper, dtype=float), min_size - 1)
    bound = np.repeat(upper[:, None], values.shape[1], axis=1)
    small = values < min_size
    if known is not None:
        small &= ~known
    return Table(
        values=values,
        reason=np.where(small, SMALL, SHOWN),
        small_upper=bound.copy(),
        protect_lower=np.zeros(values.shape),
        upper_limit=bound.copy(),
        # a known cell is never withheld to protect another: withholding it hides nothing
        priority=np.zeros(values.shape) if known is None else np.where(known, 1e6, 0.0),
    )


class _SomeTotalsKnown(Count):
    """A count whose row totals are published except in some rows (`hidden_totals`)."""

    hidden_totals: np.ndarray

    def total_hidden(self) -> np.ndarray:
        return self.hidden_totals


def _parts(
    totals: np.ndarray,
    parts: list[np.ndarray],
    min_size: int,
    *,
    unknown: np.ndarray,
    upper: np.ndarray,
    closed: np.ndarray | None = None,
) -> Count:
    """A count whose parts add up to `totals`: known except in the rows `unknown` (there each part
    is only known to be at most `upper`); rows `closed` (their total withheld) withheld whole."""
    table = _table(np.column_stack(parts), np.where(unknown, upper, totals), min_size)
    count = _SomeTotalsKnown(tables=[table], totals=np.asarray(totals, float), total_known=True,
                             min_size=min_size)  # fmt: skip
    count.hidden_totals = np.asarray(unknown, dtype=bool)
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
        withheld = screened[w].tables[0].hidden[:, 0]
        benchmark[w] = _parts(total, [at, total - at], min_size, unknown=withheld,
                              upper=enrolled, closed=withheld)  # fmt: skip
        benchmark[w].settle()

    below = column["below_benchmark"]
    # Students screened that year are never published; anyone knows them only when a published
    # window held (nearly) everyone enrolled.
    screened_any = column["screened_any"]
    pinned = np.zeros(len(enrolled), dtype=bool)
    for w in SCREENING_WINDOWS:
        shown = ~screened[w].tables[0].hidden[:, 0]
        pinned |= shown & (column[f"screened_{w}"] > enrolled - min_size)
    need = _parts(screened_any, [below, screened_any - below], min_size, unknown=~pinned,
                  upper=enrolled)  # fmt: skip
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
    below_withheld = need.tables[0].hidden[:, 0]
    unmet = _parts(below, [no_support, below - no_support], min_size, unknown=below_withheld,
                   upper=enrolled, closed=below_withheld)  # fmt: skip
    unmet.settle()

    ended = _alone(column["supports_ended"], np.full(len(enrolled), np.inf), min_size)
    ended.settle()
    ended_total = column["supports_ended"]
    ended_withheld = ended.tables[0].hidden[:, 0]
    goal = _parts(ended_total, [column["supports_goal_met"], ended_total - column["supports_goal_met"]],
                  min_size, unknown=ended_withheld, upper=np.full(len(enrolled), np.inf),
                  closed=ended_withheld)  # fmt: skip
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


def _shared_fate(tables: list[tuple], min_size: int, known: np.ndarray, start: np.ndarray):
    """Cells withheld together across tables (the same member in each): each table (values, row
    totals, whether the totals are known, rows withheld whole, each cell's most possible value)
    settled on its own, the union of their withheld cells withheld in every one, again until
    nothing more is withheld. `known`: cells anyone knows (0, by their absence); `start`: cells
    withheld already. Returns the withheld cells and those still narrowed to fewer than `min_size`
    values by their own bounds (no neighbour can widen them: the caller must)."""
    hidden = start.copy()
    for _ in range(MAX_ROUNDS):
        before = hidden.copy()
        failing = np.zeros(hidden.shape, dtype=bool)
        for values, totals, total_known, closed, upper in tables:
            table = _table(values, np.zeros(len(totals)), min_size, known)
            table.small_upper, table.upper_limit = upper.astype(float), upper.astype(float)
            table.refresh_bounds()
            if total_known:
                # The rows whose total is withheld (`closed`) are withheld whole, and their total
                # is not known to anyone: the bounds must not assume it.
                count = _SomeTotalsKnown(tables=[table], totals=np.asarray(totals, float),
                                         total_known=True, min_size=min_size,
                                         exact=False)  # fmt: skip
                count.hidden_totals = np.asarray(closed, dtype=bool)
                for row in np.flatnonzero(closed):
                    count.close_row(row)
            else:
                count = Count(tables=[table], totals=np.asarray(totals, float), total_known=False,
                              min_size=min_size, exact=False)  # fmt: skip
            for row, column in zip(*np.nonzero(hidden), strict=True):
                table.protect(row, column)
            count.settle()
            hidden |= table.hidden
            (low, high), *_ = count.bounds()[0]
            failing |= table.hidden & (possible_values(low, high) < min_size)
        if (hidden == before).all():
            return hidden, failing
    raise RuntimeError("intervention disclosure avoidance did not settle")  # pragma: no cover


def publish_interventions(
    counts: pd.DataFrame, health: pd.DataFrame, min_size: int
) -> pd.DataFrame:
    """One school year's intervention rows (`queries.get_intervention_counts`, every building) with
    a DISTRICT row per intervention and domain, as they may be published. Supports per intervention
    are one table (their building totals are never published); supports ended, goal met and not met
    another three whose building totals the `system_health` rows publish (`health`: that year's
    published rows), withheld together per intervention. Sessions are published with the supports
    count."""
    columns = ["building_id", "intervention", "domain", "supports", "ended", "goal_met",
               "sessions_planned", "sessions_delivered"]  # fmt: skip
    if counts.empty:
        return pd.DataFrame(columns=columns)
    pairs = counts[["intervention", "domain"]].drop_duplicates().sort_values(["intervention",
                                                                               "domain"])  # fmt: skip
    buildings = sorted(set(counts["building_id"]))
    order = [*buildings, DISTRICT_ID]
    grid = {}
    for name in ("supports", "ended", "goal_met", "sessions_planned", "sessions_delivered"):
        wide = counts.pivot_table(index="building_id", columns=["intervention", "domain"],
                                  values=name, aggfunc="sum", fill_value=0)  # fmt: skip
        wide = wide.reindex(index=buildings, columns=pd.MultiIndex.from_frame(pairs), fill_value=0)
        values = wide.to_numpy(float)
        grid[name] = np.vstack([values, values.sum(axis=0)])
    published = health.set_index("building_id").reindex(order)
    ended_total = grid["ended"].sum(axis=1)
    goal_total = grid["goal_met"].sum(axis=1)
    ended_hidden = published["supports_ended"].isna().to_numpy()
    goal_hidden = published["supports_goal_met"].isna().to_numpy()
    absent = grid["supports"] == 0  # no row: everyone knows it is 0
    supports = grid["supports"]
    supports_hidden = np.zeros(supports.shape, dtype=bool)
    outcome_hidden = np.zeros(supports.shape, dtype=bool)
    no_total = np.zeros(len(order), dtype=bool)
    for _ in range(MAX_ROUNDS):
        supports_hidden, _ = _shared_fate(
            [(supports, supports.sum(axis=1), False, no_total, np.full(supports.shape, np.inf))],
            min_size,
            absent,
            supports_hidden,
        )
        # An outcome count is at most its intervention's supports, when those are published.
        upper = np.where(supports_hidden, np.inf, supports)
        outcome_hidden, failing = _shared_fate(
            [
                (grid["ended"], ended_total, True, ended_hidden, upper),
                (grid["goal_met"], goal_total, True, ended_hidden | goal_hidden, upper),
                (grid["ended"] - grid["goal_met"], ended_total - goal_total, True,
                 ended_hidden | goal_hidden, upper),
            ],
            min_size,
            absent,
            outcome_hidden,
        )  # fmt: skip
        failing &= ~supports_hidden
        if not failing.any():
            break
        supports_hidden |= failing  # its supports pin it down: withhold them too
    else:  # pragma: no cover
        raise RuntimeError("intervention disclosure avoidance did not settle")
    rows = []
    for r, building in enumerate(order):
        for c, (intervention, domain) in enumerate(pairs.itertuples(index=False)):
            if grid["supports"][r, c] == 0:
                continue
            shown, outcomes = not supports_hidden[r, c], not outcome_hidden[r, c]
            rows.append({
                "building_id": building, "intervention": intervention, "domain": domain,
                "supports": grid["supports"][r, c] if shown else None,
                "ended": grid["ended"][r, c] if outcomes else None,
                "goal_met": grid["goal_met"][r, c] if outcomes else None,
                "sessions_planned": grid["sessions_planned"][r, c] if shown else None,
                "sessions_delivered": grid["sessions_delivered"][r, c] if shown else None,
            })  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    for name in columns[3:]:
        out[name] = out[name].astype("Int64")
    return out


class View:
    """One way a set of published counts add up, as a table the engine audits: `cells` (rows x
    members) are indices into the counts; the rows but the last add up to the last, column by
    column; each row's members add up to its total, the count `totals[row]` (-1: the total is not
    published, only bounded by `row_upper`), or with `alone` the cells stand on their own (a
    count like students screened: only the rows adding up ties them)."""

    def __init__(self, cells, totals=None, row_upper=None, *, alone: bool = False) -> None:
        self.cells = np.asarray(cells, dtype=int)
        rows = self.cells.shape[0]
        self.totals = np.full(rows, -1) if totals is None else np.asarray(totals, dtype=int)
        self.row_upper = (
            np.full(rows, np.inf) if row_upper is None else np.asarray(row_upper, float)
        )
        self.alone = alone


def settle_views(
    values: np.ndarray,
    views: list[View],
    min_size: int,
    *,
    start: np.ndarray,
    known: np.ndarray,
    together: list[np.ndarray] = (),
) -> np.ndarray:
    """Which of `values` (counts, one array) to withhold so that no view narrows a withheld one to
    fewer than `min_size` values: each view settled by the engine with every count withheld so far
    withheld in it too, again until nothing more is withheld. `start`: withheld already; `known`:
    published elsewhere (never withheld: withholding them hides nothing); `together`: groups of
    counts withheld all at once if any one is. Returns True per withheld count.

    The views are audited one at a time (the way agencies audit a three-way table by its two-way
    faces); the tests attack everything at once with a linear programme."""
    values = np.asarray(values, dtype=float)
    hidden = start.copy() & ~known
    for _ in range(MAX_ROUNDS):
        before = hidden.copy()
        for view in views:
            cells = values[view.cells]
            if view.alone:
                table = _table(cells, view.row_upper, min_size, known[view.cells])
                count = Count(tables=[table], totals=cells.sum(axis=1), total_known=False,
                              min_size=min_size)  # fmt: skip
            else:
                has_total = view.totals >= 0
                total_hidden = ~has_total | hidden[np.where(has_total, view.totals, 0)]
                totals = np.where(has_total, values[np.where(has_total, view.totals, 0)], 0.0)
                upper = np.where(total_hidden, view.row_upper, totals)
                table = _table(cells, upper, min_size, known[view.cells])
                count = _SomeTotalsKnown(tables=[table], totals=totals, total_known=True,
                                         min_size=min_size)  # fmt: skip
                count.hidden_totals = total_hidden
                for row in np.flatnonzero(total_hidden & has_total):
                    count.close_row(row)
            for row, column in zip(*np.nonzero(hidden[view.cells]), strict=True):
                table.protect(row, column)
            count.settle()
            hidden[view.cells[table.hidden]] = True
        for group in together:
            if hidden[group].any():
                hidden[group] = True
        hidden &= ~known
        if (hidden == before).all():
            return hidden
    raise RuntimeError("screening disclosure avoidance did not settle")  # pragma: no cover
