"""The IDEA discipline rows as they may be published: the equity disclosure-avoidance layer
(`suppression`) applied to students with IEPs by race and ethnicity, jointly with the rows the
equity layer already published for the same students.

Joint with equity: a building's race groups among students with IEPs add up to its "has an IEP"
group, whose size and discipline counts the equity rows publish. So the layer (1) treats every row
total (students with IEPs, and each measure's count among them) as known to anyone, whether or not
it is published, so a withheld cell can never be worked out by subtracting the published cells of
its row from a total taken from another table; and (2) withholds every IDEA cell of a building (or
the district) whose IEP group the equity rows did not publish in full, so the IDEA cells, added up,
never give back a size or count the equity layer withheld. Complementary suppression across the
buildings (they add up to the district) then runs as for equity.

Total removals count removals, not students: one student may have many, so the count is not bounded
by the group's size and a large count may still be one student's. It is published only when at
least `min_cell_size` students of the group were removed at all and at least `min_cell_size` were
not (otherwise "12 removals" could be one student's twelve), and never bounded by the group's size
in the audit (its withheld cells are unbounded above, so only the row and column sums narrow them).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from data_access.equity.disclosure import COUNT_WITHHELD, PROTECTS_ANOTHER, TOO_FEW_STUDENTS
from data_access.equity.idea import IDEA_MEASURES
from data_access.equity.metrics import DISTRICT_ID, Minimums
from data_access.models import RACE_ETHNICITY
from data_access.suppression import PROTECT, SHOWN, SMALL, Count, Table


def iep_published(equity_rows: pd.DataFrame) -> set[str]:
    """The buildings (and DISTRICT_ID) whose "has an IEP" group the published equity rows show in
    full: its size and every indicator's count."""
    iep = equity_rows[(equity_rows["group_type"] == "iep") & (equity_rows["group"] == "Y")]
    shown = iep["n_group"].notna() & iep["events_group"].notna()
    return set(iep["building_id"]) - set(iep.loc[~shown, "building_id"])


def _matrix(rows: pd.DataFrame, measure: str, column: str, order: list[str]) -> np.ndarray:
    of = rows[rows["measure"] == measure].pivot(index="building_id", columns="group", values=column)
    return of.reindex(index=order, columns=list(RACE_ETHNICITY)).fillna(0).to_numpy(float)


def protect_idea(
    rows: pd.DataFrame,
    measures: pd.DataFrame,
    published_iep: Iterable[str],
    minimums: Minimums,
) -> pd.DataFrame:
    """`rows` (idea_ratios' rows) with every value the layer withholds set missing, ratio_type
    not_calculated where the ratio is withheld, and `withheld_group` / `withheld_comparison`.

    `measures`: removal_measures' rows the ratios were computed from (for the students removed at
    least once, which total removals need). `published_iep`: `iep_published` of the year's equity."""
    if rows.empty:
        return rows.assign(withheld_group=None, withheld_comparison=None)
    order = [*sorted(set(rows["building_id"]) - {DISTRICT_ID}), DISTRICT_ID]
    closed = np.array([b not in set(published_iep) for b in order])
    low = minimums.min_cell_size

    n = _matrix(rows, "oss_10_or_fewer", "n_group", order)
    total = n.sum(axis=1)
    reason = np.where(
        n < minimums.min_n_size,
        SMALL,
        np.where((total[:, None] - n < minimums.min_n_size) | closed[:, None], PROTECT, SHOWN),
    )
    sizes = Table(
        values=n,
        reason=reason,
        small_upper=np.full(n.shape, minimums.min_n_size - 1.0),
        protect_lower=np.full(n.shape, float(minimums.min_n_size)),
        upper_limit=np.full(n.shape, np.inf),
        priority=np.zeros(n.shape),
    )
    Count(tables=[sizes], totals=total, total_known=True, min_size=low).settle()

    removed = _removed_at_least_once(measures, order)
    events_reason: dict[str, np.ndarray] = {}
    for measure in IDEA_MEASURES:
        events = _matrix(rows, measure, "events_group", order)
        row_total = events.sum(axis=1)
        counted = removed if measure == "total_removals" else events
        small = (counted < low) | (n - counted < low) | (sizes.reason == SMALL)
        withheld = sizes.hidden | (row_total[:, None] - events < low) | closed[:, None]
        bounded = measure != "total_removals"
        upper = np.where(sizes.reason == SHOWN, n, np.inf) if bounded else np.full(n.shape, np.inf)
        table = Table(
            values=events,
            reason=np.where(small, SMALL, np.where(withheld, PROTECT, SHOWN)),
            small_upper=upper,
            protect_lower=np.zeros(n.shape),
            upper_limit=upper,
            priority=np.zeros(n.shape),
        )
        # Row totals taken as known (see the module's docstring): the strictest attacker.
        Count(tables=[table], totals=row_total, total_known=True, min_size=low).settle()
        events_reason[measure] = table.reason

    out = rows.copy()
    r = out["building_id"].map({b: i for i, b in enumerate(order)}).to_numpy()
    c = out["group"].map({g: i for i, g in enumerate(RACE_ETHNICITY)}).to_numpy()
    size_reason = sizes.reason[r, c]
    event_reason = np.zeros(len(out), int)
    for measure, index in out.groupby("measure").indices.items():
        event_reason[index] = events_reason[measure][r[index], c[index]]
    group_reason = np.select(
        [size_reason == SMALL, size_reason == PROTECT, event_reason != SHOWN],
        [TOO_FEW_STUDENTS, PROTECTS_ANOTHER, COUNT_WITHHELD],
        None,
    ).astype(object)
    group_shown = pd.isna(pd.Series(group_reason, index=out.index))
    # Everyone else with an IEP is the row's total minus the group: published exactly with it.
    state_based = (out["building_id"] == DISTRICT_ID) & out["n_comparison"].isna()
    comparison_reason = np.where(
        group_shown | state_based,
        None,
        np.where(size_reason == SHOWN, COUNT_WITHHELD, PROTECTS_ANOTHER),
    ).astype(object)
    out["withheld_group"] = group_reason
    out["withheld_comparison"] = comparison_reason
    out["n_group"] = out["n_group"].astype("Int64").where(size_reason == SHOWN)
    out["n_comparison"] = out["n_comparison"].astype("Int64").where(group_shown)
    for column in ("events_group", "risk_group", "events_comparison"):
        out[column] = out[column].where(group_shown)
    out["risk_comparison"] = out["risk_comparison"].where(group_shown)
    # An alternate ratio against the district's other students with IEPs is never published (as for
    # equity: it exists because everyone else in the building is too few); one against the state's
    # published comparison rate is, with its group.
    ratio_shown = group_shown & (
        (out["ratio_type"] == "risk_ratio")
        | ((out["ratio_type"] == "alternate_risk_ratio") & state_based)
    )
    out["ratio"] = out["ratio"].where(ratio_shown)
    out["flag"] = out["flag"].where(ratio_shown, None)
    out["ratio_type"] = out["ratio_type"].where(ratio_shown, "not_calculated")
    return out


def _removed_at_least_once(measures: pd.DataFrame, order: list[str]) -> np.ndarray:
    every = pd.concat([measures, measures.assign(building_id=DISTRICT_ID)], ignore_index=True)
    every = every.assign(removed=(every["total_removals"] > 0).astype(int))
    counts = every.pivot_table(
        index="building_id", columns="race_ethnicity", values="removed", aggfunc="sum"
    )
    return counts.reindex(index=order, columns=list(RACE_ETHNICITY)).fillna(0).to_numpy(float)
