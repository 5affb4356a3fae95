"""What the meeting's key charts show, shaped from the meeting picture: shared by the Overview's key
charts and the brief. Pure pandas, no Streamlit."""

from __future__ import annotations

import pandas as pd

from data_access.meeting.view import MeetingPicture


def fidelity_rows(picture: MeetingPicture, order: list[str]) -> pd.DataFrame:
    """Latest Tier 1 of the buildings in `order` that have a complete score: building, percent,
    administered_on, criterion_pct, word (at criterion / below / slipped) and text for the bar."""
    rows = picture.fidelity[
        picture.fidelity["building_id"].isin(order) & picture.fidelity["percent"].notna()
    ].copy()
    rows["word"] = [
        "Slipped" if slipped else ("At criterion" if status == "at criterion" else "Below")
        for slipped, status in zip(rows["slipped"], rows["status"], strict=True)
    ]
    rows["text"] = [
        f"{p:.0f}%" + (f" (was {b:.0f}%)" if s else "")
        for p, b, s in zip(
            rows["percent"].astype(float), rows["previous_percent"], rows["slipped"], strict=True
        )
    ]
    return rows.reset_index(drop=True)


def coverage_rows(picture: MeetingPicture, order: list[str]) -> pd.DataFrame:
    return picture.coverage[picture.coverage["building_id"].isin(order)].reset_index(drop=True)


def flag_rows(picture: MeetingPicture, order: list[str]) -> pd.DataFrame:
    """Flags per building in `order` this school year: building, new_or_worse, continuing."""
    flags = picture.all_flags[picture.all_flags["building_id"].isin(order)]
    if flags.empty:
        return pd.DataFrame(columns=["building_id", "building", "new_or_worse", "continuing"])
    changed = flags["new"] | flags["worse"]
    counts = (
        flags.assign(_changed=changed.astype(int), _same=(~changed).astype(int))
        .groupby("building_id", as_index=False)
        .agg(new_or_worse=("_changed", "sum"), continuing=("_same", "sum"))
    )
    names = dict(zip(picture.matrix["building_id"], picture.matrix["building"], strict=True))
    counts.insert(1, "building", counts["building_id"].map(names))
    return counts
