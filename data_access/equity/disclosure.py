"""The equity rows as they may be published: `suppression` applied to every building's and the
district's group sizes and counts of one school year, before any page, chart, brief or export sees
them.

Group sizes (a population's students per group) are decided once per population and hold for every
indicator counted over it; then each indicator's counts. A count is published only with its group's
size; a risk only with both; a ratio and its flag only when the group and everyone else it is
compared with are both published. An alternate ratio is never published: it exists because everyone
else in the building is below the minimums, and the building's total minus the group would show them.

Each indicator is counted over its own population (POPULATIONS): every student; chronic absence's
students with an attendance row; below benchmark's students screened. Unmet need's population is
the students below benchmark, which is below benchmark's *count*: the same numbers, published twice.
So unmet need's group sizes are never decided afresh: a size is published only where below
benchmark's count of the same group is (and it is at least the n-size), and where that count is
withheld the size says only "withheld" (never "fewer than 30" or "to protect another", which would
tell the count's side of the n-size). Publishing both then shows nothing the below-benchmark rows
do not, and unmet need's counts are decided over those sizes like any other indicator's.
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


# Which population each indicator is counted over (any other: every student), and the indicator
# whose sizes decide each population's group sizes.
POPULATIONS = {
    "chronic_absence": "attendance",
    "below_benchmark": "screened",
    "unsupported_need": "below_benchmark",
}
POPULATION_BASE = {
    "students": "odr",
    "attendance": "chronic_absence",
    "screened": "below_benchmark",
}
# A population that is another indicator's count: population → that indicator.
COUNTED_POPULATIONS = {"below_benchmark": "below_benchmark"}


def population_of(indicator: str) -> str:
    return POPULATIONS.get(indicator, "students")


def _shape_of(indicator: str) -> str:
    """The indicator whose group sizes `indicator`'s tables line up with (a column for students of
    unknown race or sex exactly when that one has it)."""
    counted = COUNTED_POPULATIONS.get(population_of(indicator))
    return counted or indicator


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
        if not has_unknowns(grid, _shape_of(indicator), partition):
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
    count = Count(
        tables=list(tables.values()),
        totals=total,
        total_known=True,
        min_size=minimums.min_cell_size,
    )
    _settle(count, empty=total == 0)
    return tables


def _event_reasons(
    grid: Grid,
    indicator: str,
    sizes: dict[str, Table],
    flags: Grid,
    minimums: Minimums,
    known_sizes: dict[str, np.ndarray] | None = None,
) -> dict[str, Table]:
    """One indicator's counts of students with the outcome, decided after the group sizes.
    `known_sizes` marks sizes that are withheld here but published elsewhere (exactly known)."""
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
        if known_sizes is not None:
            size_upper = np.where(known_sizes[partition], size.values, size_upper)
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
    _settle(count, empty=grid[(indicator, "sex", "F")][:, 2] == 0)
    return tables


def _settle(count: Count, *, empty: np.ndarray) -> None:
    """Complementary suppression, with the rows of buildings where nobody is in the population (a
    high school's screening: nobody screened) taken as known zeros: nobody there to protect, so no
    other count is withheld for them. Their cells are then labelled too few, as a group of no
    students is everywhere else (the layer assumed the attacker knows them: withholding more than
    that assumption is only safer)."""
    if not empty.any():
        count.settle()
        return
    for table in count.tables:
        table.reason[empty] = SHOWN
        table.refresh_bounds()
    count.settle()
    for table in count.tables:
        table.reason[empty] = SMALL
        table.refresh_bounds()


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
    # Sizes withheld as "withheld" (their count's side of the n-size untold), per population.
    untold: dict[str, dict[str, np.ndarray]] = {}
    for indicator in indicators:
        population = population_of(indicator)
        known = None
        if population in COUNTED_POPULATIONS:
            counted = COUNTED_POPULATIONS[population]
            if counted not in decided:
                raise ValueError(f"{indicator}'s population is {counted}'s count: decide it first")
            sizes, known, untold[population] = _sizes_from_count(decided[counted], minimums)
            sizes_by_population[population] = sizes
        elif population not in sizes_by_population:
            counted_over = [i for i in indicators if population_of(i) == population]
            sizes_by_population[population] = _size_reasons(
                grid, POPULATION_BASE[population], flags, counted_over, minimums
            )
        sizes = sizes_by_population[population]
        events = _event_reasons(grid, indicator, sizes, flags, minimums, known)
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
    # A size that is another indicator's withheld count says only "withheld" (see the docstring).
    untold_group, untold_other = np.zeros(len(out), bool), np.zeros(len(out), bool)
    for (indicator, partition), index in out.groupby(["indicator", "group_type"]).indices.items():
        hidden = untold.get(population_of(indicator), {}).get(partition)
        if hidden is not None:
            untold_group[index] = hidden[r[index], c[index]]
            untold_other[index] = (
                untold_group[index] if partition in SPLIT_BY_COMPARISON else hidden[r[index], 1]
            )
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
    group_reason[untold_group] = COUNT_WITHHELD
    comparison_reason[untold_other] = COUNT_WITHHELD
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


def _sizes_from_count(
    counted: dict[str, tuple[Table, Table]], minimums: Minimums
) -> tuple[dict[str, Table], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """A population that is another indicator's count (unmet need's: below benchmark's), its group
    sizes decided by that count's decisions: published where the count is, it is at least the
    n-size and so is everyone else's; fewer than the n-size withheld as too few (the events beside
    them are then withheld, the primary rule); a withheld count's size withheld with it.

    Returns the sizes, which of them are withheld here yet known exactly (the count is published),
    and which may only be labelled "withheld" (the count is)."""
    sizes, known, untold = {}, {}, {}
    for partition, (_, count) in counted.items():
        published = count.reason == SHOWN
        small = count.values < minimums.min_n_size
        withheld = ~published
        if partition in SPLIT_BY_COMPARISON:
            # Everyone else below the n-size: the total minus this group would show them (as for
            # every population's sizes, see _size_reasons).
            total = count.values.sum(axis=1)
            withheld = withheld | ((total[:, None] - count.values) < minimums.min_n_size)
        reason = np.where(small, SMALL, np.where(withheld, PROTECT, SHOWN))
        sizes[partition] = Table(
            values=count.values.copy(),
            reason=reason,
            small_upper=np.full(count.values.shape, minimums.min_n_size - 1.0),
            protect_lower=np.full(count.values.shape, float(minimums.min_n_size)),
            upper_limit=np.full(count.values.shape, np.inf),
            priority=np.zeros(count.values.shape),
        )
        known[partition] = published & (reason != SHOWN)
        untold[partition] = ~published
    return sizes, known, untold


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
