"""The Student outcomes page's tabs: each lays out one part of the loaded view, a chart with its
table beside it; a withheld count says "withheld" (never why)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.display import show_chart, show_table
from components.outcomes_charts import (
    count_chart,
    rate_by_month_chart,
    referral_bars,
    tier_chart,
)
from components.outcomes_common import (
    WITHHELD,
    _count,
    _figure,
    _percent,
    _side_by_side,
    _year_rows,
)
from components.outcomes_triangle import show_triangle
from data_access.labels import SUPPORT_DOMAINS, words
from data_access.school_year import school_year_months
from data_access.system_health.rules import DISTRICT_ID
from data_access.system_health.view import StudentOutcomesView

WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
BREAKDOWNS = {
    "behavior": "Behaviour",
    "location": "Location",
    "hour": "Time of day",
    "weekday": "Day of week",
}


def _tier_figure(view, *, school_year, place, over_years, buildings):
    if over_years:
        rows = view.health[view.health["building_id"] == place].sort_values("school_year")
        name = view.building_names.get(place, "the whole district")
        return tier_chart(rows, label="school_year",
                          title=f"Tiers over the years, {name}: % of enrolled students")  # fmt: skip
    return tier_chart(_year_rows(view, school_year), label="name",
                      title=f"Tier distribution by building, {school_year}: % of enrolled students")  # fmt: skip


def _tier_table(rows: pd.DataFrame, label: str, heading: str) -> pd.DataFrame:
    return pd.DataFrame({
        heading: rows[label],
        "Students": rows["enrolled"].map(_count),
        "Tier 1 only": rows["pct_tier1_only"].map(_percent),
        "Tier 2": rows["pct_tier2"].map(_percent),
        "Tier 3": rows["pct_tier3"].map(_percent),
    })  # fmt: skip


def show_tiers_tab(view: StudentOutcomesView, *, place: str) -> None:
    year = view.school_year
    st.caption(
        "A student's tier is the highest tier of any support that school year (none: Tier 1 only). "
        "A healthy system has about 80% of students at Tier 1 only, 15% at Tier 2 and 5% at Tier 3; "
        "much more than 20% in Tiers 2-3 says core instruction needs the work, not more groups."
    )
    chart, table = _side_by_side()
    with chart:
        show_chart(_figure(_tier_figure, view, school_year=year, place=place,
                                 over_years=False), key="tiers_by_building")  # fmt: skip
    with table:
        show_table(_tier_table(_year_rows(view, year), "name", "Building"))
    chart, table = _side_by_side()
    with chart:
        show_chart(_figure(_tier_figure, view, school_year=year, place=place,
                                 over_years=True), key="tiers_over_years")  # fmt: skip
    with table:
        rows = view.health[view.health["building_id"] == place].sort_values("school_year")
        show_table(_tier_table(rows, "school_year", "School year"))


def _unmet_figure(view, *, school_year, buildings):
    rows = _year_rows(view, school_year)
    rows = rows[rows["building_id"] != DISTRICT_ID]
    return count_chart(
        rows, x="below_benchmark_no_support", y="name",
        title=f"Below benchmark with no support, {school_year}: students",
        x_title="Students below benchmark with no support",
    )  # fmt: skip


def show_interventions(view: StudentOutcomesView, *, place: str) -> None:
    """Supports by intervention and area at the chosen place: how many, ended, goal met, sessions."""
    name = view.building_names.get(place, "the whole district")
    st.subheader(f"Interventions, {name}, {view.school_year}")
    st.caption(
        "Tier 2 and Tier 3 supports of the school year by intervention: how many ended with an "
        "outcome and met their goal, and the sessions delivered of those planned (intervention "
        "fidelity: judge what works only where it was delivered as planned)."
    )
    rows = view.interventions[view.interventions["building_id"] == place]
    if rows.empty:
        st.info(f"No supports are recorded for {name} in {view.school_year}.",
                icon=":material/inbox:")  # fmt: skip
        return
    delivered = [
        WITHHELD if pd.isna(p) or pd.isna(d) else ("" if not p else f"{100 * d / p:.0f}%")
        for p, d in zip(rows["sessions_planned"], rows["sessions_delivered"], strict=True)
    ]
    goal = [
        WITHHELD if pd.isna(g) or pd.isna(e) else ("" if not e else f"{100 * g / e:.1f}%")
        for g, e in zip(rows["goal_met"], rows["ended"], strict=True)
    ]
    show_table(pd.DataFrame({
        "Intervention": rows["intervention"],
        "Area": rows["domain"].map(lambda d: words(SUPPORT_DOMAINS, d)),
        "Supports": rows["supports"].map(_count),
        "Ended": rows["ended"].map(_count),
        "Goal met": rows["goal_met"].map(_count),
        "% goal met": goal,
        "Sessions delivered": delivered,
    }))  # fmt: skip


def show_unmet_need_tab(view: StudentOutcomesView, *, place: str) -> None:
    year = view.school_year
    st.caption(
        "Students below benchmark in the latest window they were screened in that year, and of them "
        "those with no Tier 2 or Tier 3 support at all that year: who needs help and does not get it."
    )
    rows = _year_rows(view, year)
    chart, table = _side_by_side()
    with chart:
        show_chart(_figure(_unmet_figure, view, school_year=year), key="unmet_need")
    with table:
        show_table(pd.DataFrame({
            "Building": rows["name"],
            "Below": rows["below_benchmark"].map(_count),
            "No support": rows["below_benchmark_no_support"].map(_count),
            "% no support": rows["pct_below_benchmark_no_support"].map(_percent),
        }))  # fmt: skip
    show_interventions(view, place=place)
    st.subheader(f"Supports ended in {year}")
    st.caption("Tier 2 and Tier 3 supports that ended this school year with an outcome recorded.")
    show_table(pd.DataFrame({
        "Building": rows["name"],
        "Supports ended": rows["supports_ended"].map(_count),
        "Goal met": rows["supports_goal_met"].map(_count),
        "% goal met": rows["pct_supports_goal_met"].map(_percent),
    }))  # fmt: skip


def _months(view: StudentOutcomesView, place: str) -> pd.DataFrame:
    rows = view.monthly[view.monthly["building_id"] == place].copy()
    order = {}
    for year in rows["school_year"].unique():
        for i, first in enumerate(school_year_months(year)):
            order[(year, f"{first:%Y-%m}")] = (i, f"{first:%b}")
    keys = list(zip(rows["school_year"], rows["month"], strict=True))
    rows["position"] = [order.get(key, (99, ""))[0] for key in keys]
    rows["month_name"] = [order.get(key, (99, key[1]))[1] for key in keys]
    return rows.sort_values(["school_year", "position"]).reset_index(drop=True)


def _rate_figure(view, *, school_year, place, buildings):
    name = view.building_names.get(place, "whole district")
    months = _months(view, place)
    if months["rate"].notna().any():
        return rate_by_month_chart(
            months,
            title=f"Referrals per 100 students per school day, {name}, {school_year} against last year",
        )
    return rate_by_month_chart(
        months, y="incidents", y_title="Referrals",
        title=f"Referrals by month, {name}, {school_year} against last year",
    )  # fmt: skip


def _breakdown_rows(view: StudentOutcomesView, place: str, by: str) -> pd.DataFrame:
    frame = view.referrals[by]
    frame = frame[(frame["building_id"] == place) & (frame["school_year"] == view.school_year)]
    frame = frame.assign(key=frame["key"].fillna(""))  # not given: kept, as its own row
    wide = frame.pivot_table(index="key", columns="referral_type", values="incidents",
                             aggfunc="sum", fill_value=0)  # fmt: skip
    wide = wide.reindex(columns=["major", "minor"], fill_value=0)
    wide["total"] = wide["major"] + wide["minor"]
    wide = wide.reset_index()
    if by == "weekday":
        wide = wide.sort_values("key")
        wide["label"] = wide["key"].map(lambda d: WEEKDAYS[int(d)])
    elif by == "hour":
        wide = wide.sort_values("key")
        wide["label"] = wide["key"].map(lambda h: f"{h}:00" if h else "Time not given")
    else:
        wide = wide.sort_values("total", ascending=False)
        wide["label"] = wide["key"].map(lambda k: str(k) if k else "Not given")
    return wide.reset_index(drop=True)


def _breakdown_figure(view, *, school_year, place, by, buildings):
    name = view.building_names.get(place, "whole district")
    return referral_bars(
        _breakdown_rows(view, place, by), label="label",
        title=f"Referrals by {BREAKDOWNS[by].lower()}, {name}, {school_year}",
    )  # fmt: skip


def show_behaviour_tab(view: StudentOutcomesView, triangles: pd.DataFrame, *, place: str) -> None:
    year = view.school_year
    st.caption(
        "Every discipline incident counts as an office referral, whatever action followed it. "
        "Majors are office-managed, minors staff-managed. The rate needs the school calendar."
    )
    months = _months(view, place)
    if months["rate"].isna().all():
        st.caption(
            "No school calendar is loaded for these years: referrals are counted, not rated."
        )
    chart, table = _side_by_side()
    with chart:
        show_chart(_figure(_rate_figure, view, school_year=year, place=place), key="rate")
    with table:
        shown = pd.DataFrame({
            "School year": months["school_year"],
            "Month": months["month_name"],
            "Major": months["major"],
            "Minor": months["minor"],
            "Per 100 per day": months["rate"].map(lambda r: "" if pd.isna(r) else f"{r:.2f}"),
        })  # fmt: skip
        if months["rate"].isna().all():
            shown = shown.drop(columns="Per 100 per day")
        show_table(shown, max_rows=24)
    by = st.radio("Referrals by", list(BREAKDOWNS), format_func=BREAKDOWNS.get, horizontal=True,
                  key="outcomes_breakdown")  # fmt: skip
    rows = _breakdown_rows(view, place, by)
    chart, table = _side_by_side()
    if rows.empty:
        st.info(f"No referrals are recorded for {year}.", icon=":material/inbox:")
    else:
        with chart:
            show_chart(_figure(_breakdown_figure, view, school_year=year, place=place, by=by),
                       key="breakdown")  # fmt: skip
        with table:
            show_table(rows.rename(columns={"label": BREAKDOWNS[by], "major": "Major",
                                            "minor": "Minor", "total": "All"})
                       [[BREAKDOWNS[by], "Major", "Minor", "All"]])  # fmt: skip
    show_triangle(view, triangles, place=place)
