"""The meeting's words for the screen and the brief: a headline figure's value and change, since when,
and each matrix cell's status word and number. data_access.meeting hands numbers, dates and codes;
this module turns them into the words the Overview and the brief show. No Streamlit here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

from data_access.labels import STAFF_ROLES, words_list
from data_access.meeting.rules import (
    ACT,
    AREAS,
    CELL_NUMBERS,
    FIDELITY_INSTRUMENT,
    FIDELITY_SCALE,
    Comparison,
    Headline,
    Headlines,
)

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

LABELS = {  # (district, building)
    "fidelity": ("TFI at criterion", f"{FIDELITY_INSTRUMENT} {FIDELITY_SCALE}, latest"),
    "supervision": ("Staff supervised", "Staff supervised"),
    "staffing": ("Missing a role", "Recommended roles unfilled"),
    "equity": ("Equity concerns", "Equity concerns"),
    "actions": ("Overdue actions", "Overdue actions"),
}


def headline_place(headlines: Headlines) -> str:
    """Whose the figures are: 'the district', the building's name, or the buildings' names ('Adams
    Elementary and Brook Middle'; 'your 4 buildings' when there are more than three)."""
    if headlines.building is not None:
        return headlines.building
    if headlines.whole_district:
        return "the district"
    names = headlines.buildings
    if not names:
        return "no buildings"
    if len(names) > 3:
        return f"your {len(names)} buildings"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def headline_whose(headlines: Headlines) -> tuple[str, str]:
    """Whose the headline figures are, for the line above them: ('Figures for the whole district',
    ' (every building)') or ('Figures for Franklin Middle School only', ', not the district'). The
    first part is shown bold; a building's name in it is data (the screen escapes it)."""
    if headlines.whole_district:
        return "Figures for the whole district", " (every building)"
    return f"Figures for {headline_place(headlines)} only", ", not the district"


def headline_label(item: Headline, headlines: Headlines) -> str:
    """What the figure counts, in a few words: 'TFI at criterion', 'Staff supervised'."""
    district, building = LABELS[item.key]
    return district if headlines.building_id is None else building


def headline_detail(item: Headline, headlines: Headlines) -> str:
    """One sentence: what exactly the figure counts."""
    as_of = headlines.comparison.as_of
    district = headlines.building_id is None  # counts of buildings: the district's, or several
    if item.key == "fidelity":
        if district:
            criterion = (
                f"{item.criterion_pct:g}%" if item.criterion_pct is not None else "the criterion"
            )
            return (
                f"Buildings whose latest {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} score is at or "
                f"above {criterion}, of the {item.total or 0:,} with a score."
            )
        return (
            f"The latest {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} score: points earned of points "
            "possible."
        )
    if item.key == "supervision":
        return (
            f"{item.covered or 0:,} of {item.staff or 0:,} support staff in {headline_place(headlines)} had "
            f"a held supervision session in the {item.window_days} days ending {as_of:%-d %b %Y}."
        )
    if item.key == "staffing":
        if district:
            return (
                "Buildings with nobody at all as counselor, psychologist, social worker or nurse "
                f"(the roles with a national recommended ratio) in {item.school_year}."
            )
        roles = role_names(item.roles) or "none"
        return f"Counselor, psychologist, social worker or nurse with no one in the role: {roles}."
    if item.key == "equity":
        threshold = item.threshold
        return (
            f"Building, indicator and student-group risk ratios flagged the way of concern in "
            f"{headline_place(headlines)} in {item.school_year}"
            + (", district rows included" if headlines.whole_district else "")
            + f": above {threshold:g} for discipline, exclusion, chronic absence, below "
            f"benchmark and unmet need; above "
            f"{threshold:g} or below 1/{threshold:g} for Tier 2 and 3 support and special-education "
            "identification. A group with fewer suspensions than everyone else is not counted (the "
            "Equity page shows it). Equity is counted per school year, so the change is against "
            "last school year."
        )
    return (
        f"Follow-up actions still open or in progress after their due date, on {as_of:%-d %b %Y}."
    )


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


def role_names(roles: Iterable[str]) -> str:
    """Recommended roles' codes in words: 'counselor, social worker' (data_access/labels.py)."""
    return words_list(STAFF_ROLES, roles)


# --- The buildings x areas matrix --------------------------------------------------------------------

AREA_NAMES = {
    "fidelity": "Fidelity",
    "outcomes": "Outcomes",
    "supervision": "Supervision",
    "staffing": "Staffing",
    "equity": "Equity",
    "actions": "Actions",
}
STATUS_WORDS = {
    "fidelity": {
        "no_score": "No score",
        "at_criterion": "At criterion",
        "slipped": "Slipped",
        "below": "Below",
        "incomplete": "Incomplete",
    },
    "outcomes": {
        "core_below": "Core below 80%",
        "unmet_rising": "Unmet need up",
        "referrals_up": "Referrals up",
        "core_sufficient": "Core at 80%+",
        "withheld": "Withheld",
        "no_screening": "No screening",
    },
    "supervision": {
        "no_staff": "No support staff",
        "all_covered": "All covered",
        "lapsed": "Lapsed",
        "gaps": "Gaps",
    },
    "staffing": {
        "no_data": "No data",
        "role_missing": "Role missing",
        "over_ratio": "Over ratio",
        "meets": "Meets",
    },
    "equity": {"no_flags": "No concerns", "new_or_worse": "New or worse", "flagged": "Concerns"},
    "actions": {"overdue": "Overdue", "on_track": "On track", "none_open": "None open"},
}


def outcome_number(cell: Mapping[str, object]) -> str:
    """An outcome cell's figure, short enough for the matrix's eighth column on a projector: the
    status's own figure ('70.0%' at benchmark, '+16.3 points', '+19%'; nothing when withheld:
    never worked out), and '+1 more' when the building has another signal (the agenda and the
    Building page name it). The window and the units are in the caption above the matrix."""
    status = cell["status"]

    def given(name: str) -> float | None:
        value = cell[name]
        return None if value is None or pd.isna(value) else float(value)

    pct, unmet, referrals = (
        given("pct_at_benchmark"),
        given("unmet_change"),
        given("referral_change"),
    )
    if status == "unmet_rising" and unmet is not None:
        figure = f"+{unmet:.1f} points"
    elif status == "referrals_up" and referrals is not None:
        figure = f"+{referrals:.0%}"
    elif status != "withheld" and pct is not None:
        figure = f"{pct:.1f}%"
    else:
        figure = ""
    # The cell carries unmet_change only when rising and referral_change only when up; core below
    # 80% is always the status when it holds (it comes first).
    signals = (status == "core_below") + (unmet is not None) + (referrals is not None)
    return figure + (f", +{signals - 1} more" if signals > 1 else "")


def outcomes_when(picture) -> str:
    """The screening window and school year the outcome column reads: 'the spring 2025-26
    window', or 'the latest window of 2025-26' when no window is screened yet."""
    outcomes = picture.outcomes
    if outcomes is None:
        return "the latest screening window"
    windows = outcomes.screening["window"].dropna()
    if windows.empty:
        return f"the latest screening window of {outcomes.school_year}"
    return f"the {windows.iloc[0]} {outcomes.school_year} window"


def _cell_number(area: str, cell: Mapping[str, object]) -> str:
    status = cell["status"]
    if area == "outcomes":
        return outcome_number(cell)
    if area == "fidelity":
        if status in ("no_score", "incomplete"):
            return ""
        if status == "slipped":
            return f"{cell['percent']:.0f}% (was {cell['previous_percent']:.0f}%)"
        return f"{cell['percent']:.0f}%"
    if area == "supervision":
        return "" if status == "no_staff" else f"{cell['covered']:,} of {cell['staff']:,}"
    if area == "staffing":
        if status == "no_data":
            return ""
        if status == "role_missing":
            return f"no {role_names(cell['missing'])}"
        if status == "over_ratio":
            return f"{cell['above']} of {cell['roles']} roles"
        return f"{cell['roles']} roles"
    if area == "equity":
        flags, new_or_worse = cell["flags"], cell["new_or_worse"]
        if not flags:
            return ""
        number = f"{flags} concern{'s' if flags != 1 else ''}"
        return f"{number}, {new_or_worse} new or worse" if new_or_worse else number
    if status == "overdue":
        return f"{cell['overdue']} of {cell['open']} open"
    return f"{cell['open']} open" if status == "on_track" else ""


def cell_words(area: str, cell: Mapping[str, object]) -> tuple[str, str]:
    """A matrix cell (rules' `<area>_cell`: its status code and numbers) as its status word and
    number: ('Lapsed', '0 of 10'), ('Role missing', 'no social worker'), ('No flags', '')."""
    return STATUS_WORDS[area][cell["status"]], _cell_number(area, cell)


def attention(levels: Mapping[str, str]) -> str:
    """The areas to act on, in words ('Fidelity, Supervision'), or 'Nothing urgent'; `levels`:
    each area's level."""
    act = [AREA_NAMES[area] for area in AREAS if levels[area] == ACT]
    return ", ".join(act) if act else "Nothing urgent"


def matrix_words(matrix: pd.DataFrame) -> pd.DataFrame:
    """building_matrix's rows in words (same index): building_id, building, `attention`, and for
    each area `<area>_word` and `<area>_number`."""
    words = pd.DataFrame(
        {"building_id": matrix["building_id"], "building": matrix["building"]},
        index=matrix.index,
    )
    words["attention"] = [
        attention({area: row[f"{area}_level"] for area in AREAS}) for _, row in matrix.iterrows()
    ]
    for area in AREAS:
        keys = ["status", *CELL_NUMBERS[area]]
        cells = matrix[[f"{area}_{key}" for key in keys]].set_axis(keys, axis=1)
        said = [cell_words(area, cell) for cell in cells.to_dict("records")]
        words[f"{area}_word"] = [word for word, _ in said]
        words[f"{area}_number"] = [number for _, number in said]
    return words


# --- How current the data is -------------------------------------------------------------------------

FRESHNESS_SOURCES = {
    "students": "Students (enrollment)",
    "attendance": "Attendance",
    "discipline": "Discipline incidents",
    "supports": "Tier 2 and 3 supports",
    "screening": "Screening",
    "fidelity_scores": "Fidelity scores",
    "staff_assignments": "Staff assignments",
    "supervision_sessions": "Supervision sessions (held)",
    "caseloads": "Caseloads",
    "actions": "Follow-up actions (last change)",
    "meetings": "Leadership meetings",
}


def freshness_words(freshness: pd.DataFrame) -> pd.DataFrame:
    """get_data_freshness in words: each source's name, its latest date as every date on screen
    ("3 Oct 2025"; a school year stays "2025-26"), and 'no data' for a source without rows."""

    def latest_words(latest: object) -> str:
        if pd.isna(latest):
            return "no data"
        try:
            return f"{date.fromisoformat(str(latest)[:10]):%-d %b %Y}"
        except ValueError:  # a school year
            return str(latest)

    return freshness.assign(
        source=[FRESHNESS_SOURCES.get(source, source) for source in freshness["source"]],
        latest=[latest_words(latest) for latest in freshness["latest"]],
    )
