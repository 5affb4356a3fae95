"""Every code in plain words, in one place: user and staff roles, indicators, student groups, flags,
action and session statuses, team categories, building levels, and the equity-flag references
actions link by. Tables, charts, pre-filled fields and the meeting brief all read their words from
here, so a thing is called the same everywhere. A code not listed is still made readable
(underscores become spaces, first letter capitalised); a missing value is blank, never "None"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

# --- People ----------------------------------------------------------------------------------------

USER_ROLES = {
    "district_admin": "District admin",
    "district_leader": "District leader",
    "principal": "Principal",
    "coach": "Coach",
    "viewer": "Viewer",
}
SUPERVISION_THEMES = {
    "safeguarding": "Safeguarding",
    "mental_health": "Mental health",
    "attendance": "Attendance",
    "behavior": "Behavior",
    "family": "Family",
    "workload": "Workload",
    "caseload": "Caseload",
    "wellbeing": "Wellbeing",
    "professional_learning": "Professional learning",
    "other": "Other",
}
STAFF_ROLES = {
    "counselor": "Counselor",
    "psychologist": "Psychologist",
    "social_worker": "Social worker",
    "nurse": "Nurse",
    "intervention_specialist": "Intervention specialist",
    "behavior_specialist": "Behavior specialist",
    "safeguarding_lead": "Safeguarding lead",
    "coach": "Coach",
    "administrator": "Administrator",
    "other": "Other",
}
# The six kinds of member the state's MTSS guidance on strong shared leadership asks a leadership
# team to include, in its order, as the team says them.
TEAM_CATEGORIES = {
    "administrator": "Administrators",
    "educator": "Educators",
    "family_learner": "Families and learners",
    "community": "Community members",
    "pupil_services": "Pupil service providers",
    "school_board": "School board",
}
# The guidance those categories (and the team self-check) come from, as a principal knows it.
LEADERSHIP_GUIDANCE = "MTSS guidance on strong shared leadership"

# --- Equity ----------------------------------------------------------------------------------------

# The contract's ten indicators, in its order: name → what a leadership team calls it.
INDICATORS = {
    "odr": "Office discipline referrals",
    "iss": "In-school suspension",
    "oss": "Out-of-school suspension",
    "exclusion": "Exclusion (out-of-school suspension or expulsion)",
    "chronic_absence": "Chronic absence (missed 10% or more of school days)",
    "tier2plus": "Tier 2 or Tier 3 support",
    "tier3": "Tier 3 support",
    "sped_identification": "Special-education identification (IEP)",
    "below_benchmark": "Below benchmark on universal screening (of students screened)",
    "unsupported_need": "Below benchmark with no support (of students below benchmark)",
}
# The same, short enough for a table column or a one-line reference.
INDICATORS_SHORT = {
    "odr": "Office discipline referrals",
    "iss": "In-school suspension",
    "oss": "Out-of-school suspension",
    "exclusion": "Exclusion (OSS or expulsion)",
    "chronic_absence": "Chronic absence",
    "tier2plus": "Tier 2 or 3 support",
    "tier3": "Tier 3 support",
    "sped_identification": "Special-ed identification",
    "below_benchmark": "Below benchmark",
    "unsupported_need": "Unmet need (no support)",
}
GROUP_TYPES = {
    "race_ethnicity": "Race and ethnicity",
    "sex": "Sex",
    "iep": "IEP",
    "el": "English learners",
    "econ_disadv": "Economically disadvantaged",
}
GROUPS: dict[tuple[str, str], str] = {
    ("race_ethnicity", "HI"): "Hispanic/Latino",
    ("race_ethnicity", "AM"): "American Indian/Alaska Native",
    ("race_ethnicity", "AS"): "Asian",
    ("race_ethnicity", "HP"): "Native Hawaiian/Pacific Islander",
    ("race_ethnicity", "BL"): "Black",
    ("race_ethnicity", "WH"): "White",
    ("race_ethnicity", "TR"): "Two or more races",
    ("sex", "F"): "Female",
    ("sex", "M"): "Male",
    ("sex", "X"): "Sex X (nonbinary)",
    ("iep", "Y"): "Students with IEPs",
    ("el", "Y"): "English learners",
    ("econ_disadv", "Y"): "Economically disadvantaged",
}
FLAGS = {"over": "Over", "under": "Under"}
RATIO_TYPES = {
    "risk_ratio": "Risk ratio",
    "alternate_risk_ratio": "Alternate (district)",
    "not_calculated": "Not calculated",
}

# --- Follow-up actions -----------------------------------------------------------------------------

ACTION_FIELDS = {
    "building_id": "Building",
    "title": "Title",
    "problem_statement": "Problem statement",
    "goal": "Goal and timeline",
    "solution_actions": "Solution actions",
    "owner_email": "Owner",
    "due_date": "Due date",
    "status": "Status",
    "fidelity_check": "Fidelity check",
    "outcome_check": "Outcome check",
    "source_type": "Came from",
    "source_ref": "Came from (detail)",
    "meeting_id": "Meeting",
}
ACTION_STATUSES = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
FIDELITY_CHECKS = {
    "not_started": "Not started",
    "partial": "Partially implemented",
    "implemented": "Implemented with fidelity",
    "stopped": "Stopped",
}
OUTCOME_CHECKS = {
    "worse": "Worse",
    "no_change": "No change",
    "improved_not_to_goal": "Improved, not yet to goal",
    "goal_met": "Goal met",
}
ACTION_SOURCES = {
    "fidelity_item": "A fidelity item",
    "equity_cell": "An equity flag",
    "staff_support_gap": "A staff-support gap",
    "meeting": "A meeting",
    "other": "Other",
}

# --- Staff support, buildings, fidelity ------------------------------------------------------------

SESSION_STATUSES = {"scheduled": "Scheduled", "held": "Held", "cancelled": "Cancelled"}
SESSION_FORMATS = {"individual": "Individual", "group": "Group"}
SUPPORT_DOMAINS = {
    "reading": "Reading",
    "math": "Math",
    "behavior": "Behaviour",
    "sel": "Social and emotional",
    "attendance": "Attendance",
    "other": "Other",
}
BUILDING_LEVELS = {
    "elementary": "Elementary",
    "middle": "Middle",
    "high": "High",
    "k8": "K-8",
    "other": "Other",
}


# --- Functions -------------------------------------------------------------------------------------


def is_missing(value: object) -> bool:
    """None, NaN, NaT, pandas' NA, or text that says so ("None", "nan")."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() in {"", "None", "nan", "NaN", "NaT", "<NA>"}
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def readable(code: object) -> str:
    """An unlisted code made readable: 'behavior_specialist' → 'Behavior specialist'; missing → ''."""
    if is_missing(code):
        return ""
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def words(mapping: Mapping[str, str], code: object) -> str:
    """The code's words from `mapping`, else `readable(code)`; never raises, never 'None'."""
    if is_missing(code):
        return ""
    return mapping.get(code) or readable(code)  # type: ignore[call-overload]


