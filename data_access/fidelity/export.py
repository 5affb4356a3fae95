"""The `fidelity` export: every administration's scale scores, in the data contract's columns, with
its subscales and total (told apart by `level`)."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from data_access.export_format import ExportOptions, format_export
from data_access.fidelity.queries import get_fidelity_scores
from data_access.school_year import school_year_end, school_year_start


def build_fidelity_export(session: Session, options: ExportOptions) -> pd.DataFrame:
    """`python -m data_access export fidelity`: every administration's scale scores, in the contract's
    columns, then `level` (scale, subscale or total) and `covers` (the scale a row belongs to; for
    a total, the complete scales it adds up). `--year` keeps administrations of that school year;
    `--as-of` those on or before it."""
    start = end = None
    if options.school_year is not None:
        start = school_year_start(options.school_year)
        end = school_year_end(options.school_year)
    if options.as_of is not None:
        end = options.as_of if end is None else min(end, options.as_of)
    scores = get_fidelity_scores(session, scope=options.scope, start=start, end=end)
    scores = scores.assign(administered_on=scores["administered_on"].map(str))
    return format_export(
        scores, percents=("percent", "criterion_pct"), booleans=("meets_criterion", "complete")
    )
