"""The Staff support page's headline figures and its Caseloads and Staffing ratios tabs, drawn
from the page's view (`data_access.staff_support.view`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.display import show_chart, show_table
from components.staff_support_charts import (
    caseload_chart,
    ratio_chart,
    role_name,
    staffing_summary_chart,
)
from components.text import plain, plain_html
from components.words import with_dashes
from data_access.scope import Scope
from data_access.staff_support.view import StaffSupportPlace, StaffSupportView


def show_headlines(
    view: StaffSupportView, place: StaffSupportPlace, *, scope: Scope, place_name: str
) -> None:
    """Four figures for the place, and a word when staff rows elsewhere are hidden."""
    window, as_of, chosen = view.coverage.window_days, view.as_of, place.building_id
    covered, counted = place.covered, place.counted
    first, second, third, fourth = st.columns(4)
    first.metric(
        f"Supervised in the last {window} days",
        f"{covered / counted:.0%}" if counted else "–",
        help=f"{covered:,} of {counted:,} support staff in {plain(place_name)} had at least one held "
        f"session in the {window} days ending {as_of:%-d %B %Y}.",
    )
    second.metric(
        "Nothing scheduled ahead",
        f"{place.nothing_ahead:,} staff",
        help=f"Support staff in {plain(place_name)} with no supervision session in the calendar "
        f"after {as_of:%-d %B %Y}.",
    )
    third.metric(
        f"Caseload over {view.parity.flag_ratio:g} x median",
        f"{place.flagged:,} staff",
        help="Active cases per full-time equivalent above this multiple of the median for everyone "
        "in the same role in the district.",
    )
    if chosen is None:
        fourth.metric(
            "Buildings missing a role" if scope.is_district else "Your buildings missing a role",
            f"{view.buildings_missing_role:,}",
            help="Buildings with no one at all as counselor, psychologist, social worker or nurse "
            "(the roles with a national recommended ratio).",
        )
    else:
        fourth.metric(
            "Recommended roles unfilled",
            f"{place.unfilled_roles:,}",
            help="Counselor, psychologist, social worker or nurse with no one in the role here.",
        )

    if view.coverage.hidden_staff:
        st.info(
            "Names, gaps and caseloads are shown for the staff of your buildings only; "
            f"{view.coverage.hidden_staff:,} support staff elsewhere count in the district figures.",
            icon=":material/visibility_off:",
        )


def show_caseload_tab(view: StaffSupportView, place: StaffSupportPlace, *, place_name: str) -> None:
    """Caseloads per FTE of the place's team against their role's median, and parity by role."""
    as_of, school_year, parity = view.as_of, view.school_year, view.parity
    st.caption(
        f"Each support staff member's latest active caseload (per building, up to "
        f"{as_of:%-d %B %Y} in {school_year}) divided by their FTE, compared with everyone in the "
        f"same role across the district. Above {parity.flag_ratio:g} x the role's median is flagged."
    )
    roles = parity.roles
    carried = place.caseloads
    if roles.empty:
        st.info(f"No caseloads are recorded for {school_year}.", icon=":material/inbox:")
        return
    if carried.empty:
        st.caption("Staff-level caseloads are shown for your buildings only.")
    else:
        show_chart(
            caseload_chart(
                carried,
                medians=place.caseload_medians,
                flag_ratio=parity.flag_ratio,
                title=f"Active cases per FTE, {plain_html(place_name)}, latest count up to {as_of:%-d %b %Y}",
            ),
            key="caseload_chart",
        )
    st.subheader("Parity by role (district)")
    table = roles.assign(role=roles["role"].map(role_name))
    show_table(
        table.rename(
            columns={
                "role": "Role",
                "staff": "Staff",
                "median": "Median cases per FTE",
                "highest": "Highest",
                "highest_to_median": "Highest ÷ median",
                "cv": "Coefficient of variation",
                "flagged": "Flagged",
            }
        ),
        column_config={
            "Median cases per FTE": st.column_config.NumberColumn(format="%.1f"),
            "Highest": st.column_config.NumberColumn(format="%.1f"),
            "Highest ÷ median": st.column_config.NumberColumn(format="%.2f"),
            "Coefficient of variation": st.column_config.NumberColumn(format="%.2f"),
        },
        download="caseload-parity-by-role",
    )
    st.caption(
        "Coefficient of variation: the spread of caseloads per FTE within the role "
        "(standard deviation ÷ mean); 0 is perfectly even."
    )
    if parity.without_caseload:
        st.caption(f"{parity.without_caseload:,} support staff have no caseload recorded.")
    if carried.empty:
        return
    flagged = place.flagged_caseloads  # the highest times the median first
    st.subheader(f"Above {parity.flag_ratio:g} x their role's median")
    if flagged.empty:
        st.success("No one carries that much more than their colleagues.")
        return
    show_table(
        flagged.assign(role=flagged["role"].map(role_name))[
            [
                "name",
                "role",
                "building_ids",
                "active_cases",
                "fte",
                "cases_per_fte",
                "times_median",
                "caseload_on",
            ]
        ].rename(
            columns={
                "name": "Name",
                "role": "Role",
                "building_ids": "Buildings",
                "active_cases": "Active cases",
                "fte": "FTE",
                "cases_per_fte": "Cases per FTE",
                "times_median": "x role median",
                "caseload_on": "Counted on",
            }
        ),
        max_rows=12,
        column_config={
            "FTE": st.column_config.NumberColumn(format="%.2f"),
            "Cases per FTE": st.column_config.NumberColumn(format="%.1f"),
            "x role median": st.column_config.NumberColumn(format="%.2f"),
            "Counted on": st.column_config.DateColumn(format="YYYY-MM-DD"),
        },
        download="caseloads-flagged",
    )


def show_staffing_tab(view: StaffSupportView, place: StaffSupportPlace, *, place_name: str) -> None:
    """Students per FTE against the national recommendations: every building, or one."""
    school_year, chosen = view.school_year, place.building_id
    st.caption(
        f"Students enrolled per full-time staff member in {school_year}, against national "
        "recommendations (ASCA for counselors, NASP for psychologists, SSWAA for social workers, "
        "NASN for nurses): "
        + ", ".join(
            f"{role_name(role).lower()}s {ratio:,} : 1"
            for role, ratio in view.recommended_ratios.items()
        )
        + "."
    )
    if view.staffing.empty:
        st.info(f"No students or staff are recorded for {school_year}.", icon=":material/inbox:")
        return
    if not place.missing_roles.empty:
        listed = place.missing_roles
        shown = listed.head(10)
        more = len(listed) - len(shown)
        st.warning(
            "**No one in a recommended role** in "
            + "; ".join(
                f"{plain(row.name)} ({plain(row.building_id)}): "
                + ", ".join(role_name(role) for role in row.roles)
                for row in shown.itertuples()
            )
            + (f"; and {more} more buildings (see the table)." if more else "."),
            icon=":material/person_off:",
        )
    if chosen is None:
        chart = staffing_summary_chart(
            view.recommended_buildings, title=f"Buildings vs recommended ratios, {school_year}"
        )
    else:
        chart = ratio_chart(
            place.recommended_staffing,
            title=f"Students per FTE by role, {school_year}",
        )
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        show_chart(chart, key="staffing_chart")
    with table_column:
        place_staffing = place.staffing
        st.subheader(f"{'District totals' if chosen is None else plain(place_name)}, {school_year}")
        st.caption(f"{place.enrolled:,} students enrolled.")
        table = with_dashes(
            place_staffing.assign(role=place_staffing["role"].map(role_name)),
            {"students_per_fte": "{:,.0f}", "recommended_ratio": "{:,.0f}"},
        )
        show_table(
            table[["role", "fte", "students_per_fte", "recommended_ratio"]].rename(
                columns={
                    "role": "Role",
                    "fte": "FTE",
                    "students_per_fte": "Students per FTE",
                    "recommended_ratio": "Recommended",
                }
            ),
            column_config={
                "FTE": st.column_config.NumberColumn(format="%.2f"),
                **{
                    name: st.column_config.NumberColumn(format=number_format)
                    for name, column, number_format in (
                        ("Students per FTE", "students_per_fte", "%.0f"),
                        ("Recommended", "recommended_ratio", "%d"),
                    )
                    if pd.api.types.is_numeric_dtype(table[column])
                },
            },
            download="staffing-ratios",
        )
        st.caption("A dash under *Students per FTE* means no one holds that role.")
    if chosen is None:
        st.subheader(f"Every building, {school_year}: students per FTE")
        role_columns = view.staffing_roles
        wide = (
            with_dashes(
                view.staffing_by_building, {role: "{:,.0f}" for role in view.staffing_roles}
            )
            .rename(columns={"building_id": "ID", "name": "Building", "enrollment": "Students"})
            .rename(columns={role: role_name(role) for role in role_columns})
        )
        show_table(
            wide,
            max_rows=12,
            column_config={
                "ID": st.column_config.TextColumn(width="small"),
                "Students": st.column_config.NumberColumn(format="localized"),
                **{
                    role_name(role): st.column_config.NumberColumn(format="%.0f")
                    for role in role_columns
                    if pd.api.types.is_numeric_dtype(wide[role_name(role)])
                },
            },
            download="staffing-every-building",
        )
        st.caption("Students per full-time staff member; a dash where no one holds the role.")
