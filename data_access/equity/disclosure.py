"""The equity rows as they may be published: `suppression` applied to every building's and the
district's group sizes and counts of one school year, before any page, chart, brief or export sees
them.

Group sizes (a population's students per group) are decided once per population and hold for every
indicator counted over it; then each indicator's counts. A count is published only with its group's
size; a risk only with both; a ratio and its flag only when the group and everyone else it is
compared with are both published. An alternate ratio is never published: it exists because everyone
else in the building is below the minimums, and the building's total minus the group would show them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_access.equity.metrics import (
    DISTRICT_ID,
    NOT_REPORTED,
    Minimums,
    assess_groups,
    count_groups,
    district_cells,
)
from data_access.models import RACE_ETHNICITY, SEXES
from data_access.suppression import PROTECT, SHOWN, SMALL, Count, Table

# Each partition of the students: its members add up to the building (race and sex: with a column of
# students whose value is unknown, see _matrix). A yes/no group's "N" member is
# everyone else, published as that group's comparison.
PARTITIONS: dict[str, tuple[str, ...]] = {
    "race_ethnicity": RACE_ETHNICITY,
    "sex": SEXES,
    "iep": ("Y", "N"),
    "el": ("Y", "N"),
    "econ_disadv": ("Y", "N"),
}
SPLIT_BY_COMPARISON = ("race_ethnicity", "sex")  # everyone else is the total minus the member
UNKNOWN_PRIORITY = 1_000_000.0  # above any flag's priority: see _priority

# Why a side of a row is withheld, as the page says it: a group of fewer than the n-size; a size
# withheld to protect another group; a count withheld (too few had it, or to protect another: the
# two are never told apart, see `_event_reasons`).
TOO_FEW_STUDENTS = "too_few_students"
PROTECTS_ANOTHER = "protects_another"
COUNT_WITHHELD = "count_withheld"


COUNT_COLUMNS = ("n_group", "events_group", "n_population", "events_population")
# (indicator, group_type, group) → one row per building (the district last) x the chosen columns
Grid = dict[tuple[str, str, str], np.ndarray]


def _grid(frame: pd.DataFrame, order: list[str], columns: tuple[str, ...] = COUNT_COLUMNS) -> Grid:
    """Rows keyed by building, indicator and group (count_groups' or assess_groups') as one array
    per indicator and group, its rows in `order`."""
    position = frame["building_id"].map({building: i for i, building in enumerate(order)})
    position = position.to_numpy()
    values = frame[list(columns)].to_numpy(float)
    grid = {}
    keys = ["indicator", "group_type", "group"]
    for key, index in frame.groupby(keys, sort=False).indices.items():
        block = np.zeros((len(order), len(columns)))
        block[position[index]] = values[index]
        grid[key] = block
    return grid


def _matrix(grid: Grid, indicator: str, column: str, partition: str) -> np.ndarray:
    """Rows x members of one partition: the member's count, an "N" member the total's count minus
    the "Y" member's."""
    k = COUNT_COLUMNS.index(column)
    if partition in SPLIT_BY_COMPARISON:
        members = np.column_stack(
            [grid[(indicator, partition, m)][:, k] for m in PARTITIONS[partition]]
        )
        # Students whose race/ethnicity or sex is unknown are in the total and in no member: one
        # more column, never published, decided like any member so that the total minus the shown
        # members never gives them (or a withheld member) away. 0 unknown: shown (nothing to hide).
        if not has_unknowns(grid, indicator, partition):
            return members
        total = grid[(indicator, "sex", "F")][:, k + 2]
        return np.column_stack([members, total - members.sum(axis=1)])
    yes = grid[(indicator, partition, "Y")]
    return np.column_stack([yes[:, k], yes[:, k + 2] - yes[:, k]])


def has_unknowns(grid: Grid, indicator: str, partition: str) -> bool:
    """Whether some building has students of unknown race/ethnicity (or sex) in this population."""
    sizes = [grid[(indicator, partition, m)][:, 0] for m in PARTITIONS[partition]]
    return bool((grid[(indicator, "sex", "F")][:, 2] != np.sum(sizes, axis=0)).any())


def _priority(
    flags: Grid, indicators: list[str], partition: str, rows: int, columns: int
) -> np.ndarray:
    """1 for the cell of a group flagged in any of `indicators` (kept shown whenever another cell
    will do), else 0."""
    priority = np.zeros((rows, columns))
    if columns > len(PARTITIONS[partition]):  # the unknowns' column: see _matrix
        # Never the cell withheld to protect another: it is never published, so withholding it
        # protects nothing anyone could not already see (and 0 unknowns is no secret).
        priority[:, -1] = UNKNOWN_PRIORITY
    for c, member in enumerate(PARTITIONS[partition]):
        for indicator in indicators:
            flagged = flags.get((indicator, partition, member))
            if flagged is not None:
                priority[:, c] = np.maximum(priority[:, c], flagged[:, 0])
    return priority


