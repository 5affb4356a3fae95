"""The words of the student-outcome signals, for the agenda, the Building page and the brief: each
item's figure with its unit and its window or months. No Streamlit here."""

from __future__ import annotations

from datetime import date
from typing import Any

from data_access.equity.metrics import DISTRICT_ID
from data_access.school_year import previous_school_year
from data_access.system_health.signals import CORE_BENCHMARK_PCT, OutcomeSignals

# Each kind of item → the Student outcomes page's tab that shows its figures.
TABS = {"core": "Screening", "unmet": "Unmet need and supports", "referrals": "Behaviour"}


def month_words(month: str) -> str:
    """'2026-04' → 'April 2026'."""
    return f"{date(int(month[:4]), int(month[5:]), 1):%B %Y}"


def place_of(row: dict[str, Any]) -> str:
    """The building's name, or 'the whole district' (names are data: escape before Markdown)."""
    return "the whole district" if row["building_id"] == DISTRICT_ID else str(row["building"])


def core_text(row: dict[str, Any], school_year: str) -> str:
    """'70.0% of 423 students screened in spring 2025-26 were at benchmark (below 80%)'."""
    return (
        f"{float(row['pct_at_benchmark']):.1f}% of {int(row['screened']):,} students screened in "
        f"{row['window']} {school_year} were at benchmark (below {CORE_BENCHMARK_PCT:g}%)"
    )


def unmet_text(row: dict[str, Any], school_year: str) -> str:
    """'67.7% of students below benchmark had no support in 2025-26 (spring screening), up 6.0
    percentage points from 61.7% in 2024-25'."""
    return (
        f"{float(row['pct_now']):.1f}% of students below benchmark had no Tier 2 or 3 support in "
        f"{school_year} ({row['window']} screening), up {float(row['change']):.1f} percentage "
        f"points from {float(row['pct_before']):.1f}% in {previous_school_year(school_year)}"
    )


def referrals_text(row: dict[str, Any], school_year: str) -> str:
    """'0.39 referrals per 100 students per school day in 2025-26 to the end of April 2026, up 19%
    on 0.33 in the same months of 2024-25'."""
    return (
        f"{float(row['rate']):.2f} referrals per 100 students per school day in {school_year} to "
        f"the end of {month_words(row['last_month'])}, up {float(row['change']):.0%} on "
        f"{float(row['rate_before']):.2f} in the same months of {previous_school_year(school_year)}"
    )


# kind → (what the item is called, its text, the action's title)
KINDS = {
    "core": ("Core below 80%", core_text, "Strengthen core instruction at {place}"),
    "unmet": ("Unmet need up", unmet_text, "Reach the students below benchmark at {place}"),
    "referrals": ("Referrals up", referrals_text, "Bring referrals down at {place}"),
}


def outcome_items(outcomes: OutcomeSignals) -> list[tuple[str, dict[str, Any]]]:
    """Every item in the agenda's order: core below 80% (lowest first), unmet need up, then
    referrals up (the largest rise first), as (kind, row)."""
    frames = (
        ("core", outcomes.core_below),
        ("unmet", outcomes.unmet_rising),
        ("referrals", outcomes.referrals_up),
    )
    return [(kind, row) for kind, frame in frames for row in frame.to_dict("records")]
