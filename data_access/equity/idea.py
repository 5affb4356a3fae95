"""The IDEA discipline measures: the district-level analogue of the state's significant
disproportionality calculation for discipline (34 CFR 300.647(b)), among students with IEPs only.

Pure functions over plain frames, tested with hand-computed numbers (tests/test_equity_idea.py):

- `removal_measures`: per student with an IEP and school year, the five categories of removal the
  regulation names: out-of-school suspensions and expulsions totalling 10 school days or fewer in
  the year, or more than 10; in-school suspensions totalling 10 or fewer, or more than 10; and
  disciplinary removals in total (a count of removals, not a yes or no).
- `idea_ratios`: per building (and the district), race and ethnicity group and measure, the risk
  (students with the removal over students with IEPs; for total removals, removals per student), the
  risk ratio against every other student with an IEP, and the alternate risk ratio when that
  comparison is below the minimums: against the district's other students with IEPs for a building,
  and against the state's comparison risk (loaded from a file by `read_state_comparison`) for the
  district, as 300.647(b)(5) has a state do for a district.

Published (page, export) only through `idea_disclosure` via `idea_queries.get_idea`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data_access.equity.metrics import DISTRICT_ID, EXPORT_COLUMNS, Minimums
from data_access.models import RACE_ETHNICITY

# The regulation's discipline categories, in its order: name → what it counts.
IDEA_MEASURES: dict[str, str] = {
    "oss_10_or_fewer": "Out-of-school suspensions and expulsions totalling 10 days or fewer",
    "oss_over_10": "Out-of-school suspensions and expulsions totalling more than 10 days",
    "iss_10_or_fewer": "In-school suspensions totalling 10 days or fewer",
    "iss_over_10": "In-school suspensions totalling more than 10 days",
    "total_removals": "Disciplinary removals in total (removals per student)",
}
REMOVAL_DAYS = 10  # "10 days or fewer" / "more than 10 days", summed over the school year
OUT_OF_SCHOOL = ("OSS", "EXP")
IN_SCHOOL = ("ISS",)
COLUMNS = ["building_id", "measure", "group", *EXPORT_COLUMNS[5:]]  # n_group ... flag


def removal_measures(students: pd.DataFrame, discipline: pd.DataFrame) -> pd.DataFrame:
    """One row per student with an IEP: building_id, race_ethnicity and the five measures.

    `students`: student_id, building_id, race_ethnicity, iep (one school year). `discipline`:
    student_id, action, days_removed (that year). A removal without days_removed counts as a removal
    of unknown length: 0 days toward the year's total (so it never alone makes "more than 10")."""
    with_iep = students[students["iep"].astype(bool)][
        ["student_id", "building_id", "race_ethnicity"]
    ]
    removals = discipline[discipline["action"].isin((*OUT_OF_SCHOOL, *IN_SCHOOL))].copy()
    removals["days"] = pd.to_numeric(removals["days_removed"], errors="coerce").fillna(0)
    removals["out"] = removals["action"].isin(OUT_OF_SCHOOL)
    per_student = removals.groupby("student_id").agg(
        out_removals=("out", "sum"),
        in_removals=("out", lambda out: int((~out).sum())),
        total_removals=("out", "size"),
    )
    days = removals.pivot_table(
        index="student_id", columns="out", values="days", aggfunc="sum", fill_value=0
    ).rename(columns={True: "out_days", False: "in_days"})
    per_student = per_student.join(days).reindex(with_iep["student_id"]).fillna(0)
    for column in ("out_days", "in_days"):
        if column not in per_student:
            per_student[column] = 0
    had_out, had_in = per_student["out_removals"] > 0, per_student["in_removals"] > 0
    measures = pd.DataFrame(
        {
            "oss_10_or_fewer": had_out & (per_student["out_days"] <= REMOVAL_DAYS),
            "oss_over_10": had_out & (per_student["out_days"] > REMOVAL_DAYS),
            "iss_10_or_fewer": had_in & (per_student["in_days"] <= REMOVAL_DAYS),
            "iss_over_10": had_in & (per_student["in_days"] > REMOVAL_DAYS),
            "total_removals": per_student["total_removals"],
        }
    ).astype("int64")
    return pd.concat([with_iep.reset_index(drop=True), measures.reset_index(drop=True)], axis=1)


