"""The agenda's Student outcomes section: buildings whose core instruction is below 80% at benchmark,
whose unmet need is rising, or whose referral rate this year to date is up on last year's. Each item
says the figure with its unit and window or months, links to the Student outcomes page's tab, and
can become a follow-up action. Only published figures make an item: a withheld one never does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components.follow_up import create_action_link
from components.text import plain
from data_access.equity.metrics import DISTRICT_ID
from data_access.school_year import previous_school_year
from data_access.system_health.signals import (
    CORE_BENCHMARK_PCT,
    REFERRAL_RISE,
    UNMET_RISE_POINTS,
    OutcomeSignals,
)

OUTCOMES_PAGE = "pages/student_outcomes.py"
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
    "unmet": ("Unmet need rising", unmet_text, "Reach the students below benchmark at {place}"),
    "referrals": ("Referrals up", referrals_text, "Bring referrals down at {place}"),
}


def outcome_items(outcomes: OutcomeSignals) -> list[tuple[str, dict[str, Any]]]:
    """Every item in the agenda's order: core below 80% (lowest first), unmet need rising, then
    referrals up (the largest rise first), as (kind, row)."""
    frames = (
        ("core", outcomes.core_below),
        ("unmet", outcomes.unmet_rising),
        ("referrals", outcomes.referrals_up),
    )
    return [(kind, row) for kind, frame in frames for row in frame.to_dict("records")]


def show_outcome_item(
    item: Callable[[str], Any],
    kind: str,
    row: dict[str, Any],
    school_year: str,
    *,
    meeting_id: int | None = None,
) -> None:
    """One item: the place in bold, what it is, the figure (`item(text)`: the agenda's line, whose
    context is the column for its links); beside it the Student outcomes tab at the building and a
    follow-up action (linked to the meeting `meeting_id`)."""
    label, text, title = KINDS[kind]
    place = place_of(row)
    words = text(row, school_year)
    building_id = None if row["building_id"] == DISTRICT_ID else row["building_id"]
    # Only the place is data; the figure's words are made here from numbers and window names.
    with item(f"**{plain(place)}** · {label}: {words}"):
        st.page_link(
            OUTCOMES_PAGE,
            label=f"Open {TABS[kind].lower()}",
            icon=":material/school:",
            query_params={"tab": TABS[kind], **({"building": building_id} if building_id else {})},
        )
        create_action_link(
            source_type="meeting",
            source_ref=f"outcomes {kind} {row['building_id']} {school_year}",
            building_id=building_id,
            title=title.format(place=place)[:200],
            problem_statement=f"{place[:1].upper()}{place[1:]}: {words}.",
            meeting_id=meeting_id,
        )


def show_student_outcomes(agenda: Any, number: int) -> None:
    """The agenda section (`agenda`: meeting_agenda's _Agenda)."""
    outcomes = agenda.picture.outcomes
    year = outcomes.school_year if outcomes is not None else agenda.picture.school_year
    agenda.section(number, f"Student outcomes, {year}")
    if outcomes is None or outcomes.screening.empty and outcomes.referrals.empty:
        st.caption(f"No screening results or referral rates are recorded for {year}.")
        return
    items = outcome_items(outcomes)
    if not items:
        st.caption(
            f"No building in your view is below {CORE_BENCHMARK_PCT:g}% at benchmark, has unmet "
            f"need up {UNMET_RISE_POINTS:g} points or more, or referrals up {REFERRAL_RISE:.0%} or "
            "more on last year."
        )
    for kind, row in items[: agenda.items]:
        show_outcome_item(agenda.item, kind, row, year, meeting_id=agenda.meeting_id)
    if len(items) > agenda.items:
        st.caption(f"…and {len(items) - agenda.items:,} more on the Student outcomes page.")
        st.page_link(OUTCOMES_PAGE, label="Open student outcomes", icon=":material/school:")
    withheld = withheld_buildings(outcomes.screening)
    if withheld:
        st.caption(
            f"{withheld:,} building(s) in your view have their screening figures withheld (too few "
            "students to show, or a count that would let one be worked out): no item is made "
            "from them."
        )


def withheld_buildings(screening: pd.DataFrame) -> int:
    rows = screening[screening["building_id"] != DISTRICT_ID]
    return int((rows["state"] == "withheld").sum())
