"""The people around the data: dashboard users, the district leadership team and its meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_access.demo.buildings import BuildingPlan
from data_access.demo.dates import DEMO_AS_OF, start_year
from data_access.demo.staff import StaffPlan

# District leaders are not in the staff table (they supervise no caseload); their names are kept out
# of the generated staff names.
DATA_MANAGER = ("Dana Whitfield", "data.manager@demo-district.org")
ASSISTANT_SUPERINTENDENT = ("Marcus Bell", "marcus.bell@demo-district.org")
MTSS_COORDINATOR = ("Priya Raman", "priya.raman@demo-district.org")
BOARD_MEMBER = ("Gloria Esposito", "gloria.esposito@demo-district.org")
RESERVED_NAMES = {
    DATA_MANAGER[0],
    ASSISTANT_SUPERINTENDENT[0],
    MTSS_COORDINATOR[0],
    BOARD_MEMBER[0],
    "Lorraine Whitaker",
    "Tomas Villanueva",
    "Harold Okafor",
    "Denise Alvarado",
    "Walter Brandt",
}
MEETING_MONTHS = [9, 10, 11, 12, 1, 2, 3, 4, 5]


@dataclass(frozen=True)
class DistrictFacts:
    """Numbers from the generated data that the meeting minutes and action statements quote."""

    chronic_absence: dict[str, float]  # school year → share of students
    fall_benchmark: dict[str, float]
    story_oss: dict[str, dict[str, float]]  # school year → group → {n, events, risk, ratio}


def users(plan: BuildingPlan, staff: StaffPlan, n_years: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One district admin, three district leaders, a principal per building, the coaches, a viewer."""
    last = n_years - 1
    a = staff.assignments[staff.assignments["year"] == last]
    emails = staff.staff.set_index("staff_id")["email"]
    names = staff.staff.set_index("staff_id")["name"]
    director = staff.supervisors[0]
    people = [
        (DATA_MANAGER[1], "district_admin", DATA_MANAGER[0]),
        (ASSISTANT_SUPERINTENDENT[1], "district_leader", ASSISTANT_SUPERINTENDENT[0]),
        (MTSS_COORDINATOR[1], "district_leader", MTSS_COORDINATOR[0]),
        (emails[director], "district_leader", names[director]),
        (BOARD_MEMBER[1], "viewer", BOARD_MEMBER[0]),
    ]
    access = []
    principals = a[a["title"] == "Principal"].sort_values("building")
    for staff_id, building_id in zip(
        principals["staff_id"], principals["building_id"], strict=True
    ):
        people.append((emails[staff_id], "principal", names[staff_id]))
        access.append((emails[staff_id], building_id))
    coaches = a[a["role"] == "coach"].sort_values(["staff_id", "building"])
    for staff_id in coaches["staff_id"].unique():
        people.append((emails[staff_id], "coach", names[staff_id]))
    access += [
        (emails[s], b) for s, b in zip(coaches["staff_id"], coaches["building_id"], strict=True)
    ]
    user_frame = pd.DataFrame(people, columns=["email", "role", "name"])
    return user_frame, pd.DataFrame(access, columns=["email", "building_id"])


