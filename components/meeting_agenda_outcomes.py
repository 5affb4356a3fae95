"""The agenda's Student outcomes section: buildings whose core instruction is below 80% at benchmark,
whose unmet need is rising, or whose referral rate this year to date is up on last year's. Each item
says the figure with its unit and window or months, links to the Student outcomes page's tab, and
can become a follow-up action. Only published figures make an item: a withheld one never does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from components.follow_up import create_action_link
from components.outcome_wording import KINDS, TABS, outcome_items, place_of
from components.text import plain
from data_access.equity.metrics import DISTRICT_ID
from data_access.system_health.signals import (
    CORE_BENCHMARK_PCT,
    REFERRAL_RISE,
    UNMET_RISE_POINTS,
)

OUTCOMES_PAGE = "pages/student_outcomes.py"
# Short: two links share a narrow column beside each item.
LINK_LABELS = {"core": "Open screening", "unmet": "Open unmet need", "referrals": "Open behaviour"}


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
            label=LINK_LABELS[kind],
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
