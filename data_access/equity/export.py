"""The equity export: `python -m data_access export equity`, the contract's `equity` columns of one
school year as they may be published, with each row's identification status (`years_flagged`,
`identified`) from the published rows of the years before it."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from data_access.equity.idea_queries import get_idea
from data_access.equity.identification import IDENTIFICATION_COLUMNS, with_identification
from data_access.equity.metrics import EXPORT_COLUMNS
from data_access.equity.queries import (
    current_identification_rules,
    empty_equity,
    get_equity_of_years,
    list_equity_school_years,
)
from data_access.export_format import ExportOptions, format_export


def build_equity_export(session: Session, options: ExportOptions) -> pd.DataFrame:
    """`python -m data_access export equity`: one school year (default the newest in the store)."""
    years = list_equity_school_years(session)
    school_year = options.school_year
    if school_year is None:
        school_year = years[0] if years else None
    if school_year is None or school_year not in years:
        rows = empty_equity().assign(years_flagged=None, identified=None)
    else:
        # The year and every earlier one: a run of flags may be as long as the store's history.
        wanted = [year for year in years if year <= school_year]
        of_years = get_equity_of_years(session, school_years=wanted, scope=options.scope)
        history = pd.concat([of_years[year] for year in wanted], ignore_index=True)
        rows = with_identification(
            of_years[school_year],
            history,
            school_year=school_year,
            rules=current_identification_rules(),
        )
        # The IDEA discipline measures among students with IEPs (issue 22 part 3), as extra
        # indicators `idea_<measure>`, through the same disclosure layer (equity/idea_disclosure.py).
        # Identification over years is the state's decision for them: left empty.
        idea = get_idea(session, school_year=school_year, scope=options.scope)
        if not idea.empty:
            idea = idea.assign(**{column: None for column in IDENTIFICATION_COLUMNS})
            rows = pd.concat(
                [rows, idea[rows.columns.intersection(idea.columns)]], ignore_index=True
            )
            counts = ["n_group", "events_group", "n_comparison", "events_comparison"]
            rows[counts] = rows[counts].apply(pd.to_numeric).astype("Int64")
    return format_export(
        rows[[*EXPORT_COLUMNS, *IDENTIFICATION_COLUMNS]],
        rates=("risk_group", "risk_comparison", "ratio"),
        booleans=("identified",),
    )
