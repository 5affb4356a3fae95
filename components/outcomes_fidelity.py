"""The Student outcomes page's "Fidelity and outcomes" tab: buildings at TFI Tier 1 criterion
against those below, on screening, referral rate and chronic absence; a summary, a chart per
outcome, and the table beside them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.cache import derive_figure
from components.display import show_chart, show_table
from components.outcomes_charts import fidelity_outcome_chart
from components.outcomes_common import _percent, _side_by_side
from data_access.system_health.view import StudentOutcomesView


def fidelity_status(at_criterion: object) -> str:
    if at_criterion is None or pd.isna(at_criterion):
        return "No complete TFI"
    return "At criterion" if bool(at_criterion) else "Below criterion"


def _fidelity_rows(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return rows.assign(
        name=rows["building_id"].map(names), status=rows["at_criterion"].map(fidelity_status)
    )


def _fidelity_figure(rows, *, school_year, buildings):
    return fidelity_outcome_chart(
        rows, x="pct_at_benchmark", line=80, x_title="% of screened students at benchmark",
        title=f"Screening at benchmark by TFI Tier 1, {school_year} (latest window)",
    )  # fmt: skip


def _fidelity_rate_figure(rows, *, school_year, buildings):
    return fidelity_outcome_chart(
        rows, x="incidents_per_100_per_day", x_title="Referrals per 100 students per day",
        title=f"Referral rate by TFI Tier 1, {school_year}",
    )  # fmt: skip


def _fidelity_absence_figure(rows, *, school_year, buildings):
    return fidelity_outcome_chart(
        rows, x="pct_chronic_absence", x_title="% of students chronically absent",
        title=f"Chronic absence by TFI Tier 1, {school_year}: % of students with attendance",
    )  # fmt: skip


def _median(value: object, unit: str = "%") -> str:
    if pd.isna(value):
        return ""
    return f"{value:.1f}%" if unit == "%" else f"{value:.2f}"


def show_fidelity_tab(rows: pd.DataFrame, view: StudentOutcomesView) -> None:
    """Buildings at TFI Tier 1 criterion against those below, on their published outcomes."""
    year = view.school_year
    st.caption(
        "Each building's latest complete TFI Tier 1 score this school year (criterion 70%) beside "
        "its outcomes: judge outcomes where the practice was in place. Poor outcomes with low "
        "fidelity call for implementation support, not a new practice."
    )
    if rows.empty:
        st.info(f"No building has student outcomes for {year}.", icon=":material/inbox:")
        return
    rows = _fidelity_rows(rows, view.building_names)
    summary = rows.groupby("status").agg(
        buildings=("building_id", "size"),
        rate=("incidents_per_100_per_day", "median"),
        benchmark=("pct_at_benchmark", "median"),
        tier1=("pct_tier1_only", "median"),
        absence=("pct_chronic_absence", "median"),
    )
    # An outcome per row, a TFI status per column: narrow enough for a phone.
    show_table(pd.DataFrame({
        "Median of the buildings": ["Buildings", "Referrals per 100 per day", "% at benchmark",
                                    "% Tier 1 only", "% chronically absent"],
        **{status: [f"{int(row.buildings):,}", _median(row.rate, "rate"), _median(row.benchmark),
                    _median(row.tier1), _median(row.absence)]
           for status, row in summary.iterrows()},
    }))  # fmt: skip
    buildings = tuple(sorted(view.building_names))
    # Each outcome's chart with its own short table beside it, buildings in the chart's order: one
    # table of every outcome does not fit beside a chart on a projector.
    ordered = rows.sort_values(["status", "name"])
    tfi = [("" if pd.isna(p) else f"{p:.0f}% ") + s
           for p, s in zip(ordered["tier1_percent"], ordered["status"], strict=True)]  # fmt: skip
    outcomes = (
        (_fidelity_figure, "fidelity_screening", "% at benchmark",
         ordered["pct_at_benchmark"].map(_percent)),
        (_fidelity_rate_figure, "fidelity_rate", "Per 100 per day",
         ordered["incidents_per_100_per_day"].map(
             lambda r: "no calendar" if pd.isna(r) else f"{r:.2f}")),
        (_fidelity_absence_figure, "fidelity_absence", "Chronic absence",
         ordered["pct_chronic_absence"].map(_percent)),
    )  # fmt: skip
    for build, key, heading, values in outcomes:
        chart, table = _side_by_side()
        with chart:
            show_chart(derive_figure(build, rows, school_year=year, buildings=buildings), key=key)
        with table:
            # The outcome beside the name, so a phone shows it without scrolling sideways.
            show_table(pd.DataFrame({"Building": ordered["name"].to_numpy(),
                                     heading: values.to_numpy(), "TFI Tier 1": tfi}),
                       max_rows=40)  # fmt: skip
    st.caption(
        "Chronically absent: missed 10% or more of the days enrolled, of students with an "
        "attendance record of at least 10 days; the same figure as the Equity page's."
    )
