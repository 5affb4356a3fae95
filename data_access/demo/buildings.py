"""The demo district's buildings: levels, sizes, feeder pattern, and which building carries which story."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.demo.names import large_building_names

# Grades are integers inside the generator: PK = -1, K = 0, then 1..12.
GRADE_LABELS = np.array(["PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"])
LEVEL_GRADES = {"elementary": (0, 5), "middle": (6, 8), "high": (9, 12), "k8": (0, 8)}
LEVEL_SUFFIX = {
    "elementary": "Elementary",
    "middle": "Middle School",
    "high": "High School",
    "k8": "K-8",
}

# Federal reporting codes in the order the generator indexes them, with district-wide shares.
RACE_CODES = np.array(["HI", "WH", "BL", "AS", "TR", "AM", "HP"])
RACE_SHARES = np.array([0.28, 0.42, 0.16, 0.06, 0.05, 0.015, 0.005])
BL = 2  # index of "BL" in RACE_CODES

# The buildings that carry the stories a leadership team should find (keys used across the package).
STORIES = (
    "oss_disproportionality",  # a middle school suspends Black students and students with IEPs ~3x
    "counselor_ratio",  # one counselor for ~450 students this year
    "missing_social_worker",  # no social worker assigned this year
    "supervision_lapsed",  # the support team's supervision stopped ten weeks ago
    "fidelity_slip",  # Tier 1 fidelity fell from ~75% to below 60%
    "fidelity_exemplar",  # at criterion for many administrations in a row
    "core_reading_low",  # ~70% at benchmark in reading while its TFI is at criterion (the exemplar)
    "tier2_clogged",  # Tier 2 list full of students who met their goal months ago, still listed
    "hallway_referrals",  # a middle school whose referrals cluster in the hallway after lunch
    "el_unmet_need",  # English learners below benchmark go without support far more often
)

SMALL_BUILDINGS = [
    # id, name, level, students per grade, has PK
    ("B01", "Lincoln Elementary", "elementary", 60, True),
    ("B02", "Washington Elementary", "elementary", 55, False),
    ("B03", "Jefferson Elementary", "elementary", 65, True),
    ("B04", "Garfield Elementary", "elementary", 60, False),
    ("B05", "Hawthorne Elementary", "elementary", 55, True),
    ("B06", "Maple Grove Elementary", "elementary", 55, False),
    ("B07", "Riverside Elementary", "elementary", 60, False),
    ("B08", "Roosevelt Middle School", "middle", 0, False),
    ("B09", "Franklin Middle School", "middle", 0, False),
    ("B10", "Central High School", "high", 0, False),
    ("B11", "Eastside High School", "high", 0, False),
    ("B12", "Kennedy K-8", "k8", 50, False),
]
# Lincoln, Washington, Jefferson → Roosevelt; the other four → Franklin (so Franklin has ~700 students);
# Roosevelt and Kennedy → Central; Franklin → Eastside.
SMALL_FEEDERS = {
    "B01": "B08",
    "B02": "B08",
    "B03": "B08",
    "B04": "B09",
    "B05": "B09",
    "B06": "B09",
    "B07": "B09",
    "B08": "B10",
    "B09": "B11",
    "B12": "B10",
}
LARGE_LEVEL_COUNTS = {"elementary": 117, "middle": 33, "high": 33, "k8": 17}  # 200, as in small
LARGE_STUDENTS_PER_YEAR = 150_000
# "xlarge" is the large district twice over (400 buildings, 300,000 students a year): how the
# pages grow with a district (the benchmark's growth check), not a demo to show.
SCALE = {"large": 1, "xlarge": 2}


@dataclass(frozen=True)
class BuildingPlan:
    ids: np.ndarray  # "B01"...
    names: list[str]
    levels: np.ndarray  # LEVELS code per building
    per_grade: np.ndarray  # new students per grade per year (elementary and K-8 intake)
    has_pk: np.ndarray
    feeder: np.ndarray  # building index students move to after the top grade; -1 = graduate
    race_shares: np.ndarray  # (buildings, 7): race/ethnicity shares of students entering
    stories: dict[str, int]  # story → building index

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def low_grade(self) -> np.ndarray:
        return np.array([LEVEL_GRADES[level][0] for level in self.levels])

    @property
    def top_grade(self) -> np.ndarray:
        return np.array([LEVEL_GRADES[level][1] for level in self.levels])

    def index_of(self, building_id: str) -> int:
        return int(np.flatnonzero(self.ids == building_id)[0])

    def story_id(self, story: str) -> str:
        return str(self.ids[self.stories[story]])

    def frame(self, principal_emails: list[str | None]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "building_id": self.ids.astype(object),
                "name": self.names,
                "level": self.levels.astype(object),
                "principal_email": principal_emails,
            }
        )


def plan_buildings(size: str, rng: np.random.Generator) -> BuildingPlan:
    if size == "small":
        ids = np.array([row[0] for row in SMALL_BUILDINGS])
        names = [row[1] for row in SMALL_BUILDINGS]
        levels = np.array([row[2] for row in SMALL_BUILDINGS])
        per_grade = np.array([row[3] for row in SMALL_BUILDINGS], dtype=float)
        has_pk = np.array([row[4] for row in SMALL_BUILDINGS])
        index = {building_id: i for i, building_id in enumerate(ids)}
        feeder = np.array([index.get(SMALL_FEEDERS.get(b, ""), -1) for b in ids])
    else:
        counts = {level: count * SCALE[size] for level, count in LARGE_LEVEL_COUNTS.items()}
        levels = np.concatenate([np.repeat(level, count) for level, count in counts.items()])
        ids = np.array([f"B{i + 1:03d}" for i in range(len(levels))])
        names = []
        for offset, (level, count) in enumerate(counts.items()):
            names += [
                f"{base} {LEVEL_SUFFIX[level]}" for base in large_building_names(count, 9 * offset)
            ]
        n_elem, n_mid, n_high, n_k8 = counts.values()
        elem = np.arange(n_elem)
        mid = n_elem + np.arange(n_mid)
        high = n_elem + n_mid + np.arange(n_high)
        k8 = n_elem + n_mid + n_high + np.arange(n_k8)
        feeder = np.full(len(levels), -1)
        feeder[elem] = mid[elem * n_mid // n_elem]
        feeder[mid] = high[np.arange(n_mid) * n_high // n_mid]
        feeder[k8] = high[np.arange(n_k8) * n_high // n_k8]
        per_grade = np.zeros(len(levels))
        per_grade[elem] = rng.uniform(70, 110, n_elem)
        per_grade[k8] = rng.uniform(45, 75, n_k8)
        # Scale intake so a year holds ~150,000 students (13 grades of ~11,500).
        per_grade *= (SCALE[size] * LARGE_STUDENTS_PER_YEAR / 13) / per_grade[
            np.isin(levels, ["elementary", "k8"])
        ].sum()
        has_pk = np.zeros(len(levels), dtype=bool)
        has_pk[elem[::3]] = True

    elementary = np.flatnonzero(levels == "elementary")
    middle = np.flatnonzero(levels == "middle")
    stories = {
        "oss_disproportionality": int(middle[1]),
        "counselor_ratio": int(np.flatnonzero(levels == "k8")[0]),
        "missing_social_worker": int(elementary[4]),
        "supervision_lapsed": int(np.flatnonzero(levels == "high")[0]),
        "fidelity_slip": int(elementary[5]),
        "fidelity_exemplar": int(elementary[0]),
        # The practice is in place and the outcome is not: the exemplar's core reading.
        "core_reading_low": int(elementary[0]),
        "tier2_clogged": int(elementary[1]),
        "hallway_referrals": int(middle[0]),
        "el_unmet_need": int(elementary[2]),
    }
    if size != "small":
        # The story K-8 keeps ~450 students (one counselor's worth at the ratio the story needs), and the
        # story middle school is fed by enough elementaries to pass 600 students.
        per_grade[stories["counselor_ratio"]] = 50.0
        story_feeders = np.flatnonzero(feeder == stories["oss_disproportionality"])
        per_grade[story_feeders] = np.maximum(per_grade[story_feeders], 260 / len(story_feeders))

    race_shares = _race_shares(levels, feeder, stories, rng)
    return BuildingPlan(ids, names, levels, per_grade, has_pk, feeder, race_shares, stories)


def _race_shares(
    levels: np.ndarray, feeder: np.ndarray, stories: dict[str, int], rng: np.random.Generator
) -> np.ndarray:
    """Neighbourhood schools differ in who they serve; middle and high schools mirror their feeders."""
    shares = rng.dirichlet(RACE_SHARES * 150, size=len(levels))
    # The story middle school must hold enough Black students for a ratio to be computed (n >= 30,
    # events >= 10): its feeders serve somewhat more Black families than average.
    story_feeders = feeder == stories["oss_disproportionality"]
    shares[story_feeders, BL] = np.maximum(shares[story_feeders, BL], 0.2)
    for level in ("middle", "high"):  # middle first: high schools average their middle schools
        for building in np.flatnonzero(levels == level):
            fed_by = np.flatnonzero(feeder == building)
            if len(fed_by):
                shares[building] = shares[fed_by].mean(axis=0)
    return shares / shares.sum(axis=1, keepdims=True)
