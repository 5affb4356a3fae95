"""The system-health export: `python -m data_access export system_health`, the contract's columns
for every school year (or `--year`), as the disclosure layer publishes them."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from data_access.export_format import ExportOptions, format_export
from data_access.system_health.queries import get_system_health
from data_access.system_health.rules import PERCENTS, SYSTEM_HEALTH_COLUMNS


def build_system_health_export(session: Session, options: ExportOptions) -> pd.DataFrame:
    """One row per school year and building in scope, and the district's."""
    years = None if options.school_year is None else [options.school_year]
    rows = get_system_health(session, scope=options.scope, school_years=years)
    return format_export(
        rows[SYSTEM_HEALTH_COLUMNS],
        rates=("incidents_per_100_per_day",),
        percents=tuple(PERCENTS),
    )
