"""Students year by year (who is enrolled where) and what happened to them: attendance, discipline,
supports and reading screening. Everything is vectorised: the large district has 150,000 students a year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.demo.buildings import BL, GRADE_LABELS, RACE_CODES, BuildingPlan
from data_access.demo.dates import (
    DEMO_AS_OF,
    last_day,
    school_days,
    to_dates,
    year_code,
)

SEX_CODES = np.array(["F", "M", "X"])
MOVE_OUT_RATE = 0.04  # leave the district between two years; about as many move in
MOVE_IN_RATE = 0.04

# Rates the demo holds every year (district-wide), and the levels' relative risks.
ODR_RATE, OSS_RATE, ISS_RATE, EXP_RATE = 0.125, 0.04, 0.05, 0.002
CHRONIC_ABSENCE_RATE = 0.15
TIER3_RATE, TIER2_ONLY_RATE = 0.05, 0.15
LEVEL_RISK = {  # level → (ODR, OSS, ISS, EXP, chronic absence)
    "elementary": (0.55, 0.30, 0.40, 0.0, 0.85),
    "k8": (0.85, 0.90, 0.90, 0.3, 0.90),
    "middle": (1.55, 1.60, 1.50, 0.6, 1.00),
    "high": (1.25, 1.40, 1.40, 1.4, 1.45),
}
# Mild, realistic differences everywhere: Black students and students with IEPs ~1.4x the risk.
GROUP_RISK = {"BL": 1.4, "IEP": 1.35}
# The story middle school: referrals somewhat more often, but the response far harsher (RR ~3).
STORY_ODR_RISK, STORY_OSS_RISK = 1.8, 3.15

ECON_BY_RACE = np.array([0.62, 0.35, 0.63, 0.30, 0.45, 0.65, 0.55])
IEP_BY_RACE = np.array([1.0, 1.0, 1.2, 0.6, 1.0, 1.1, 1.0])
IEP_BY_SEX = np.array([0.74, 1.25, 1.0])
EL_BY_RACE = np.array([2.2, 0.25, 0.6, 1.8, 0.5, 0.8, 1.5])
CHRONIC_BY_RACE = np.array([1.15, 0.85, 1.25, 0.6, 1.0, 1.4, 1.2])

DOMAINS = np.array(["reading", "math", "behavior", "sel", "attendance"])
INTERVENTIONS = {  # (domain, tier) → interventions a district would recognise
    ("reading", 2): [
        "Small-group phonics",
        "Repeated reading fluency group",
        "Guided reading intervention group",
        "Read Naturally",
    ],
    ("reading", 3): [
        "Individual structured literacy (Wilson)",
        "1:1 intensive reading intervention",
    ],
    ("math", 2): [
        "Small-group math fluency",
        "Number sense intervention group",
        "Math facts practice (Tier 2)",
    ],
    ("math", 3): ["Individual math intervention", "Intensive math tutoring (1:1)"],
    ("behavior", 2): [
        "Check-In/Check-Out",
        "Daily behavior report card",
        "Mentoring (Check & Connect)",
    ],
    ("behavior", 3): ["Individual behavior support plan (FBA/BIP)", "Wraparound planning"],
    ("sel", 2): ["Social skills group", "Anxiety coping skills group", "Anger management group"],
    ("sel", 3): ["Individual counseling", "Cognitive behavioral intervention (CBITS)"],
    ("attendance", 2): ["Attendance mentoring", "Check & Connect attendance monitoring"],
    ("attendance", 3): ["Home visit and individual attendance plan"],
}
# Which support roles champion which domain (the "champion" is a support staff member of the building).
CHAMPION_ROLES = {
    "reading": ("intervention_specialist",),
    "math": ("intervention_specialist",),
    "behavior": ("behavior_specialist", "counselor"),
    "sel": ("counselor", "social_worker", "psychologist"),
    "attendance": ("social_worker", "counselor"),
}
SCREENING_WINDOWS = ("fall", "winter", "spring")
SCREENING_AT_BENCHMARK = (0.81, 0.84, 0.87)  # students grow through the year; core is sufficient
SCREENING_MEASURE = "Reading composite"
SOME_RISK_BAND = 0.6  # below benchmark by less than this (in score units): some risk, else high
# The stories' screening: the core-reading elementary stays near 70% at benchmark (below the 80% a
# sufficient core reaches) in every window; the English learners of the unmet-need elementary screen
# at about half at benchmark (a language-heavy screener), as English learners often do.
CORE_STORY_AT_BENCHMARK = (0.66, 0.68, 0.70)
EL_STORY_AT_BENCHMARK = (0.46, 0.48, 0.50)
# The unmet-need story: of its English learners below benchmark, this share keeps a support; the
# supports of the others go to students below benchmark who are not English learners.
EL_STORY_SUPPORTED = 0.15

# Referral details (SWIS-style): problem behaviours, locations, the school day's minutes.
MAJOR_BEHAVIORS = {
    "Defiance": 0.24,
    "Disruption": 0.2,
    "Physical aggression": 0.16,
    "Fighting": 0.1,
    "Abusive language": 0.1,
    "Harassment": 0.07,
    "Skipping class": 0.07,
    "Property damage": 0.06,
}
MINOR_BEHAVIORS = {
    "Defiance": 0.3,
    "Disruption": 0.28,
    "Inappropriate language": 0.16,
    "Physical contact": 0.12,
    "Technology violation": 0.08,
    "Property misuse": 0.06,
}
LOCATIONS = {
    "Classroom": 0.5,
    "Hallway": 0.12,
    "Cafeteria": 0.1,
    "Playground": 0.08,
    "Bus": 0.06,
    "Gym": 0.05,
    "Bathroom": 0.05,
    "Office": 0.02,
    "Other": 0.02,
}
MINOR_SHARE = 0.45  # of referrals with no removal after them, handled in class (minor)
SCHOOL_DAY_MINUTES = (8 * 60, 15 * 60)  # 08:00 to 15:00
HALLWAY_STORY_SHARE = 0.4  # of the story middle school's referrals: the hallway, 12:00-13:30
HALLWAY_STORY_MINUTES = (12 * 60, 13 * 60 + 30)
# Supports' outcomes (the contract's codes) and how they end.
ENDED_OUTCOMES = {
    "goal_met": 0.42,
    "progressing": 0.14,
    "not_responding": 0.14,
    "intensified": 0.12,
    "discontinued": 0.1,
    None: 0.08,  # ended with no outcome recorded
}
RUNNING_OUTCOMES = {"progressing": 0.62, "not_responding": 0.13, None: 0.25}
SESSIONS_PER_WEEK = {2: 3, 3: 4}
# The Tier 2 story: supports started this long before today, still listed with their goal met.
CLOGGED_DAYS, CLOGGED_SHARE = 90, 0.85


@dataclass
class Population:
    """One entry per student ever enrolled; demographics stay with the student across years."""

    student_id: np.ndarray
    race: np.ndarray  # index into RACE_CODES
    sex: np.ndarray  # index into SEX_CODES
    iep: np.ndarray
    section_504: np.ndarray
    econ_disadv: np.ndarray
    el_until: np.ndarray  # index of the first school year in which the student is no longer EL
    reading: np.ndarray  # latent reading skill (drives screening and reading supports)
    behaviour: np.ndarray  # latent need for behaviour support (drives referrals)


@dataclass
class Roster:
    """One entry per student and school year: where they are enrolled and whether for the whole year."""

    student: np.ndarray  # index into Population
    year: np.ndarray  # index into the school years
    grade: np.ndarray  # -1 = PK, 0 = K, 1..12
    building: np.ndarray  # index into the BuildingPlan
    part_year: np.ndarray  # arrived or left mid-year

    def of_year(self, year: int) -> np.ndarray:
        return np.flatnonzero(self.year == year)


def enroll_students(
    plan: BuildingPlan, n_years: int, rng: np.random.Generator
) -> tuple[Population, Roster]:
    """The first year fills every building; each later year promotes students (along the feeder
    pattern), graduates grade 12, loses ~4% to moves, takes ~4% move-ins and a new K (and PK) cohort."""
    low, top = plan.low_grade, plan.top_grade
    intake = _per_grade_enrollment(plan)
    new_blocks: list[dict[str, np.ndarray]] = []
    years: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (student, grade, building)
    part_year: list[np.ndarray] = []
    next_student = 0

    def admit(
        buildings: np.ndarray, grades: np.ndarray, year: int, movers: np.ndarray
    ) -> np.ndarray:
        nonlocal next_student
        block = _new_students(plan, buildings, grades, year, movers, rng)
        new_blocks.append(block)
        ids = np.arange(next_student, next_student + len(buildings))
        next_student += len(buildings)
        return ids

    for year in range(n_years):
        if year == 0:
            buildings, grades = [], []
            for b in range(plan.count):
                for grade in range(low[b] - int(plan.has_pk[b]), top[b] + 1):
                    share = 0.4 if grade < 0 else 1.0  # PK classes are small
                    count = round(intake[b] * share * rng.uniform(0.94, 1.06))
                    buildings.append(np.full(count, b))
                    grades.append(np.full(count, grade))
            building, grade = np.concatenate(buildings), np.concatenate(grades)
            student = admit(building, grade, year, np.zeros(len(building), bool))
            arrived = np.zeros(len(student), dtype=bool)
        else:
            previous_student, previous_grade, previous_building = years[-1]
            moves_out = rng.random(len(previous_student)) < MOVE_OUT_RATE
            # Half of the students who move away leave during the year, so enrol fewer days.
            part_year[-1] |= moves_out & (rng.random(len(moves_out)) < 0.5)
            stays = ~moves_out & (previous_grade < 12)
            student = previous_student[stays]
            grade = previous_grade[stays] + 1
            building = previous_building[stays].copy()
            promoted = grade > top[building]
            building[promoted] = plan.feeder[building[promoted]]
            # New K cohort (and PK where offered) in every building that starts at K.
            starts = np.flatnonzero(low == 0)
            k_counts = np.round(intake[starts] * rng.uniform(0.95, 1.05, len(starts))).astype(int)
            pk = np.flatnonzero(plan.has_pk)
            pk_counts = np.round(intake[pk] * 0.4 * rng.uniform(0.9, 1.1, len(pk))).astype(int)
            cohort_building = np.concatenate(
                [np.repeat(starts, k_counts), np.repeat(pk, pk_counts)]
            )
            cohort_grade = np.concatenate(
                [np.zeros(k_counts.sum(), int), np.full(pk_counts.sum(), -1)]
            )
            # Move-ins (grades 1-12) go where students of their grade already are.
            counts = np.zeros((plan.count, 12))
            np.add.at(counts, (building[grade >= 1], grade[grade >= 1] - 1), 1)
            n_in = round(MOVE_IN_RATE * len(previous_student))
            cell = rng.choice(counts.size, size=n_in, p=(counts / counts.sum()).ravel())
            in_building, in_grade = cell // 12, cell % 12 + 1
            new_building = np.concatenate([cohort_building, in_building])
            new_grade = np.concatenate([cohort_grade, in_grade])
            movers = np.r_[np.zeros(len(cohort_building), bool), np.ones(n_in, bool)]
            new_ids = admit(new_building, new_grade, year, movers)
            student = np.concatenate([student, new_ids])
            grade = np.concatenate([grade, new_grade])
            building = np.concatenate([building, new_building])
            arrived = np.r_[np.zeros(stays.sum(), bool), movers & (rng.random(len(movers)) < 0.5)]
        years.append((student, grade, building))
        part_year.append(arrived.copy())
    part_year[-1] |= rng.random(len(part_year[-1])) < 0.02  # some leave during the current year

    fields = {key: np.concatenate([block[key] for block in new_blocks]) for key in new_blocks[0]}
    # Pseudonymous 7-digit ids in no particular order, so an id says nothing about the student.
    numbers = rng.choice(9_000_000, size=next_student, replace=False) + 1_000_000
    fields["student_id"] = np.char.add("S", numbers.astype(str)).astype(object)
    population = Population(**fields)
    roster = Roster(
        student=np.concatenate([y[0] for y in years]),
        year=np.concatenate([np.full(len(y[0]), i) for i, y in enumerate(years)]),
        grade=np.concatenate([y[1] for y in years]),
        building=np.concatenate([y[2] for y in years]),
        part_year=np.concatenate(part_year),
    )
    return population, roster


def _per_grade_enrollment(plan: BuildingPlan) -> np.ndarray:
    """Students per grade in each building: intake for K-starting buildings, feeders' sum for others."""
    per_grade = plan.per_grade.copy()
    for level in ("middle", "high"):
        for building in np.flatnonzero(plan.levels == level):
            per_grade[building] = per_grade[plan.feeder == building].sum()
    return per_grade


