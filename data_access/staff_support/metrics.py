"""Staff-support arithmetic as pure functions over DataFrames: supervision coverage, monthly status
counts, caseload parity and staffing ratios. No database here; the queries in `queries.py`
feed these, and the tests check them against numbers worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_access.school_year import school_year_months

# Months of a school year in order (it runs 1 July to 30 June).
SESSION_STATUSES = ("held", "cancelled", "scheduled")


def window_start(as_of: date, window_days: int) -> date:
    """The first day of the `window_days` days ending on `as_of` inclusive (42 days: as_of - 41)."""
    return as_of - timedelta(days=window_days - 1)


def days_between(earlier: pd.Series, as_of: date) -> pd.Series:
    """Whole days from each date to `as_of`; missing stays missing (as a nullable integer)."""
    days = [None if pd.isna(day) else (as_of - day).days for day in earlier]
    return pd.Series(days, index=earlier.index, dtype="Int64")


def coverage_share(staff: pd.DataFrame, *, by: list[str]) -> pd.DataFrame:
    """Support staff covered by supervision, per group: `staff`, `covered` and `share` (0-1).

    `staff` has one row per staff member and group (a member split across two buildings is one row
    in each) and a boolean `covered` column."""
    columns = [*by, "staff", "covered", "share"]
    if staff.empty:
        return pd.DataFrame(columns=columns)
    once = staff.drop_duplicates([*by, "staff_id"])  # each person once per group
    grouped = once.groupby(by, as_index=False, sort=True).agg(
        staff=("covered", "size"), covered=("covered", "sum")
    )
    grouped["covered"] = grouped["covered"].astype(int)
    grouped["share"] = grouped["covered"] / grouped["staff"]
    return grouped[columns]


def month_label(month_start: date) -> str:
    return f"{month_start:%b %Y}"


def sessions_by_month(counts: pd.DataFrame, *, school_year: str) -> pd.DataFrame:
    """Supervisee sessions per month of the school year and status (held, cancelled, scheduled).

    `counts` has `session_date`, `status` and `sessions` (already counted per day in SQL). Every
    month of the year appears, with zeros, so a month with nothing held shows as a gap, not a skip."""
    months = school_year_months(school_year)
    table = pd.DataFrame({"month": months})
    for status in SESSION_STATUSES:
        table[status] = 0
    if not counts.empty:
        first = pd.Series(
            [date(day.year, day.month, 1) for day in counts["session_date"]], index=counts.index
        )
        pivot = (
            counts.assign(month=first)
            .pivot_table(
                index="month", columns="status", values="sessions", aggfunc="sum", fill_value=0
            )
            .reindex(months, fill_value=0)
        )
        for status in SESSION_STATUSES:
            if status in pivot.columns:
                table[status] = pivot[status].to_numpy().astype(int)
    table["label"] = [month_label(month) for month in months]
    table["total"] = table[list(SESSION_STATUSES)].sum(axis=1)
    decided = table["held"] + table["cancelled"]
    table["cancelled_share"] = (table["cancelled"] / decided).where(decided > 0)
    return table[["month", "label", *SESSION_STATUSES, "total", "cancelled_share"]]


def format_mix(counts: pd.DataFrame) -> pd.DataFrame:
    """Held sessions by format: `format`, `sessions` and `share` (0-1), individual first."""
    formats = ["individual", "group"]
    held = counts[counts["status"] == "held"] if not counts.empty else counts
    totals = (
        held.groupby("format")["sessions"].sum().reindex(formats, fill_value=0)
        if not held.empty
        else pd.Series([0, 0], index=formats)
    )
    table = pd.DataFrame({"format": formats, "sessions": totals.to_numpy().astype(int)})
    total = table["sessions"].sum()
    table["share"] = table["sessions"] / total if total else np.nan
    return table


def caseload_parity(
    caseloads: pd.DataFrame, *, flag_ratio: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Caseload per FTE for each staff member, compared within their role.

    `caseloads` has one row per staff member: `staff_id`, `role`, `active_cases`, `fte` (their
    total FTE that year). Returns (staff, roles):
    - staff adds `cases_per_fte`, `role_median`, `times_median` and `flagged` (cases_per_fte above
      `flag_ratio` x the role's median);
    - roles has per role: `staff`, `median`, `highest`, `highest_to_median` and `cv`, the
      coefficient of variation (population standard deviation / mean: the team is the whole
      population, not a sample of it), and `flagged` (how many).
    A staff member with no FTE has no defined ratio and is left out."""
    staff = caseloads[caseloads["fte"] > 0].copy()
    staff["cases_per_fte"] = staff["active_cases"] / staff["fte"]
    by_role = staff.groupby("role")["cases_per_fte"]
    staff["role_median"] = by_role.transform("median")
    staff["times_median"] = (staff["cases_per_fte"] / staff["role_median"]).where(
        staff["role_median"] > 0
    )
    staff["flagged"] = staff["cases_per_fte"] > flag_ratio * staff["role_median"]
    role_columns = ["role", "staff", "median", "highest", "highest_to_median", "cv", "flagged"]
    if staff.empty:
        return staff, pd.DataFrame(columns=role_columns)
    roles = staff.groupby("role", as_index=False).agg(
        staff=("staff_id", "nunique"),
        median=("cases_per_fte", "median"),
        highest=("cases_per_fte", "max"),
        mean=("cases_per_fte", "mean"),
        sd=("cases_per_fte", lambda values: float(np.std(values, ddof=0))),
        flagged=("flagged", "sum"),
    )
    roles["highest_to_median"] = (roles["highest"] / roles["median"]).where(roles["median"] > 0)
    roles["cv"] = (roles["sd"] / roles["mean"]).where(roles["mean"] > 0)
    roles["flagged"] = roles["flagged"].astype(int)
    return staff, roles[role_columns]


def staffing_ratios(staffing: pd.DataFrame) -> pd.DataFrame:
    """Adds `students_per_fte` (enrollment / fte; missing when fte is 0) and `meets_recommendation`.

    `staffing` has `enrollment`, `fte` and `recommended_ratio` (missing for roles without one).
    A building with students and nobody in a recommended role does not meet it (its ratio is
    infinite); the answer is missing only when there is no recommendation or no one to count."""
    table = staffing.copy()
    fte = table["fte"].astype(float)
    enrollment = table["enrollment"].astype(float)
    table["students_per_fte"] = (enrollment / fte.where(fte > 0)).astype(float)
    recommended = pd.to_numeric(table["recommended_ratio"], errors="coerce").astype(float)
    meets = pd.Series(pd.NA, index=table.index, dtype="boolean")
    has_ratio = recommended.notna() & table["students_per_fte"].notna()
    meets[has_ratio] = table.loc[has_ratio, "students_per_fte"] <= recommended[has_ratio]
    nobody = recommended.notna() & (fte <= 0) & (enrollment > 0)
    meets[nobody] = False
    table["meets_recommendation"] = meets
    return table


def staffing_band(
    students_per_fte: float | None, recommended: float | None, fte: float
) -> str | None:
    """How a building stands against a recommended ratio: "meets", "above" (more students per FTE
    than recommended) or "nobody" (no one holds the role); None for a role without a
    recommendation."""
    if recommended is None or pd.isna(recommended):
        return None
    if fte <= 0 or students_per_fte is None or pd.isna(students_per_fte):
        return "nobody"
    return "meets" if students_per_fte <= recommended else "above"
