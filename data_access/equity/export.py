"""The equity export: `python -m data_access export equity`, the contract's `equity` columns of one
school year as they may be published."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from data_access.equity.metrics import EXPORT_COLUMNS
from data_access.equity.queries import empty_equity, get_equity, list_equity_school_years
from data_access.export_format import ExportOptions, format_export


def build_equity_export(session: Session, options: ExportOptions) -> pd.DataFrame:
    """`python -m data_access export equity`: one school year (default the newest in the store)."""
    school_year = options.school_year
    if school_year is None:
        years = list_equity_school_years(session)
        school_year = years[0] if years else None
    rows = (
        empty_equity()
        if school_year is None
        else get_equity(session, school_year=school_year, scope=options.scope)
    )
    return format_export(
        rows[EXPORT_COLUMNS],
        rates=("risk_group", "risk_comparison", "ratio"),
    )
