"""What the Equity page shows, derived from the equity rows once per data version (through `derive`)
rather than on every rerun: a large district's year is some 20,000 rows to label."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.cache import derive, load
from components.equity_charts import (
    INDICATOR_SHORT_NAMES,
    group_risk_bars,
    label_equity_rows,
    ratio_trend_chart,
    risk_ratio_heatmap,
)
from components.text import plain_html
from data_access.equity.metrics import DISTRICT_ID, GROUP_LABELS, count_consecutive_flags
from data_access.equity.queries import current_minimums, get_equity, list_equity_school_years
from data_access.scope import Scope


def indicator_rows(*, school_year: str, scope: Scope, indicator: str) -> pd.DataFrame:
    """One indicator's rows of the year, with their words (label_equity_rows)."""
    rows = load(get_equity, school_year=school_year, scope=scope)
    return label_equity_rows(rows[rows["indicator"] == indicator], current_minimums())


def building_flags(rows: pd.DataFrame) -> pd.DataFrame:
    """The flagged rows of buildings (the district's own rows left out)."""
    return rows[rows["flag"].notna() & (rows["building_id"] != DISTRICT_ID)]


def heatmap(*, school_year: str, scope: Scope, indicator: str, show_all: bool) -> go.Figure:
    """The buildings x groups heatmap of one indicator: every building, or (`show_all` False) the
    district's row and the buildings with a flag."""
    labelled = derive(indicator_rows, school_year=school_year, scope=scope, indicator=indicator)
    shown = labelled[
        (labelled["building_id"] == DISTRICT_ID)
        | show_all
        | labelled["building_id"].isin(set(building_flags(labelled)["building_id"]))
    ]
    return risk_ratio_heatmap(
        shown.assign(row_label=shown["building_name"]),
        x="heatmap_label",
        y="row_label",
        ratio="ratio",
        ratio_type="ratio_type",
        text="cell_text",
        hover="hover",
        title=f"Each group's risk compared with everyone else's in its building, {school_year}",
        threshold=current_minimums().threshold,
    )


def _every_year(scope: Scope) -> pd.DataFrame:
    years = load(list_equity_school_years)
    return pd.concat([load(get_equity, school_year=year, scope=scope) for year in years])


def flags_with_years(*, school_year: str, scope: Scope) -> pd.DataFrame:
    """Every flag of the year, all indicators, with `years_flagged` (school years in a row with the
    same flag) and their words."""
    flags = count_consecutive_flags(_every_year(scope), school_year=school_year)
    return label_equity_rows(flags, current_minimums()) if len(flags) else flags


def group_trend(
    *, scope: Scope, building_id: str, indicator: str, group_type: str, group: str
) -> pd.DataFrame:
    """One building, indicator and group, school year by school year, with their words."""
    every_year = _every_year(scope)
    trend = every_year[
        (every_year["building_id"] == building_id)
        & (every_year["indicator"] == indicator)
        & (every_year["group_type"] == group_type)
        & (every_year["group"] == group)
    ].sort_values("school_year")
    return label_equity_rows(trend, current_minimums())


def building_bars(*, school_year: str, scope: Scope, indicator: str, building_id: str) -> go.Figure:
    """Each group's risk beside everyone else's, in one building (or the district)."""
    labelled = derive(indicator_rows, school_year=school_year, scope=scope, indicator=indicator)
    in_building = labelled[labelled["building_id"] == building_id]
    return group_risk_bars(
        in_building,
        y="heatmap_label",
        risk_group="risk_group",
        risk_comparison="risk_comparison",
        text_group="group_short",
        text_comparison="comparison_short",
        title=f"{INDICATOR_SHORT_NAMES[indicator]}, {school_year}<br>"
        f"{plain_html(in_building['building_name'].iloc[0])}",
    )


def trend_chart(
    *, scope: Scope, building_id: str, indicator: str, group_type: str, group: str
) -> go.Figure:
    """One group's risk ratio in one building, school year by school year."""
    trend = derive(
        group_trend,
        scope=scope,
        building_id=building_id,
        indicator=indicator,
        group_type=group_type,
        group=group,
    )
    building_name = trend["building_name"].iloc[0]
    return ratio_trend_chart(
        trend,
        x="school_year",
        ratio="ratio",
        ratio_type="ratio_type",
        text="ratio_label",
        title=f"Risk ratio by school year<br>{GROUP_LABELS[(group_type, group)]}<br>"
        f"{plain_html(building_name)}<br>{INDICATOR_SHORT_NAMES[indicator]}",
        threshold=current_minimums().threshold,
    )
