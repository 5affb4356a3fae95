"""Where a click leads: a row or cell of the buildings' matrix, a bar naming a building, a heatmap cell
or a group's bar, turned into the page and address that show what makes it up. Pure functions over
the selection Streamlit hands back (tested without a browser), and `go_to` that opens the page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.meeting_charts import AREA_HEADINGS

BUILDING_PAGE = "pages/building.py"
# The building page's areas, each a section with this anchor (its `?area=`).
BUILDING_AREAS = ("fidelity", "outcomes", "staff", "equity", "actions")
# The Overview matrix's area columns → the building page's area that shows what makes them up.
MATRIX_AREAS = {
    AREA_HEADINGS["fidelity"]: "fidelity",
    AREA_HEADINGS["outcomes"]: "outcomes",
    AREA_HEADINGS["supervision"]: "staff",
    AREA_HEADINGS["staffing"]: "staff",
    AREA_HEADINGS["equity"]: "equity",
    AREA_HEADINGS["actions"]: "actions",
}


@dataclass(frozen=True)
class Destination:
    """A page and its address's query parameters."""

    page: str
    query: tuple[tuple[str, str], ...] = ()

    @property
    def params(self) -> dict[str, str]:
        return dict(self.query)


def building_page(building_id: str, area: str | None = None) -> Destination:
    query = [("building", building_id)]
    if area in BUILDING_AREAS:
        query.append(("area", area))
    return Destination(BUILDING_PAGE, tuple(query))


def _selection(event: Any) -> Mapping[str, Any]:
    """The `selection` of a dataframe's or chart's event (a dict or Streamlit's attribute dict)."""
    if not event:
        return {}
    selection = event.get("selection") if hasattr(event, "get") else None
    return selection or {}


def matrix_destination(event: Any, building_ids: Sequence[str]) -> Destination | None:
    """A click on the matrix (rows in `building_ids`' order): a cell of an area column opens the
    building's page at that area; any other cell, or the row, opens the building's page."""
    selection = _selection(event)
    for row, column in selection.get("cells") or []:
        if 0 <= int(row) < len(building_ids):
            return building_page(building_ids[int(row)], MATRIX_AREAS.get(column))
    for row in selection.get("rows") or []:
        if 0 <= int(row) < len(building_ids):
            return building_page(building_ids[int(row)])
    return None


def clicked_points(event: Any) -> list[Mapping[str, Any]]:
    return list(_selection(event).get("points") or [])


def building_of_point(point: Mapping[str, Any], building_ids: Mapping[str, str]) -> str | None:
    """The building a bar stands for: its label (y of a horizontal bar, x of a vertical one) looked
    up among `building_ids` (name → id), or None for anything else (a criterion line, a label that is
    not a building's)."""
    for axis in ("y", "x"):
        label = point.get(axis)
        if isinstance(label, str) and label in building_ids:
            return building_ids[label]
    return None


def chart_destination(
    event: Any, *, building_ids: Mapping[str, str], area: str
) -> Destination | None:
    """A click on a bar of a chart with one bar per building: that building's page at `area`."""
    for point in clicked_points(event):
        building_id = building_of_point(point, building_ids)
        if building_id is not None:
            return building_page(building_id, area)
    return None


def cell_keys(event: Any) -> tuple[str, ...] | None:
    """The keys a heatmap's click layer carries in its `customdata` (see drill_charts), of the first
    point clicked."""
    for point in clicked_points(event):
        data = point.get("customdata")
        if isinstance(data, list | tuple) and data and all(isinstance(v, str) for v in data):
            return tuple(data)
    return None


def go_to(destination: Destination) -> None:
    """Open the destination (stops this run)."""
    st.switch_page(destination.page, query_params=destination.params)
