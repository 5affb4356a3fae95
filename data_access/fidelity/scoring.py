"""Fidelity arithmetic as pure functions over DataFrames: scale, subscale and total scores, each
building's latest status, sustaining streaks, the share of buildings at criterion, the items to plan on.

No database here: `data_access.fidelity.queries` aggregates in SQL and hands the sums to these functions, and
tests feed them hand-computed numbers. Scores of different instruments (TFI-2.1 and TFI-3.0 included)
are never combined: every function keeps `instrument` apart or works on one instrument at a time.
"""

from __future__ import annotations

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
    if parts.empty:
        return pd.DataFrame(columns=columns)
    scales = (
        parts.groupby(["instrument", "scale"], as_index=False)
        .agg(
            items_total=("items_total", "sum"),
            possible=("possible", "sum"),
            criterion_pct=("criterion_pct", "max"),
            position=("position", "min"),
        )
        .sort_values(["instrument", "position"], ignore_index=True)
    )
    return scales[columns]


def _complete_and_percent(rows: pd.DataFrame) -> pd.DataFrame:
    """`complete` (every item scored) and `percent` (points / possible x 100, only when complete)."""
    complete = (rows["items_scored"] >= rows["items_total"]) & (rows["items_total"] > 0)
    percent = rows["points"] * 100.0 / rows["possible"].where(rows["possible"] > 0)
    return rows.assign(complete=complete, percent=percent.where(complete).astype("Float64"))


