"""The demo district: realistic rates every year, the stories a leadership team should find in it, the
same data for the same seed, and a load that is all-or-nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from data_access.db import get_data_version, get_engine, get_store_info, session_scope
from data_access.demo import (
    DEMO_AS_OF,
    SCHOOL_YEARS,
    TABLE_MODELS,
    DemoDistrict,
    StoreNotEmpty,
    clear_district_data,
    generate_district,
    load_demo,
)
from data_access.equity.metrics import flag_reference
from data_access.models import Action, AuditLog, InstrumentItem
from data_access.school_year import school_year_of
from data_access.settings import SUPPORT_ROLES
from data_access.store import init_store

YEARS = SCHOOL_YEARS["small"]
THIS_YEAR = YEARS[-1]
LAST_YEAR = YEARS[-2]
STORY_MIDDLE_SCHOOL = "B09"  # Franklin Middle School
MIN_EVENTS, MIN_STUDENTS = 10, 30  # the contract's minimum cell size and n-size


def read_table(url: str, name: str) -> pd.DataFrame:
    """A table as stored, sorted by its key, with the database driver's own types."""
    table = SQLModel.metadata.tables[name]
    key = [column.name for column in table.primary_key.columns]
    with get_engine(url).connect() as connection:
        rows = (
            connection.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
        )
    frame = pd.DataFrame([dict(row) for row in rows], columns=list(table.columns.keys()))
    return frame.sort_values(key, ignore_index=True)


def read_district(url: str) -> dict[str, pd.DataFrame]:
    return {name: read_table(url, name) for name in TABLE_MODELS}


def store_snapshot(url: str) -> dict[str, pd.DataFrame]:
    """Everything in the store, bookkeeping included: to prove a refused or failed load changed nothing."""
    return {
        name: read_table(url, name)
        for name in [*TABLE_MODELS, "instruments", "audit_log", "data_version", "store_info"]
    }


