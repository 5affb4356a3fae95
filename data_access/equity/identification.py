"""Multi-year identification: which flags have stood long enough to be *identified*, the analogue of a
state identifying significant disproportionality (34 CFR 300.647(d)).

Pure functions over published equity rows of several school years. Only what is already published
goes in: a year whose ratio was withheld or not calculated has no flag, so it ends a run, and
nothing here can reveal a flag the privacy layer withheld (counting such a year as flagged would).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.equity.metrics import concern_mask, count_consecutive_flags
from data_access.school_year import previous_school_year

_KEYS = ["building_id", "indicator", "group_type", "group"]
IDENTIFICATION_COLUMNS = ["years_flagged", "identified"]  # appended to the `equity` export


@dataclass(frozen=True)
class IdentificationRules:
    """The rules in force (from settings)."""

    years: int = 3  # school years in a row flagged the way of concern before a group is identified
    # Reasonable progress: a flag whose ratio fell by at least this much in each of the last two
    # school years is not identified (None: no such exemption).
    progress: float | None = None


DEFAULT_IDENTIFICATION = IdentificationRules()


def identify_flags(
    history: pd.DataFrame, *, school_year: str, rules: IdentificationRules
) -> pd.DataFrame:
    """The flagged rows of `school_year`, with:

    - `years_flagged`: school years in a row, ending with this one, the same building, indicator
      and group carried the same published flag (a school year missing from `history`, or whose
      ratio was withheld or not calculated, ends the run);
    - `identified_years`: those school years, oldest first (a tuple);
    - `concern`: the flag points the way of concern for its indicator (metrics.concern_mask);
    - `reasonable_progress`: the rule is on and the ratio fell by at least its amount from two years
      ago to last year and from last year to this one (all three ratios published);
    - `identified`: a concern flagged at least `rules.years` years in a row, without reasonable
      progress;
    - `one_year_away`: a concern that one more flagged year would identify.

    `history`: the published rows of any number of school years (school_year, the contract's keys,
    ratio and flag)."""
    current = count_consecutive_flags(history, school_year=school_year)
    ratios = {
        (row[0], *row[1:5]): row[5]
        for row in history[["school_year", *_KEYS, "ratio"]].itertuples(index=False)
    }
    runs, progress = [], []
    for key, years in zip(
        current[_KEYS].itertuples(index=False), current["years_flagged"], strict=True
    ):
        run = [school_year]
        while len(run) < years:
            run.insert(0, previous_school_year(run[0]))
        runs.append(tuple(run))
        progress.append(_made_progress(ratios, tuple(key), school_year, rules.progress))
    current["identified_years"] = pd.Series(runs, index=current.index, dtype=object)
    current["concern"] = concern_mask(current) if len(current) else pd.Series(dtype=bool)
    current["reasonable_progress"] = pd.Series(progress, index=current.index, dtype=bool)
    long_enough = current["years_flagged"] >= rules.years
    current["identified"] = current["concern"] & long_enough & ~current["reasonable_progress"]
    current["one_year_away"] = current["concern"] & (current["years_flagged"] == rules.years - 1)
    return current.reset_index(drop=True)


def _made_progress(
    ratios: dict[tuple, float], key: tuple, school_year: str, amount: float | None
) -> bool:
    if amount is None:
        return False
    last_year = previous_school_year(school_year)
    years = [previous_school_year(last_year), last_year, school_year]
    values = [ratios.get((year, *key), np.nan) for year in years]
    if any(pd.isna(value) for value in values):
        return False
    values = [float(value) for value in values]
    # Rounded to 9 places: 3.6 - 3.1 is 0.5000000000000004 and 3.1 - 2.6 is 0.5 in floating point;
    # a fall of exactly the set amount is progress.
    falls = [round(values[i] - values[i + 1], 9) for i in range(2)]
    return all(fall >= amount for fall in falls)


def with_identification(
    rows: pd.DataFrame, history: pd.DataFrame, *, school_year: str, rules: IdentificationRules
) -> pd.DataFrame:
    """`rows` (one school year's published rows) with `years_flagged` and `identified` for every row:
    for a flagged row, its run and status; for a published ratio without a flag, 0 and False; for a
    ratio withheld or not calculated, both missing (nothing is known, and nothing may be implied)."""
    flags = identify_flags(history, school_year=school_year, rules=rules)
    status = flags[[*_KEYS, "years_flagged", "identified"]]
    out = rows.drop(columns=IDENTIFICATION_COLUMNS, errors="ignore").merge(
        status, on=_KEYS, how="left"
    )
    published = out["ratio"].notna()
    out["years_flagged"] = (
        out["years_flagged"].astype("Int64").fillna(0).where(published, pd.NA).astype("Int64")
    )
    out["identified"] = (
        out["identified"].astype("boolean").fillna(False).where(published, pd.NA).astype("boolean")
    )
    return out
