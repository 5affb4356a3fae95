"""The equity rows as they may be published: `disclosure` applied to every building's and the
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

from data_access.disclosure import PROTECT, SHOWN, SMALL, Count, Table
from data_access.equity_metrics import DISTRICT_ID, NOT_REPORTED, Minimums
from data_access.models import RACE_ETHNICITY, SEXES

# Each partition of the students: its members add up to the building. A yes/no group's "N" member is
# everyone else, published as that group's comparison.
PARTITIONS: dict[str, tuple[str, ...]] = {
    "race_ethnicity": RACE_ETHNICITY,
    "sex": SEXES,
    "iep": ("Y", "N"),
    "el": ("Y", "N"),
    "econ_disadv": ("Y", "N"),
}
SPLIT_BY_COMPARISON = ("race_ethnicity", "sex")  # everyone else is the total minus the member

# Why a side of a row is withheld, as the page says it: a group of fewer than the n-size; a size
# withheld to protect another group; a count withheld (too few had it, or to protect another: the
# two are never told apart, see `_event_reasons`).
TOO_FEW_STUDENTS = "too_few_students"
PROTECTS_ANOTHER = "protects_another"
COUNT_WITHHELD = "count_withheld"


def _matrix(frame: pd.DataFrame, rows: list[str], column: str, partition: str) -> np.ndarray:
    """Rows x members of one partition: the member's `column` count, an "N" member the total's
    count minus the "Y" member's."""
    part = frame[frame["group_type"] == partition]
    if partition in SPLIT_BY_COMPARISON:
        table = part.pivot(index="building_id", columns="group", values=column)
        return table.reindex(index=rows, columns=list(PARTITIONS[partition])).to_numpy(float)
    part = part.set_index("building_id").reindex(rows)
    yes = part[column].to_numpy(float)
    total = part[column.replace("group", "population")].to_numpy(float)
    return np.column_stack([yes, total - yes])


def _priority(flags: pd.DataFrame, rows: list[str], partition: str) -> np.ndarray:
    """1 for the cell of a flagged group (kept shown whenever another cell will do), else 0."""
    flagged = set(zip(flags["building_id"], flags["group"], strict=True))
    members = PARTITIONS[partition]
    return np.array([[float((r, m) in flagged) for m in members] for r in rows])


def _size_reasons(
    counts: pd.DataFrame, rows: list[str], flags: pd.DataFrame, minimums: Minimums
) -> dict[str, Table]:
    """The group sizes of one population, decided: primary (fewer than the n-size, or everyone else
    fewer), then complementary."""
    tables = {}
    totals = counts.drop_duplicates("building_id").set_index("building_id")["n_population"]
    total = totals.reindex(rows).to_numpy(dtype=float)
    for partition in PARTITIONS:
        values = _matrix(counts, rows, "n_group", partition)
        small = values < minimums.min_n_size
        if partition in SPLIT_BY_COMPARISON:
            # Everyone else below the n-size: the building's size minus this group would show them.
            everyone_else_small = (total[:, None] - values) < minimums.min_n_size
            reason = np.where(small, SMALL, np.where(everyone_else_small, PROTECT, SHOWN))
        else:
            reason = np.where(small, SMALL, SHOWN)
        # A size's label says which side of the n-size it is on ("fewer than 30 students").
        tables[partition] = Table(
            values=values,
            reason=reason,
            small_upper=np.full(values.shape, minimums.min_n_size - 1.0),
            protect_lower=np.full(values.shape, float(minimums.min_n_size)),
            upper_limit=np.full(values.shape, np.inf),
            priority=_priority(flags, rows, partition),
        )
    Count(
        tables=list(tables.values()),
        totals=total,
        total_known=True,
        min_size=minimums.min_cell_size,
    ).settle()
    return tables