def read_state_comparison(path: str | Path) -> pd.DataFrame:
    """The state's comparison risks, from a CSV a district receives from its state: columns
    `measure` (one of IDEA_MEASURES), `group` (a race and ethnicity code) and `comparison_risk`
    (the risk of every other student with an IEP in the state, as a fraction; removals per student
    for total_removals). Refuses unknown measures or groups and risks below 0."""
    rates = pd.read_csv(path, dtype={"measure": str, "group": str})
    missing = {"measure", "group", "comparison_risk"} - set(rates.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    unknown = sorted(set(rates["measure"]) - set(IDEA_MEASURES)) + sorted(
        set(rates["group"]) - set(RACE_ETHNICITY)
    )
    if unknown:
        raise ValueError(f"{path}: unknown measure or group {', '.join(unknown)}")
    risk = pd.to_numeric(rates["comparison_risk"], errors="coerce")
    if risk.isna().any() or (risk < 0).any():
        raise ValueError(f"{path}: comparison_risk must be a number of 0 or more")
    return rates.assign(comparison_risk=risk)[["measure", "group", "comparison_risk"]]


def idea_ratios(
    measures: pd.DataFrame, minimums: Minimums, state: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per building and the district (DISTRICT_ID), race and ethnicity group and measure: counts,
    risks, ratio, ratio type and flag, before any disclosure protection (COLUMNS).

    A side meets the minimums with at least `min_n_size` students with IEPs and `min_cell_size`
    with the removal (removals, for total removals). A building whose comparison does not meet them
    is compared with the district's other students with IEPs (`alternate_risk_ratio`, comparison
    columns then the district's); the district with the state's `comparison_risk` from `state`
    (its comparison counts then empty). Otherwise `not_calculated`."""
    frames = [measures, measures.assign(building_id=DISTRICT_ID)]
    every = pd.concat(frames, ignore_index=True)
    rows = []
    for measure in IDEA_MEASURES:
        totals = every.groupby("building_id")[measure].agg(["size", "sum"])
        by_group = every.groupby(["building_id", "race_ethnicity"])[measure].agg(["size", "sum"])
        for building in [DISTRICT_ID, *sorted(set(measures["building_id"]))]:
            n_all, e_all = totals.loc[building]
            d_all, d_events = totals.loc[DISTRICT_ID]
            for group in RACE_ETHNICITY:
                n, e = (
                    by_group.loc[(building, group)]
                    if (building, group) in by_group.index
                    else (0, 0)
                )
                row = {"building_id": building, "measure": measure, "group": group}
                row.update(n_group=int(n), events_group=int(e))
                row.update(n_comparison=int(n_all - n), events_comparison=int(e_all - e))
                row["ratio_type"] = "not_calculated"
                group_ok = _meets(n, e, minimums)
                comparison_risk = np.nan
                if group_ok and _meets(n_all - n, e_all - e, minimums):
                    row["ratio_type"] = "risk_ratio"
                    comparison_risk = (e_all - e) / (n_all - n)
                elif group_ok and building != DISTRICT_ID:
                    dn, de = by_group.loc[(DISTRICT_ID, group)]
                    if _meets(d_all - dn, d_events - de, minimums):
                        row["ratio_type"] = "alternate_risk_ratio"
                        row.update(
                            n_comparison=int(d_all - dn), events_comparison=int(d_events - de)
                        )
                        comparison_risk = (d_events - de) / (d_all - dn)
                elif group_ok and state is not None:
                    found = state[(state["measure"] == measure) & (state["group"] == group)]
                    if len(found) and float(found["comparison_risk"].iloc[0]) > 0:
                        row["ratio_type"] = "alternate_risk_ratio"
                        row.update(n_comparison=None, events_comparison=None)
                        comparison_risk = float(found["comparison_risk"].iloc[0])
                row["risk_group"] = e / n if n else np.nan
                row["risk_comparison"] = (
                    comparison_risk
                    if row["ratio_type"] != "not_calculated"
                    else ((e_all - e) / (n_all - n) if n_all - n else np.nan)
                )
                row["ratio"] = (
                    row["risk_group"] / comparison_risk
                    if row["ratio_type"] != "not_calculated"
                    else np.nan
                )
                row["flag"] = (
                    "over"
                    if row["ratio"] > minimums.threshold
                    else ("under" if row["ratio"] < 1 / minimums.threshold else None)
                )
                rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["flag"] = out["flag"].astype(object).where(out["flag"].notna(), None)
    return out


def _meets(n: float, events: float, minimums: Minimums) -> bool:
    return n >= minimums.min_n_size and events >= minimums.min_cell_size
