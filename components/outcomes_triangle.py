"""The behaviour triangle on the Student outcomes page's Behaviour tab: students with 0-1, 2-5 and
6 or more referrals that year, every referral together and, where the data has both kinds, majors
and minors apart; the chart with its table beside it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.cache import derive_figure
from components.display import show_chart, show_table
from components.outcomes_charts import triangle_chart
from components.outcomes_common import WITHHELD, _count, _percent, _side_by_side, _year_rows
from data_access.system_health.view import StudentOutcomesView

BANDS = (("0-1 referrals", "0_1", 80), ("2-5 referrals", "2_5", 15), ("6 or more", "6_plus", 5))
KINDS = {"all": "All", "major": "Majors", "minor": "Minors"}


def _share(count: object, enrolled: object) -> float | None:
    return None if pd.isna(count) or pd.isna(enrolled) or not enrolled else 100 * count / enrolled


def triangle_rows(view: StudentOutcomesView, triangles: pd.DataFrame, place: str) -> pd.DataFrame:
    """One row per band and kind (`all`, and `major` and `minor` when the place has both kinds of
    referral that year): band, kind, students (withheld: missing), pct, typical."""
    row = _year_rows(view, view.school_year).set_index("building_id").loc[place]
    rows = [
        {"band": band, "kind": "all", "students": row[f"students_{key}_incidents"],
         "pct": _share(row[f"students_{key}_incidents"], row["enrolled"]), "typical": typical}
        for band, key, typical in BANDS
    ]  # fmt: skip
    mine = triangles[triangles["building_id"] == place].set_index("referral_type")
    if len(mine) == 2 and (mine["incidents"] > 0).all():
        for kind in ("major", "minor"):
            rows += [
                {"band": band, "kind": kind, "students": mine.loc[kind, key],
                 "pct": _share(mine.loc[kind, key], mine.loc[kind, "enrolled"]),
                 "typical": typical}
                for band, key, typical in BANDS
            ]  # fmt: skip
    return pd.DataFrame(rows)


def _triangle_figure(pair, *, school_year, place, buildings):
    view, triangles = pair
    name = view.building_names.get(place, "whole district")
    return triangle_chart(
        triangle_rows(view, triangles, place),
        title=f"Students by referrals that year, {name}, {school_year}: % of students",
    )


def _table(rows: pd.DataFrame) -> pd.DataFrame:
    """A band per row; per kind of referral its students and their share, in one column each
    (short: the table sits in half a projector's width, or a phone's)."""
    out = pd.DataFrame({"Referrals": ["0-1", "2-5", "6+"]})
    for kind, heading in KINDS.items():
        part = rows[rows["kind"] == kind]
        if part.empty:
            continue
        out[heading] = [
            WITHHELD if pd.isna(n) else f"{_count(n)} ({_percent(p)})"
            for n, p in zip(part["students"], part["pct"], strict=True)
        ]
    return out


def show_triangle(view: StudentOutcomesView, triangles: pd.DataFrame, *, place: str) -> None:
    rows = triangle_rows(view, triangles, place)
    st.caption(
        "Where Tier 1 behaviour support works, about 80% of students have 0-1 referrals in a "
        "year, 15% have 2-5 and 5% have 6 or more. Each cell of the table: students (% of enrolled "
        "students)."
    )
    if set(rows["kind"]) != {"all"}:
        st.caption(
            "Majors and minors apart: a student is counted by their major referrals and, again, "
            "by their minor ones, so a student with 3 of each has 6 in all but 2-5 of each kind."
        )
    chart, table = _side_by_side()
    with chart:
        buildings = tuple(sorted(view.building_names))
        show_chart(derive_figure(_triangle_figure, (view, triangles), school_year=view.school_year,
                                 place=place, buildings=buildings), key="triangle")  # fmt: skip
    with table:
        show_table(_table(rows))
