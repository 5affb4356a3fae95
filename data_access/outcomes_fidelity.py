"""Fidelity and outcomes side by side: each building's latest TFI Tier 1 score of a school year
beside its published student outcomes (referral rate, screening at benchmark, Tier 1 only, chronic
absence), so a team judges outcomes where the practice was in place. Above the areas: it joins
three of them.

Only published numbers: the outcomes are the `system_health` rows as the disclosure layer publishes
them (a withheld one stays missing); chronic absence is the equity rows' (a building's students
chronically absent, and its students with an attendance record, are any published group's plus
everyone else's, so it is published exactly when the equity page publishes both sides of a row);
a fidelity score is about a building, not a student."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from data_access.equity.queries import get_equity
from data_access.fidelity.queries import get_scale_scores
from data_access.school_year import school_year_end, school_year_start
from data_access.scope import Scope
from data_access.system_health.queries import get_system_health
from data_access.system_health.rules import DISTRICT_ID, percent

TFI = "TFI-2.1"
TIER1_SCALE = "Tier 1"
COLUMNS = [
    "building_id",
    "administered_on",
    "tier1_percent",
    "at_criterion",
    "incidents_per_100_per_day",
    "screening_window",
    "pct_at_benchmark",
    "pct_tier1_only",
    "chronically_absent",
    "attendance_students",
    "pct_chronic_absence",
]
SIDES = ["n_group", "events_group", "n_comparison", "events_comparison"]


def chronic_absence_by_building(equity: pd.DataFrame) -> pd.DataFrame:
    """From one school year's published equity rows: per building (and the district) whose
    chronic-absence total the equity rows publish, `chronically_absent` and `attendance_students`
    (a group's and everyone else's, from any row with both sides published and its own building as
    the comparison) and `pct_chronic_absence`."""
    rows = equity[(equity["indicator"] == "chronic_absence")
                  & (equity["ratio_type"] != "alternate_risk_ratio")].dropna(subset=SIDES)  # fmt: skip
    rows = rows.drop_duplicates("building_id")
    out = pd.DataFrame({
        "building_id": rows["building_id"],
        "chronically_absent": (rows["events_group"] + rows["events_comparison"]).astype("int64"),
        "attendance_students": (rows["n_group"] + rows["n_comparison"]).astype("int64"),
    })  # fmt: skip
    out["pct_chronic_absence"] = [
        percent(e, n)
        for e, n in zip(out["chronically_absent"], out["attendance_students"], strict=True)
    ]
    return out.reset_index(drop=True)


def get_outcomes_by_fidelity(session: Session, *, scope: Scope, school_year: str) -> pd.DataFrame:
    """One row per building in scope with a student outcome that year: its latest complete TFI Tier
    1 score administered in the school year (`at_criterion` missing without one), its referral
    rate, its percent at benchmark in the latest window with one published, its percent at Tier 1
    only, and its students chronically absent of those with an attendance record (missing when
    withheld or not recorded)."""
    scores = get_scale_scores(
        session,
        scope=scope,
        instrument=TFI,
        start=school_year_start(school_year),
        end=school_year_end(school_year),
    )
    scores = scores[(scores["scale"] == TIER1_SCALE) & scores["complete"].astype(bool)]
    latest = scores.sort_values("administered_on").groupby("building_id").tail(1)
    latest = latest.rename(columns={"percent": "tier1_percent", "meets_criterion": "at_criterion"})
    health = get_system_health(session, scope=scope, school_years=[school_year])
    health = health[health["building_id"] != DISTRICT_ID].copy()
    windows = ("spring", "winter", "fall")
    health["screening_window"] = [
        next((w for w in windows if pd.notna(row[f"pct_at_benchmark_{w}"])), None)
        for _, row in health.iterrows()
    ]
    # pandas 3 keeps a column of window names as strings, a missing one as NaN (not None).
    health["pct_at_benchmark"] = [
        None if pd.isna(w) else row[f"pct_at_benchmark_{w}"]
        for w, (_, row) in zip(health["screening_window"], health.iterrows(), strict=True)
    ]
    out = health.merge(
        latest[["building_id", "administered_on", "tier1_percent", "at_criterion"]],
        on="building_id",
        how="left",
    )
    absence = chronic_absence_by_building(get_equity(session, school_year=school_year, scope=scope))
    out = out.merge(absence, on="building_id", how="left")
    return out[COLUMNS].reset_index(drop=True)