def team_members(plan: BuildingPlan, staff: StaffPlan, school_years: list[str]) -> pd.DataFrame:
    """The district MTSS leadership team: administrators, educators, pupil services, community and the
    school board, but no family member or learner (a gap the team should see)."""
    first = start_year(school_years[0])
    last = len(school_years) - 1
    a = staff.assignments
    names = staff.staff.set_index("staff_id")["name"]
    emails = staff.staff.set_index("staff_id")["email"]
    story_b = plan.stories["oss_disproportionality"]
    principal = a[(a["year"] == last) & (a["title"] == "Principal") & (a["building"] == story_b)]
    principal_id = principal["staff_id"].iloc[0]
    coach_id = a[(a["year"] == last) & (a["role"] == "coach")]["staff_id"].min()
    high_schools = np.flatnonzero(plan.levels == "high")
    counselor = a[
        (a["year"] == 0)
        & (a["role"] == "counselor")
        & (a["fte"] == 1.0)
        & a["building"].isin(high_schools)
        & (a["staff_id"].isin(a.loc[a["year"] == last, "staff_id"]))
    ]
    counselor_id = counselor.sort_values(["building", "staff_id"])["staff_id"].iloc[-1]
    counselor_building = plan.names[
        int(counselor.sort_values(["building", "staff_id"])["building"].iloc[-1])
    ]
    director, lead_psychologist = staff.supervisors[0], staff.supervisors[1]
    rows = [
        (
            *ASSISTANT_SUPERINTENDENT,
            "administrator",
            "Assistant Superintendent (chair)",
            False,
            date(first - 2, 8, 1),
            None,
        ),
        (
            *MTSS_COORDINATOR,
            "administrator",
            "District MTSS Coordinator",
            True,
            date(first - 1, 8, 1),
            None,
        ),
        (
            names[director],
            emails[director],
            "administrator",
            "Director of Student Services",
            None,
            date(first - 1, 8, 1),
            None,
        ),
        (
            names[principal_id],
            emails[principal_id],
            "administrator",
            f"Principal, {plan.names[story_b]}",
            True,
            date(first, 9, 1),
            None,
        ),
        (
            "Lorraine Whitaker",
            None,
            "educator",
            f"Grade 3 teacher, {plan.names[0]}",
            False,
            date(first - 1, 8, 15),
            None,
        ),
        (
            "Tomas Villanueva",
            None,
            "educator",
            "Special education teacher",
            True,
            date(first, 9, 1),
            None,
        ),
        (
            names[coach_id],
            emails[coach_id],
            "educator",
            "MTSS coach",
            None,
            date(first, 9, 1),
            None,
        ),
        (
            names[lead_psychologist],
            emails[lead_psychologist],
            "pupil_services",
            "Lead School Psychologist",
            False,
            date(first - 2, 8, 1),
            None,
        ),
        (
            names[counselor_id],
            emails[counselor_id],
            "pupil_services",
            f"School counselor, {counselor_building}",
            True,
            date(first + 1, 8, 15),
            None,
        ),
        (
            "Walter Brandt",
            None,
            "community",
            "Director, Eastside Boys & Girls Club",
            False,
            date(first - 2, 9, 1),
            date(first + 1, 6, 30),
        ),
        (
            "Harold Okafor",
            None,
            "community",
            "Pastor, Greater Hope Community Church",
            True,
            date(first, 1, 15),
            None,
        ),
        (
            "Denise Alvarado",
            None,
            "community",
            "Youth services coordinator, County Health Department",
            None,
            date(first + 1, 9, 1),
            None,
        ),
        (
            BOARD_MEMBER[0],
            BOARD_MEMBER[1],
            "school_board",
            "School board member",
            False,
            date(first - 1, 1, 10),
            None,
        ),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "name",
            "email",
            "category",
            "role_title",
            "from_marginalized_group",
            "joined_on",
            "left_on",
        ],
    )
    frame.insert(0, "member_id", np.arange(1, len(frame) + 1))
    frame["from_marginalized_group"] = frame["from_marginalized_group"].astype(object)
    return frame[
        [
            "member_id",
            "name",
            "category",
            "role_title",
            "email",
            "from_marginalized_group",
            "joined_on",
            "left_on",
        ]
    ]


