"""An attacker for the equity rows: from everything published for one school year and indicator,
how narrowly can each withheld count be worked out?

It knows what anyone reading the page, its hover texts and the export knows: every published group
size, count, risk and ratio of every building and the district; each building's enrolment (the
staffing export publishes it); what each withheld cell's label says ("fewer than 30 students": a size
of 0 to 29; "withheld to protect another group": a size of at least 30; a withheld count: at most its
group's size); and how the numbers fit together: a group plus everyone else is the building, the race
groups add up to it, so do the sexes, each yes/no group and its complement, the buildings add up to
the district, a risk times its size is a count, and a ratio ties a group's count to everyone else's.
For special-education identification it also knows that every student with an IEP counts and nobody
else does. Each indicator's population is its own (chronic absence's students with attendance,
below benchmark's students screened: at most the building's enrolment); unmet need's population is
below benchmark's count, group by group, so the two are solved together as one programme.

It solves those equations as a linear programme twice per withheld value (the smallest and the
largest value it can take), then rounds inwards, as whole students come in whole numbers. A withheld
value whose range holds fewer than `min_values` whole numbers is a disclosure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import lil_matrix

from data_access.equity.disclosure import PARTITIONS, SPLIT_BY_COMPARISON, TOO_FEW_STUDENTS
from data_access.equity.disclosure import PROTECTS_ANOTHER as SIZE_PROTECTED
from data_access.equity.metrics import DISTRICT_ID, NOT_REPORTED


@dataclass(frozen=True)
class Disclosure:
    building_id: str
    indicator: str
    group_type: str
    group: str
    what: str  # n_group, events_group, n_comparison or events_comparison
    low: int
    high: int

    def __str__(self) -> str:
        return (
            f"{self.building_id} {self.indicator} {self.group_type}={self.group} {self.what}: "
            f"between {self.low} and {self.high}"
        )


class _Programme:
    """Variables and linear equalities/inequalities over them."""

    def __init__(self) -> None:
        self.index: dict[tuple, int] = {}
        self.upper: list[float] = []
        self.lower: list[float] = []
        self.equalities: list[tuple[dict[int, float], float]] = []
        self.inequalities: list[tuple[dict[int, float], float]] = []  # sum <= value

    def var(self, *key) -> int:
        if key not in self.index:
            self.index[key] = len(self.index)
            self.lower.append(0.0)
            self.upper.append(math.inf)
        return self.index[key]

    def equal(self, terms: dict[int, float], value: float) -> None:
        self.equalities.append((terms, value))

    def at_most(self, terms: dict[int, float], value: float) -> None:
        self.inequalities.append((terms, value))

    def bound(self, variable: int, low: float | None = None, high: float | None = None) -> None:
        if low is not None:
            self.lower[variable] = max(self.lower[variable], low)
        if high is not None:
            self.upper[variable] = min(self.upper[variable], high)

    def solver(self):
        """HiGHS with the programme loaded once; each range is two re-solves with a new objective,
        warm-started from the last basis."""
        import highspy
        from scipy.sparse import csc_matrix

        rows = [*self.equalities, *self.inequalities]
        matrix = lil_matrix((len(rows), len(self.index)))
        row_lower, row_upper = [], []
        for i, (terms, value) in enumerate(rows):
            for variable, coefficient in terms.items():
                matrix[i, variable] += coefficient
            row_lower.append(value if i < len(self.equalities) else -highspy.kHighsInf)
            row_upper.append(value)
        matrix = csc_matrix(matrix)
        model = highspy.HighsLp()
        model.num_col_, model.num_row_ = len(self.index), len(rows)
        model.col_cost_ = np.zeros(len(self.index))
        model.col_lower_ = np.array(self.lower)
        model.col_upper_ = np.array([highspy.kHighsInf if math.isinf(u) else u for u in self.upper])
        model.row_lower_, model.row_upper_ = np.array(row_lower), np.array(row_upper)
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = matrix.indptr
        model.a_matrix_.index_ = matrix.indices
        model.a_matrix_.value_ = matrix.data
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.passModel(model)
        return highs

    def range_of(self, objective: dict[int, float], highs) -> tuple[float, float]:
        import highspy

        columns = np.array(list(objective), dtype=np.int32)
        highs.changeColsCost(len(columns), columns, np.array(list(objective.values()), float))
        ends = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            highs.changeObjectiveSense(sense)
            highs.run()
            status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kUnbounded:
                ends.append(-math.inf if sense == highspy.ObjSense.kMinimize else math.inf)
            else:
                assert status == highspy.HighsModelStatus.kOptimal, highs.modelStatusToString(
                    status
                )
                ends.append(highs.getInfo().objective_function_value)
        highs.changeColsCost(len(columns), columns, np.zeros(len(columns)))
        return ends[0], ends[1]


def _shown(value) -> bool:
    return value is not None and not pd.isna(value)


# Indicators whose numbers tie together, attacked as one programme: unmet need's population (students
# below benchmark) is below benchmark's count, group by group.
LINKED = (("below_benchmark", "unsupported_need"),)
# Indicators whose population is a part of the building's students (at most its enrolment).
PART_OF_ENROLMENT = ("chronic_absence", "below_benchmark", "unsupported_need")


def attack(
    rows: pd.DataFrame,
    enrolment: dict[str, int],
    *,
    min_values: int,
    empty: frozenset[tuple[str, str]] = frozenset(),
) -> list[Disclosure]:
    """Every withheld value of `rows` (one school year's published equity rows, every building and
    the district) that the attacker narrows to fewer than `min_values` whole numbers.

    `empty` holds the (indicator, building) pairs where nobody is in the indicator's population (a
    high school screens nobody): their zeros are about no student, so working them out is no
    disclosure (the layer treats them as known); everything else about them still counts."""
    found = []
    present = list(dict.fromkeys(rows["indicator"]))
    linked = [[i for i in group if i in present] for group in LINKED]
    groups = [group for group in linked if group]
    groups += [[i] for i in present if not any(i in group for group in groups)]
    for indicators in groups:
        part = rows[rows["indicator"].isin(indicators)]
        found += _attack_indicators(indicators, part, enrolment, min_values)
    return [f for f in found if (f.indicator, f.building_id) not in empty]


def _attack_indicators(indicators, rows, enrolment, min_values) -> list[Disclosure]:
    lp = _Programme()
    buildings = sorted(set(rows["building_id"]) - {DISTRICT_ID})
    every_row = [*buildings, DISTRICT_ID]

    def e(i, r, p, m):
        return lp.var("e", i, r, p, m)

    def n(i, r, p, m):
        return lp.var("n", i, r, p, m)

    def total_e(i, r):
        return lp.var("T", i, r)

    def total_n(i, r):
        return lp.var("N", i, r)

    # How the numbers fit together.
    for indicator in indicators:
        for r in every_row:
            for p in PARTITIONS:  # every partition exists, reported or not
                lp.equal({e(indicator, r, p, m): 1 for m in PARTITIONS[p]}
                         | {total_e(indicator, r): -1}, 0)  # fmt: skip
                lp.equal({n(indicator, r, p, m): 1 for m in PARTITIONS[p]}
                         | {total_n(indicator, r): -1}, 0)  # fmt: skip
                for m in PARTITIONS[p]:
                    # a count is at most its group
                    lp.at_most({e(indicator, r, p, m): 1, n(indicator, r, p, m): -1}, 0)
            if r in enrolment:
                if indicator in PART_OF_ENROLMENT:
                    lp.bound(total_n(indicator, r), 0, enrolment[r])
                else:
                    lp.bound(total_n(indicator, r), enrolment[r], enrolment[r])
            if indicator == "sped_identification":
                # Every student with an IEP is identified, nobody else.
                lp.equal({e(indicator, r, "iep", "Y"): 1, n(indicator, r, "iep", "Y"): -1}, 0)
                lp.bound(e(indicator, r, "iep", "N"), 0, 0)
            if indicator == "unsupported_need" and "below_benchmark" in indicators:
                # Its population is below benchmark's count, group by group.
                for p in PARTITIONS:
                    for m in PARTITIONS[p]:
                        lp.equal({n(indicator, r, p, m): 1, e("below_benchmark", r, p, m): -1}, 0)
                lp.equal({total_n(indicator, r): 1, total_e("below_benchmark", r): -1}, 0)
        for p in PARTITIONS:
            for m in PARTITIONS[p]:
                for kind in (e, n):
                    lp.equal({kind(indicator, b, p, m): 1 for b in buildings}
                             | {kind(indicator, DISTRICT_ID, p, m): -1}, 0)  # fmt: skip
        for kind in (total_e, total_n):
            lp.equal({kind(indicator, b): 1 for b in buildings}
                     | {kind(indicator, DISTRICT_ID): -1}, 0)  # fmt: skip

    # Each side of each published row, as a linear expression of the variables.
    def sides(row) -> dict[str, dict[int, float]]:
        i, r, p, g = row.indicator, row.building_id, row.group_type, row.group
        if p in SPLIT_BY_COMPARISON:
            return {
                "n_group": {n(i, r, p, g): 1},
                "events_group": {e(i, r, p, g): 1},
                "n_comparison": {total_n(i, r): 1, n(i, r, p, g): -1},
                "events_comparison": {total_e(i, r): 1, e(i, r, p, g): -1},
            }
        return {
            "n_group": {n(i, r, p, g): 1},
            "events_group": {e(i, r, p, g): 1},
            "n_comparison": {n(i, r, p, "N"): 1},
            "events_comparison": {e(i, r, p, "N"): 1},
        }

    # A withheld unmet-need size whose below-benchmark count is published is no secret (the same
    # number, published there): withheld only because it is under the n-size as a population.
    published_counts = set()
    for row in rows[rows["indicator"] == "below_benchmark"].itertuples(index=False):
        for side in ("group", "comparison"):
            if _shown(getattr(row, f"events_{side}")):
                published_counts.add((row.building_id, row.group_type, row.group, side))

    withheld: list[tuple[object, str, dict[int, float]]] = []
    for row in rows.itertuples(index=False):
        if (row.indicator, row.group_type) in NOT_REPORTED:
            continue
        expressions = sides(row)
        if row.ratio_type == "alternate_risk_ratio":
            raise AssertionError("an alternate ratio's comparison is the district's: not modelled")
        for what, terms in expressions.items():
            value = getattr(row, what)
            if _shown(value):
                lp.equal(terms, float(value))
            elif (
                row.indicator == "unsupported_need"
                and what.startswith("n_")
                and ((row.building_id, row.group_type, row.group, what[2:]) in published_counts)
            ):
                continue
            else:
                withheld.append((row, what, terms))
        for side in ("group", "comparison"):
            risk = getattr(row, f"risk_{side}")
            if _shown(risk):  # events - risk x size = 0
                count = expressions[f"events_{side}"]
                terms = dict(count)
                for variable, coefficient in expressions[f"n_{side}"].items():
                    terms[variable] = terms.get(variable, 0) - float(risk) * coefficient
                lp.equal(terms, 0)
        reason = row.withheld_group
        if reason == TOO_FEW_STUDENTS:
            lp.at_most(expressions["n_group"], 29)
        elif reason == SIZE_PROTECTED:
            lp.at_most({k: -v for k, v in expressions["n_group"].items()}, -30)
        if _shown(row.ratio) and _shown(row.n_group) and _shown(row.n_comparison):
            # ratio = (e_g / n_g) / (e_c / n_c):  e_g * n_c - ratio * n_g * e_c = 0
            terms: dict[int, float] = {}
            for variable, coefficient in expressions["events_group"].items():
                terms[variable] = terms.get(variable, 0) + coefficient * float(row.n_comparison)
            for variable, coefficient in expressions["events_comparison"].items():
                factor = float(row.ratio) * float(row.n_group)
                terms[variable] = terms.get(variable, 0) - coefficient * factor
            lp.equal(terms, 0)

    prepared = lp.solver()
    found = []
    for row, what, terms in withheld:
        low, high = lp.range_of(terms, prepared)
        low_whole = math.ceil(low - 1e-6)
        high_whole = math.floor(high + 1e-6) if not math.isinf(high) else math.inf
        if high_whole - low_whole + 1 < min_values:
            found.append(
                Disclosure(
                    row.building_id,
                    row.indicator,
                    row.group_type,
                    row.group,
                    what,
                    low_whole,
                    high_whole,
                )  # fmt: skip
            )
    return found


def attack_idea(
    published: pd.DataFrame, known_totals: pd.DataFrame, *, min_values: int, min_n_size: int
) -> list[Disclosure]:
    """The same attacker on the IDEA rows (students with IEPs by race and ethnicity, one row per
    building, measure and group): every published size and count, each withheld size's label, a
    count at most its size (not total removals: a student may have many), the race groups adding
    up to the building's students with IEPs and the buildings to the district. `known_totals`
    (building_id, measure, n, events) are row totals given to it outright, as the equity rows
    publish them for the "has an IEP" group: its size (n), and its students with an out-of-school
    or an in-school suspension (measure `oss` or `iss`: the sum of the two removal lengths'
    counts), or any one measure's total."""
    programme = _Programme()
    rows = published.reset_index(drop=True)
    buildings = sorted(set(rows["building_id"]) - {DISTRICT_ID})
    for _, row in rows.iterrows():
        b, m, g = row["building_id"], row["measure"], row["group"]
        n = programme.var(b, "n", g)
        e = programme.var(b, m, g)
        if pd.notna(row["n_group"]):
            programme.bound(n, float(row["n_group"]), float(row["n_group"]))
        elif row["withheld_group"] == TOO_FEW_STUDENTS:
            programme.bound(n, 0.0, min_n_size - 1.0)
        elif row["withheld_group"] == SIZE_PROTECTED:
            programme.bound(n, float(min_n_size))
        if pd.notna(row["events_group"]):
            programme.bound(e, float(row["events_group"]), float(row["events_group"]))
        if m != "total_removals":
            programme.at_most({e: 1.0, n: -1.0}, 0.0)
    groups = sorted(set(rows["group"]))
    for _, total in known_totals.iterrows():
        b, m = total["building_id"], total["measure"]
        programme.equal({programme.var(b, "n", g): 1.0 for g in groups}, float(total["n"]))
        parts = {
            "oss": ("oss_10_or_fewer", "oss_over_10"),
            "iss": ("iss_10_or_fewer", "iss_over_10"),
        }
        programme.equal(
            {programme.var(b, p, g): 1.0 for p in parts.get(m, (m,)) for g in groups},
            float(total["events"]),
        )
    for m in [*set(rows["measure"]), "n"]:
        for g in groups:
            terms = {programme.var(b, m, g): 1.0 for b in buildings}
            terms[programme.var(DISTRICT_ID, m, g)] = -1.0
            programme.equal(terms, 0.0)
    highs = programme.solver()
    found = []
    for _, row in rows.iterrows():
        b, m, g = row["building_id"], row["measure"], row["group"]
        for what, key, value in (
            ("n_group", (b, "n", g), row["n_group"]),
            ("events_group", (b, m, g), row["events_group"]),
        ):
            if pd.notna(value):
                continue
            low, high = programme.range_of({programme.index[key]: 1.0}, highs)
            if math.isinf(high):
                continue  # unbounded above (total removals): never narrowed enough
            low, high = math.ceil(low - 1e-6), math.floor(high + 1e-6)
            if high - low + 1 < min_values:
                found.append(Disclosure(b, m, "race_ethnicity", g, what, low, high))
    return found
