"""The Staff support page's Supervision tab: coverage by role and building, the time since each
staff member's last held session with the follow-up for a building, then (from
`staff_support_activity`) sessions by month."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.display import show_chart, show_table
from components.follow_up import create_action_link
from components.staff_support_activity import show_sessions_by_month
from components.staff_support_charts import coverage_chart, gap_chart, role_name
from components.text import plain, plain_html
from data_access.staff_support.queries import SupervisionActivity
from data_access.staff_support.view import StaffSupportPlace, StaffSupportView

BUILDING_BARS = 15  # the district view charts the buildings with the lowest coverage only
GAP_BARS = 20  # and the longest gaps


def show_supervision_tab(
    view: StaffSupportView,
    place: StaffSupportPlace,
    activity: SupervisionActivity,
    *,
    place_name: str,
) -> None:
    """The whole tab, for the district (`place.building_id` None) or one building's team."""
    as_of, window = view.as_of, view.coverage.window_days
    st.caption(
        f"A support staff member is **covered** when at least one supervision session was held in "
        f"the {window} days ending {as_of:%-d %B %Y} (about once per half-term). Counselors, "
        "psychologists, social workers, nurses, intervention and behavior specialists and "
        f"safeguarding leads with a staff assignment in {view.school_year}."
    )
    _coverage_by_role(view, place, place_name=place_name)
    if place.building_id is None:
        _coverage_by_building(view)
    _time_since_last_session(view, place, place_name=place_name)
    show_sessions_by_month(view, place, activity, place_name=place_name)


def _coverage_by_role(view: StaffSupportView, place: StaffSupportPlace, *, place_name: str) -> None:
    roles_here = place.roles
    # Half and half: at 1280 px the table's four columns (five beside the district's) need ~440 px.
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        show_chart(
            coverage_chart(
                roles_here.assign(label=roles_here["role"].map(role_name)),
                y="label",
                title=f"Covered by role, {view.as_of:%-d %b %Y}",
            ),
            key="coverage_by_role_chart",
        )
    with table_column:
        st.subheader(f"By role: {plain(place_name)}")
        table = place.role_coverage.copy()
        table["role"] = table["role"].map(role_name)
        table["share"] = table["share"] * 100
        columns = {"role": "Role", "staff": "Staff", "covered": "Covered", "share": "Covered (%)"}
        if "district" in table:
            table["district"] = table["district"] * 100
            columns["district"] = "District (%)"
        show_table(
            table.rename(columns=columns),
            column_config={
                # As narrow as their headings (the grid alone leaves room for a sort arrow).
                "Staff": st.column_config.NumberColumn(width=50),
                "Covered": st.column_config.NumberColumn(width=50),
                "Covered (%)": st.column_config.NumberColumn(format="%.0f%%", width=50),
                "District (%)": st.column_config.NumberColumn(format="%.0f%%", width=50),
            },
            download="supervision-by-role",
        )


def _coverage_by_building(view: StaffSupportView) -> None:
    st.subheader("By building")
    by_building = view.coverage_by_building  # lowest coverage first
    lowest = by_building.head(BUILDING_BARS)
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        title = (
            f"Covered by building, {view.as_of:%-d %b %Y}"
            if len(by_building) <= BUILDING_BARS
            else f"Lowest {BUILDING_BARS} of {len(by_building)} buildings, {view.as_of:%-d %b %Y}"
        )
        show_chart(
            coverage_chart(lowest.assign(label=lowest["building"]), y="label", title=title),
            key="coverage_by_building_chart",
        )
    with table_column:
        st.caption("Every building, lowest coverage first. Staff in two buildings count in both.")
        table = by_building
        show_table(
            table.assign(share=table["share"] * 100)[
                ["building", "staff", "covered", "share"]
            ].rename(
                columns={
                    "building": "Building",
                    "staff": "Staff",
                    "covered": "Covered",
                    "share": "Covered (%)",
                }
            ),
            max_rows=12,
            column_config={
                # As narrow as their headings: at 1280 px the table has about 420 px.
                "Staff": st.column_config.NumberColumn(width=50),
                "Covered": st.column_config.NumberColumn(width=50),
                "Covered (%)": st.column_config.NumberColumn(format="%.0f%%", width=50),
            },
            download="supervision-by-building",
        )


