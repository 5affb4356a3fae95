"""Tables in words for the screen: a missing value is a dash, never the grey "None" a data frame
draws for it, and codes go through the one mapping (data_access/labels.py). No Streamlit here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd

from data_access.labels import is_missing, owner_names
from data_access.school_year import school_year_of

DASH = "—"


def with_dashes(frame: pd.DataFrame, formats: Mapping[str, str] | None = None) -> pd.DataFrame:
    """`frame` with every missing value shown as "—". A column holding a missing value becomes text,
    its numbers written with `formats[column]` (a template such as "{:,.0f}" or "{:.0f}%") or as
    they are; columns with nothing missing are left as they are (numbers, sorting and formats kept)."""
    formats = formats or {}
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        missing = [is_missing(value) for value in values]
        if not any(missing):
            continue
        spec = formats.get(column, "")
        shown[column] = [
            DASH if gone else _formatted(value, spec)
            for value, gone in zip(values, missing, strict=True)
        ]
    return shown


def _formatted(value: object, template: str) -> str:
    return template.format(value) if template else str(value)


def as_of_words(as_of: date, *, school_year: str | None = None) -> str:
    """The date of the data a figure shows: 'as of 29 May 2026'; for a school year already over
    (before the one `as_of` falls in), 'the whole of 2024-25'."""
    if school_year is not None and school_year < school_year_of(as_of):
        return f"the whole of {school_year}"
    return f"as of {as_of:%-d %b %Y}"


def action_owner_names(actions: pd.DataFrame) -> dict[str, str]:
    """The owners of `actions` (list_actions rows: owner_email, owner_name) → the name to show,
    the email beside it only when two of them share a name (labels.owner_names)."""
    if actions.empty:
        return {}
    owners = actions[["owner_email", "owner_name"]].drop_duplicates("owner_email")
    return owner_names(owners.set_axis(["email", "name"], axis=1))
