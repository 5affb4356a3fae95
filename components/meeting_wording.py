"""The meeting's words for the screen and the brief: a headline figure's value and change, since when,
and each matrix cell's status word and number. data_access.meeting hands numbers, dates and codes;
this module turns them into the words the Overview and the brief show. No Streamlit here."""

from __future__ import annotations

from data_access.meeting.rules import Comparison, Headline

# What a headline figure says when there is nothing to count, by its key.
NOTHING_TO_COUNT = {"supervision": "no staff", "equity": "no students"}


# --- Since when -------------------------------------------------------------------------------------


def since(comparison: Comparison) -> str:
    """'since the meeting of 12 May 2026', or 'since 29 Apr 2026 (a month earlier)'."""
    if comparison.kind == "meeting":
        return f"since the meeting of {comparison.compare_on:%-d %b %Y}"
    return f"since {comparison.compare_on:%-d %b %Y} (a month earlier)"


def since_short(comparison: Comparison) -> str:
    """'since 12 May', for the small print under a figure."""
    return f"since {comparison.compare_on:%-d %b}"


def headline_since(item: Headline, comparison: Comparison) -> str:
    """Since when the figure's change counts: 'since 2024-25' for a figure compared with a school
    year (equity), else the comparison's `since`."""
    return f"since {item.since_year}" if item.since_year else since(comparison)


def headline_since_short(item: Headline, comparison: Comparison) -> str:
    return f"since {item.since_year}" if item.since_year else since_short(comparison)


# --- A headline figure ------------------------------------------------------------------------------


def headline_value(item: Headline) -> str:
    """The value as the screen shows it: '7 of 12', '73%', '5', or 'no scores' / 'no staff'."""
    if item.value is None:
        if item.key == "fidelity":
            return "no scores" if item.value_kind == "count_of" else "no score"
        return NOTHING_TO_COUNT.get(item.key, "none")
    if item.value_kind == "count_of":
        return f"{int(item.value):,} of {item.total or 0:,}"
    if item.value_kind == "percent":
        return f"{item.value:.0f}%"
    return f"{int(item.value):,}"


def headline_change(item: Headline) -> str | None:
    """'+1 building', '-7 points', 'no change'; None when there is nothing to compare with."""
    change = item.change
    if change is None:
        return None
    if change == 0:
        return "no change"
    amount = f"{abs(change):,.0f}"
    unit = item.unit[:-1] if amount == "1" and item.unit.endswith("s") else item.unit
    return f"{'+' if change > 0 else '-'}{amount} {unit}"