def _time_since_last_session(
    view: StaffSupportView, place: StaffSupportPlace, *, place_name: str
) -> None:
    as_of, window, staff = view.as_of, view.coverage.window_days, place.staff
    st.subheader(f"Time since the last held session: {plain(place_name)}")
    if staff.empty:
        st.caption("Staff-level rows are shown for your buildings only.")
        return
    never = staff["days_since_last_held"].isna()
    longest = staff[~never].head(GAP_BARS)
    labels = longest.assign(
        label=longest["name"],
        detail=[
            f"{role_name(role)}, {ids.replace(';', ', ')}"
            for role, ids in zip(longest["role"], longest["building_ids"], strict=True)
        ],
    )
    show_chart(
        gap_chart(
            labels,
            detail="detail",
            window_days=window,
            title=f"The longest gaps since a held session, {plain_html(place_name)}, as of {as_of:%-d %b %Y}"
            if len(staff) > GAP_BARS
            else f"Days since the last held session, {plain_html(place_name)}, as of {as_of:%-d %b %Y}",
        ),
        key="gap_chart",
    )
    st.caption(
        f"Every support staff member in {plain(place_name)}, longest gap first"
        + (
            f" ({int(never.sum()):,} with no held session on record at the top)"
            if never.any()
            else ""
        )
        + f". **Past window**: no held session in the {window} days ending {as_of:%-d %B}."
    )
    show_table(
        staff.assign(
            past=staff["covered"].map({True: "No", False: "Yes"}),
            role=staff["role"].map(role_name),
            building_ids=staff["building_ids"].str.replace(";", ", "),
        )[
            [
                "name",
                "role",
                "building_ids",
                "last_held_on",
                "days_since_last_held",
                "past",
                "held_this_year",
                "cancelled_this_year",
                "scheduled_ahead",
            ]
        ].rename(
            columns={
                "name": "Name",
                "role": "Role",
                "building_ids": "Buildings",
                "last_held_on": "Last held",
                "days_since_last_held": "Days since",
                "past": "Past window",
                "held_this_year": "Held",
                "cancelled_this_year": "Cancelled",
                "scheduled_ahead": "Scheduled",
            }
        ),
        max_rows=12,
        # Short headings with their meaning on hover: the table fits a 1280 px projector.
        column_config={
            "Last held": st.column_config.DateColumn(format="D MMM YYYY"),
            "Held": st.column_config.NumberColumn(help="Sessions held this school year"),
            "Cancelled": st.column_config.NumberColumn(help="Sessions cancelled this school year"),
            "Scheduled": st.column_config.NumberColumn(
                help=f"Sessions in the calendar after {view.as_of:%-d %b %Y}"
            ),
        },
        download="supervision-by-staff",
    )
    if not place.past_window.empty:
        _follow_up(view, place)


def _follow_up(view: StaffSupportView, place: StaffSupportPlace) -> None:
    """The staff past the window by building, and one link to start a follow-up action for one."""
    as_of, window = view.as_of, view.coverage.window_days
    with st.expander(
        f"Follow up: {len(place.past_window):,} support staff past the {window}-day window",
        icon=":material/add_task:",
    ):
        since = as_of - pd.Timedelta(days=window)
        gaps_by_building = place.gaps_by_building
        show_table(
            gaps_by_building[["name", "staff", "who"]].rename(
                columns={
                    "name": "Building",
                    "staff": f"Staff without a held session since {since:%-d %b %Y}",
                    "who": "Who",
                }
            ),
            max_rows=8,
        )
        # One picker and one link, as on the Equity page: a list of a link per building would
        # be as long as the district.
        labels = [
            f"{name}: {count} support staff"
            for name, count in zip(gaps_by_building["name"], gaps_by_building["staff"], strict=True)
        ]
        pick_column, link_column = st.columns([3, 1], vertical_alignment="bottom")
        picked = pick_column.selectbox(
            "Start a follow-up action for a building",
            range(len(gaps_by_building)),
            key="supervision_follow_up_building",
            format_func=labels.__getitem__,
        )
        gap = gaps_by_building.iloc[picked]
        with link_column:
            create_action_link(
                source_type="staff_support_gap",
                source_ref=gap["ids"],
                building_id=gap["building"],
                title=f"Restore supervision for {gap['staff']} support staff at {gap['name']}",
                problem_statement=(
                    f"As of {as_of:%-d %B %Y}, {gap['staff']} support staff at "
                    f"{gap['name']} had no held supervision session in {window} days."
                ),
            )