def _size_reasons(
    grid: Grid, indicator: str, flags: Grid, indicators: list[str], minimums: Minimums
) -> dict[str, Table]:
    """The group sizes of one population (as counted for `indicator`), decided: primary (fewer than
    the n-size, or everyone else fewer), then complementary."""
    tables = {}
    total = grid[(indicator, "sex", "F")][:, 2]
    for partition in PARTITIONS:
        values = _matrix(grid, indicator, "n_group", partition)
        small = values < minimums.min_n_size
        if partition in SPLIT_BY_COMPARISON:
            # Everyone else below the n-size: the building's size minus this group would show them.
            everyone_else_small = (total[:, None] - values) < minimums.min_n_size
            reason = np.where(small, SMALL, np.where(everyone_else_small, PROTECT, SHOWN))
            if values.shape[1] > len(
                PARTITIONS[partition]
            ):  # no unknowns in a row: nothing to hide
                reason[:, -1] = np.where(values[:, -1] == 0, SHOWN, reason[:, -1])
        else:
            reason = np.where(small, SMALL, SHOWN)
        # A size's label says which side of the n-size it is on ("fewer than 30 students").
        tables[partition] = Table(
            values=values,
            reason=reason,
            small_upper=np.full(values.shape, minimums.min_n_size - 1.0),
            protect_lower=np.full(values.shape, float(minimums.min_n_size)),
            upper_limit=np.full(values.shape, np.inf),
            priority=_priority(flags, indicators, partition, len(total), values.shape[1]),
        )
    Count(
        tables=list(tables.values()),
        totals=total,
        total_known=True,
        min_size=minimums.min_cell_size,
    ).settle()
    return tables


def _event_reasons(
    grid: Grid,
    indicator: str,
    sizes: dict[str, Table],
    flags: Grid,
    minimums: Minimums,
) -> dict[str, Table]:
    """One indicator's counts of students with the outcome, decided after the group sizes."""
    tables = {}
    total = grid[(indicator, "sex", "F")][:, 3]
    for partition in PARTITIONS:
        if (indicator, partition) in NOT_REPORTED:
            continue
        values = _matrix(grid, indicator, "events_group", partition)
        size = sizes[partition]
        size_small = size.reason == SMALL
        small = (values < minimums.min_cell_size) | size_small
        withheld = size.hidden.copy()  # a count is published only with its group's size
        if partition in SPLIT_BY_COMPARISON:
            withheld |= (total[:, None] - values) < minimums.min_cell_size
        reason = np.where(small, SMALL, np.where(withheld, PROTECT, SHOWN))
        if values.shape[1] > len(PARTITIONS[partition]):  # no unknowns in a row: nothing to hide
            reason[:, -1] = np.where(size.values[:, -1] == 0, SHOWN, reason[:, -1])
        # A withheld count says only "withheld": never whether it is small or protects another,
        # since "at least 10" on one cell narrows its neighbours. What bounds it is its group's size:
        # the size itself when published, below the n-size when that is all that is said.
        size_upper = np.where(
            size.reason == SHOWN,
            size.values,
            np.where(size_small, minimums.min_n_size - 1.0, np.inf),
        )
        tables[partition] = Table(
            values=values,
            reason=reason,
            small_upper=size_upper,
            protect_lower=np.zeros(values.shape),
            upper_limit=size_upper,
            priority=_priority(flags, [indicator], partition, len(total), values.shape[1]),
        )
    count = Count(
        tables=list(tables.values()),
        totals=total,
        total_known=False,
        min_size=minimums.min_cell_size,
    )
    if indicator == "sped_identification":
        # Its total is the building's students with an IEP: withheld with that group's size.
        iep_size = sizes["iep"].reason[:, 0] != SHOWN
        for row in np.flatnonzero(iep_size):
            count.close_row(row)
    count.settle()
    return tables


