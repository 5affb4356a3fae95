"""TFI 2.1 scores, three administrations a year per building, with trends a leadership team recognises:
most buildings improve on Tier 1, Tiers 2 and 3 trail, one building slips, the same items lag."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_access.demo.buildings import BuildingPlan
from data_access.demo.dates import start_year, weekday_on_or_after
from data_access.store import BUILTIN_INSTRUMENTS

INSTRUMENT = "TFI-2.1"
ADMINISTRATIONS = [(0, 10, 15), (1, 1, 20), (1, 4, 15)]  # (years after start, month, day)
# Items teams typically find hard (positive) or easy (negative); the rest sit in between. This is
# what makes a building's lowest items meaningful: 1.12 Discipline Data and 1.15 Annual Evaluation
# lag almost everywhere, 1.3 Behavioral Expectations is in place early.
ITEM_DIFFICULTY = {
    "1.1": -0.8,
    "1.3": -1.0,
    "1.4": -0.5,
    "1.5": -0.6,
    "1.7": 0.3,
    "1.11": 0.8,
    "1.12": 1.0,
    "1.13": 0.5,
    "1.14": 0.7,
    "1.15": 1.2,
    "2.1": -0.7,
    "2.2": -0.3,
    "2.3": 0.4,
    "2.5": -0.6,
    "2.9": 0.3,
    "2.11": 0.8,
    "2.12": 0.9,
    "2.13": 1.1,
    "3.1": -0.7,
    "3.2": -0.3,
    "3.4": -0.6,
    "3.8": 0.9,
    "3.12": 0.8,
    "3.14": 0.6,
    "3.15": 0.5,
    "3.17": 1.1,
}
# Per tier: (start %, ceiling %, growth per administration) ranges for a typical building.
TRAJECTORIES = {
    "Tier 1": ((35, 60), (74, 92), (0.15, 0.35)),
    "Tier 2": ((15, 40), (50, 85), (0.08, 0.20)),
    "Tier 3": ((5, 30), (40, 80), (0.05, 0.15)),
}


def tfi_items() -> pd.DataFrame:
    items = pd.read_csv(BUILTIN_INSTRUMENTS / f"{INSTRUMENT}.csv", dtype=str)
    items["max_score"] = items["max_score"].astype(int)
    return items


def administration_dates(
    plan: BuildingPlan, school_years: list[str], rng: np.random.Generator
) -> np.ndarray:
    """(buildings, administrations) dates: about 15 Oct, 20 Jan and 15 Apr, each on a weekday."""
    jitter = rng.integers(0, 8, (plan.count, 3 * len(school_years)))
    dates = np.empty(jitter.shape, dtype=object)
    for t in range(jitter.shape[1]):
        years_after, month, day = ADMINISTRATIONS[t % 3]
        base = date(start_year(school_years[t // 3]) + years_after, month, day)
        for b in range(plan.count):
            dates[b, t] = weekday_on_or_after(base + timedelta(days=int(jitter[b, t])))
    return dates


def tier_percents(
    plan: BuildingPlan, n_years: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Target percent per tier, building and administration, before items are scored."""
    n_admin = 3 * n_years
    t = np.arange(n_admin)
    percents = {}
    for scale, ((s_low, s_high), (c_low, c_high), (r_low, r_high)) in TRAJECTORIES.items():
        start = rng.uniform(s_low, s_high, plan.count)[:, None]
        ceiling = rng.uniform(c_low, c_high, plan.count)
        if scale == "Tier 1":  # about a third of buildings have not yet found a way to criterion
            stuck = rng.random(plan.count) < 0.3
            ceiling[stuck] = rng.uniform(55, 69, stuck.sum())
        growth = rng.uniform(r_low, r_high, plan.count)[:, None]
        percent = ceiling[:, None] - (ceiling[:, None] - start) * np.exp(-growth * t)
        percents[scale] = percent + rng.normal(0, 3, percent.shape)

    # Story: a building at criterion many administrations in a row (the district's model school).
    model = plan.stories["fidelity_exemplar"]
    percents["Tier 1"][model] = np.maximum(90 - 30 * np.exp(-0.45 * t), np.where(t >= 2, 73, 0))
    # Story: a building that reached ~75% last year and slipped below 60% this year (its Tier 1 team
    # lost its coach and stopped meeting).
    slip = plan.stories["fidelity_slip"]
    last, previous = slice(n_admin - 3, n_admin), slice(n_admin - 6, n_admin - 3)
    tier1 = percents["Tier 1"]
    tier1[slip, : n_admin - 6] = np.minimum(tier1[slip, : n_admin - 6], 68)
    tier1[slip, previous] = rng.uniform(74, 78, 3)
    tier1[slip, last] = np.array([62.0, 57.0, 53.0]) - rng.uniform(0, 2, 3)
    for scale in ("Tier 2", "Tier 3"):
        percents[scale][slip, last] -= 12
    return {scale: np.clip(p, 0, 100) for scale, p in percents.items()}


def fidelity_scores(
    plan: BuildingPlan, school_years: list[str], rng: np.random.Generator
) -> pd.DataFrame:
    items = tfi_items()
    dates = administration_dates(plan, school_years, rng)
    percents = tier_percents(plan, len(school_years), rng)
    n_admin = dates.shape[1]
    frames = []
    for scale, percent in percents.items():
        scale_items = items[items["scale"] == scale]
        n_items = len(scale_items)
        possible = int(scale_items["max_score"].sum())
        difficulty = scale_items["item_id"].map(ITEM_DIFFICULTY).fillna(0).to_numpy()
        points = np.clip(np.round(percent / 100 * possible), 0, possible).astype(int).ravel()
        # Which items are fully in place, partly in place or not: the easiest items for this building
        # first (a building's own strengths persist between administrations).
        own = rng.normal(0, 0.5, (plan.count, 1, n_items))
        propensity = -difficulty + own + rng.normal(0, 0.35, (plan.count, n_admin, n_items))
        rank = np.argsort(np.argsort(-propensity.reshape(-1, n_items), axis=1), axis=1)
        scores = _item_scores(points, n_items, rank)
        frames.append(
            pd.DataFrame(
                {
                    "building_id": np.repeat(plan.ids, n_admin * n_items).astype(object),
                    "instrument": INSTRUMENT,
                    "administered_on": np.repeat(dates.ravel(), n_items),
                    "item_id": np.tile(
                        scale_items["item_id"].to_numpy(dtype=object), plan.count * n_admin
                    ),
                    "score": scores.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(
        ["building_id", "administered_on"], kind="stable", ignore_index=True
    )


def _item_scores(points: np.ndarray, n_items: int, rank: np.ndarray) -> np.ndarray:
    """Item scores (0/1/2) adding up exactly to `points` for each administration: the top-ranked items
    score 2, the next ones 1 (partially in place; most common mid-way to criterion), the rest 0."""
    share = points / (2 * n_items)
    partial = np.round(n_items * 0.45 * (1 - np.abs(2 * share - 1))).astype(int)
    most = np.minimum(points, 2 * n_items - points)  # at most this many 1s fit
    partial = np.clip(partial, 0, most)
    partial += (points - partial) % 2  # the 2s must take an even number of points
    partial = np.where(partial > most, partial - 2, partial)
    full = (points - partial) // 2
    return np.where(rank < full[:, None], 2, np.where(rank < (full + partial)[:, None], 1, 0))
