"""System-health arithmetic over the counts the database made (`queries.py`): the district's rows,
each building's school days, percents and referral rates. Pure functions on DataFrames."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from data_access.models import CALENDAR_ALL_BUILDINGS, SCREENING_WINDOWS

DISTRICT_ID = "DISTRICT"
SYSTEM_HEALTH_COLUMNS = [
    "school_year",
    "building_id",
    "enrolled",
    "tier2_students",
    "tier3_students",
    "pct_tier1_only",
    "pct_tier2",
    "pct_tier3",
    *(
        column
        for window in SCREENING_WINDOWS
        for column in (f"screened_{window}", f"pct_at_benchmark_{window}")
    ),
    "below_benchmark",
    "below_benchmark_no_support",
    "pct_below_benchmark_no_support",
    "students_0_1_incidents",
    "students_2_5_incidents",
    "students_6_plus_incidents",
    "incidents",
    "school_days",
    "incidents_per_100_per_day",
    "supports_ended",
    "supports_goal_met",
    "pct_supports_goal_met",
]
# Every count per school year and building, before anything is withheld (`disclosure.py`).
COUNT_COLUMNS = [
    "enrolled",
    "tier1_only",
    "tier2_students",
    "tier3_students",
    *(f"screened_{window}" for window in SCREENING_WINDOWS),
    *(f"at_benchmark_{window}" for window in SCREENING_WINDOWS),
    "screened_any",
    "below_benchmark",
    "below_benchmark_no_support",
    "students_0_1_incidents",
    "students_2_5_incidents",
    "students_6_plus_incidents",
    "incidents",
    "supports_ended",
    "supports_goal_met",
]
# Each percent: (numerator, denominator); published only when both counts are.
PERCENTS = {
    "pct_tier1_only": ("tier1_only", "enrolled"),
    "pct_tier2": ("tier2_students", "enrolled"),
    "pct_tier3": ("tier3_students", "enrolled"),
    **{
        f"pct_at_benchmark_{window}": (f"at_benchmark_{window}", f"screened_{window}")
        for window in SCREENING_WINDOWS
    },
    "pct_below_benchmark_no_support": ("below_benchmark_no_support", "below_benchmark"),
    "pct_supports_goal_met": ("supports_goal_met", "supports_ended"),
}


def percent(numerator: float, denominator: float) -> float | None:
    """numerator / denominator x 100 to 1 decimal, halves rounded up (as by hand); None when the
    denominator is 0 or either is missing."""
    if pd.isna(numerator) or pd.isna(denominator) or not denominator:
        return None
    value = Decimal(int(numerator)) * 100 / Decimal(int(denominator))
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def school_days_by_building(calendar: pd.DataFrame, buildings: pd.DataFrame) -> pd.Series:
    """Each (school_year, building_id) of `buildings`: the building's own calendar's days summed
    over the year, else the `ALL` calendar's, else missing."""
    own = calendar.set_index(["school_year", "building_id"])["school_days"]
    every = calendar[calendar["building_id"] == CALENDAR_ALL_BUILDINGS]
    every = every.set_index("school_year")["school_days"]
    keys = list(zip(buildings["school_year"], buildings["building_id"], strict=True))
    days = [own.get(key, every.get(key[0], np.nan)) for key in keys]
    return pd.Series(days, index=buildings.index, dtype="float64")


def system_health_counts(
    students: pd.DataFrame,
    windows: pd.DataFrame,
    supports: pd.DataFrame,
    calendar: pd.DataFrame,
) -> pd.DataFrame:
    """One row per school year and building, then a `DISTRICT` row per year (the buildings' sums),
    with every column of `COUNT_COLUMNS` plus `school_days` and `incidents_per_100_per_day`.

    The district's rate weighs each building by its students and school days (incidents per 100
    student-days); it is missing unless every building has a calendar. Its `school_days` is the
    `ALL` calendar's, or the buildings' when they all have the same, else missing."""
    keys = ["school_year", "building_id"]
    frame = students.copy()
    frame["tier1_only"] = frame["enrolled"] - frame["tier2_students"] - frame["tier3_students"]
    for window in SCREENING_WINDOWS:
        part = windows[windows["window"] == window].rename(
            columns={"screened": f"screened_{window}", "at_benchmark": f"at_benchmark_{window}"}
        )
        frame = frame.merge(part.drop(columns="window"), on=keys, how="left")
    frame = frame.merge(supports, on=keys, how="left")
    counts = [c for c in COUNT_COLUMNS if c in frame.columns]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    frame["school_days"] = school_days_by_building(calendar, frame)
    frame["student_days"] = frame["enrolled"] * frame["school_days"]

    district = frame.groupby("school_year", as_index=False)[[*COUNT_COLUMNS, "student_days"]].sum(
        min_count=1
    )
    district["building_id"] = DISTRICT_ID
    complete = frame.groupby("school_year")["school_days"].apply(lambda d: d.notna().all())
    district["student_days"] = district["student_days"].where(
        district["school_year"].map(complete).astype(bool)
    )
    every = calendar[calendar["building_id"] == CALENDAR_ALL_BUILDINGS]
    every = every.set_index("school_year")["school_days"]
    same = frame.groupby("school_year")["school_days"].agg(
        lambda d: d.iloc[0] if d.notna().all() and d.nunique() == 1 else np.nan
    )
    district["school_days"] = [
        every.get(year, same.get(year, np.nan)) for year in district["school_year"]
    ]
    out = pd.concat([frame, district], ignore_index=True)
    out[COUNT_COLUMNS] = out[COUNT_COLUMNS].astype("int64")
    out["incidents_per_100_per_day"] = [
        None if pd.isna(student_days) or not student_days else 100 * incidents / student_days
        for incidents, student_days in zip(out["incidents"], out["student_days"], strict=True)
    ]
    out["_district"] = out["building_id"] == DISTRICT_ID
    out = out.sort_values(["school_year", "_district", "building_id"]).drop(columns="_district")
    return out.drop(columns="student_days").reset_index(drop=True)