def _event_reasons(
    counts: pd.DataFrame,
    rows: list[str],
    sizes: dict[str, Table],
    flags: pd.DataFrame,
    minimums: Minimums,
) -> dict[str, Table]:
    """One indicator's counts of students with the outcome, decided after the group sizes."""
    indicator = counts["indicator"].iloc[0]
    tables = {}
    totals = counts.drop_duplicates("building_id").set_index("building_id")["events_population"]
    total = totals.reindex(rows).to_numpy(dtype=float)
    for partition in PARTITIONS:
        if (indicator, partition) in NOT_REPORTED:
            continue
        values = _matrix(counts, rows, "events_group", partition)
        size = sizes[partition]
        size_small = size.reason == SMALL
        small = (values < minimums.min_cell_size) | size_small
        withheld = size.hidden.copy()  # a count is published only with its group's size
        if partition in SPLIT_BY_COMPARISON:
            withheld |= (total[:, None] - values) < minimums.min_cell_size
        reason = np.where(small, SMALL, np.where(withheld, PROTECT, SHOWN))
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
            priority=_priority(flags, rows, partition),
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


def _side_reason(size: int, events: int) -> str | None:
    if size == SMALL:
        return TOO_FEW_STUDENTS
    if size == PROTECT:
        return PROTECTS_ANOTHER
    return COUNT_WITHHELD if events != SHOWN else None


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
    flags = rows[rows["flag"].notna()]
    decided: dict[tuple[str, str], dict[str, tuple[Table, Table]]] = {}
    sizes_by_population: dict[str, dict[str, Table]] = {}
    for indicator, part in counts.groupby("indicator", sort=False):
        population = "attendance" if indicator == "chronic_absence" else "students"
        if population not in sizes_by_population:
            base = part if population == "attendance" else counts[counts["indicator"] == "odr"]
            sizes_by_population[population] = _size_reasons(base, order, flags, minimums)
        sizes = sizes_by_population[population]
        events = _event_reasons(
            part, order, sizes, flags[flags["indicator"] == indicator], minimums
        )
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
    group_side, comparison_side = [], []
    for row in out[["building_id", "indicator", "group_type", "group"]].itertuples(index=False):
        size, events = decided[row.indicator][row.group_type]
        r = position[row.building_id]
        members = PARTITIONS[row.group_type]
        c = members.index(row.group)
        group_side.append(_side_reason(size.reason[r, c], events.reason[r, c]))
        if row.group_type in SPLIT_BY_COMPARISON:
            # Everyone else is published exactly when the group is (the total is then known).
            comparison_n = size.values[r].sum() - size.values[r, c]
            if size.reason[r, c] == SHOWN and events.reason[r, c] == SHOWN:
                comparison_side.append(None)
            elif comparison_n < minimums.min_n_size:
                comparison_side.append(TOO_FEW_STUDENTS)
            elif size.reason[r, c] == SHOWN:
                comparison_side.append(COUNT_WITHHELD)
            else:
                comparison_side.append(PROTECTS_ANOTHER)
        else:
            comparison_side.append(_side_reason(size.reason[r, 1], events.reason[r, 1]))
    out["withheld_group"] = group_side
    out["withheld_comparison"] = comparison_side

    group_size_shown = ~out["withheld_group"].isin([TOO_FEW_STUDENTS]) & _size_shown(
        out, decided, position, comparison=False
    )
    comparison_size_shown = _size_shown(out, decided, position, comparison=True)
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


def _size_shown(
    out: pd.DataFrame,
    decided: dict[str, dict[str, tuple[Table, Table]]],
    position: dict[str, int],
    *,
    comparison: bool,
) -> pd.Series:
    """Whether each row's group size (or its comparison's) is published by the size layer."""
    shown = []
    for row in out[["building_id", "indicator", "group_type", "group"]].itertuples(index=False):
        size, _ = decided[row.indicator][row.group_type]
        r, c = position[row.building_id], PARTITIONS[row.group_type].index(row.group)
        if not comparison:
            shown.append(size.reason[r, c] == SHOWN)
        elif row.group_type in SPLIT_BY_COMPARISON:
            shown.append(size.reason[r, c] == SHOWN)  # total minus a published size
        else:
            shown.append(size.reason[r, 1] == SHOWN)
    return pd.Series(shown, index=out.index, dtype=bool)
