"""The leadership team's identifiers and pure arithmetic: the six member categories, what makes a
meeting healthy, and the counts and flags computed over frames the queries return (no session here),
tested with hand-computed numbers."""

from __future__ import annotations

import pandas as pd

from data_access.labels import TEAM_CATEGORIES as TEAM_CATEGORIES_IN_WORDS
from data_access.models import TEAM_CATEGORIES
from data_access.school_year import school_year_of

# The six kinds of member the MTSS guidance on strong shared leadership asks for, in its order, as
# the team says them (data_access/labels.py).
TEAM_CATEGORY_LABELS = TEAM_CATEGORIES_IN_WORDS
assert tuple(TEAM_CATEGORY_LABELS) == TEAM_CATEGORIES
HEALTHY_ATTENDANCE = 0.75  # a TIPS meeting is healthy when at least 75% of members attend
CADENCE_DAYS = 35  # the team meets monthly; a longer gap inside a school year is flagged
SELF_CHECK_INSTRUMENT = "SHARED-LEADERSHIP"


def count_by_category(members: pd.DataFrame) -> pd.DataFrame:
    """Every one of the six categories with its number of members (0 included): category, label,
    members. `members` has a `category` column, one row per member."""
    counts = members["category"].value_counts() if len(members) else pd.Series(dtype=int)
    return pd.DataFrame(
        {
            "category": list(TEAM_CATEGORY_LABELS),
            "label": list(TEAM_CATEGORY_LABELS.values()),
            "members": [int(counts.get(category, 0)) for category in TEAM_CATEGORY_LABELS],
        }
    )


def missing_categories(composition: pd.DataFrame) -> list[str]:
    """The labels of the categories nobody on the team represents (from `count_by_category`)."""
    return composition.loc[composition["members"] == 0, "label"].tolist()


def meeting_health(
    meetings: pd.DataFrame,
    *,
    healthy_attendance: float = HEALTHY_ATTENDANCE,
    cadence_days: int = CADENCE_DAYS,
) -> pd.DataFrame:
    """Adds to each meeting (`held_on`, `members`, `attended`): `attendance_share` (0-1, missing
    when no one was recorded), `low_attendance` (below the healthy share), `school_year`,
    `days_since_previous` (the previous meeting of the same school year; missing for the first of a
    year: the summer break is not a gap) and `long_gap` (more than `cadence_days`)."""
    frame = meetings.sort_values("held_on", ignore_index=True).copy()
    frame["attendance_share"] = frame["attended"] / frame["members"].where(frame["members"] > 0)
    frame["low_attendance"] = frame["attendance_share"].lt(healthy_attendance).fillna(False)
    frame["school_year"] = [school_year_of(day) for day in frame["held_on"]]
    previous = frame.groupby("school_year")["held_on"].shift(1)
    frame["days_since_previous"] = pd.Series(
        [
            None if pd.isna(before) else (day - before).days
            for day, before in zip(frame["held_on"], previous, strict=True)
        ],
        index=frame.index,
        dtype="Int64",
    )
    frame["long_gap"] = frame["days_since_previous"].gt(cadence_days).fillna(False).astype(bool)
    return frame