def with_percents(published: pd.DataFrame) -> pd.DataFrame:
    """The contract's percents from the published counts (withheld: missing, so its percent is)."""
    out = published.copy()
    for column, (numerator, denominator) in PERCENTS.items():
        out[column] = [percent(n, d) for n, d in zip(out[numerator], out[denominator], strict=True)]
    return out


def days_by_month(calendar: pd.DataFrame, buildings: pd.DataFrame) -> pd.DataFrame:
    """Each (school_year, building_id) of `buildings` x the months of its calendar (its own rows
    that year, else the `ALL` rows): school_year, building_id, month, school_days."""
    if calendar.empty or buildings.empty:
        return pd.DataFrame(columns=["school_year", "building_id", "month", "school_days"])
    own = calendar[calendar["building_id"] != CALENDAR_ALL_BUILDINGS]
    has_own = set(zip(own["school_year"], own["building_id"], strict=True))
    every = calendar[calendar["building_id"] == CALENDAR_ALL_BUILDINGS].drop(columns="building_id")
    pairs = buildings[["school_year", "building_id"]].drop_duplicates()
    mine = pairs[[key in has_own for key in zip(pairs["school_year"], pairs["building_id"],
                                                   strict=True)]]  # fmt: skip
    others = pairs.drop(mine.index)
    parts = [
        own.merge(mine, on=["school_year", "building_id"]),
        others.merge(every, on="school_year"),
    ]
    return pd.concat(parts, ignore_index=True)[
        ["school_year", "building_id", "month", "school_days"]
    ]


def with_district(counts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`counts` (per school year, building and `keys`: incidents) with a DISTRICT row per school
    year and key: the buildings' sum."""
    district = counts.groupby(["school_year", *keys], as_index=False, dropna=False)[
        "incidents"
    ].sum()
    district["building_id"] = DISTRICT_ID
    return pd.concat([counts, district[counts.columns]], ignore_index=True)


def monthly_rates(
    by_month: pd.DataFrame, calendar: pd.DataFrame, enrolled: pd.DataFrame
) -> pd.DataFrame:
    """Referrals per 100 students per school day, by month: one row per school year, building (and
    DISTRICT) and month with a calendar or a referral: `major`, `minor`, `incidents`, `school_days`
    and `rate` (missing without school days that month). The district's rate is over student-days
    (each building's students x its school days), missing unless every building has a calendar.

    `by_month`: get_referral_counts(by="month") of every building; `enrolled`: school_year,
    building_id, enrolled of every building."""
    keys = ["school_year", "building_id", "month"]
    counts = by_month.rename(columns={"key": "month"})
    wide = counts.pivot_table(index=keys, columns="referral_type", values="incidents",
                              aggfunc="sum", fill_value=0)  # fmt: skip
    wide = wide.reindex(columns=["major", "minor"], fill_value=0).reset_index()
    wide.columns.name = None
    days = days_by_month(calendar, enrolled)
    frame = days.merge(wide, on=keys, how="outer")
    frame = frame.merge(enrolled[["school_year", "building_id", "enrolled"]],
                        on=["school_year", "building_id"], how="left")  # fmt: skip
    frame[["major", "minor"]] = frame[["major", "minor"]].fillna(0).astype("int64")
    frame["incidents"] = frame["major"] + frame["minor"]
    frame["student_days"] = frame["enrolled"] * frame["school_days"]
    with_calendar = days.groupby("school_year")["building_id"].nunique()
    every_building = enrolled.groupby("school_year")["building_id"].nunique()
    complete = {year: with_calendar.get(year, 0) == n for year, n in every_building.items()}
    district = frame.groupby(["school_year", "month"], as_index=False)[
        ["major", "minor", "incidents", "student_days"]
    ].sum(min_count=1)
    district["building_id"] = DISTRICT_ID
    district["student_days"] = district["student_days"].where(
        district["school_year"].map(complete).fillna(False).astype(bool)
    )
    district_days = days.groupby(["school_year", "month"])["school_days"].agg(
        lambda d: d.iloc[0] if d.nunique() == 1 else np.nan
    )
    district["school_days"] = [
        district_days.get((year, month), np.nan)
        for year, month in zip(district["school_year"], district["month"], strict=True)
    ]
    out = pd.concat([frame, district], ignore_index=True)
    out["rate"] = [
        100 * n / d if pd.notna(d) and d else np.nan
        for n, d in zip(out["incidents"], out["student_days"], strict=True)
    ]
    out[["major", "minor", "incidents"]] = out[["major", "minor", "incidents"]].fillna(0)
    out = out.astype({"major": "int64", "minor": "int64", "incidents": "int64"})
    columns = [*keys, "major", "minor", "incidents", "school_days", "rate"]
    return out.sort_values(keys)[columns].reset_index(drop=True)
