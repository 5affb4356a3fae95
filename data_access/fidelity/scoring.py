"""Fidelity arithmetic as pure functions over DataFrames: scale, subscale and total scores, each
building's latest status, sustaining streaks, the share of buildings at criterion, the items to plan on.

No database here: `data_access.fidelity.queries` aggregates in SQL and hands the sums to these functions, and
tests feed them hand-computed numbers. Scores of different instruments (TFI-2.1 and TFI-3.0 included)
are never combined: every function keeps `instrument` apart or works on one instrument at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

# The data contract's `fidelity` table, in its column order.
SCALE_SCORE_COLUMNS = [
    "building_id",
    "instrument",
    "administered_on",
    "scale",
    "items_scored",
    "items_total",
    "points",
    "possible",
    "percent",
    "criterion_pct",
    "meets_criterion",
    "complete",
]
# The `fidelity` export's columns: the contract's, then which level a row is and what it covers.
SCORE_COLUMNS = [*SCALE_SCORE_COLUMNS, "level", "covers"]
SCALE, SUBSCALE, TOTAL = "scale", "subscale", "total"  # the `level` of a row
TOTAL_NAME = "Total"  # the `scale` of an administration's total row
COVERS_SEPARATOR = ";"  # between the scales a total covers, as `;`-separated lists elsewhere
SUSTAINING_RUN = 3  # at criterion this many administrations in a row: the team is sustaining

AT_CRITERION = "at criterion"
BELOW_CRITERION = "below criterion"
INCOMPLETE = "incomplete"
NOT_SCORED = "not scored"
STATUSES = (AT_CRITERION, BELOW_CRITERION, INCOMPLETE, NOT_SCORED)

# Terms of a school year (1 July to 30 June), for the share of buildings at criterion over time.
TERMS = ((7, "Fall"), (12, "Winter"), (3, "Spring"))


def score_scales(scored: pd.DataFrame, scales: pd.DataFrame) -> pd.DataFrame:
    """The contract's `fidelity` rows: one per building, instrument, administration date and scale.

    `scored` holds one row per building, instrument, administration date and scale that has at least
    one scored item: `items_scored` and `points` (the sum of those items' scores). `scales` holds the
    instrument definitions: instrument, scale, items_total, possible (the sum of max_score),
    criterion_pct and position (the scale's order in the instrument).

    Every scale of an administration's instrument gets a row, a scale nobody scored included (0 items
    scored, incomplete). A scale is complete only when all its items are scored; otherwise percent and
    meets_criterion are missing (never a low score)."""
    administrations = scored[["building_id", "instrument", "administered_on"]].drop_duplicates()
    rows = administrations.merge(scales, on="instrument", how="inner").merge(
        scored[["building_id", "instrument", "administered_on", "scale", "items_scored", "points"]],
        on=["building_id", "instrument", "administered_on", "scale"],
        how="left",
    )
    rows["items_scored"] = rows["items_scored"].fillna(0).astype(int)
    rows["points"] = rows["points"].fillna(0).astype(int)
    rows["items_total"] = rows["items_total"].astype(int)
    rows["possible"] = rows["possible"].astype(int)
    rows["criterion_pct"] = rows["criterion_pct"].astype(float)
    complete = rows["items_scored"] >= rows["items_total"]
    rows["complete"] = complete
    percent = rows["points"] * 100.0 / rows["possible"]
    rows["percent"] = percent.where(complete).astype("Float64")
    # Compared in whole numbers (points x 100 against criterion x possible) so a scale exactly at the
    # criterion meets it, whatever floating point makes of the division.
    meets = rows["points"] * 100.0 >= rows["criterion_pct"] * rows["possible"] - 1e-9
    rows["meets_criterion"] = meets.astype("boolean").where(complete, pd.NA)
    rows = rows.sort_values(
        ["building_id", "instrument", "administered_on", "position"], ignore_index=True
    )
    return rows[SCALE_SCORE_COLUMNS]


def scales_of(parts: pd.DataFrame) -> pd.DataFrame:
    """Each scale of an instrument from its parts (one row per instrument, scale and subscale, the
    subscale missing for items without one: items_total, possible, criterion_pct, position). A
    scale whose items disagree on the criterion takes the highest: a building meets it only if it
    meets every item's stated criterion."""
    columns = ["instrument", "scale", "items_total", "possible", "criterion_pct", "position"]
    # A handful of rows: added up in plain Python (cheaper than a pandas group-by at this size).
    scales: dict[tuple, list] = {}
    for instrument, scale, items, possible, criterion, position in zip(
        parts["instrument"],
        parts["scale"],
        parts["items_total"],
        parts["possible"],
        parts["criterion_pct"],
        parts["position"],
        strict=True,
    ):
        entry = scales.get((instrument, scale))
        if entry is None:
            scales[(instrument, scale)] = [int(items), int(possible), float(criterion), position]
        else:
            entry[0] += int(items)
            entry[1] += int(possible)
            entry[2] = max(entry[2], float(criterion))
            entry[3] = min(entry[3], position)
    rows = sorted(
        ((*key, *entry) for key, entry in scales.items()), key=lambda row: (row[0], row[5])
    )
    return pd.DataFrame(rows, columns=columns)


def _complete_and_percent(rows: pd.DataFrame) -> pd.DataFrame:
    """`complete` (every item scored) and `percent` (points / possible x 100, only when complete)."""
    complete = (rows["items_scored"] >= rows["items_total"]) & (rows["items_total"] > 0)
    percent = rows["points"] * 100.0 / rows["possible"].where(rows["possible"] > 0)
    return rows.assign(complete=complete, percent=percent.where(complete).astype("Float64"))


def score_subscales(scored_parts: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    """One row per building, instrument, administration date and subscale (`SCORE_COLUMNS`, level
    `subscale`, `covers` the scale it belongs to, and the subscale's `position` in its instrument),
    for every subscale of the administration's instrument. `scored_parts` holds the
    administration's sums per scale and subscale, `parts` the definitions (see `scales_of`). The
    scale rule holds: a subscale is complete only when every one of its items is scored, otherwise
    its percent is missing. A subscale has no criterion of its own (the TFI's criterion is per
    tier), so criterion_pct and meets_criterion are missing."""
    # Administrations times subscales, in plain Python: a few thousand rows at most, for which
    # pandas' merges cost more than the loop (the page computes this on its first run).
    defined: dict[str, list[tuple]] = {}
    for instrument, scale, subscale, items, possible, position in zip(
        parts["instrument"],
        parts["scale"],
        parts["subscale"],
        parts["items_total"],
        parts["possible"],
        parts["position"],
        strict=True,
    ):
        if pd.notna(subscale):
            defined.setdefault(instrument, []).append(
                (position, scale, subscale, int(items), int(possible))
            )
    keys = list(
        zip(
            scored_parts["building_id"],
            scored_parts["instrument"],
            scored_parts["administered_on"],
            strict=True,
        )
    )
    scored = {
        (*key, scale, subscale): (int(items), int(points))
        for key, scale, subscale, items, points in zip(
            keys,
            scored_parts["scale"],
            scored_parts["subscale"],
            scored_parts["items_scored"],
            scored_parts["points"],
            strict=True,
        )
        if pd.notna(subscale)
    }
    rows = []
    for building, instrument, day in dict.fromkeys(keys):
        for position, scale, subscale, items, possible in sorted(defined.get(instrument, [])):
            scored_items, points = scored.get((building, instrument, day, scale, subscale), (0, 0))
            complete = items > 0 and scored_items >= items
            percent = points * 100.0 / possible if complete and possible > 0 else None
            rows.append(
                (building, instrument, day, subscale, scored_items, items, points, possible)
                + (percent, None, None, complete, SUBSCALE, scale, position)
            )
    frame = pd.DataFrame(rows, columns=[*SCORE_COLUMNS, "position"])
    return frame.astype(
        {"percent": "Float64", "criterion_pct": "Float64", "meets_criterion": "boolean"}
    )


def score_totals(scale_scores: pd.DataFrame) -> pd.DataFrame:
    """One total row per building, instrument and administration date (`SCORE_COLUMNS`, scale
    `Total`, level `total`): the points over every scale completed that day, `covers` naming them
    in the order given (the instrument's: `;`-separated). A scale left incomplete or not taken is
    left out, so the total is always a percent of what was fully scored; a day with no complete
    scale has an empty total (nothing covered, no percent). A total has no criterion of its own."""
    # A few rows per administration: summed in plain Python, which costs less here than the
    # group-bys and merges pandas would need (the page computes this on its first run).
    sums: dict[tuple, list] = {}
    for key, scale, complete, scored, total, points, possible in zip(
        zip(
            scale_scores["building_id"],
            scale_scores["instrument"],
            scale_scores["administered_on"],
            strict=True,
        ),
        scale_scores["scale"],
        scale_scores["complete"],
        scale_scores["items_scored"],
        scale_scores["items_total"],
        scale_scores["points"],
        scale_scores["possible"],
        strict=True,
    ):
        entry = sums.setdefault(key, [0, 0, 0, 0, []])
        if complete:
            entry[0] += int(scored)
            entry[1] += int(total)
            entry[2] += int(points)
            entry[3] += int(possible)
            entry[4].append(scale)
    rows = pd.DataFrame(
        [(*key, *entry[:4], COVERS_SEPARATOR.join(entry[4])) for key, entry in sums.items()],
        columns=[
            "building_id",
            "instrument",
            "administered_on",
            "items_scored",
            "items_total",
            "points",
            "possible",
            "covers",
        ],
    )
    rows = rows.assign(
        scale=TOTAL_NAME,
        criterion_pct=pd.Series(pd.NA, index=rows.index, dtype="Float64"),
        meets_criterion=pd.Series(pd.NA, index=rows.index, dtype="boolean"),
        level=TOTAL,
    )
    return _complete_and_percent(rows)[SCORE_COLUMNS]


@dataclass(frozen=True)
class LevelScores:
    """Administrations' scores at each level, each frame in `SCORE_COLUMNS`: the scale rows (exactly
    as `score_scales`), the subscale rows (with the subscale's `position` in its instrument) and
    one total per administration. The page reads them apart; the export puts them in one table
    (`in_export_order`)."""

    scales: pd.DataFrame
    subscales: pd.DataFrame
    totals: pd.DataFrame
    scale_order: pd.DataFrame  # instrument, scale, position: the scales' order in the instrument


def score_levels(scored_parts: pd.DataFrame, parts: pd.DataFrame) -> LevelScores:
    """Scale, subscale and total scores of these administrations.

    `scored_parts`: one row per building, instrument, administration date, scale and subscale
    (missing for items without one) with at least one scored item: items_scored and points.
    `parts`: the instruments' definitions per scale and subscale (see `scales_of`)."""
    keys = ["building_id", "instrument", "administered_on"]
    if scored_parts.empty:
        empty = pd.DataFrame(columns=SCORE_COLUMNS)
        return LevelScores(
            scales=empty,
            subscales=empty.assign(position=pd.Series(dtype=int)),
            totals=empty,
            scale_order=pd.DataFrame(columns=["instrument", "scale", "position"]),
        )
    scored = scored_parts.groupby([*keys, "scale"], as_index=False)[
        ["items_scored", "points"]
    ].sum()
    definitions = scales_of(parts)
    scales = score_scales(scored, definitions)
    scales = scales.assign(level=SCALE, covers=scales["scale"])
    return LevelScores(
        scales=scales,
        subscales=score_subscales(scored_parts, parts),
        totals=score_totals(scales),
        scale_order=definitions[["instrument", "scale", "position"]],
    )


def in_export_order(levels: LevelScores) -> pd.DataFrame:
    """Every row of the `fidelity` export (`SCORE_COLUMNS`): per administration, each scale followed
    by its subscales in the instrument's order, and the administration's total last."""
    keys = ["building_id", "instrument", "administered_on"]
    scale_at = levels.scale_order.rename(columns={"scale": "covers", "position": "_scale_at"})
    scales = levels.scales.merge(scale_at, on=["instrument", "covers"]).assign(_at=-1)
    subscales = levels.subscales.merge(scale_at, on=["instrument", "covers"]).rename(
        columns={"position": "_at"}
    )
    totals = levels.totals.assign(_scale_at=float("inf"), _at=-1)
    frames = [frame for frame in (scales, subscales, totals) if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    rows = pd.concat(frames, ignore_index=True)
    rows = rows.sort_values([*keys, "_scale_at", "_at"], ignore_index=True)
    rows["percent"] = rows["percent"].astype("Float64")
    rows["criterion_pct"] = rows["criterion_pct"].astype("Float64")
    rows["meets_criterion"] = rows["meets_criterion"].astype("boolean")
    return rows[SCORE_COLUMNS]


def rank_subscales(subscales: pd.DataFrame) -> pd.DataFrame:
    """Subscale rows (as `score_levels` gives them, in the instrument's order) with each
    subscale's `rank` in its building: 0 for the lowest percent at the building's latest
    administration, then upwards (ties in the instrument's order); a subscale without a percent
    there (an item not scored) ranks last, since unknown is not low. A subscale is named by its
    scale (`covers`) and its own name (`scale`): Tier 1 and Tier 2 both have Teams. Sorted by
    building, rank and date."""
    if subscales.empty:
        return subscales.assign(rank=pd.Series(dtype=int))
    buildings = list(subscales["building_id"])
    days = list(subscales["administered_on"])
    names = list(zip(subscales["covers"], subscales["scale"], strict=True))
    percents = [None if pd.isna(value) else float(value) for value in subscales["percent"]]
    latest: dict[str, date] = {}
    for building, day in zip(buildings, days, strict=True):
        latest[building] = max(day, latest.get(building, day))
    # At each building's latest administration: (unknown, percent, order) sorts lowest first.
    at_latest: dict[str, list] = {building: [] for building in latest}
    for order, (building, day, name, percent) in enumerate(
        zip(buildings, days, names, percents, strict=True)
    ):
        if day == latest[building]:
            at_latest[building].append(((percent is None, percent or 0.0, order), name))
    ranks = {
        (building, name): rank
        for building, entries in at_latest.items()
        for rank, (_, name) in enumerate(sorted(entries))
    }
    last = len(names)  # a subscale missing from the latest administration goes after all
    rows = subscales.assign(
        rank=[
            ranks.get((building, name), last)
            for building, name in zip(buildings, names, strict=True)
        ]
    )
    return rows.sort_values(["building_id", "rank", "administered_on"], ignore_index=True)


def scale_status(scores: pd.DataFrame) -> pd.Series:
    """In words, for each scale score: at criterion, below criterion, incomplete or not scored."""
    status = pd.Series(INCOMPLETE, index=scores.index, dtype=object)
    status[scores["items_scored"] == 0] = NOT_SCORED
    complete = scores["complete"].astype(bool)
    meets = scores["meets_criterion"].fillna(False).astype(bool)
    status[complete & meets] = AT_CRITERION
    status[complete & ~meets] = BELOW_CRITERION
    return status


def assessed(scores: pd.DataFrame) -> pd.DataFrame:
    """Scale scores of administrations in which the team scored at least one of the scale's items."""
    return scores[scores["items_scored"] > 0]


def latest_scale_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Each building's latest score on each scale (of one instrument), with its status and date.

    The latest administration that scored any item of the scale counts, complete or not: an incomplete
    latest administration shows as incomplete rather than falling back to an older percent."""
    rows = assessed(scores).sort_values(["building_id", "scale", "administered_on"])
    latest = rows.groupby(["building_id", "scale"], sort=False).tail(1).copy()
    latest["status"] = scale_status(latest)
    return latest.reset_index(drop=True)


def sustaining_runs(scores: pd.DataFrame, *, run: int = SUSTAINING_RUN) -> pd.DataFrame:
    """For each building and scale: how many of its latest administrations in a row were at criterion
    (`streak`), and whether that makes it `sustaining` (at least `run`).

    Only administrations that scored the scale count; an incomplete one breaks the run, because it does
    not show the building at criterion."""
    rows = assessed(scores).sort_values(["building_id", "scale", "administered_on"])
    columns = ["building_id", "scale", "streak", "sustaining"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    met = rows["meets_criterion"].fillna(False).astype(bool)
    # Count the trailing run of True per group: a miss starts a new block, and the last block's length
    # (when it is a run of hits) is the streak.
    keys = [rows["building_id"], rows["scale"]]
    block = (~met).groupby(keys).cumsum()
    trailing = met.groupby([*keys, block]).cumsum()
    last = trailing.groupby(keys).last().rename("streak").reset_index()
    last["streak"] = last["streak"].astype(int)
    last["sustaining"] = last["streak"] >= run
    return last[columns]


def latest_with_runs(scores: pd.DataFrame) -> pd.DataFrame:
    """`latest_scale_scores` with each building and scale's `streak` and `sustaining` flag."""
    latest = latest_scale_scores(scores).merge(
        sustaining_runs(scores), on=["building_id", "scale"], how="left"
    )
    latest["streak"] = latest["streak"].fillna(0).astype(int)
    latest["sustaining"] = latest["sustaining"].astype(object).fillna(False).astype(bool)
    return latest


def term_of(day: date) -> tuple[date, str]:
    """The term an administration falls in (fall: July-November, winter: December-February,
    spring: March-June) as (first day of the term, label such as "Fall 2025")."""
    if day.month >= 7 and day.month <= 11:
        return date(day.year, 7, 1), f"Fall {day.year}"
    if day.month == 12:
        return date(day.year, 12, 1), f"Winter {day.year + 1}"
    if day.month <= 2:
        return date(day.year - 1, 12, 1), f"Winter {day.year}"
    return date(day.year, 3, 1), f"Spring {day.year}"


def share_at_criterion(scores: pd.DataFrame) -> pd.DataFrame:
    """Per term and scale: how many buildings completed the scale, how many of those were at
    criterion, and the share (percent). A building assessed twice in a term counts once, with its
    latest complete score. Incomplete scales are left out of both counts."""
    columns = [
        "term_start",
        "term",
        "scale",
        "buildings_complete",
        "buildings_at_criterion",
        "share",
    ]
    complete = scores[scores["complete"].astype(bool)].copy()
    if complete.empty:
        return pd.DataFrame(columns=columns)
    terms = {day: term_of(day) for day in complete["administered_on"].unique()}  # few dates
    complete["term_start"] = complete["administered_on"].map(lambda day: terms[day][0])
    complete["term"] = complete["administered_on"].map(lambda day: terms[day][1])
    latest = (
        complete.sort_values("administered_on")
        .groupby(["term_start", "scale", "building_id"], sort=False)
        .tail(1)
    )
    latest = latest.assign(met=latest["meets_criterion"].astype(bool).astype(int))
    share = (
        latest.groupby(["term_start", "term", "scale"], sort=False)
        .agg(buildings_complete=("building_id", "size"), buildings_at_criterion=("met", "sum"))
        .reset_index()
    )
    share["share"] = share["buildings_at_criterion"] * 100.0 / share["buildings_complete"]
    order = scores.drop_duplicates("scale")["scale"].tolist()  # the instrument's scale order
    share["scale_order"] = share["scale"].map({scale: i for i, scale in enumerate(order)})
    share = share.sort_values(["term_start", "scale_order"], ignore_index=True)
    return share[columns]


def buildings_without_administration(
    buildings: pd.DataFrame, scores: pd.DataFrame, *, start: date, end: date
) -> pd.DataFrame:
    """Buildings with no administration dated `start`..`end` (a school year), with the date of their
    last administration before it (missing when they never had one), never-assessed first."""
    in_period = scores[(scores["administered_on"] >= start) & (scores["administered_on"] <= end)]
    missing = buildings[~buildings["building_id"].isin(in_period["building_id"])]
    last = scores.groupby("building_id")["administered_on"].max().rename("last_administered_on")
    missing = missing.merge(last, left_on="building_id", right_index=True, how="left")
    missing = missing.assign(_never=missing["last_administered_on"].isna())
    missing = missing.sort_values(
        ["_never", "last_administered_on", "name"], ascending=[False, True, True]
    )
    return missing.drop(columns="_never").reset_index(drop=True)


def rank_items(items: pd.DataFrame) -> pd.DataFrame:
    """One administration's items, lowest first: by the share of the item's points earned, then the
    instrument's order. Unscored items go last (unknown is not low) with share missing."""
    ranked = items.copy()
    ranked["share"] = (ranked["score"] / ranked["max_score"]).astype("Float64")
    ranked["_unscored"] = ranked["score"].isna()
    ranked = ranked.sort_values(["_unscored", "share", "position"], ignore_index=True)
    return ranked.drop(columns="_unscored")
