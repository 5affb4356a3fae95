"""The filters a team expects beside each page's own: building level (elementary, middle, high,
K-8). A level narrows the viewer's scope to that level's buildings before the page's view is
loaded, so each level is its own cached view, and a level can only ever narrow what the viewer
may see, never widen it. In the address as `?level=middle`.

Grade band is not offered: the views are built from building-level figures (fidelity scores,
supervision, staffing) or from the equity summary, which is counted per building, school year and
student group, not per grade."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from components.cache import load
from components.drill_address import from_address, to_address
from data_access.building_view import get_building_choices
from data_access.meeting.view import MeetingPicture
from data_access.models import LEVELS
from data_access.scope import Scope

LEVEL_NAMES = {
    "elementary": "Elementary",
    "middle": "Middle",
    "high": "High",
    "k8": "K-8",
    "other": "Other",
}
assert tuple(LEVEL_NAMES) == LEVELS


def level_filter(container: Any = st, *, key: str) -> str | None:
    """The building-level picker (every level, or one): the level chosen, or None. `key` is the
    page's own (a widget's state does not follow it to another page; the address does)."""
    options = [None, *LEVELS]
    from_address(key, "level", options, default=None)
    level = container.selectbox(
        "Building level",
        options,
        key=key,
        format_func=lambda level: "All levels" if level is None else LEVEL_NAMES[level],
        help="Only the buildings of one level: elementary, middle, high or K-8.",
    )
    to_address(key, "level", level)
    return level


def buildings_at(scope: Scope, level: str | None) -> frozenset[str] | None:
    """The buildings in `scope` at `level` (None: no level chosen)."""
    if level is None:
        return None
    buildings = load(get_building_choices, scope=scope)  # only read when a level is chosen
    return frozenset(buildings.loc[buildings["level"] == level, "building_id"])


def at_level(scope: Scope, level: str | None) -> Scope:
    """`scope` narrowed to the buildings of `level` it holds (unchanged for no level)."""
    chosen = buildings_at(scope, level)
    if chosen is None:
        return scope
    return Scope(
        building_ids=chosen,
        label=f"the {LEVEL_NAMES[level].lower()} buildings of {scope.label}",
    )


def picture_at_level(picture: MeetingPicture, scope: Scope, level: str | None) -> MeetingPicture:
    """The Overview's matrix (and the key charts drawn from its order) at one level: the headlines
    above it stay the whole view's."""
    chosen = buildings_at(scope, level)
    if chosen is None:
        return picture
    matrix = picture.matrix
    return replace(picture, matrix=matrix[matrix["building_id"].isin(chosen)])