def _new_students(
    plan: BuildingPlan,
    building: np.ndarray,
    grade: np.ndarray,
    year: int,
    movers: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    n = len(building)
    cumulative = plan.race_shares.cumsum(axis=1)[building]
    race = np.minimum((rng.random(n)[:, None] > cumulative).sum(axis=1), len(RACE_CODES) - 1)
    u = rng.random(n)
    sex = np.where(u < 0.49, 0, np.where(u < 0.99, 1, 2))
    econ = rng.random(n) < ECON_BY_RACE[race]
    iep = rng.random(n) < 0.14 * IEP_BY_RACE[race] * IEP_BY_SEX[sex]
    section_504 = ~iep & (rng.random(n) < 0.031)
    # English learners: ~21% of kindergartners, reclassified at ~10% a year, so fewer in high school.
    # Families moving in bring more English learners than children who started school here.
    p_el = 0.21 * 0.9 ** np.maximum(grade, 0) * EL_BY_RACE[race] * np.where(movers, 1.4, 1.0)
    p_el = np.minimum(p_el, 0.9)
    el = rng.random(n) < p_el
    el_until = np.where(el, year + rng.geometric(0.10, n), year)
    reading = rng.normal(0, 1, n) - 0.35 * el - 0.6 * iep - 0.25 * econ
    behaviour = rng.normal(0, 1, n)
    return {
        "race": race,
        "sex": sex,
        "iep": iep,
        "section_504": section_504,
        "econ_disadv": econ,
        "el_until": el_until,
        "reading": reading,
        "behaviour": behaviour,
    }


# --- Outcomes -------------------------------------------------------------------------------------


def select_systematic(
    prob: np.ndarray, group: np.ndarray, stratum: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Pick each student with probability `prob`, but so that within every group (a building) and
    every stratum of it (e.g. Black students with IEPs) the number picked is within one of its expected
    count. Plain coin flips would let a small building's risk ratio wander far from the district's
    pattern for some seeds; the stories must hold for every seed."""
    n = len(prob)
    order = np.lexsort((rng.random(n), stratum, group))
    p, g = prob[order], group[order]
    cumulative = np.cumsum(p)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    lengths = np.diff(np.r_[starts, n])
    before = np.repeat(cumulative[starts] - p[starts], lengths)
    offset = np.repeat(rng.random(len(starts)), lengths)
    high = cumulative - before + offset
    picked = np.empty(n, dtype=bool)
    picked[order] = np.floor(high) > np.floor(high - p)
    return picked


def scale_to_total(raw: np.ndarray, total: float, cap: float = 0.9) -> np.ndarray:
    """Probabilities proportional to `raw` that add up to `total`, none above `cap`."""
    p = raw * total / raw.sum()
    for _ in range(5):
        over = p > cap
        if not over.any():
            break
        p[over] = cap
        free = ~over & (p > 0)
        p[free] *= (total - cap * over.sum()) / p[free].sum()
    return np.minimum(p, cap)


def _multipliers_for_ratio(in_a: np.ndarray, in_b: np.ndarray, ratio: float) -> tuple[float, float]:
    """Risk multipliers for two overlapping groups (Black students, students with IEPs) such that
    each group's risk ratio against everyone outside it equals `ratio`, given who is enrolled: with
    plain multipliers the overlap between the groups would push one ratio up and the other down."""
    n = np.array([[np.sum(~in_a & ~in_b), np.sum(~in_a & in_b)],
                  [np.sum(in_a & ~in_b), np.sum(in_a & in_b)]], dtype=float)  # fmt: skip
    m_a = m_b = ratio
    for _ in range(50):
        risk = np.array([[1.0, m_b], [m_a, m_a * m_b]])
        ratio_a = (n[1] @ risk[1] / n[1].sum()) / (n[0] @ risk[0] / n[0].sum())
        ratio_b = (n[:, 1] @ risk[:, 1] / n[:, 1].sum()) / (n[:, 0] @ risk[:, 0] / n[:, 0].sum())
        m_a, m_b = m_a * ratio / ratio_a, m_b * ratio / ratio_b
    return m_a, m_b


@dataclass
class YearOutcomes:
    students: pd.DataFrame
    attendance: pd.DataFrame
    discipline: pd.DataFrame
    supports: pd.DataFrame
    screening: pd.DataFrame | None


def year_outcomes(
    plan: BuildingPlan,
    population: Population,
    roster: Roster,
    year: int,
    school_year: str,
    champions: pd.DataFrame,
    building_tier_use: np.ndarray,
    screened: bool,
    rng: np.random.Generator,
) -> YearOutcomes:
    """One school year's students rows and what happened to them. District rates are held exactly
    (ODR 12.5%, OSS 4%, ISS 5%, EXP 0.2%, chronic absence 15%, Tier 2 15%, Tier 3 5%); who is
    affected follows need, level, and mild group differences, except in the story middle school."""
    rows = roster.of_year(year)
    student, grade, building = roster.student[rows], roster.grade[rows], roster.building[rows]
    n = len(rows)
    ids = population.student_id[student]
    race, sex = population.race[student], population.sex[student]
    iep, econ = population.iep[student], population.econ_disadv[student]
    el = population.el_until[student] > year
    bl = race == BL
    male = sex == 1
    behaviour, reading = population.behaviour[student], population.reading[student]
    level_risk = np.array([LEVEL_RISK[level] for level in plan.levels])[building]  # (n, 5)
    stratum = bl * 2 + iep  # the cells the equity story is about

    students = pd.DataFrame(
        {
            "student_id": ids,
            "school_year": school_year,
            "building_id": plan.ids[building].astype(object),
            "grade": GRADE_LABELS[grade + 1].astype(object),
            "race_ethnicity": RACE_CODES[race].astype(object),
            "sex": SEX_CODES[sex].astype(object),
            "iep": iep,
            "el": el,
            "econ_disadv": econ,
            "section_504": population.section_504[student],
        }
    )

    # Discipline. Every suspension or expulsion follows a referral, so OSS/ISS/EXP students are drawn
    # from the students with an ODR, with the conditional chance that keeps each overall rate.
    story = building == plan.stories["oss_disproportionality"]
    common = np.where(male, 1.3, np.where(sex == 0, 0.75, 1.0)) * np.where(econ, 1.2, 1.0)
    common *= np.exp(0.6 * behaviour)
    # Sex, poverty and individual need decide WHO within a building's cell (Black students with IEPs,
    # ...) is referred, but not how many: each cell's total follows the designed risk alone, so the
    # risk ratios the story depends on do not drift with who happens to be enrolled.
    cell = building * 4 + stratum
    common /= (np.bincount(cell, weights=common) / np.maximum(np.bincount(cell), 1))[cell]

    def risk(
        level_column: int, bl_risk: float, iep_risk: float, story_risk: float | None = None
    ) -> np.ndarray:
        raw = level_risk[:, level_column] * common
        usual = raw * np.where(bl, bl_risk, 1) * np.where(iep, iep_risk, 1)
        if story_risk is None:
            return usual
        # In the story building only who is suspended changes, not how many: the building's total
        # stays what it would be with the district's usual pattern, and the multipliers are tuned
        # to this year's enrollment so both risk ratios come out at `story_risk` for every seed.
        bl_m, iep_m = _multipliers_for_ratio(bl[story], iep[story], story_risk)
        told = raw * np.where(bl, bl_m, 1) * np.where(iep, iep_m, 1)
        told *= usual[story].sum() / told[story].sum()
        return np.where(story, told, usual)

    p_odr = scale_to_total(
        risk(0, GROUP_RISK["BL"], GROUP_RISK["IEP"], STORY_ODR_RISK), ODR_RATE * n
    )
    odr = select_systematic(p_odr, building, stratum, rng)

    def after_referral(raw: np.ndarray, rate: float, by_building: bool = True) -> np.ndarray:
        p = scale_to_total(raw, rate * n)
        conditional = np.where(odr, np.minimum(p / p_odr, 0.95), 0.0)
        group = building if by_building else np.zeros(n, int)
        return select_systematic(conditional, group, stratum, rng)

    oss = after_referral(risk(1, GROUP_RISK["BL"], GROUP_RISK["IEP"], STORY_OSS_RISK), OSS_RATE)
    iss = after_referral(risk(2, 1.35, 1.3), ISS_RATE)
    expelled = after_referral(risk(3, 1.3, 1.3), EXP_RATE, by_building=False)
    counts = {
        "ODR": np.where(odr, 1 + np.minimum(rng.poisson(1.1 * np.exp(0.35 * behaviour)), 11), 0),
        "ISS": np.where(iss, 1 + rng.poisson(0.4, n), 0),
        "OSS": np.where(oss, 1 + rng.poisson(0.3, n), 0),
        "EXP": expelled.astype(int),
    }
    days = school_days(school_year)
    incident_rows = np.concatenate([np.repeat(np.arange(n), c) for c in counts.values()])
    incident_action = np.concatenate([np.repeat(a, c.sum()) for a, c in counts.items()])
    incident_day = days[rng.integers(0, len(days), len(incident_rows))]
    order = np.lexsort((incident_action, ids[incident_rows], incident_day))
    code = year_code(school_year)
    discipline = pd.DataFrame(
        {
            "incident_id": [f"INC{code}-{i:06d}" for i in range(1, len(order) + 1)],
            "student_id": ids[incident_rows[order]],
            "school_year": school_year,
            "incident_date": to_dates(incident_day[order]),
            "action": incident_action[order].astype(object),
            "days_removed": _days_removed(incident_action[order], code),
            **_referral_details(
                incident_action[order],
                building[incident_rows[order]] == plan.stories["hallway_referrals"],
                plan.levels[building[incident_rows[order]]] == "elementary",
                code,
            ),
        }
    )

    # Attendance: ~180 days a year (fewer so far this year, fewer still for mid-year movers).
    full_year = round(180 * len(days) / len(school_days(school_year, until=last_day(school_year))))
    enrolled = full_year - rng.integers(0, 4, n)
    part = roster.part_year[rows]
    enrolled[part] = rng.integers(30, full_year - 20, part.sum())
    chronic_raw = (
        level_risk[:, 4]
        * np.where(grade <= 0, 1.3, 1.0)
        * np.where(econ, 1.7, 1.0)
        * np.where(iep, 1.4, 1.0)
        * CHRONIC_BY_RACE[race]
        * np.exp(0.3 * behaviour)
    )
    chronic = select_systematic(
        scale_to_total(chronic_raw, CHRONIC_ABSENCE_RATE * n), building, np.zeros(n, int), rng
    )
    absent_rate = np.where(
        chronic, 0.10 + np.minimum(rng.gamma(1.5, 0.05, n), 0.6), 0.095 * rng.beta(1.3, 2.8, n)
    )
    absent = np.where(chronic, np.ceil(absent_rate * enrolled), np.floor(absent_rate * enrolled))
    attendance = pd.DataFrame(
        {
            "student_id": ids,
            "school_year": school_year,
            "days_enrolled": enrolled.astype(int),
            "days_absent": np.minimum(absent, enrolled).astype(int),
        }
    )

    supports = _supports(
        ids,
        grade,
        building,
        reading,
        iep,
        el,
        counts["ODR"],
        chronic,
        school_year,
        champions,
        building_tier_use[building],
        rng,
        clogged=plan.stories["tier2_clogged"],
    )
    screening = None
    if screened:
        screening = _screening(
            ids, grade, building, el, reading, supports, school_year, plan.stories, rng
        )
        story = (building == plan.stories["el_unmet_need"]) & el
        supports = _el_unmet_need(supports, screening, ids, story, building, el, school_year)
    return YearOutcomes(students, attendance, discipline, supports, screening)


def _supports(
    ids: np.ndarray,
    grade: np.ndarray,
    building: np.ndarray,
    reading: np.ndarray,
    iep: np.ndarray,
    el: np.ndarray,
    odr_count: np.ndarray,
    chronic: np.ndarray,
    school_year: str,
    champions: pd.DataFrame,
    building_use: np.ndarray,
    rng: np.random.Generator,
    *,
    clogged: int,
) -> pd.DataFrame:
    """Tier 2 and 3 supports; `building_use` is how readily each student's building moves students
    to Tier 2 and 3 (buildings differ, and the difference is stable across years). In building
    `clogged` (the Tier 2 story) most Tier 2 supports started long ago are still listed, goal met."""
    n = len(ids)
    tier3_raw = (
        np.exp(-0.9 * reading)
        * np.where(iep, 2.5, 1.0)
        * np.where(odr_count >= 3, 1.6, 1.0)
        * np.where(chronic, 1.3, 1.0)
        * building_use
    )
    tier3 = select_systematic(
        scale_to_total(tier3_raw, TIER3_RATE * n), building, np.zeros(n, int), rng
    )
    tier2_raw = (
        np.exp(-0.7 * reading)
        * np.where(odr_count > 0, 1.7, 1.0)
        * np.where(chronic, 1.5, 1.0)
        * np.where(el, 1.3, 1.0)
        * building_use
        * ~tier3
    )
    tier2 = select_systematic(
        scale_to_total(tier2_raw, TIER2_ONLY_RATE * n), building, np.zeros(n, int), rng
    )
    supported = np.flatnonzero(tier2 | tier3)
    how_many = np.where(
        tier3[supported],
        1 + np.minimum(rng.poisson(0.5, len(supported)), 2),
        1 + (rng.random(len(supported)) < 0.3),
    )

    # Domains by need, without repeats for one student (Gumbel top-k over the need weights).
    g, z, odr = grade[supported], reading[supported], odr_count[supported]
    weights = np.column_stack(
        [
            np.where(g <= 8, 1.6, 0.5) * np.exp(-0.8 * z),
            0.9 * np.exp(-0.6 * z),
            0.3 + 1.8 * (odr > 0) + 1.0 * (odr >= 3),
            np.full(len(supported), 0.7),
            0.15 + 1.6 * chronic[supported],
        ]
    )
    ranked = np.argsort(-(np.log(weights) + rng.gumbel(size=weights.shape)), axis=1)
    who, domain, tier = [], [], []
    for k in range(int(how_many.max())):
        has = how_many > k
        who.append(supported[has])
        domain.append(ranked[has, k])
        tier.append(np.where((k == 0) & tier3[supported[has]], 3, 2))
    who, domain, tier = np.concatenate(who), np.concatenate(domain), np.concatenate(tier)
    m = len(who)

    names = np.empty(m, dtype=object)
    for (domain_name, level), options in INTERVENTIONS.items():
        mask = (DOMAINS[domain] == domain_name) & (tier == level)
        names[mask] = np.array(options, dtype=object)[rng.integers(0, len(options), mask.sum())]

    days = school_days(school_year)
    starts_from = np.searchsorted(days, np.datetime64(f"{school_year[:4]}-09-10"))
    start_index = rng.integers(starts_from, max(starts_from + 1, len(days) - 10), m)
    start = days[start_index]
    weeks = np.where(tier == 3, rng.integers(10, 25, m), rng.integers(6, 13, m))
    end = np.minimum(start + weeks * 7 - 3, np.datetime64(last_day(school_year), "D"))
    end = np.busday_offset(end, 0, roll="backward")

    frame = pd.DataFrame(
        {
            "school_year": school_year,
            "building": building[who],
            "domain": DOMAINS[domain].astype(object),
            "draw": rng.random(m),
        }
    )
    champion = _pick_champions(frame, champions, school_year)
    order = np.lexsort((domain, ids[who]))
    code = year_code(school_year)
    # The Tier 2 story is about this school year's list only.
    this_year = last_day(school_year) >= DEMO_AS_OF
    details = _support_details(
        start,
        end,
        end > np.datetime64(DEMO_AS_OF, "D"),
        tier,
        this_year & (building[who] == clogged),
        code,
    )
    return pd.DataFrame(
        {
            "support_id": [f"SPT{code}-{i:06d}" for i in range(1, m + 1)],
            "student_id": ids[who][order],
            "school_year": school_year,
            "domain": DOMAINS[domain][order].astype(object),
            "tier": tier[order].astype(int),
            "intervention": names[order],
            "start_date": to_dates(start)[order],
            "end_date": details.pop("end_date")[order],
            "champion_staff_id": champion[order],
            "outcome": details["outcome"][order],
            **{
                column: pd.array(details[column][order], dtype="Int64")
                for column in ("sessions_planned", "sessions_delivered")
            },
        }
    )


def _pick_champions(
    supports: pd.DataFrame, champions: pd.DataFrame, school_year: str
) -> np.ndarray:
    """A support staff member of the student's building whose role fits the domain; ~15% have none."""
    pool = champions[champions["school_year"] == school_year]
    pool = pd.concat(
        [
            pool[pool["role"].isin(roles)].assign(domain=domain)
            for domain, roles in CHAMPION_ROLES.items()
        ]
    ).sort_values(["building", "domain", "staff_id"])
    pool["k"] = pool.groupby(["building", "domain"]).cumcount()
    size = pool.groupby(["building", "domain"]).size().rename("n").reset_index()
    wanted = supports.merge(size, on=["building", "domain"], how="left")
    wanted["k"] = np.floor(wanted["draw"] * wanted["n"].fillna(0)).astype(int)
    picked = wanted.merge(
        pool[["building", "domain", "k", "staff_id"]], on=["building", "domain", "k"], how="left"
    )
    staff = picked["staff_id"].astype(object).to_numpy().copy()
    staff[pd.isna(staff) | (supports["draw"].to_numpy() > 0.85)] = None
    return staff


def _screening(
    ids: np.ndarray,
    grade: np.ndarray,
    building: np.ndarray,
    el: np.ndarray,
    reading: np.ndarray,
    supports: pd.DataFrame,
    school_year: str,
    stories: dict[str, int],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Reading screening of K-8 students in fall, winter and spring, with a risk level (low at
    benchmark; some just below; high well below). Each window's benchmark is the score the usual
    share of students reach; the two story buildings' students are held to their own shares."""
    screened = np.flatnonzero((grade >= 0) & (grade <= 8))
    in_reading = pd.Index(ids[screened]).isin(
        supports.loc[supports["domain"] == "reading", "student_id"]
    )
    core = building[screened] == stories["core_reading_low"]
    learners = (building[screened] == stories["el_unmet_need"]) & el[screened]
    usual = ~core & ~learners
    frames = []
    for window, (name, share) in enumerate(
        zip(SCREENING_WINDOWS, SCREENING_AT_BENCHMARK, strict=True)
    ):
        # Students in a reading intervention close part of the gap as the year goes on.
        score = reading[screened] + rng.normal(0, 0.35, len(screened)) + 0.12 * window * in_reading
        benchmark = np.full(len(screened), np.quantile(score[usual], 1 - share))
        for story, shares in ((core, CORE_STORY_AT_BENCHMARK), (learners, EL_STORY_AT_BENCHMARK)):
            if story.any():
                benchmark[story] = np.quantile(score[story], 1 - shares[window])
        at_benchmark = score > benchmark
        risk = np.where(
            at_benchmark, "low", np.where(score > benchmark - SOME_RISK_BAND, "some", "high")
        )
        frames.append(
            pd.DataFrame(
                {
                    "student_id": ids[screened],
                    "school_year": school_year,
                    "window": name,
                    "measure": SCREENING_MEASURE,
                    "at_benchmark": at_benchmark,
                    "risk_level": risk.astype(object),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _el_unmet_need(
    supports: pd.DataFrame,
    screening: pd.DataFrame,
    ids: np.ndarray,
    learners: np.ndarray,
    building: np.ndarray,
    el: np.ndarray,
    school_year: str,
) -> pd.DataFrame:
    """The unmet-need story: in one building, most English learners below benchmark in spring lose
    their supports to students below benchmark who are not English learners and had none (the
    building's number of supported students stays the same). Who is picked is fixed by student id."""
    if not learners.any():
        return supports
    story_building = building[learners][0]
    spring = screening[screening["window"] == SCREENING_WINDOWS[-1]]
    below = set(spring.loc[~spring["at_benchmark"], "student_id"])
    supported = set(supports["student_id"])
    in_building = building == story_building
    givers = sorted(s for s in ids[learners] if s in below and s in supported)
    takers = sorted(s for s in ids[in_building & ~el] if s in below and s not in supported)
    keep = round(EL_STORY_SUPPORTED * len(givers))
    # Spread the kept ones over the list by a hash of the id and year, not by the id's order.
    givers.sort(key=lambda s: hash_share(s, school_year))
    moved = dict(zip(givers[keep:], takers, strict=False))
    if not moved:
        return supports
    out = supports.copy()
    out["student_id"] = out["student_id"].map(lambda s: moved.get(s, s))
    return out.sort_values(["student_id", "domain"], kind="stable").reset_index(drop=True)


def hash_share(student_id: str, school_year: str) -> float:
    """A number in [0, 1) fixed by the student id and year (no generator draws: other numbers of the
    demo stay as they were)."""
    digits = int(student_id[1:]) * 7919 + int(year_code(school_year))
    return (digits * 2654435761 % 2**32) / 2**32


def _support_details(
    start: np.ndarray,
    end: np.ndarray,
    running: np.ndarray,
    tier: np.ndarray,
    clogged: np.ndarray,
    code: str,
) -> dict[str, np.ndarray]:
    """End date, outcome and sessions of each support. Drawn from a generator of their own, so
    adding them changed no other number of the demo district. In the Tier 2 story building, most
    Tier 2 supports started `CLOGGED_DAYS` or more before today are still listed, goal met."""
    m = len(start)
    rng = np.random.default_rng([m, int(code), 2])
    today = np.datetime64(DEMO_AS_OF, "D")
    stuck = (
        clogged & (tier == 2) & (start <= today - CLOGGED_DAYS) & (rng.random(m) < CLOGGED_SHARE)
    )
    running = running | stuck

    def draw(weights: dict) -> np.ndarray:
        options = np.array(list(weights), dtype=object)
        return options[rng.choice(len(options), size=m, p=np.array(list(weights.values())))]

    outcome = np.where(running, draw(RUNNING_OUTCOMES), draw(ENDED_OUTCOMES))
    outcome[stuck] = "goal_met"
    end_dates = to_dates(end)
    end_dates[running] = None
    # Sessions planned so far: weeks from start to the end (or today) at the tier's weekly rate;
    # delivered: most of them, a few buildings' groups far fewer. About 1 in 10 not recorded.
    days = np.maximum((np.minimum(np.where(running, today, end), today) - start).astype(int), 0)
    per_week = np.where(tier == 3, SESSIONS_PER_WEEK[3], SESSIONS_PER_WEEK[2])
    planned = np.ceil(days / 7 * per_week)
    delivered = np.floor(planned * rng.uniform(0.55, 1.0, m))
    recorded = rng.random(m) >= 0.1
    return {
        "end_date": end_dates,
        "outcome": outcome,
        "sessions_planned": np.where(recorded, planned, np.nan),
        "sessions_delivered": np.where(recorded, delivered, np.nan),
    }


def _referral_details(
    actions: np.ndarray, hallway_story: np.ndarray, elementary: np.ndarray, code: str
) -> dict[str, np.ndarray]:
    """Each referral's type, problem behaviour, location and time (HH:MM), SWIS-style: a referral
    with a removal after it is major, about half of the others minor (handled in class); most in
    classrooms, in school hours, busiest around lunch. In the story middle school, 4 in 10 happen
    in the hallway between 12:00 and 13:30 (after lunch). Drawn from a generator of their own, so
    adding them changed no other number of the demo district."""
    m = len(actions)
    rng = np.random.default_rng([m, int(code), 1])
    minor = (actions == "ODR") & (rng.random(m) < MINOR_SHARE)

    def draw(weights: dict[str, float], size: int) -> np.ndarray:
        options = np.array(list(weights), dtype=object)
        p = np.array(list(weights.values()))
        return options[rng.choice(len(options), size=size, p=p / p.sum())]

    behavior = np.where(minor, draw(MINOR_BEHAVIORS, m), draw(MAJOR_BEHAVIORS, m))
    location = draw(LOCATIONS, m)
    # Only elementary schools have a playground; elsewhere those referrals are in the commons.
    location[(location == "Playground") & ~elementary] = "Commons"
    # Minutes: the school day, with a bump around lunch (11:00-13:00).
    lunch = rng.random(m) < 0.3
    minutes = np.where(
        lunch, rng.integers(11 * 60, 13 * 60, m), rng.integers(*SCHOOL_DAY_MINUTES, m)
    )
    story = hallway_story & (rng.random(m) < HALLWAY_STORY_SHARE)
    location[story] = "Hallway"
    minutes[story] = rng.integers(*HALLWAY_STORY_MINUTES, m)[story]
    hours, rest = np.divmod(minutes, 60)
    time = np.char.add(
        np.char.add(np.char.zfill(hours.astype(str), 2), ":"), np.char.zfill(rest.astype(str), 2)
    )
    return {
        "referral_type": np.where(minor, "minor", "major").astype(object),
        "behavior": behavior,
        "location": location,
        "incident_time": time.astype(object),
    }


def _days_removed(actions: np.ndarray, code: str) -> pd.Series:
    """School days each removal lasted, none for a referral alone: an in-school suspension mostly
    one day (up to 3), an out-of-school suspension 1 to 5 days now and then more (so a few students
    pass 10 days in a year), an expulsion 15 to 45. Drawn from a generator of their own, so adding
    them changed no other number of the demo district."""
    rng = np.random.default_rng([len(actions), int(code)])
    lengths = {
        "ISS": 1 + np.minimum(rng.poisson(0.4, len(actions)), 2),
        "OSS": 1 + np.minimum(rng.poisson(1.6, len(actions)), 9),
        "EXP": rng.integers(15, 46, len(actions)),
    }
    days = [
        int(lengths[action][i]) if action in lengths else None for i, action in enumerate(actions)
    ]
    return pd.Series(days, dtype="Int64")