def in_sentence(text: str) -> str:
    """Words for the middle of a sentence: 'Social worker' → 'social worker', but 'Tier 3 support',
    'IEP' and 'English learners' keep their capitals."""
    first = text.split(" ", 1)[0]
    if not first or first[:1].islower() or first in {"Tier", "English", "Black", "White", "Asian"}:
        return text
    if len(first) > 1 and (first[1].isupper() or not first.isalpha()) and "-" not in first:
        return text  # IEP, TFI, K-8
    return text[:1].lower() + text[1:]


def group_words(group_type: object, group: object) -> str:
    """A student group: ('iep', 'Y') → 'Students with IEPs'; ('race_ethnicity', 'BL') → 'Black'."""
    return GROUPS.get((str(group_type), str(group))) or readable(
        group if group_type in ("race_ethnicity", "sex") else group_type
    )


def owner_names(owners: pd.DataFrame) -> dict[str, str]:
    """Each owner's email → the name to show (`owners`: email, name): the person's name, with the
    email only when two people share it; the email when there is no name."""
    if owners is None or owners.empty:
        return {}
    names = [None if is_missing(name) else str(name).strip() for name in owners["name"]]
    shared = {name for name in names if name and names.count(name) > 1}
    return {
        email: (f"{name} ({email})" if name in shared else name) if name else email
        for email, name in zip(owners["email"], names, strict=True)
    }


def owner_word(email: object, names: Mapping[str, str]) -> str:
    """One owner as shown: their name from `names` (owner_names), else the email; '' when none."""
    if is_missing(email):
        return ""
    return names.get(str(email)) or str(email)


# --- Equity-flag references -------------------------------------------------------------------------

# The identifier an action keeps for the equity flag it answers (equity.metrics.flag_reference):
# "<indicator> <group code or yes-no column> <school year>", e.g. "oss iep 2025-26", "odr BL 2024-25".
_REFERENCE = re.compile(
    r"^\s*(?P<indicator>[a-z0-9_]+) (?P<group>[A-Za-z_]+) (?P<year>\d{4}-\d{2})\s*$"
)
_GROUP_BY_CODE = {
    code if kind in ("race_ethnicity", "sex") else kind: (kind, code) for kind, code in GROUPS
}


def is_flag_reference(reference: object) -> bool:
    """Whether `reference` is an equity flag's identifier ("oss iep 2025-26")."""
    if is_missing(reference):
        return False
    match = _REFERENCE.match(str(reference))
    return match is not None and match["indicator"] in INDICATORS


def flag_reference_words(reference: object) -> str:
    """An equity flag's stored reference as people say it: 'oss iep 2025-26' → 'Out-of-school
    suspension · Students with IEPs · 2025-26'. Anything that is not such a reference comes back as
    it is (a free-text detail), and a missing one as ''."""
    if is_missing(reference):
        return ""
    text = str(reference)
    match = _REFERENCE.match(text)
    if match is None or match["indicator"] not in INDICATORS:
        return text
    group = _GROUP_BY_CODE.get(match["group"])
    group_text = GROUPS[group] if group else readable(match["group"])
    return f"{INDICATORS_SHORT[match['indicator']]} · {group_text} · {match['year']}"


def source_words(source_type: object, source_ref: object) -> str:
    """An action's "came from" detail in words: an equity flag's reference worded, a staff-support
    gap's role named ("social_worker B05" → "Social worker · B05"), other details as written."""
    if is_missing(source_ref):
        return ""
    text = str(source_ref)
    if source_type == "equity_cell" or _REFERENCE.match(text):
        return flag_reference_words(text)
    first, _, rest = text.partition(" ")
    if first in STAFF_ROLES:  # a staff-support gap: "social_worker B05"
        return f"{STAFF_ROLES[first]} · {rest}" if rest else STAFF_ROLES[first]
    return text


def words_list(mapping: Mapping[str, str], codes: Iterable[object]) -> str:
    """Several codes in words, in a sentence: 'counselor, social worker'."""
    return ", ".join(in_sentence(words(mapping, code)) for code in codes if not is_missing(code))
