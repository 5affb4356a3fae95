"""Student-outcome signals for the meeting screen and the Building page: a building whose core
instruction is not sufficient (below 80% at benchmark in the year's latest screening window), whose
unmet need is rising against last year, or whose referral rate this school year to date is up on the
same months last year. Pure rules over the published `system_health` rows (withheld: missing) and
`rules.monthly_rates`, and `get_outcome_signals`, which reads them for one scope and date.

A withheld figure is never worked around: no signal is made from it, and it is reported withheld."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from data_access.memo import remembered
from data_access.models import SCREENING_WINDOWS
from data_access.school_year import previous_school_year, school_year_of
from data_access.scope import Scope
from data_access.system_health.queries import (
    get_calendar_months,
    get_enrolled,
    get_referral_counts,
    get_system_health,
)
from data_access.system_health.rules import DISTRICT_ID, monthly_rates

CORE_BENCHMARK_PCT = 80.0  # 80% or more at benchmark: core instruction is sufficient (MTSS guides)
UNMET_RISE_POINTS = 5.0  # unmet need up this many percentage points against last year: rising
REFERRAL_RISE = 0.10  # a year-to-date referral rate this much above last year's same months: up


def latest_window(health: pd.DataFrame, *, school_year: str) -> str | None:
    """The latest screening window anyone in the district was screened in that school year: the
    latest with a published screened count above 0 in any row (the district's row is the
    buildings' sum), None when none is."""
    rows = health[health["school_year"] == school_year]
    latest = None
    for window in SCREENING_WINDOWS:
        screened = pd.to_numeric(rows[f"screened_{window}"], errors="coerce")
        if (screened > 0).any():
            latest = window
    return latest


def published_value(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def screening_standing(health: pd.DataFrame, *, school_year: str) -> pd.DataFrame:
    """Each row of the year (buildings and DISTRICT): building_id, window (the year's
    `latest_window`), screened, pct_at_benchmark (missing when withheld or nobody was screened),
    `state` ("published", "withheld": a count in it withheld, "not_screened": a published 0) and
    `core_below`: published and below CORE_BENCHMARK_PCT."""
    columns = ["building_id", "window", "screened", "pct_at_benchmark", "state", "core_below"]
    window = latest_window(health, school_year=school_year)
    rows = health[health["school_year"] == school_year]
    if window is None or rows.empty:
        return pd.DataFrame(columns=columns)
    screened = [published_value(v) for v in rows[f"screened_{window}"]]
    pct = [published_value(v) for v in rows[f"pct_at_benchmark_{window}"]]
    state = [
        "published" if p is not None else ("not_screened" if s == 0 else "withheld")
        for s, p in zip(screened, pct, strict=True)
    ]
    return pd.DataFrame({
        "building_id": rows["building_id"].to_numpy(),
        "window": window,
        "screened": screened,
        "pct_at_benchmark": pd.array(pct, dtype="Float64"),
        "state": state,
        "core_below": [p is not None and p < CORE_BENCHMARK_PCT for p in pct],
    }, columns=columns)  # fmt: skip


def unmet_need_change(health: pd.DataFrame, *, school_year: str) -> pd.DataFrame:
    """Each row of the year: building_id, window, pct_now and pct_before (percent of students below
    benchmark with no support, this year and last), change (percentage points) and `rising` (up
    UNMET_RISE_POINTS or more). A year's figure is of the latest window its students were screened
    in, so the two are compared only when both years' latest window is the same one, and only when
    both are published: else change is missing and nothing rises."""
    columns = ["building_id", "window", "pct_now", "pct_before", "change", "rising"]
    before_year = previous_school_year(school_year)
    window = latest_window(health, school_year=school_year)
    same = window is not None and latest_window(health, school_year=before_year) == window
    now = health[health["school_year"] == school_year]
    last = health[health["school_year"] == before_year].set_index("building_id")
    before = last["pct_below_benchmark_no_support"] if same else pd.Series(dtype=float)
    records = []
    for building_id, value in zip(now["building_id"], now["pct_below_benchmark_no_support"],
                                  strict=True):  # fmt: skip
        pct_now = published_value(value)
        pct_before = published_value(before.get(building_id)) if same else None
        change = (
            round(pct_now - pct_before, 6)
            if pct_now is not None and pct_before is not None
            else None
        )
        records.append({
            "building_id": building_id, "window": window if same else None, "pct_now": pct_now,
            "pct_before": pct_before, "change": change,
            "rising": change is not None and change >= UNMET_RISE_POINTS,
        })  # fmt: skip
    out = pd.DataFrame(records, columns=columns)
    for name in ("pct_now", "pct_before", "change"):
        out[name] = out[name].astype("Float64")
    return out


def months_to_date(school_year: str, as_of: date) -> tuple[str, ...]:
    """The school year's whole months before `as_of`'s month, as YYYY-MM (none before August: a
    school year starts in July)."""
    start = int(school_year[:4])
    months = [(start, m) for m in range(7, 13)] + [(start + 1, m) for m in range(1, 7)]
    return tuple(f"{y:04d}-{m:02d}" for y, m in months if (y, m) < (as_of.year, as_of.month))


def _a_year_earlier(month: str) -> str:
    return f"{int(month[:4]) - 1:04d}-{month[5:]}"


def referral_rates_to_date(
    monthly: pd.DataFrame, enrolled: pd.DataFrame, *, school_year: str, as_of: date
) -> pd.DataFrame:
    """Referrals per 100 students per school day this school year to date (its whole months before
    `as_of`'s, `months_to_date`) and in the same months last year: one row per building enrolled
    this year and DISTRICT. Columns: building_id, first_month, last_month, incidents, rate,
    incidents_before, rate_before, change (rate / rate_before - 1) and `up` (change at least
    REFERRAL_RISE).

    `monthly`: monthly_rates' rows of both years; `enrolled`: school_year, building_id, enrolled.
    A building's rate counts the months its calendar has school days (incidents over enrolled x
    days); it is missing without any. The district's is over every building's student-days,
    missing unless every building has a rate."""
    columns = ["building_id", "first_month", "last_month", "incidents", "rate",
               "incidents_before", "rate_before", "change", "up"]  # fmt: skip
    months = months_to_date(school_year, as_of)
    if not months:
        return pd.DataFrame(columns=columns)
    before_year = previous_school_year(school_year)
    spans = {school_year: set(months), before_year: {_a_year_earlier(m) for m in months}}
    needed = ["school_year", "building_id", "month", "incidents", "school_days"]
    monthly = monthly.reindex(columns=needed) if monthly.empty else monthly
    rows = monthly[(monthly["building_id"] != DISTRICT_ID) & monthly["school_days"].notna()]
    rows = rows[rows["school_days"] > 0]
    within = [month in spans.get(year, ()) for year, month in
              zip(rows["school_year"], rows["month"], strict=True)]  # fmt: skip
    rows = rows[pd.Series(within, index=rows.index, dtype=bool)]
    sums = rows.groupby(["school_year", "building_id"])[["incidents", "school_days"]].sum()
    sizes = enrolled.set_index(["school_year", "building_id"])["enrolled"]

    def totals(year: str, building_id: str) -> tuple[float, float] | None:
        """(incidents, student-days) of the building in that year's months, None without days."""
        if (year, building_id) not in sums.index or (year, building_id) not in sizes.index:
            return None
        incidents, days = sums.loc[(year, building_id)]
        return float(incidents), float(sizes.loc[(year, building_id)]) * float(days)

    buildings = sorted(enrolled.loc[enrolled["school_year"] == school_year, "building_id"])
    found = {year: {b: totals(year, b) for b in buildings} for year in spans}
    for year in spans:
        parts = list(found[year].values())
        found[year][DISTRICT_ID] = (
            None
            if not parts or any(part is None for part in parts)
            else (sum(p[0] for p in parts), sum(p[1] for p in parts))
        )
    records = []
    for building_id in [*buildings, DISTRICT_ID]:
        now, then = found[school_year][building_id], found[before_year][building_id]
        rate = 100 * now[0] / now[1] if now else None
        rate_before = 100 * then[0] / then[1] if then else None
        change = rate / rate_before - 1 if rate is not None and rate_before else None
        records.append({
            "building_id": building_id, "first_month": months[0], "last_month": months[-1],
            "incidents": now[0] if now else None, "rate": rate,
            "incidents_before": then[0] if then else None, "rate_before": rate_before,
            "change": change, "up": change is not None and change >= REFERRAL_RISE - 1e-9,
        })  # fmt: skip
    return pd.DataFrame(records, columns=columns)


# --- Reading them --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeSignals:
    """The signals of one school year for the buildings in a scope and the district (DISTRICT rows:
    published for everyone). Each frame has one row per building (and DISTRICT)."""

    school_year: str
    as_of: date
    screening: pd.DataFrame  # screening_standing
    unmet: pd.DataFrame  # unmet_need_change
    referrals: pd.DataFrame  # referral_rates_to_date

    @property
    def core_below(self) -> pd.DataFrame:
        """Rows below 80% at benchmark, lowest first."""
        rows = self.screening[self.screening["core_below"].astype(bool)]
        return rows.sort_values(["pct_at_benchmark", "building_id"], ignore_index=True)

    @property
    def unmet_rising(self) -> pd.DataFrame:
        """Rows whose unmet need rose UNMET_RISE_POINTS or more, the largest rise first."""
        rows = self.unmet[self.unmet["rising"].astype(bool)]
        return rows.sort_values(["change", "building_id"], ascending=[False, True],
                                ignore_index=True)  # fmt: skip

    @property
    def referrals_up(self) -> pd.DataFrame:
        """Rows whose referral rate to date is up REFERRAL_RISE or more, the largest rise first."""
        rows = self.referrals[self.referrals["up"].astype(bool)]
        return rows.sort_values(["change", "building_id"], ascending=[False, True],
                                ignore_index=True)  # fmt: skip


@remembered("students")
def get_referral_months(
    session: Session, *, school_years: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """monthly_rates of every building (and the district) in those years, and their enrolment."""
    enrolled = get_enrolled(session, school_years=school_years)
    monthly = monthly_rates(
        get_referral_counts(session, school_years=school_years, by="month"),
        get_calendar_months(session, school_years=school_years),
        enrolled,
    )
    return monthly, enrolled


def get_outcome_signals(
    session: Session, *, as_of: date, scope: Scope, names: Mapping[str, str] | None = None
) -> OutcomeSignals:
    """The signals of `as_of`'s school year for the buildings in `scope` and the district; with
    `names` (building_id → name) each frame gets a `building` column (the district's: None)."""
    school_year = school_year_of(as_of)
    years = (previous_school_year(school_year), school_year)
    health = get_system_health(session, scope=scope, school_years=years)
    monthly, enrolled = get_referral_months(session, school_years=years)
    referrals = referral_rates_to_date(monthly, enrolled, school_year=school_year, as_of=as_of)

    def in_scope(frame: pd.DataFrame) -> pd.DataFrame:
        keep = [b == DISTRICT_ID or scope.allows(b) for b in frame["building_id"]]
        return frame[pd.Series(keep, index=frame.index, dtype=bool)].reset_index(drop=True)

    def named(frame: pd.DataFrame) -> pd.DataFrame:
        if names is None:
            return frame
        return frame.assign(building=[names.get(b) for b in frame["building_id"]])

    return OutcomeSignals(
        school_year=school_year,
        as_of=as_of,
        screening=named(screening_standing(health, school_year=school_year)),
        unmet=named(unmet_need_change(health, school_year=school_year)),
        referrals=named(in_scope(referrals)),
    )