def score_subscales(scored_parts: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    """One row per building, instrument, administration date and subscale (`SCORE_COLUMNS`, level
    `subscale`, `covers` the scale it belongs to), for every subscale of the administration's
    instrument. `scored_parts` holds the administration's sums per scale and subscale, `parts` the
    definitions (see `scales_of`). The scale rule holds: a subscale is complete only when every one
    of its items is scored, otherwise its percent is missing. A subscale has no criterion of its own
    (the TFI's criterion is per tier), so criterion_pct and meets_criterion are missing."""
    keys = ["building_id", "instrument", "administered_on"]
    defined = parts[parts["subscale"].notna()]
    rows = (
        scored_parts[keys]
        .drop_duplicates()
        .merge(defined, on="instrument", how="inner")
        .merge(
            scored_parts[[*keys, "scale", "subscale", "items_scored", "points"]],
            on=[*keys, "scale", "subscale"],
            how="left",
        )
    )
    rows = rows.assign(
        items_scored=rows["items_scored"].fillna(0).astype(int),
        points=rows["points"].fillna(0).astype(int),
        items_total=rows["items_total"].astype(int),
        possible=rows["possible"].astype(int),
        criterion_pct=pd.Series(pd.NA, index=rows.index, dtype="Float64"),
        meets_criterion=pd.Series(pd.NA, index=rows.index, dtype="boolean"),
        level=SUBSCALE,
        covers=rows["scale"],
    )
    rows = _complete_and_percent(rows).drop(columns="scale").rename(columns={"subscale": "scale"})
    return rows[[*SCORE_COLUMNS, "position"]]


def score_totals(scale_scores: pd.DataFrame, positions: pd.Series | None = None) -> pd.DataFrame:
    """One total row per building, instrument and administration date (`SCORE_COLUMNS`, scale
    `Total`, level `total`): the points over every scale completed that day, `covers` naming them
    in the instrument's order (`;`-separated). A scale left incomplete or not taken is left out, so
    the total is always a percent of what was fully scored; a day with no complete scale has an
    empty total (nothing covered, no percent). A total has no criterion of its own."""
    keys = ["building_id", "instrument", "administered_on"]
    scores = scale_scores.assign(_done=scale_scores["complete"].astype(bool))
    done = scores[scores["_done"]]
    summed = done.groupby(keys, as_index=False)[
        ["items_scored", "items_total", "points", "possible"]
    ].sum()
    covers = done.groupby(keys)["scale"].agg(COVERS_SEPARATOR.join).rename("covers").reset_index()
    rows = scores[keys].drop_duplicates().merge(summed, on=keys, how="left")
    rows = rows.merge(covers, on=keys, how="left")
    for column in ("items_scored", "items_total", "points", "possible"):
        rows[column] = rows[column].fillna(0).astype(int)
    rows = rows.assign(
        scale=TOTAL_NAME,
        criterion_pct=pd.Series(pd.NA, index=rows.index, dtype="Float64"),
        meets_criterion=pd.Series(pd.NA, index=rows.index, dtype="boolean"),
        level=TOTAL,
        covers=rows["covers"].fillna(""),
    )
    rows = _complete_and_percent(rows)
    return rows[SCORE_COLUMNS].reset_index(drop=True)


def score_administrations(scored_parts: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    """Every row of the `fidelity` export for these administrations (`SCORE_COLUMNS`): each scale
    (level `scale`, exactly as `score_scales`), followed by its subscales in the instrument's order,
    and the administration's total last.

    `scored_parts`: one row per building, instrument, administration date, scale and subscale
    (missing for items without one) with at least one scored item: items_scored and points.
    `parts`: the instruments' definitions per scale and subscale (see `scales_of`)."""
    keys = ["building_id", "instrument", "administered_on"]
    if scored_parts.empty:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    scored = scored_parts.groupby([*keys, "scale"], as_index=False)[
        ["items_scored", "points"]
    ].sum()
    scale_position = scales_of(parts).set_index(["instrument", "scale"])["position"]
    scales = score_scales(scored, scales_of(parts)).assign(level=SCALE)
    scales["covers"] = scales["scale"]
    scales["_scale_at"] = [
        scale_position[(instrument, scale)]
        for instrument, scale in zip(scales["instrument"], scales["scale"], strict=True)
    ]
    scales["_at"] = -1
    subscales = score_subscales(scored_parts, parts)
    subscales["_scale_at"] = [
        scale_position[(instrument, scale)]
        for instrument, scale in zip(subscales["instrument"], subscales["covers"], strict=True)
    ]
    subscales = subscales.rename(columns={"position": "_at"})
    totals = score_totals(scales).assign(_scale_at=float("inf"), _at=-1)
    rows = pd.concat(
        [frame for frame in (scales, subscales, totals) if not frame.empty], ignore_index=True
    )
    rows = rows.sort_values([*keys, "_scale_at", "_at"], ignore_index=True)
    rows["percent"] = rows["percent"].astype("Float64")
    rows["criterion_pct"] = rows["criterion_pct"].astype("Float64")
    rows["meets_criterion"] = rows["meets_criterion"].astype("boolean")
    return rows[SCORE_COLUMNS]


def rank_subscales(subscales: pd.DataFrame) -> pd.DataFrame:
    """Subscale rows (as `score_administrations` gives them, in the instrument's order) with each
    subscale's `rank` in its building: 0 for the lowest percent at the building's latest
    administration, then upwards (ties in the instrument's order); a subscale without a percent
    there (an item not scored) ranks last, since unknown is not low. A subscale is named by its
    scale (`covers`) and its own name (`scale`): Tier 1 and Tier 2 both have Teams. Sorted by
    building, rank and date."""
    if subscales.empty:
        return subscales.assign(rank=pd.Series(dtype=int))
    rows = subscales.reset_index(drop=True)
    rows["_order"] = rows.groupby(["building_id", "administered_on"]).cumcount()
    latest = rows["administered_on"] == rows.groupby("building_id")["administered_on"].transform(
        "max"
    )
    ranked = rows[latest].assign(_unknown=rows["percent"].isna())
    ranked = ranked.sort_values(["building_id", "_unknown", "percent", "_order"])
    ranked["rank"] = ranked.groupby("building_id").cumcount()
    rows = rows.merge(
        ranked[["building_id", "covers", "scale", "rank"]],
        on=["building_id", "covers", "scale"],
        how="left",
    )
    rows["rank"] = rows["rank"].fillna(len(rows)).astype(int)  # not at the latest: after all
    rows = rows.sort_values(["building_id", "rank", "administered_on"], ignore_index=True)
    return rows.drop(columns="_order")


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
