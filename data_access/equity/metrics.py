"""Equity arithmetic over count tables: groups, risks, risk ratios, suppression and flags.

Pure functions over DataFrames, apart from the queries that feed them (`data_access/equity/queries.py`), so
every rule of the data contract's `equity` table is tested with hand-computed numbers.

The input is a *cell table*: one row per building (or the district) and demographic cell (race and
ethnicity x sex x IEP x EL x economically disadvantaged) with how many students the cell holds and how
many of them had each outcome. Every student sits in exactly one cell, so a group's counts are the sum
of its cells and its comparison group's counts are the population's minus the group's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access import labels, student_needs
from data_access.models import RACE_ETHNICITY, SEXES
from data_access.school_year import previous_school_year

DISTRICT_ID = "DISTRICT"  # the building_id of the district-wide rows

# The contract's ten indicators, in its order: name → what a leadership team calls it.
INDICATORS: dict[str, str] = labels.INDICATORS
# Which way a flag is a concern, per indicator: the one place that says so (issue 18).
# "over": an outcome that harms the students who have it (discipline, exclusion, chronic absence,
# and the contract's system-health indicators below benchmark and unmet need): a group having *more*
# of it than everyone else is the concern; a group having less of it is good news, kept as context.
# "both": identification and access to tiered supports: too many (over-identification,
# over-placement) and too few (missing out on supports) are both questions for the team.
CONCERN_DIRECTIONS: dict[str, str] = {
    "odr": "over",
    "iss": "over",
    "oss": "over",
    "exclusion": "over",
    "chronic_absence": "over",
    "tier2plus": "both",
    "tier3": "both",
    "sped_identification": "both",
    "below_benchmark": "over",
    "unsupported_need": "over",
}
# Indicators whose population is not every student: chronic absence counts only students with an
# attendance row and at least this many days enrolled (the rule is in `data_access.student_needs`).
CHRONIC_ABSENCE_MIN_DAYS = student_needs.CHRONIC_ABSENCE_MIN_DAYS
CHRONIC_ABSENCE_RATE = 0.10

GROUP_COLUMNS = ("race_ethnicity", "sex", "iep", "el", "econ_disadv")
# (group_type, group) in the contract's order.
GROUPS: tuple[tuple[str, str], ...] = (
    *(("race_ethnicity", code) for code in RACE_ETHNICITY),
    *(("sex", code) for code in SEXES),
    ("iep", "Y"),
    ("el", "Y"),
    ("econ_disadv", "Y"),
)
GROUP_LABELS: dict[tuple[str, str], str] = labels.GROUPS
# sped_identification is "has an IEP": reporting it for the IEP group itself would say nothing.
NOT_REPORTED = {("sped_identification", "iep")}

RATIO_TYPES = ("risk_ratio", "alternate_risk_ratio", "not_calculated")

# The cell table's count columns: students, the chronic-absence population, and events per indicator
# (sped_identification needs no column: in a cell, either every student has an IEP or none does).
CELL_COUNTS = (
    "n_students",
    "n_attendance",
    "odr",
    "iss",
    "oss",
    "exclusion",
    "chronic_absence",
    "tier2plus",
    "tier3",
    "n_screened",
    "below_benchmark",
    "unsupported_need",
)

EXPORT_COLUMNS = [
    "school_year",
    "building_id",
    "indicator",
    "group_type",
    "group",
    "n_group",
    "events_group",
    "risk_group",
    "n_comparison",
    "events_comparison",
    "risk_comparison",
    "ratio",
    "ratio_type",
    "flag",
]
_KEYS = ["building_id", "indicator", "group_type", "group"]


@dataclass(frozen=True)
class Minimums:
    """The privacy and flagging rules in force (from settings)."""

    min_cell_size: int = 10  # fewest students with the outcome for a count or risk to be shown
    min_n_size: int = 30  # fewest students in a group for a risk to be shown or a ratio calculated
    threshold: float = 2.0  # a ratio above this is flagged `over`, below its inverse `under`

    def meets(self, n: pd.Series, events: pd.Series) -> pd.Series:
        return (events >= self.min_cell_size) & (n >= self.min_n_size)


def _indicator_counts(cells: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series]]:
    """For each indicator, the (population, events) count of every cell."""
    iep = cells["iep"].astype(bool)
    counts = {}
    for indicator in INDICATORS:
        if indicator == "chronic_absence":
            counts[indicator] = (cells["n_attendance"], cells["chronic_absence"])
        elif indicator == "below_benchmark":
            counts[indicator] = (cells["n_screened"], cells["below_benchmark"])
        elif indicator == "unsupported_need":
            # Its population is below_benchmark's events: see equity.disclosure.
            counts[indicator] = (cells["below_benchmark"], cells["unsupported_need"])
        elif indicator == "sped_identification":
            counts[indicator] = (cells["n_students"], cells["n_students"].where(iep, 0))
        else:
            counts[indicator] = (cells["n_students"], cells[indicator])
    return counts


def _members(cells: pd.DataFrame, group_type: str, group: str) -> pd.Series:
    if group_type in ("iep", "el", "econ_disadv"):
        return cells[group_type].astype(bool)
    return cells[group_type] == group


def count_groups(cells: pd.DataFrame) -> pd.DataFrame:
    """Cells → one row per building, indicator and group with the group's and its population's counts.

    Columns: building_id, indicator, group_type, group, n_group, events_group, n_population,
    events_population. Every group appears for every building in `cells`, with zeros when the building
    has none of its students, so a missing group never looks like a missing row."""
    columns = [*_KEYS, "n_group", "events_group", "n_population", "events_population"]
    buildings = np.array(sorted(cells["building_id"].unique()), dtype=object)
    if len(buildings) == 0:
        return pd.DataFrame(columns=columns)
    # One matrix of (population, events) per indicator and cell; a group's counts per building are
    # the sums of its cells' rows.
    counts = _indicator_counts(cells)
    matrix = np.column_stack(
        [np.asarray(part, dtype=np.int64) for pair in counts.values() for part in pair]
    )
    position = {building: i for i, building in enumerate(buildings)}
    building_index = cells["building_id"].map(position).to_numpy()

    def per_building(values: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [
                np.bincount(building_index, weights=column, minlength=len(buildings))
                for column in values.T
            ]
        ).astype(np.int64)

    population = per_building(matrix)  # (buildings, 2 x indicators)

    blocks: list[tuple[str, str, str, int]] = []
    sums = []
    for group_type, group in GROUPS:
        members = _members(cells, group_type, group).to_numpy()
        group_sums = per_building(matrix * members[:, None])
        for k, indicator in enumerate(INDICATORS):
            if (indicator, group_type) not in NOT_REPORTED:
                blocks.append((indicator, group_type, group, k))
                sums.append(group_sums[:, 2 * k : 2 * k + 2])
    size = len(buildings)
    k = np.array([block[3] for block in blocks])
    group_counts = np.concatenate(sums)  # blocks x buildings rows, (n, events)
    population_counts = np.concatenate([population[:, 2 * i : 2 * i + 2] for i in k])
    return pd.DataFrame(
        {
            "building_id": np.tile(buildings, len(blocks)),
            "indicator": np.repeat([block[0] for block in blocks], size).astype(object),
            "group_type": np.repeat([block[1] for block in blocks], size).astype(object),
            "group": np.repeat([block[2] for block in blocks], size).astype(object),
            "n_group": group_counts[:, 0],
            "events_group": group_counts[:, 1],
            "n_population": population_counts[:, 0],
            "events_population": population_counts[:, 1],
        },
        columns=columns,
    )


def district_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """The district's cell table from every building's (each student is in one building a year)."""
    summed = cells.groupby(list(GROUP_COLUMNS), as_index=False)[list(CELL_COUNTS)].sum()
    return summed.assign(building_id=DISTRICT_ID)


def assess_groups(
    building_counts: pd.DataFrame, district_counts: pd.DataFrame, minimums: Minimums
) -> pd.DataFrame:
    """Risks, ratio, ratio type, suppression and flag for every building row and the district rows.

    `building_counts` and `district_counts` come from `count_groups`; the district's are the
    whole district's even when `building_counts` holds only some buildings, because an alternate risk
    ratio compares a building's group with everyone in the district not in that group.

    Returns the contract's columns (without school_year) in its order; withheld values are NaN, so
    nothing downstream (page, chart, hover text, export) can show a number the rules withhold."""
    counts = ["n_group", "events_group", "n_population", "events_population"]
    district = district_counts.assign(building_id=DISTRICT_ID).astype(
        dict.fromkeys(counts, "int64")
    )
    building_counts = building_counts.astype(dict.fromkeys(counts, "int64"))
    district_comparison = district.assign(
        n_district_comparison=district["n_population"] - district["n_group"],
        events_district_comparison=district["events_population"] - district["events_group"],
    )[["indicator", "group_type", "group", "n_district_comparison", "events_district_comparison"]]

    buildings = building_counts[building_counts["building_id"] != DISTRICT_ID]
    rows = pd.concat([district, buildings], ignore_index=True)
    rows = rows.merge(district_comparison, on=["indicator", "group_type", "group"], how="left")
    rows["n_comparison"] = rows["n_population"] - rows["n_group"]
    rows["events_comparison"] = rows["events_population"] - rows["events_group"]

    group_ok = minimums.meets(rows["n_group"], rows["events_group"])
    comparison_ok = minimums.meets(rows["n_comparison"], rows["events_comparison"])
    district_ok = minimums.meets(rows["n_district_comparison"], rows["events_district_comparison"])
    is_district = rows["building_id"] == DISTRICT_ID
    plain = group_ok & comparison_ok
    alternate = group_ok & ~comparison_ok & district_ok & ~is_district
    rows["ratio_type"] = np.select([plain, alternate], RATIO_TYPES[:2], RATIO_TYPES[2])
    # An alternate ratio's comparison columns describe the district comparison group.
    rows.loc[alternate, "n_comparison"] = rows.loc[alternate, "n_district_comparison"]
    rows.loc[alternate, "events_comparison"] = rows.loc[alternate, "events_district_comparison"]

    calculated = plain | alternate
    # One division of integer products: 20 of 100 against 10 of 100 is exactly 2.0, so a ratio
    # exactly at the threshold is never flagged by a rounding error.
    numerator = rows["events_group"] * rows["n_comparison"]
    denominator = rows["n_group"] * rows["events_comparison"]
    rows["ratio"] = (numerator / denominator.where(calculated)).astype("float64").where(calculated)
    rows["flag"] = np.select(
        [rows["ratio"] > minimums.threshold, rows["ratio"] < 1 / minimums.threshold],
        ["over", "under"],
        "",
    )
    rows["flag"] = rows["flag"].replace("", None)

    for side in ("group", "comparison"):
        n, events = rows[f"n_{side}"], rows[f"events_{side}"]
        shown = minimums.meets(n, events)
        rows[f"risk_{side}"] = (events / n.where(n > 0)).astype("float64").where(shown)
        rows[f"events_{side}"] = events.astype("Int64").where(shown)
        rows[f"n_{side}"] = n.astype("int64")

    rows = rows.assign(
        _building_order=~is_district,
        _indicator_order=rows["indicator"].map({name: i for i, name in enumerate(INDICATORS)}),
        _group_order=(rows["group_type"] + ":" + rows["group"]).map(
            {f"{group_type}:{group}": i for i, (group_type, group) in enumerate(GROUPS)}
        ),
    )
    rows = rows.sort_values(
        ["_building_order", "building_id", "_indicator_order", "_group_order"], kind="stable"
    )
    return rows[EXPORT_COLUMNS[1:]].reset_index(drop=True)


def compute_equity(
    cells: pd.DataFrame, district: pd.DataFrame | None, minimums: Minimums
) -> pd.DataFrame:
    """The contract's rows (without school_year) from a building cell table.

    `district` is the district-wide cell table; None means `cells` holds every building, so the
    district is their sum."""
    district = district_cells(cells) if district is None else district
    building_counts, district_counts = count_groups(cells), count_groups(district)
    return assess_groups(building_counts, district_counts, minimums)


def is_concern(indicator: str, flag: str | None) -> bool:
    """Whether a flag (`over`, `under` or none) on `indicator` is one to count and act on."""
    if not isinstance(flag, str) or not flag:
        return False
    return CONCERN_DIRECTIONS[indicator] in ("both", flag)


def concern_mask(rows: pd.DataFrame) -> pd.Series:
    """For rows with `indicator` and `flag` (the contract's `equity` rows): True where the row is
    flagged the way its indicator's concern points (CONCERN_DIRECTIONS). An `under` flag on a harmful
    outcome is False: the group has less of it than everyone else, which is context, not a concern."""
    direction = rows["indicator"].map(CONCERN_DIRECTIONS)
    flag = rows["flag"]
    mask = flag.notna() & ((direction == "both") | (direction == flag))
    return mask.astype(bool)


def only_concerns(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of `rows` that are concerns (see concern_mask), index kept."""
    return rows[concern_mask(rows)] if len(rows) else rows


def flag_reference(indicator: str, group_type: str, group: str, school_year: str) -> str:
    """One identifier for an equity flag wherever an action links back to it (the Equity page, the
    Overview's agenda, the demo): "oss BL 2025-26", "oss iep 2025-26". A yes-or-no group (IEP, EL,
    economically disadvantaged) is named by its column, since its value is only "Y"."""
    group_code = group if group_type in ("race_ethnicity", "sex") else group_type
    return f"{indicator} {group_code} {school_year}"


def count_consecutive_flags(history: pd.DataFrame, *, school_year: str) -> pd.DataFrame:
    """The flagged rows of `school_year` with `years_flagged`: how many school years in a row, ending
    with this one, the same building, indicator and group carried the same flag.

    `history` holds the rows of any number of school years (column school_year plus the contract's
    keys and flag); a school year missing from it ends a run, as a year without data proves nothing."""
    flagged = history[history["flag"].notna()]
    current = flagged[flagged["school_year"] == school_year].copy()
    keys = [*_KEYS, "flag"]
    flagged_by_year = {
        year: set(map(tuple, rows[keys].itertuples(index=False)))
        for year, rows in flagged.groupby("school_year")
    }
    years = []
    for key in current[keys].itertuples(index=False):
        count, year = 1, previous_school_year(school_year)
        while tuple(key) in flagged_by_year.get(year, set()):
            count, year = count + 1, previous_school_year(year)
        years.append(count)
    current["years_flagged"] = pd.Series(years, index=current.index, dtype="int64")
    return current.reset_index(drop=True)