def _second_tuesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def meetings(
    plan: BuildingPlan,
    school_years: list[str],
    members: pd.DataFrame,
    facts: DistrictFacts,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly district meetings (second Tuesday, September-May) up to DEMO_AS_OF. This year's January
    meeting was snowed out (a two-month gap); two meetings fell below the 75% a healthy team needs."""
    held = []
    for y, school_year in enumerate(school_years):
        for month in MEETING_MONTHS:
            if y == len(school_years) - 1 and month == 1:
                continue
            day = _second_tuesday(start_year(school_year) + (month < 7), month)
            if day <= DEMO_AS_OF:
                held.append((y, month, day))
    low_attendance = {(0, 12), (len(school_years) - 2, 3)}
    facilitator, minute_taker = 2, 5  # the MTSS coordinator and a teacher
    meeting_rows, attendance_rows = [], []
    for meeting_id, (y, month, day) in enumerate(held, start=1):
        active = members[
            (members["joined_on"] <= day)
            & (members["left_on"].isna() | (members["left_on"] >= day))
        ]["member_id"].tolist()
        others = [m for m in active if m not in (facilitator, minute_taker)]
        if (y, month) in low_attendance:  # two-thirds or fewer attend: below the healthy 75%
            absent_count = len(active) - int(len(active) * 0.65)
        else:
            absent_count = int(rng.integers(0, 3))
        absent = set(
            rng.choice(others, size=min(absent_count, len(others)), replace=False).tolist()
        )
        attendance_rows += [(meeting_id, m, m not in absent) for m in active]
        meeting_rows.append(
            (
                meeting_id,
                day,
                None,
                facilitator,
                minute_taker,
                _decisions(plan, school_years[y], month, y == len(school_years) - 1, facts),
            )
        )
    meeting_frame = pd.DataFrame(
        meeting_rows,
        columns=[
            "meeting_id",
            "held_on",
            "building_id",
            "facilitator_id",
            "minute_taker_id",
            "decisions",
        ],
    )
    meeting_frame["building_id"] = meeting_frame["building_id"].astype(object)
    attendance = pd.DataFrame(attendance_rows, columns=["meeting_id", "member_id", "attended"])
    return meeting_frame, attendance


def _decisions(
    plan: BuildingPlan, school_year: str, month: int, this_year: bool, facts: DistrictFacts
) -> str:
    story = plan.names[plan.stories["oss_disproportionality"]]
    oss = facts.story_oss.get(school_year, {}).get("BL", {})
    text = {
        9: "Set this year's district goals from last year's end-of-year data. Every building completes "
        "the fall TFI by 31 October.",
        10: f"Fall reading screening: {facts.fall_benchmark.get(school_year, 0):.0%} of K-8 students at "
        "benchmark. Coaches to check that every Tier 2 reading group meets at least three times a week.",
        11: "Reviewed fall TFI results. Buildings below 70% on Tier 1 pick one or two low items to "
        "action-plan on.",
        12: f"Reviewed attendance: {facts.chronic_absence.get(school_year, 0):.0%} of students chronically "
        "absent. Attendance teams to start Check & Connect for students missing 10% or more.",
        1: "Reviewed mid-year discipline data by student group. Principals to share referral trends with "
        "their staff.",
        2: "Reviewed winter TFI. Discipline Data (1.12) is still the lowest Tier 1 item district-wide; "
        "coaches to model a monthly discipline data review.",
        3: "Reviewed staffing ratios, caseloads and supervision coverage for student-support staff.",
        4: f"Reviewed equity indicators. At {story}, Black students were "
        f"{oss.get('ratio', 0):.1f} times as likely as other students to be suspended out of school. "
        "Action planned.",
        5: "Reviewed spring TFI and the year's actions. Planned summer professional development and "
        "next year's team membership.",
    }[month]
    if this_year and month == 9:
        text += (
            f" {plan.names[plan.stories['missing_social_worker']]} starts the year without a social "
            "worker: HR to post the vacancy. The team still has no family member: recruit."
        )
    if this_year and month == 3:
        text += (
            f" {plan.names[plan.stories['counselor_ratio']]} has one counselor for about 450 "
            "students since the half-time post was cut."
        )
    if this_year and month == 4:
        text += (
            f" The {plan.names[plan.stories['supervision_lapsed']]} support team has had no "
            "supervision since March: the Director to arrange cover."
        )
    return text


SELF_CHECK_INSTRUMENT = "SHARED-LEADERSHIP"
SELF_CHECK_MONTHS = (10, 2, 5)  # at the October, February and May meetings
# How each indicator sits against the team's overall level (in points of 0-2): the team models
# equity talk and uses its coaches well, but with no family member or learner it cannot give voice
# to every perspective (SL.3), and communication back to buildings lags (SL.8).
SELF_CHECK_LEANING = {
    "SL.1": 0.0,
    "SL.2": 0.3,
    "SL.3": -0.9,
    "SL.4": 0.0,
    "SL.5": 0.2,
    "SL.6": 0.1,
    "SL.7": 0.4,
    "SL.8": -0.3,
}


def self_checks(school_years: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """The team's shared-leadership self-check three times a school year, up to DEMO_AS_OF: about
    45% at first, rising towards the 80% criterion without reaching it, SL.3 (voice for underserved
    learners) lowest throughout."""
    days = [
        _second_tuesday(start_year(school_year) + (month < 7), month)
        for school_year in school_years
        for month in SELF_CHECK_MONTHS
    ]
    days = [day for day in days if day <= DEMO_AS_OF]
    rows = []
    for number, day in enumerate(days):
        level = 0.85 + 0.6 * number / max(len(days) - 1, 1)  # of 2 points: ~45% rising to ~72%
        for item_id, leaning in SELF_CHECK_LEANING.items():
            value = level + leaning + rng.normal(0, 0.1)
            rows.append((SELF_CHECK_INSTRUMENT, day, item_id, int(np.clip(np.rint(value), 0, 2))))
    return pd.DataFrame(rows, columns=["instrument", "administered_on", "item_id", "score"])
