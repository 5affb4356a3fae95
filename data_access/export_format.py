"""Writing computed tables as the data contract says: rates with at least 4 decimals, percents with
1, booleans as true/false, withheld or undefined values as empty cells, and no cell a spreadsheet
would run as a formula."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from data_access.scope import Scope


@dataclass(frozen=True, kw_only=True)
class ExportOptions:
    """What every export is asked for: whose rows, which school year, as of which day."""

    scope: Scope  # whose rows: no default, so nothing exports the whole district by accident
    school_year: str | None = None  # --year, e.g. "2025-26"; None: the newest in the store
    as_of: date | None = None  # --as-of; None: today


# A tab or carriage return first is read as a formula start by some spreadsheets too (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Text starting with = + - @, a tab or a carriage return gets a leading apostrophe, so a
    spreadsheet shows it and never runs it. Numbers are left alone: -0.5 is a number, not a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def format_export(
    frame: pd.DataFrame,
    *,
    rates: Iterable[str] = (),
    percents: Iterable[str] = (),
    booleans: Iterable[str] = (),
) -> pd.DataFrame:
    """Every column as the text the contract prescribes (empty for missing)."""
    out = pd.DataFrame(index=frame.index)
    rates, percents, booleans = set(rates), set(percents), set(booleans)
    for column in frame.columns:
        values = frame[column]
        if column in rates:
            text = values.map(lambda v: "" if pd.isna(v) else f"{float(v):.4f}")
        elif column in percents:
            text = values.map(lambda v: "" if pd.isna(v) else f"{float(v):.1f}")
        elif column in booleans:
            text = values.map(lambda v: "" if pd.isna(v) else ("true" if bool(v) else "false"))
        else:
            text = values.map(
                lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else v
            )
            text = text.map(neutralise_formula)
        out[column] = text.astype(object)
    return out


def write_csv(frame: pd.DataFrame, out: str | Path) -> None:
    """Write a formatted table to a file, or to stdout for `--out -`."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    if str(out) == "-":
        sys.stdout.write(buffer.getvalue())
    else:
        Path(out).write_text(buffer.getvalue(), encoding="utf-8")
