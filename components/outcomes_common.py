"""What the Student outcomes tabs share: how a withheld count reads, the year's rows by building
name, figures keyed by the buildings in scope, and the chart-and-table halves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.cache import derive_figure
from data_access.system_health.rules import DISTRICT_ID
from data_access.system_health.view import StudentOutcomesView

WITHHELD = "withheld"


def _count(value: object) -> str:
    return WITHHELD if pd.isna(value) else f"{int(value):,}"


def _percent(value: object) -> str:
    return WITHHELD if pd.isna(value) else f"{float(value):.1f}%"


def _year_rows(view: StudentOutcomesView, school_year: str) -> pd.DataFrame:
    """The year's rows, buildings by name and the district last, with a `name` column."""
    rows = view.health[view.health["school_year"] == school_year].copy()
    rows["name"] = rows["building_id"].map(view.building_names | {DISTRICT_ID: "Whole district"})
    rows["_district"] = rows["building_id"] == DISTRICT_ID
    return rows.sort_values(["_district", "name"]).drop(columns="_district").reset_index(drop=True)


def _figure(build, view: StudentOutcomesView, **arguments):
    """`derive_figure` keyed by the buildings the view holds too: the view is not part of the key,
    and a figure drawn for a district leader must never be handed to a principal."""
    buildings = tuple(sorted(view.building_names))
    return derive_figure(build, view, buildings=buildings, **arguments)


def _side_by_side():
    # Halves: the tier table's five columns need about 440 px beside a building's name, more than
    # a 4:3 split leaves the table on a 1280 px projector.
    return st.columns([1, 1], gap="small")