def assert_same_tables(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


@pytest.fixture(scope="module")
def district() -> DemoDistrict:
    return generate_district(size="small", seed=2026)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    """A SQLite store holding the small demo district (default seed), shared by the reading tests."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'store.db'}"
    init_store(url)
    load_demo(database_url=url, size="small")
    return url


@pytest.fixture(scope="module")
def stored(demo_url) -> dict[str, pd.DataFrame]:
    return read_district(demo_url)


@pytest.fixture(scope="module")
def students_with_outcomes(stored) -> pd.DataFrame:
    """One row per student and year with the yes/no indicators the equity page computes."""
    students = stored["students"].copy()
    discipline = stored["discipline"]
    for action in ("ODR", "ISS", "OSS", "EXP"):
        had = discipline.loc[discipline["action"] == action, ["student_id", "school_year"]]
        students[action.lower()] = pd.MultiIndex.from_frame(
            students[["student_id", "school_year"]]
        ).isin(pd.MultiIndex.from_frame(had))
    attendance = stored["attendance"].set_index(["student_id", "school_year"])
    key = pd.MultiIndex.from_frame(students[["student_id", "school_year"]])
    share_absent = (attendance["days_absent"] / attendance["days_enrolled"]).reindex(key)
    students["chronic_absence"] = (share_absent >= 0.10).to_numpy()
    highest = stored["supports"].groupby(["student_id", "school_year"])["tier"].max().reindex(key)
    students["highest_tier"] = highest.fillna(0).astype(int).to_numpy()
    return students


def risk_ratio(students: pd.DataFrame, in_group: pd.Series, indicator: str) -> dict[str, float]:
    group, comparison = students[in_group], students[~in_group]
    risk_group, risk_comparison = group[indicator].mean(), comparison[indicator].mean()
    return {
        "n_group": len(group),
        "events_group": int(group[indicator].sum()),
        "n_comparison": len(comparison),
        "events_comparison": int(comparison[indicator].sum()),
        "ratio": risk_group / risk_comparison if risk_comparison else float("nan"),
    }


def computable(rr: dict[str, float]) -> bool:
    return (
        rr["n_group"] >= MIN_STUDENTS
        and rr["events_group"] >= MIN_EVENTS
        and rr["n_comparison"] >= MIN_STUDENTS
        and rr["events_comparison"] >= MIN_EVENTS
    )


# --- Who is enrolled --------------------------------------------------------------------------------


def test_every_student_row_is_in_one_existing_building_and_years_are_district_sized(
    demo_url, stored
):
    students = stored["students"]
    buildings_per_student_year = students.groupby(["student_id", "school_year"])[
        "building_id"
    ].nunique()
    assert buildings_per_student_year.max() == 1
    assert set(students["building_id"]) <= set(stored["buildings"]["building_id"])
    assert sorted(students["school_year"].unique()) == YEARS
    for school_year, of_year in students.groupby("school_year"):
        assert 5_000 <= len(of_year) <= 7_000, school_year
        assert 11 <= of_year["building_id"].nunique() <= 13, school_year
    levels = stored["buildings"]["level"].value_counts().to_dict()
    assert levels == {"elementary": 7, "middle": 2, "high": 2, "k8": 1}
    # Every student row has its attendance row.
    assert len(stored["attendance"]) == len(students)


def test_students_stay_across_years_move_up_a_grade_and_follow_the_feeder_pattern(stored):
    students = stored["students"]
    grade_number = {"PK": -1, "K": 0, **{str(g): g for g in range(1, 13)}}
    before = students[students["school_year"] == LAST_YEAR].set_index("student_id")
    after = students[students["school_year"] == THIS_YEAR].set_index("student_id")
    stayed = before.index.intersection(after.index)
    leavers = before.index.difference(after.index)
    graduates = (before.loc[leavers, "grade"] == "12").sum()
    moved_away = (len(leavers) - graduates) / len(before)
    assert 0.03 <= moved_away <= 0.05
    assert (
        after.loc[stayed, "grade"].map(grade_number)
        == before.loc[stayed, "grade"].map(grade_number) + 1
    ).all()
    # Demographics belong to the student, not the year (English learners may exit).
    for column in ("race_ethnicity", "sex", "iep", "econ_disadv"):
        assert (after.loc[stayed, column] == before.loc[stayed, column]).all(), column
    assert not (~before.loc[stayed, "el"] & after.loc[stayed, "el"]).any()
    # Lincoln, Washington and Jefferson grade 5 move on to Roosevelt Middle; Kennedy K-8 keeps grade 6.
    moved_up = after.loc[stayed].assign(building_id_before=before.loc[stayed, "building_id"])
    from_lincoln = moved_up[(moved_up["building_id_before"] == "B01") & (moved_up["grade"] == "6")]
    assert set(from_lincoln["building_id"]) == {"B08"}
    at_kennedy = moved_up[(moved_up["building_id_before"] == "B12") & (moved_up["grade"] == "6")]
    assert set(at_kennedy["building_id"]) == {"B12"}


def test_demographics_look_like_a_diverse_us_district(stored):
    students = stored["students"]
    race = students["race_ethnicity"].value_counts(normalize=True)
    for code, share in {"HI": 0.28, "WH": 0.42, "BL": 0.16, "AS": 0.06, "TR": 0.05}.items():
        assert abs(race[code] - share) < 0.03, code
    assert 0.005 <= race["AM"] + race["HP"] <= 0.035
    assert 0.12 <= students["iep"].mean() <= 0.16
    assert 0.09 <= students["el"].mean() <= 0.14
    assert 0.44 <= students["econ_disadv"].mean() <= 0.52
    assert 0.02 <= students["section_504"].mean() <= 0.04
    elementary = students["grade"].isin(["K", "1", "2", "3", "4", "5"])
    assert students.loc[elementary, "el"].mean() > students.loc[~elementary, "el"].mean()


def test_students_are_pseudonymous(district):
    students = district.tables["students"]
    assert students["student_id"].str.fullmatch(r"S\d{7}").all()
    identifying = re.compile(r"name|birth|dob|address|phone|email")
    for name in ("students", "attendance", "discipline", "supports", "screening"):
        assert not [c for c in district.tables[name].columns if identifying.search(c)], name


# --- Rates, every year -----------------------------------------------------------------------------


@pytest.mark.parametrize("school_year", YEARS)
def test_each_year_has_realistic_discipline_attendance_and_tier_rates(
    students_with_outcomes, school_year
):
    of_year = students_with_outcomes[students_with_outcomes["school_year"] == school_year]
    assert 0.10 <= of_year["odr"].mean() <= 0.15
    assert 0.03 <= of_year["oss"].mean() <= 0.05
    assert 0.04 <= of_year["iss"].mean() <= 0.06
    assert 0.001 <= of_year["exp"].mean() <= 0.003
    assert 0.12 <= of_year["chronic_absence"].mean() <= 0.18
    assert 0.13 <= (of_year["highest_tier"] == 2).mean() <= 0.17
    assert 0.04 <= (of_year["highest_tier"] == 3).mean() <= 0.06


def test_some_students_have_several_referrals_and_suspensions_follow_referrals(
    stored, students_with_outcomes
):
    referrals = stored["discipline"][stored["discipline"]["action"] == "ODR"]
    per_student = referrals.groupby(["student_id", "school_year"]).size()
    assert (per_student >= 3).mean() > 0.15
    suspended = students_with_outcomes[
        students_with_outcomes["oss"] | students_with_outcomes["iss"]
    ]
    assert suspended["odr"].all()


def test_incidents_fall_on_school_weekdays_inside_their_year_and_not_after_today(stored):
    discipline = stored["discipline"]
    day = pd.to_datetime(discipline["incident_date"])
    start = pd.to_datetime(discipline["school_year"].str[:4] + "-08-15")
    end = pd.to_datetime((discipline["school_year"].str[:4].astype(int) + 1).astype(str) + "-06-10")
    assert ((day >= start) & (day <= end)).all()
    assert (day.dt.day_of_week < 5).all()
    assert day.max() <= pd.Timestamp(DEMO_AS_OF)


def test_attendance_days_are_plausible(stored):
    attendance = stored["attendance"]
    assert (attendance["days_absent"] <= attendance["days_enrolled"]).all()
    assert attendance["days_enrolled"].min() >= 10
    full_year = attendance.groupby("school_year")["days_enrolled"].median()
    assert (full_year.between(165, 180)).all()
    assert (attendance["days_enrolled"] < 150).mean() > 0.01  # mid-year movers


def test_supports_span_domains_with_named_interventions_and_building_champions(stored):
    supports = stored["supports"]
    assert set(supports["domain"]) == {"reading", "math", "behavior", "sel", "attendance"}
    assert "Check-In/Check-Out" in set(supports["intervention"])
    assert "Small-group phonics" in set(supports["intervention"])
    assert (supports["end_date"].isna() | (supports["end_date"] >= supports["start_date"])).all()
    assert supports.loc[supports["school_year"] != THIS_YEAR, "end_date"].notna().all()
    assert supports["start_date"].max() <= DEMO_AS_OF
    # A champion is a support staff member assigned that year to the student's building.
    champions = supports.dropna(subset=["champion_staff_id"]).merge(
        stored["students"][["student_id", "school_year", "building_id"]],
        on=["student_id", "school_year"],
    )
    assigned = stored["staff_assignments"].merge(stored["staff"], on="staff_id")
    assigned = assigned[assigned["role"].isin(SUPPORT_ROLES)]
    matched = champions.merge(
        assigned,
        left_on=["champion_staff_id", "school_year", "building_id"],
        right_on=["staff_id", "school_year", "building_id"],
    )
    assert len(matched) == len(champions)
    assert 0.7 <= len(champions) / len(supports) <= 0.95


def test_reading_screening_covers_k8_three_windows_and_supported_students_lag(
    stored, students_with_outcomes
):
    screening = stored["screening"]
    assert set(screening["window"]) == {"fall", "winter", "spring"}
    assert set(screening["measure"]) == {"Reading composite"}
    screened = screening.merge(stored["students"], on=["student_id", "school_year"])
    assert set(screened["grade"]) == {"K", "1", "2", "3", "4", "5", "6", "7", "8"}
    for (school_year, window), rows in screened.groupby(["school_year", "window"]):
        # Core is sufficient in most buildings (80% or more at benchmark); two story buildings
        # pull the district a little below the usual 81-87%.
        assert 0.78 <= rows["at_benchmark"].mean() <= 0.88, (school_year, window)
    # The risk level agrees with the benchmark: low exactly when at benchmark.
    assert ((screening["risk_level"] == "low") == screening["at_benchmark"]).all()
    assert set(screening["risk_level"]) == {"low", "some", "high"}
    supported = screened.merge(
        students_with_outcomes[["student_id", "school_year", "highest_tier"]],
        on=["student_id", "school_year"],
    )
    with_support = supported.loc[supported["highest_tier"] > 0, "at_benchmark"].mean()
    without = supported.loc[supported["highest_tier"] == 0, "at_benchmark"].mean()
    assert with_support < without - 0.15


# --- The stories -----------------------------------------------------------------------------------


CORE_READING_STORY = "B01"  # Lincoln Elementary: TFI Tier 1 at criterion, core reading below 80%
TIER2_STORY = "B02"  # Washington Elementary: Tier 2 list full of goals met months ago
HALLWAY_STORY = "B08"  # Roosevelt Middle School: referrals in the hallway after lunch
EL_NEED_STORY = "B03"  # Jefferson Elementary: English learners below benchmark go without support


def spring_screening(stored, school_year: str = THIS_YEAR) -> pd.DataFrame:
    screening = stored["screening"]
    spring = screening[
        (screening["school_year"] == school_year) & (screening["window"] == "spring")
    ]
    return spring.merge(stored["students"], on=["student_id", "school_year"])


def test_one_elementary_with_its_tfi_at_criterion_has_core_reading_below_80_percent(
    stored, instruments
):
    spring = spring_screening(stored)
    elementary = set(
        stored["buildings"].loc[stored["buildings"]["level"] == "elementary", "building_id"]
    )
    at_benchmark = (
        spring[spring["building_id"].isin(elementary)].groupby("building_id")["at_benchmark"].mean()
    )
    # Lincoln: 70.0% at benchmark in spring (296 of 423), every other elementary 80% or more.
    assert at_benchmark[CORE_READING_STORY] == pytest.approx(0.700, abs=0.005)
    others = at_benchmark.drop(CORE_READING_STORY)
    assert (others >= 0.80).all() and others.min() - at_benchmark[CORE_READING_STORY] > 0.09
    # Below 80% in every window of every year, not a bad day.
    screening = stored["screening"].merge(stored["students"], on=["student_id", "school_year"])
    lincoln = screening[screening["building_id"] == CORE_READING_STORY]
    assert (lincoln.groupby(["school_year", "window"])["at_benchmark"].mean() < 0.72).all()
    # ... while its TFI Tier 1 is at criterion (70%) at its latest administration.
    percents = fidelity_percents(stored, instruments)
    tier1 = percents[
        (percents["building_id"] == CORE_READING_STORY) & (percents["scale"] == "Tier 1")
    ]
    assert tier1.sort_values("administered_on")["percent"].iloc[-1] >= 70


def test_one_buildings_tier_2_list_is_full_of_students_who_met_their_goal_months_ago(stored):
    supports = stored["supports"].merge(
        stored["students"][["student_id", "school_year", "building_id"]],
        on=["student_id", "school_year"],
    )
    listed = supports[
        (supports["school_year"] == THIS_YEAR)
        & (supports["tier"] == 2)
        & supports["end_date"].isna()
    ]
    long_ago = pd.to_datetime(listed["start_date"]) <= pd.Timestamp(DEMO_AS_OF) - pd.Timedelta(
        days=100
    )
    stale = listed[long_ago & (listed["outcome"] == "goal_met")].groupby("building_id").size()
    still_listed = listed.groupby("building_id").size()
    share = (stale / still_listed).fillna(0)
    # Washington: 30 of its 40 open Tier 2 supports met their goal and started 3 months ago or
    # more; nowhere else.
    assert share[TIER2_STORY] >= 0.5 and stale[TIER2_STORY] >= 25
    assert share.drop(TIER2_STORY).max() == 0
    # Elsewhere a support that met its goal has ended, with an end date.
    met = supports[(supports["outcome"] == "goal_met") & (supports["building_id"] != TIER2_STORY)]
    assert met["end_date"].notna().all()


def test_supports_carry_outcomes_and_sessions(stored):
    supports = stored["supports"]
    ended = supports[supports["end_date"].notna()]
    assert set(ended["outcome"].dropna()) == {
        "goal_met", "progressing", "not_responding", "intensified", "discontinued",
    }  # fmt: skip
    assert 0.35 <= (ended["outcome"] == "goal_met").mean() <= 0.5
    assert ended["outcome"].isna().any()  # a support with no outcome recorded
    recorded = supports.dropna(subset=["sessions_planned", "sessions_delivered"])
    assert 0.85 <= len(recorded) / len(supports) <= 0.95
    assert (recorded["sessions_delivered"] <= recorded["sessions_planned"]).all()
    delivered = recorded["sessions_delivered"].sum() / recorded["sessions_planned"].sum()
    assert 0.7 <= delivered <= 0.85


def test_a_middle_schools_referrals_cluster_in_the_hallway_after_lunch(stored):
    discipline = stored["discipline"].merge(
        stored["students"][["student_id", "school_year", "building_id"]],
        on=["student_id", "school_year"],
    )
    this_year = discipline[discipline["school_year"] == THIS_YEAR]
    after_lunch = this_year["incident_time"].between("12:00", "13:30")
    hallway = (this_year["location"] == "Hallway") & after_lunch
    share = hallway.groupby(this_year["building_id"]).mean()
    # Roosevelt: 44% of referrals in the hallway between 12:00 and 13:30; elsewhere 0-5%.
    assert share[HALLWAY_STORY] >= 0.35
    assert share.drop(HALLWAY_STORY).max() <= 0.08
    roosevelt = this_year[this_year["building_id"] == HALLWAY_STORY]
    assert roosevelt["location"].value_counts().index[0] == "Hallway"
    # Every referral has a behaviour, a location and a time in school hours; removals are majors.
    assert this_year[["behavior", "location", "incident_time"]].notna().all().all()
    assert this_year["incident_time"].between("08:00", "14:59").all()
    removals = this_year["action"] != "ODR"
    assert (this_year.loc[removals, "referral_type"] == "major").all()
    assert 0.3 <= (this_year.loc[~removals, "referral_type"] == "minor").mean() <= 0.6


def test_unmet_need_falls_on_english_learners_in_one_building_and_its_ratio_is_published(
    demo_url, stored
):
    from data_access.equity.queries import get_equity
    from data_access.scope import DISTRICT

    spring = spring_screening(stored)
    supported = set(
        stored["supports"].loc[stored["supports"]["school_year"] == THIS_YEAR, "student_id"]
    )
    jefferson = spring[(spring["building_id"] == EL_NEED_STORY) & ~spring["at_benchmark"]]
    unsupported = ~jefferson["student_id"].isin(supported)
    by_el = unsupported.groupby(jefferson["el"]).agg(["size", "sum"])
    # 37 English learners below benchmark, 35 with no support; 50 others, 20 with none.
    assert by_el.loc[True].tolist() == [37, 35]
    assert by_el.loc[False].tolist() == [50, 20]
    with session_scope(demo_url) as session:
        rows = get_equity(session, school_year=THIS_YEAR, scope=DISTRICT)
    need = rows[
        (rows["building_id"] == EL_NEED_STORY)
        & (rows["indicator"] == "unsupported_need")
        & (rows["group_type"] == "el")
    ].iloc[0]
    # Published, not withheld: (35/37) / (20/50) = 2.36, flagged over.
    assert (need["n_group"], need["events_group"]) == (37, 35)
    assert (need["n_comparison"], need["events_comparison"]) == (50, 20)
    assert need["ratio"] == pytest.approx(35 / 37 / (20 / 50)) and need["flag"] == "over"


def test_the_school_calendar_gives_every_year_its_school_days(stored):
    """The district's calendar: every school year's months, the same for every building."""
    calendar = stored["school_calendar"]
    assert set(calendar["building_id"]) == {"ALL"}
    per_year = calendar.groupby("school_year")["school_days"].sum()
    assert set(per_year.index) == set(YEARS) and per_year.between(190, 205).all()
    assert calendar["school_days"].between(1, 23).all()


def test_the_story_middle_school_suspends_black_students_and_students_with_ieps_over_twice_as_often(
    stored, students_with_outcomes
):
    building = stored["buildings"].set_index("building_id").loc[STORY_MIDDLE_SCHOOL]
    assert building["level"] == "middle"
    for school_year in YEARS:
        school = students_with_outcomes[
            (students_with_outcomes["building_id"] == STORY_MIDDLE_SCHOOL)
            & (students_with_outcomes["school_year"] == school_year)
        ]
        assert len(school) >= 600
        for group, in_group in {
            "BL": school["race_ethnicity"] == "BL",
            "IEP": school["iep"],
        }.items():
            rr = risk_ratio(school, in_group, "oss")
            assert computable(rr), (school_year, group, rr)
            assert 2.5 <= rr["ratio"] <= 4.0, (school_year, group, rr)
            if school_year == THIS_YEAR:
                assert rr["ratio"] > 2.0


def test_elsewhere_suspension_risk_ratios_stay_below_two(students_with_outcomes):
    checked = 0
    for (school_year, building_id), school in students_with_outcomes.groupby(
        ["school_year", "building_id"]
    ):
        if building_id == STORY_MIDDLE_SCHOOL:
            continue
        for group, in_group in {
            "BL": school["race_ethnicity"] == "BL",
            "IEP": school["iep"],
        }.items():
            rr = risk_ratio(school, in_group, "oss")
            if computable(rr):
                checked += 1
                assert rr["ratio"] < 2.0, (school_year, building_id, group, rr)
                assert rr["ratio"] > 1.0  # mild differences are still there
    assert checked >= 3
    for school_year, district in students_with_outcomes.groupby("school_year"):
        assert risk_ratio(district, district["race_ethnicity"] == "BL", "oss")["ratio"] < 2.0, (
            school_year
        )
        assert risk_ratio(district, district["iep"], "oss")["ratio"] < 2.0, school_year


def staffing(stored: dict[str, pd.DataFrame], school_year: str) -> pd.DataFrame:
    """Students per FTE by building and role (the contract's staffing table, computed by hand)."""
    enrollment = (
        stored["students"][stored["students"]["school_year"] == school_year]
        .groupby("building_id")
        .size()
        .rename("enrollment")
    )
    assigned = stored["staff_assignments"].merge(stored["staff"], on="staff_id")
    fte = assigned[assigned["school_year"] == school_year].pivot_table(
        index="building_id", columns="role", values="fte", aggfunc="sum", fill_value=0.0
    )
    fte = fte.reindex(enrollment.index, fill_value=0.0)
    return fte.rtruediv(enrollment, axis=0).replace(np.inf, np.nan).join(enrollment)


def test_one_building_has_a_counselor_for_about_450_students_this_year(stored):
    this_year = staffing(stored, THIS_YEAR)
    stretched = this_year.index[this_year["counselor"].between(400, 500)].tolist()
    assert stretched == ["B12"]
    assert this_year.drop("B12")["counselor"].median() < 360
    # The half-time post was cut this year: last year the building was near the district's norm.
    assert staffing(stored, LAST_YEAR).loc["B12", "counselor"] < 350
    enrollment = this_year["enrollment"].sum()
    fte = (
        stored["staff_assignments"]
        .merge(stored["staff"], on="staff_id")
        .query("school_year == @THIS_YEAR")
        .groupby("role")["fte"]
        .sum()
    )
    assert 700 <= enrollment / fte["psychologist"] <= 1000
    assert 750 <= enrollment / fte["nurse"] <= 1000


def test_one_building_has_no_social_worker_this_year(stored):
    assigned = stored["staff_assignments"].merge(stored["staff"], on="staff_id")
    social_workers = assigned[assigned["role"] == "social_worker"]
    all_buildings = set(stored["buildings"]["building_id"])
    without = all_buildings - set(
        social_workers.loc[social_workers["school_year"] == THIS_YEAR, "building_id"]
    )
    assert without == {"B05"}
    assert "B05" in set(
        social_workers.loc[social_workers["school_year"] == LAST_YEAR, "building_id"]
    )


def test_support_staff_are_split_realistically_and_fte_is_valid(stored):
    assigned = stored["staff_assignments"].merge(stored["staff"], on="staff_id")
    assert assigned["fte"].between(0, 1, inclusive="right").all()
    assert (assigned.groupby(["staff_id", "school_year"])["fte"].sum() <= 1.0 + 1e-9).all()
    this_year = assigned[assigned["school_year"] == THIS_YEAR]
    buildings_per_person = (
        this_year.groupby(["staff_id", "role"])["building_id"].nunique().reset_index()
    )
    shared = buildings_per_person[buildings_per_person["building_id"] == 2]["role"]
    assert {"psychologist", "nurse"} <= set(shared)
    assert set(SUPPORT_ROLES) | {"coach", "administrator"} == set(this_year["role"])
    principals = stored["buildings"].set_index("building_id")["principal_email"]
    assert principals.notna().all()


def test_one_support_team_has_had_no_supervision_for_ten_weeks(stored):
    supervision, as_of = stored["supervision"], DEMO_AS_OF
    assigned = stored["staff_assignments"].merge(stored["staff"], on="staff_id")
    active = assigned[(assigned["school_year"] == THIS_YEAR) & assigned["role"].isin(SUPPORT_ROLES)]
    held = supervision[(supervision["status"] == "held") & (supervision["session_date"] <= as_of)]
    last_held = held.groupby("staff_id")["session_date"].max()
    days_since = active["staff_id"].map(
        lambda s: (as_of - last_held[s]).days if s in last_held else 999
    )
    scheduled = supervision[
        (supervision["status"] == "scheduled") & (supervision["session_date"] > as_of)
    ]
    ahead = active["staff_id"].isin(scheduled["staff_id"])
    lapsed_buildings = [
        building_id
        for building_id, team in active.assign(days=days_since, ahead=ahead).groupby("building_id")
        if len(team) >= 3 and team["days"].between(60, 80).all() and not team["ahead"].any()
    ]
    assert lapsed_buildings == ["B10"]
    everyone_else = active[active["building_id"] != "B10"]["staff_id"].unique()
    covered = [s in last_held and (as_of - last_held[s]).days <= 42 for s in everyone_else]
    assert np.mean(covered) >= 0.6


def test_supervision_sessions_are_consistent_with_today(stored):
    supervision = stored["supervision"]
    future = supervision["session_date"] > DEMO_AS_OF
    assert (supervision.loc[future, "status"] == "scheduled").all()
    assert (supervision.loc[~future, "status"] != "scheduled").all()
    assert supervision.loc[future, "session_date"].max() <= date(2026, 6, 30)
    held = supervision[supervision["status"] == "held"]
    assert held["minutes"].between(45, 90).all()
    assert supervision.loc[supervision["status"] != "held", "minutes"].isna().all()
    assert 0.10 <= (supervision["status"] == "cancelled").mean() <= 0.16
    assert 0.25 <= (supervision["format"] == "group").mean() <= 0.45
    # A group session is several rows (one per supervisee) on one date with one supervisor.
    groups = (
        supervision[supervision["format"] == "group"]
        .groupby(["session_date", "supervisor_id"])
        .size()
    )
    assert groups.median() >= 2
    supervisors = (
        stored["staff"].set_index("staff_id").loc[supervision["supervisor_id"].unique(), "role"]
    )
    assert "administrator" in set(supervisors)
    assert not (supervision["supervisor_id"] == supervision["staff_id"]).any()


def test_one_counselor_carries_half_again_the_typical_caseload_this_year(stored):
    caseloads = stored["caseloads"].merge(stored["staff"], on="staff_id")
    this_year = caseloads[caseloads["as_of"] >= date(2025, 7, 1)]
    assert {d.month for d in this_year["as_of"]} == {9, 10, 11, 12, 1, 2, 3, 4, 5}
    assert all(d.weekday() < 5 and d.day <= 3 and d <= DEMO_AS_OF for d in this_year["as_of"])
    per_person = (
        this_year.groupby(["as_of", "role", "staff_id"])["active_cases"].sum().reset_index()
    )
    median = per_person.groupby(["as_of", "role"])["active_cases"].transform("median")
    heavy = per_person[per_person["active_cases"] >= 1.5 * median]
    assert set(heavy["role"]) == {"counselor"}
    assert heavy["staff_id"].nunique() == 1
    assert heavy["as_of"].nunique() == 9  # every month, not a one-off
    counselors = per_person[
        (per_person["role"] == "counselor") & (per_person["staff_id"] != heavy["staff_id"].iloc[0])
    ]
    assert counselors["active_cases"].between(20, 100).all()


def test_the_leadership_team_has_no_family_member_and_mostly_healthy_meetings(stored):
    members = stored["team_members"]
    assert 10 <= len(members[members["left_on"].isna()]) <= 12
    assert set(members["category"]) == {
        "administrator",
        "educator",
        "community",
        "pupil_services",
        "school_board",
    }
    assert members["from_marginalized_group"].isna().any()
    assert members["from_marginalized_group"].eq(True).any()
    meetings = stored["meetings"].sort_values("held_on")
    assert meetings["building_id"].isna().all()
    assert meetings["held_on"].max() <= DEMO_AS_OF
    gaps = meetings["held_on"].diff().dropna().map(lambda d: d.days)
    assert gaps[gaps < 100].max() >= 50  # one two-month gap inside a school year
    attendance = stored["meeting_attendance"].groupby("meeting_id")["attended"].mean()
    assert 1 <= (attendance < 0.75).sum() <= 2
    present = stored["meeting_attendance"].merge(meetings, on="meeting_id")
    for role in ("facilitator_id", "minute_taker_id"):
        own = present[present["member_id"] == present[role]]
        assert len(own) == len(meetings) and own["attended"].all()
    assert meetings["decisions"].str.len().gt(20).all()


def test_users_cover_every_role_and_principals_and_coaches_have_their_buildings(stored):
    users, access = stored["users"], stored["user_buildings"]
    roles = users["role"].value_counts().to_dict()
    assert roles["district_admin"] == 1 and roles["viewer"] == 1
    assert 2 <= roles["district_leader"] <= 3
    assert roles["principal"] == 12
    assert 3 <= roles["coach"] <= 5
    assert "data.manager@demo-district.org" in set(users["email"])
    assert users["email"].str.endswith("@demo-district.org").all()
    coach_buildings = (
        access.merge(users[users["role"] == "coach"], on="email").groupby("email").size()
    )
    assert coach_buildings.between(2, 4).all()
    principal_of = stored["buildings"].set_index("building_id")["principal_email"]
    for building_id, email in principal_of.items():
        assert ((access["email"] == email) & (access["building_id"] == building_id)).any()


def test_actions_tell_the_stories_some_are_overdue_and_history_matches_version(stored):
    actions, updates = stored["actions"], stored["action_updates"]
    assert 15 <= len(actions) <= 25
    overdue = actions[
        (actions["due_date"] < DEMO_AS_OF) & actions["status"].isin(["open", "in_progress"])
    ]
    assert 3 <= len(overdue) <= 5
    refs = set(
        zip(actions["building_id"], actions["source_type"], actions["source_ref"], strict=True)
    )
    story = flag_reference("oss", "race_ethnicity", "BL", school_year_of(DEMO_AS_OF))
    assert (STORY_MIDDLE_SCHOOL, "equity_cell", story) in refs
    assert any(b == "B10" and kind == "staff_support_gap" for b, kind, _ in refs)
    assert any(ref == "TFI-2.1 1.12" for *_, ref in refs)
    owners = actions.merge(stored["users"], left_on="owner_email", right_on="email")
    assert set(owners["role"]) <= {"coach", "district_leader", "district_admin"}
    assert len(owners) == len(actions)
    # As the app records history: one "created" entry at version 1, then one version per save.
    created = updates[updates["field"] == "created"]
    assert sorted(created["action_id"]) == sorted(actions["action_id"])
    assert (created["version"] == 1).all()
    saves = updates.groupby("action_id")["changed_at"].nunique()
    assert (actions["version"] == actions["action_id"].map(saves)).all()
    assert (
        actions["version"]
        == actions["action_id"].map(updates.groupby("action_id")["version"].max())
    ).all()
    last_change = updates.groupby("action_id")["changed_at"].max()
    assert (actions["updated_at"] == actions["action_id"].map(last_change)).all()
    assert (actions["created_at"] <= actions["updated_at"]).all()
    assert set(updates["field"]) <= {"created", "status", "fidelity_check", "outcome_check"}
    assert actions["meeting_id"].isin(stored["meetings"]["meeting_id"]).all()


def fidelity_percents(stored: dict[str, pd.DataFrame], instruments: pd.DataFrame) -> pd.DataFrame:
    scores = stored["fidelity"].merge(instruments, on=["instrument", "item_id"])
    return (
        scores.groupby(["building_id", "administered_on", "scale"])
        .agg(points=("score", "sum"), possible=("max_score", "sum"), items=("item_id", "count"))
        .assign(percent=lambda f: f["points"] / f["possible"] * 100)
        .reset_index()
    )


@pytest.fixture(scope="module")
def instruments(demo_url) -> pd.DataFrame:
    with get_engine(demo_url).connect() as connection:
        rows = connection.execute(select(InstrumentItem.__table__)).mappings().all()
    return pd.DataFrame([dict(r) for r in rows])


def test_every_building_takes_the_full_tfi_three_times_a_year(stored, instruments):
    tfi = instruments[instruments["instrument"] == "TFI-2.1"]
    percents = fidelity_percents(stored, instruments)
    assert (stored["fidelity"]["instrument"] == "TFI-2.1").all()
    assert stored["fidelity"]["score"].between(0, 2).all()
    items_per_scale = tfi.groupby("scale").size().to_dict()
    assert (
        percents["items"] == percents["scale"].map(items_per_scale)
    ).all()  # every scale complete
    days = percents["administered_on"]
    assert days.max() <= DEMO_AS_OF
    assert all(d.weekday() < 5 for d in days)
    percents["school_year"] = [
        f"{d.year - (d.month < 7)}-{(d.year - (d.month < 7) + 1) % 100:02d}" for d in days
    ]
    per_year = percents.groupby(["building_id", "school_year"])["administered_on"].nunique()
    assert len(per_year) == 12 * len(YEARS)
    assert (per_year == 3).all()
    assert {d.month for d in days} == {10, 1, 4}


def test_fidelity_improves_with_a_building_at_criterion_and_one_that_slipped(stored, instruments):
    percents = fidelity_percents(stored, instruments).sort_values(
        ["building_id", "administered_on"]
    )
    tier1 = percents[percents["scale"] == "Tier 1"]
    at_criterion_three_in_a_row = [
        building_id
        for building_id, rows in tier1.groupby("building_id")
        if (rows["percent"] >= 70).astype(int).rolling(3).sum().max() == 3
    ]
    assert len(at_criterion_three_in_a_row) >= 3
    first_year = tier1[tier1["administered_on"] < date(2024, 7, 1)]["percent"].mean()
    last_year = tier1[tier1["administered_on"] > date(2025, 7, 1)]["percent"].mean()
    assert 35 <= tier1.groupby("building_id")["percent"].first().mean() <= 60
    assert last_year > first_year + 5
    by_scale = percents.groupby("scale")["percent"].mean()
    assert by_scale["Tier 1"] > by_scale["Tier 2"] > by_scale["Tier 3"]
    slipped = []
    for building_id, rows in tier1.groupby("building_id"):
        last_years = rows[
            (rows["administered_on"] > date(2024, 7, 1))
            & (rows["administered_on"] < date(2025, 7, 1))
        ]["percent"]
        if last_years.mean() >= 70 and rows["percent"].iloc[-1] < 60:
            slipped.append(building_id)
    assert slipped == ["B06"]
    # Some items lag everywhere, so a building's lowest items mean something.
    item_means = (
        stored["fidelity"]
        .merge(instruments[instruments["scale"] == "Tier 1"], on=["instrument", "item_id"])
        .groupby("item_id")["score"]
        .mean()
    )
    assert {"1.12", "1.15"} <= set(item_means.nsmallest(4).index)


def test_timestamps_and_integer_ids_come_from_the_data(district):
    tables = district.tables
    end_of_today = datetime(2026, 5, 29, 23, 59, tzinfo=UTC)
    for name, column in [
        ("actions", "created_at"),
        ("actions", "updated_at"),
        ("action_updates", "changed_at"),
    ]:
        values = pd.to_datetime(tables[name][column])
        assert values.dt.tz is not None, (name, column)
        assert values.max() <= pd.Timestamp(end_of_today), (name, column)
    for name, column in [
        ("actions", "action_id"),
        ("action_updates", "update_id"),
        ("meetings", "meeting_id"),
        ("team_members", "member_id"),
    ]:
        assert tables[name][column].tolist() == list(range(1, len(tables[name]) + 1)), name


def test_the_store_holds_exactly_the_generated_district_and_says_it_is_the_demo(
    demo_url, stored, district
):
    for name, frame in district.tables.items():
        assert len(stored[name]) == len(frame), name
    pd.testing.assert_frame_equal(
        stored["students"],
        district.tables["students"].sort_values(["student_id", "school_year"], ignore_index=True),
        check_dtype=False,
    )
    with session_scope(demo_url) as session:
        info = get_store_info(session)
        audit = (
            session.execute(select(AuditLog).where(AuditLog.operation == "load_demo"))
            .scalars()
            .all()
        )
    assert info == {
        "demo": "true",
        "demo_size": "small",
        "demo_seed": "2026",
        "as_of": "2026-05-29",
    }
    assert len(audit) == 1 and audit[0].actor == "demo" and audit[0].table_name == "*"
    assert '"students": ' + str(len(district.tables["students"])) in audit[0].detail


# --- Determinism ------------------------------------------------------------------------------------


def test_the_same_seed_gives_identical_tables_and_another_seed_different_ones(district):
    again = generate_district(size="small", seed=2026)
    assert again.as_of == DEMO_AS_OF
    assert_same_tables(again.tables, district.tables)
    other = generate_district(size="small", seed=7)
    assert not other.tables["students"]["student_id"].equals(
        district.tables["students"]["student_id"]
    )
    assert not other.tables["discipline"].equals(district.tables["discipline"])


def test_an_unknown_size_is_refused():
    with pytest.raises(ValueError, match="small, large"):
        generate_district(size="medium")


# --- Loading ----------------------------------------------------------------------------------------


def test_loading_into_a_store_that_holds_data_is_refused_and_changes_nothing(demo_url):
    before = store_snapshot(demo_url)
    with pytest.raises(StoreNotEmpty, match="--replace"):
        load_demo(database_url=demo_url, size="small", seed=7)
    assert_same_tables(store_snapshot(demo_url), before)


def test_clearing_district_data_keeps_instruments_and_bookkeeping(demo_url):
    with Session(get_engine(demo_url)) as session:
        version = get_data_version(session)
        instruments = session.execute(select(func.count()).select_from(InstrumentItem)).scalar_one()
        clear_district_data(session)
        for name, model in TABLE_MODELS.items():
            assert session.execute(select(func.count()).select_from(model)).scalar_one() == 0, name
        assert (
            session.execute(select(func.count()).select_from(InstrumentItem)).scalar_one()
            == instruments
        )
        assert get_data_version(session) == version
        session.rollback()  # the shared store keeps its district


def test_replacing_twice_with_the_same_seed_gives_identical_contents(store_url):
    store_url = store_url
    fractions: list[float] = []
    first = load_demo(
        database_url=store_url,
        seed=7,
        replace=True,
        progress=lambda fraction, message: fractions.append(fraction),
    )
    seed_7 = read_district(store_url)
    second = load_demo(database_url=store_url, seed=7, replace=True)
    assert_same_tables(read_district(store_url), seed_7)
    assert first.rows == second.rows == {name: len(frame) for name, frame in seed_7.items()}
    assert (first.size, first.seed, first.as_of) == ("small", 7, DEMO_AS_OF)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    # The next action saved in the app gets the next id (PostgreSQL's sequence was moved on).
    with session_scope(store_url) as session:
        action = Action(
            title="Check the demo",
            owner_email="data.manager@demo-district.org",
            due_date=DEMO_AS_OF + timedelta(days=30),
        )
        session.add(action)
        session.flush()
        assert action.action_id == first.rows["actions"] + 1


@pytest.mark.parametrize("start", ["empty store", "replacing the demo"])
def test_a_failure_mid_load_leaves_the_store_exactly_as_before(
    monkeypatch, store_url, district, start
):
    url = store_url
    if start == "replacing the demo":
        load_demo(database_url=url, seed=3)
    before = store_snapshot(url)
    broken = {name: frame.copy() for name, frame in district.tables.items()}
    broken["supports"].loc[0, "domain"] = (
        "astrology"  # violates ck_supports_domain, late in the load
    )
    monkeypatch.setattr(
        "data_access.demo.load.generate_district",
        lambda **_: DemoDistrict(as_of=DEMO_AS_OF, tables=broken),
    )
    with pytest.raises(Exception, match="ck_supports_domain|CHECK constraint"):
        load_demo(database_url=url, replace=True)
    assert_same_tables(store_snapshot(url), before)


def test_demo_removals_carry_plausible_days_removed(demo_store_url):
    """A referral alone removes nobody; an in-school suspension lasts 1-3 days, an out-of-school
    suspension 1-10, an expulsion 15-45; and some students with IEPs pass 10 days out of school in
    a year (the IDEA measures' longer removals), most do not."""
    from sqlalchemy import text

    with session_scope(demo_store_url) as session:
        lengths = {
            action: (low, high, missing)
            for action, low, high, missing in session.execute(
                text(
                    "SELECT action, MIN(days_removed), MAX(days_removed),"
                    " SUM(CASE WHEN days_removed IS NULL THEN 1 ELSE 0 END)"
                    " FROM discipline GROUP BY action"
                )
            )
        }
        totals = (
            session.execute(
                text(
                    "SELECT SUM(d.days_removed) FROM discipline d JOIN students s"
                    " ON s.student_id = d.student_id AND s.school_year = d.school_year"
                    " WHERE d.action IN ('OSS', 'EXP') AND s.iep"
                    " GROUP BY d.student_id, d.school_year"
                )
            )
            .scalars()
            .all()
        )
    assert lengths["ODR"][:2] == (None, None)
    assert lengths["ISS"] == (1, 3, 0)
    assert lengths["OSS"][0] == 1 and lengths["OSS"][1] <= 10 and lengths["OSS"][2] == 0
    assert lengths["EXP"][0] >= 15 and lengths["EXP"][1] <= 45
    longer = sum(total > 10 for total in totals)
    assert 0 < longer < len(totals) / 4, (longer, len(totals))


def test_staff_have_start_dates_and_a_few_leavers_left_on_30_june(district):
    staff = district.tables["staff"]
    assignments = district.tables["staff_assignments"]
    assigned = set(assignments["staff_id"])
    dated = staff[staff["staff_id"].isin(assigned)]
    assert dated["start_date"].notna().all()
    leavers = dated[dated["end_date"].notna()]
    assert 5 <= len(leavers) <= len(dated) // 4
    assert (leavers["end_date"] > leavers["start_date"]).all()
    assert {(day.month, day.day) for day in leavers["end_date"]} == {(6, 30)}
    # a leaver has no assignment in the newest school year; everyone else does
    newest = set(assignments.loc[assignments["school_year"] == "2025-26", "staff_id"])
    assert not set(leavers["staff_id"]) & newest
    assert set(dated.loc[dated["end_date"].isna(), "staff_id"]) <= newest


def test_attendance_and_family_themes_rise_in_two_buildings_in_winter(district):
    themes = district.tables["supervision_themes"]
    sessions = district.tables["supervision"]
    assert set(themes["session_id"]) <= set(
        sessions.loc[sessions["status"] == "held", "session_id"]
    )
    assignments = district.tables["staff_assignments"]
    newest = assignments[assignments["school_year"] == "2025-26"]
    home = newest.sort_values("fte", ascending=False).drop_duplicates("staff_id")
    held = sessions[sessions["status"] == "held"].merge(home[["staff_id", "building_id"]])
    held = held[pd.to_datetime(held["session_date"]) >= pd.Timestamp("2025-09-01")]
    attendance = set(themes.loc[themes["theme"] == "attendance", "session_id"])
    held["attendance"] = held["session_id"].isin(attendance)
    held["winter"] = pd.to_datetime(held["session_date"]).dt.month.isin([12, 1, 2, 3])
    story = held["building_id"].isin(sorted(assignments["building_id"].unique())[-2:])
    share = held.groupby([story, held["winter"]])["attendance"].mean()
    assert share[(True, True)] > 0.5 > 0.2 > share[(True, False)]
    assert share[(False, True)] < 0.2