def protect_equity(rows: pd.DataFrame, counts: pd.DataFrame, minimums: Minimums) -> pd.DataFrame:
    """`rows` (assess_groups' rows of every building and the district) with every value the layer
    withholds set missing, `ratio_type` not_calculated where the ratio is withheld, and two columns
    saying why each side is withheld (`withheld_group`, `withheld_comparison`: too_few_students,
    too_few_events, protects_another, or None).

    `counts` are count_groups' rows for the same buildings and the district (building_id DISTRICT)."""
    if rows.empty:
        return rows.assign(withheld_group=None, withheld_comparison=None)
    buildings = sorted(set(counts["building_id"]) - {DISTRICT_ID})
    order = [*buildings, DISTRICT_ID]
    grid = _grid(counts, order)
    flags = _grid(rows.assign(flagged=rows["flag"].notna()), order, ("flagged",))
    indicators = list(dict.fromkeys(counts["indicator"]))
    decided: dict[str, dict[str, tuple[Table, Table]]] = {}
    sizes_by_population: dict[str, dict[str, Table]] = {}
    for indicator in indicators:
        population = "attendance" if indicator == "chronic_absence" else "students"
        if population not in sizes_by_population:
            counted_over = [
                i for i in indicators if (i == "chronic_absence") == (population == "attendance")
            ]
            base = "chronic_absence" if population == "attendance" else "odr"
            sizes_by_population[population] = _size_reasons(
                grid, base, flags, counted_over, minimums
            )
        sizes = sizes_by_population[population]
        events = _event_reasons(grid, indicator, sizes, flags, minimums)
        decided[indicator] = {p: (sizes[p], events[p]) for p in events}

    position = {building: i for i, building in enumerate(order)}
    out = rows.copy()
    # An alternate ratio is never published (see the module's docstring): its row describes everyone
    # else in the building, like every other row, and the layer withholds them.
    alternate = out["ratio_type"] == "alternate_risk_ratio"
    if alternate.any():
        building = out[alternate].merge(
            counts, on=["building_id", "indicator", "group_type", "group"], how="left"
        )
        out.loc[alternate, "n_comparison"] = (
            building["n_population"] - building["n_group_y"]
        ).to_numpy()
    # Each row's cell: its building's row, and its member's column in its partition's table.
    r = out["building_id"].map(position).to_numpy()
    c = np.zeros(len(out), dtype=int)
    size_reason, event_reason = np.zeros(len(out), int), np.zeros(len(out), int)
    other_size, other_event = np.zeros(len(out), int), np.zeros(len(out), int)
    comparison_n = np.zeros(len(out))
    for (indicator, partition), index in out.groupby(["indicator", "group_type"]).indices.items():
        size, events = decided[indicator][partition]
        members = {member: i for i, member in enumerate(PARTITIONS[partition])}
        rows_, columns = r[index], out["group"].to_numpy()[index]
        columns = np.array([members[m] for m in columns])
        c[index] = columns
        size_reason[index] = size.reason[rows_, columns]
        event_reason[index] = events.reason[rows_, columns]
        if partition in SPLIT_BY_COMPARISON:
            comparison_n[index] = size.values[rows_].sum(axis=1) - size.values[rows_, columns]
            other_size[index], other_event[index] = -1, -1  # everyone else: see below
        else:
            comparison_n[index] = size.values[rows_, 1]
            other_size[index], other_event[index] = size.reason[rows_, 1], events.reason[rows_, 1]

    split = other_size == -1
    group_reason = _side_reasons(size_reason, event_reason)
    comparison_reason = _side_reasons(other_size, other_event)
    # A race or sex group's everyone else is published exactly when the group is (the building's
    # total is then known); otherwise it is too few, or withheld with the group.
    group_published = (size_reason == SHOWN) & (event_reason == SHOWN)
    comparison_reason[split] = np.select(
        [
            group_published[split],
            comparison_n[split] < minimums.min_n_size,
            size_reason[split] == SHOWN,
        ],
        [None, TOO_FEW_STUDENTS, COUNT_WITHHELD],
        PROTECTS_ANOTHER,
    )
    out["withheld_group"] = group_reason
    out["withheld_comparison"] = comparison_reason

    group_size_shown = size_reason == SHOWN
    comparison_size_shown = np.where(split, size_reason == SHOWN, other_size == SHOWN)
    group_shown = out["withheld_group"].isna()
    comparison_shown = out["withheld_comparison"].isna()
    plain = out["ratio_type"] == "risk_ratio"
    ratio_shown = group_shown & comparison_shown & plain
    out["n_group"] = out["n_group"].astype("Int64").where(group_size_shown)
    out["n_comparison"] = out["n_comparison"].astype("Int64").where(comparison_size_shown)
    for column in ("events_group", "risk_group"):
        out[column] = out[column].where(group_shown)
    for column in ("events_comparison", "risk_comparison"):
        out[column] = out[column].where(comparison_shown)
    out["ratio"] = out["ratio"].where(ratio_shown)
    out["flag"] = out["flag"].where(ratio_shown, None)
    out["ratio_type"] = out["ratio_type"].where(ratio_shown, "not_calculated")
    return out


def _side_reasons(size: np.ndarray, events: np.ndarray) -> np.ndarray:
    """Why each side is withheld (None: published), from its size's and count's decisions."""
    return np.select(
        [size == SMALL, size == PROTECT, events != SHOWN],
        [TOO_FEW_STUDENTS, PROTECTS_ANOTHER, COUNT_WITHHELD],
        None,
    ).astype(object)


def publish_equity(cells: pd.DataFrame, minimums: Minimums) -> pd.DataFrame:
    """The rows as they may be published: `compute_equity` over every building of the district
    (`cells` must hold them all), then the disclosure-avoidance layer (`protect_equity`), which
    withholds further counts so that no withheld one can be worked out from what is shown."""
    district = district_cells(cells)
    building_counts, district_counts = count_groups(cells), count_groups(district)
    rows = assess_groups(building_counts, district_counts, minimums)
    counts = pd.concat([building_counts, district_counts], ignore_index=True)
    return protect_equity(rows, counts, minimums)
