"""Staff support: supervision coverage of student-support staff, caseload parity, staffing against
national recommendations, and scheduling and recording supervision."""

from __future__ import annotations

from datetime import time, timedelta

import pandas as pd
import streamlit as st

from components.cache import load
from components.display import show_chart, show_table
from components.follow_up import create_action_link
from components.page import building_from_link, current_scope, current_user, page_setup
from components.staff_support_charts import (
    caseload_chart,
    coverage_chart,
    format_mix_chart,
    gap_chart,
    ratio_chart,
    role_name,
    sessions_by_month_chart,
    staffing_summary_chart,
)
from components.text import plain, plain_html
from data_access.db import session_scope
from data_access.imports_common import school_year_end, school_year_of
from data_access.permissions import may_write
from data_access.settings import get_settings
from data_access.staff_support.queries import (
    DISTRICT_ID,
    default_as_of,
    get_caseload_parity,
    get_staffing,
    get_supervision_activity,
    get_supervision_coverage,
    list_buildings,
    staff_working_in,
)
from data_access.staff_support.schedule import (
    MAX_MINUTES,
    SupervisionInputError,
    build_series_calendar,
    get_series_sessions,
    list_schedulable_staff,
    list_series,
    list_sessions_to_mark,
    list_supervisor_choices,
    mark_supervision,
    schedule_supervision,
)

BUILDING_BARS = 15  # the district view charts the buildings with the lowest coverage only
GAP_BARS = 20  # and the longest gaps
MARK_LIST = 200  # sessions offered for marking at once

status = page_setup(
    "Staff support",
    caption="Are student-support staff supervised regularly, are caseloads fair, and is every "
    "building staffed to national recommendations?",
)
scope = current_scope()
editor = current_user()
may_schedule = editor is not None and may_write(editor, "schedule_supervision")
may_mark = editor is not None and may_write(editor, "mark_supervision")
buildings = load(list_buildings, scope=scope)
building_names = dict(zip(buildings["building_id"], buildings["building"], strict=True))

as_of_column, building_column, _ = st.columns([1, 2, 1])
as_of = as_of_column.date_input(
    "As of",
    value=default_as_of(status),
    key="staff_support_as_of",
    format="YYYY-MM-DD",
    help="Coverage, gaps and caseloads are worked out as of this date, in its school year "
    "(1 July to 30 June). For the demo district it starts at the demo's own date.",
)
building_from_link("staff_support_building", list(buildings["building_id"]))
chosen = building_column.selectbox(
    "Building",
    [None, *buildings["building_id"]],
    format_func=lambda b: "Whole district" if b is None else f"{building_names[b]} ({b})",
    key="staff_support_building",
    help="Figures for one building's support team, beside the district's.",
)
school_year = school_year_of(as_of)
place = "the district" if chosen is None else building_names[chosen]

coverage = load(get_supervision_coverage, as_of=as_of, scope=scope)
parity = load(get_caseload_parity, as_of=as_of, scope=scope)
staffing = load(get_staffing, school_year=school_year, scope=scope)
window = coverage.window_days

if coverage.district_staff == 0:
    st.warning(
        f"No support staff have a staff assignment in {school_year}, so there is nothing to show "
        "for that school year. Choose an earlier *As of* date, or load staff assignments.",
        icon=":material/inbox:",
    )
    st.stop()


def team_of(frame: pd.DataFrame) -> pd.DataFrame:
    """Staff rows of the chosen building's team (everyone visible for the whole district)."""
    if chosen is None:
        return frame
    return staff_working_in(frame, chosen)


staff = team_of(coverage.staff)
if chosen is None:
    covered, counted = coverage.district_covered, coverage.district_staff
    nothing_ahead = coverage.district_nothing_ahead
else:
    row = coverage.by_building[coverage.by_building["building_id"] == chosen]
    covered, counted = (int(row["covered"].sum()), int(row["staff"].sum()))
    nothing_ahead = int((staff["scheduled_ahead"] == 0).sum())
place_staffing = staffing[staffing["building_id"] == (chosen or DISTRICT_ID)]
recommended_gaps = staffing[
    (staffing["building_id"] != DISTRICT_ID) & (staffing["band"] == "nobody")
]

flagged_here = (
    int(team_of(parity.staff)["flagged"].sum()) if chosen else int(parity.roles["flagged"].sum())
)
first, second, third, fourth = st.columns(4)
first.metric(
    f"Supervised in the last {window} days",
    f"{covered / counted:.0%}" if counted else "–",
    help=f"{covered:,} of {counted:,} support staff in {plain(place)} had at least one held session in "
    f"the {window} days ending {as_of:%-d %B %Y}.",
)
second.metric(
    "Nothing scheduled ahead",
    f"{nothing_ahead:,} staff",
    help=f"Support staff in {plain(place)} with no supervision session in the calendar after "
    f"{as_of:%-d %B %Y}.",
)
third.metric(
    f"Caseload over {parity.flag_ratio:g} x median",
    f"{flagged_here:,} staff",
    help="Active cases per full-time equivalent above this multiple of the median for everyone in "
    "the same role in the district.",
)
if chosen is None:
    fourth.metric(
        "Buildings missing a role" if scope.is_district else "Your buildings missing a role",
        f"{recommended_gaps['building_id'].nunique():,}",
        help="Buildings with no one at all as counselor, psychologist, social worker or nurse "
        "(the roles with a national recommended ratio).",
    )
else:
    fourth.metric(
        "Recommended roles unfilled",
        f"{int((place_staffing['band'] == 'nobody').sum()):,}",
        help="Counselor, psychologist, social worker or nurse with no one in the role here.",
    )

if coverage.hidden_staff:
    st.info(
        "Names, gaps and caseloads are shown for the staff of your buildings only; "
        f"{coverage.hidden_staff:,} support staff elsewhere count in the district figures.",
        icon=":material/visibility_off:",
    )

supervision_tab, caseload_tab, staffing_tab, schedule_tab = st.tabs(
    ["Supervision", "Caseloads", "Staffing ratios", "Schedule and record supervision"]
)

# --- Supervision ----------------------------------------------------------------------------------
with supervision_tab:
    st.caption(
        f"A support staff member is **covered** when at least one supervision session was held in "
        f"the {window} days ending {as_of:%-d %B %Y} (about once per half-term). Counselors, "
        "psychologists, social workers, nurses, intervention and behavior specialists and "
        f"safeguarding leads with a staff assignment in {school_year}."
    )
    roles_here = coverage.by_role[coverage.by_role["building_id"] == (chosen or DISTRICT_ID)]
    chart_column, table_column = st.columns([3, 2], gap="large")
    with chart_column:
        show_chart(
            coverage_chart(
                roles_here.assign(label=roles_here["role"].map(role_name)),
                y="label",
                title=f"Covered by role, {as_of:%-d %b %Y}",
            ),
            key="coverage_by_role_chart",
        )
    with table_column:
        st.subheader(f"By role: {plain(place)}")
        district_roles = coverage.by_role[coverage.by_role["building_id"] == DISTRICT_ID]
        table = roles_here[["role", "staff", "covered", "share"]].copy()
        if chosen is not None:
            table = table.merge(
                district_roles[["role", "share"]].rename(columns={"share": "district"}),
                on="role",
                how="left",
            )
        table["role"] = table["role"].map(role_name)
        table["share"] = table["share"] * 100
        columns = {"role": "Role", "staff": "Staff", "covered": "Covered", "share": "Covered (%)"}
        if "district" in table:
            table["district"] = table["district"] * 100
            columns["district"] = "District (%)"
        show_table(
            table.rename(columns=columns),
            column_config={
                "Covered (%)": st.column_config.NumberColumn(format="%.0f%%"),
                "District (%)": st.column_config.NumberColumn(format="%.0f%%"),
            },
            download="supervision-by-role",
        )

    if chosen is None:
        st.subheader("By building")
        by_building = coverage.by_building
        lowest = by_building.sort_values(["share", "building"]).head(BUILDING_BARS)
        chart_column, table_column = st.columns([1, 1], gap="large")
        with chart_column:
            title = (
                f"Covered by building, {as_of:%-d %b %Y}"
                if len(by_building) <= BUILDING_BARS
                else f"Lowest {BUILDING_BARS} of {len(by_building)} buildings, {as_of:%-d %b %Y}"
            )
            show_chart(
                coverage_chart(lowest.assign(label=lowest["building"]), y="label", title=title),
                key="coverage_by_building_chart",
            )
        with table_column:
            st.caption(
                "Every building, lowest coverage first. Staff in two buildings count in both."
            )
            table = by_building.sort_values(["share", "building"])
            show_table(
                table.assign(
                    building=table["building"] + " (" + table["building_id"] + ")",
                    share=table["share"] * 100,
                )[["building", "staff", "covered", "share"]].rename(
                    columns={
                        "building": "Building",
                        "staff": "Staff",
                        "covered": "Covered",
                        "share": "Covered (%)",
                    }
                ),
                max_rows=12,
                column_config={
                    "Staff": st.column_config.NumberColumn(width="small"),
                    "Covered": st.column_config.NumberColumn(width="small"),
                    "Covered (%)": st.column_config.NumberColumn(format="%.0f%%", width="small"),
                },
                download="supervision-by-building",
            )

    st.subheader(f"Time since the last held session: {plain(place)}")
    if staff.empty:
        st.caption("Staff-level rows are shown for your buildings only.")
    else:
        never = staff["days_since_last_held"].isna()
        longest = staff[~never].head(GAP_BARS)
        labels = longest.assign(
            label=[
                f"{name} ({role_name(role)}, {ids.replace(';', ', ')})"
                for name, role, ids in zip(
                    longest["name"], longest["role"], longest["building_ids"], strict=True
                )
            ]
        )
        show_chart(
            gap_chart(
                labels,
                window_days=window,
                title=f"The longest gaps since a held session, {plain_html(place)}, as of {as_of:%-d %b %Y}"
                if len(staff) > GAP_BARS
                else f"Days since the last held session, {plain_html(place)}, as of {as_of:%-d %b %Y}",
            ),
            key="gap_chart",
        )
        st.caption(
            f"Every support staff member in {plain(place)}, longest gap first"
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
                    "held_this_year": "Held this year",
                    "cancelled_this_year": "Cancelled this year",
                    "scheduled_ahead": "Scheduled ahead",
                }
            ),
            max_rows=12,
            column_config={"Last held": st.column_config.DateColumn(format="YYYY-MM-DD")},
            download="supervision-by-staff",
        )
        past_window = staff[~staff["covered"]]
        if not past_window.empty:
            with st.expander(
                f"Follow up: {len(past_window):,} support staff past the {window}-day window",
                icon=":material/add_task:",
            ):
                since = as_of - pd.Timedelta(days=window)
                gaps_by_building = (
                    past_window.assign(building=past_window["building_ids"].str.split(";").str[0])
                    .groupby("building", sort=True)
                    .agg(
                        staff=("staff_id", "size"),
                        who=("name", ", ".join),
                        ids=("staff_id", ";".join),
                    )
                    .reset_index()
                )
                gaps_by_building.insert(
                    1,
                    "name",
                    gaps_by_building["building"]
                    .map(building_names)
                    .fillna(gaps_by_building["building"]),
                )
                # Most staff without supervision first: the picker starts at the building to act on.
                gaps_by_building = gaps_by_building.sort_values(
                    ["staff", "name"], ascending=[False, True], ignore_index=True
                )
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
                    for name, count in zip(
                        gaps_by_building["name"], gaps_by_building["staff"], strict=True
                    )
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
                        title=f"Restore supervision for {gap['staff']} support staff at "
                        f"{gap['name']}",
                        problem_statement=(
                            f"As of {as_of:%-d %B %Y}, {gap['staff']} support staff at "
                            f"{gap['name']} had no held supervision session in {window} days."
                        ),
                    )

    activity = load(
        get_supervision_activity, school_year=school_year, scope=scope, building_id=chosen
    )
    st.subheader(f"Held, cancelled and scheduled, by month: {plain(place)}")
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        show_chart(
            sessions_by_month_chart(
                activity.months, title=f"Supervisee sessions by month, {school_year}"
            ),
            key="sessions_by_month_chart",
        )
    with table_column:
        st.caption(
            "A group session counts once per supervisee. *Scheduled* sessions dated on or before "
            f"{as_of:%-d %B} have not been marked held or cancelled yet."
        )
        months = activity.months.assign(cancelled_share=activity.months["cancelled_share"] * 100)
        show_table(
            months[["label", "held", "cancelled", "scheduled", "cancelled_share"]].rename(
                columns={
                    "label": "Month",
                    "held": "Held",
                    "cancelled": "Cancelled",
                    "scheduled": "Scheduled",
                    "cancelled_share": "Cancelled %",
                }
            ),
            column_config={
                "Cancelled %": st.column_config.NumberColumn(
                    format="%.0f%%", help="Cancelled, as a share of sessions held or cancelled"
                )
            },
            download="supervision-by-month",
        )

    mix_column, ahead_column = st.columns([1, 1], gap="large")
    with mix_column:
        st.subheader("Individual and group supervision")
        show_chart(
            format_mix_chart(activity.formats, title=f"Held sessions by format, {school_year}"),
            key="format_mix_chart",
        )
        formats = activity.formats.assign(
            format=activity.formats["format"].str.capitalize(),
            share=activity.formats["share"] * 100,
        )
        show_table(
            formats.rename(
                columns={"format": "Format", "sessions": "Held sessions", "share": "Share (%)"}
            ),
            column_config={"Share (%)": st.column_config.NumberColumn(format="%.0f%%")},
            download="supervision-formats",
        )
    with ahead_column:
        st.subheader("Nothing in the calendar")
        st.caption(
            f"Support staff with no supervision session scheduled after {as_of:%-d %B %Y}: "
            "supervision only happens when it is in the calendar."
        )
        ahead = staff[staff["scheduled_ahead"] == 0]
        if staff.empty:
            st.caption(f"{nothing_ahead:,} support staff; names are shown for your buildings only.")
        elif ahead.empty:
            st.success("Everyone has a session in the calendar.", icon=":material/event_available:")
        else:
            show_table(
                ahead.assign(role=ahead["role"].map(role_name))[
                    ["name", "role", "building_ids", "last_held_on"]
                ].rename(
                    columns={
                        "name": "Name",
                        "role": "Role",
                        "building_ids": "Buildings",
                        "last_held_on": "Last held",
                    }
                ),
                max_rows=10,
                column_config={"Last held": st.column_config.DateColumn(format="YYYY-MM-DD")},
                download="supervision-nothing-scheduled",
            )

# --- Caseloads ------------------------------------------------------------------------------------
with caseload_tab:
    st.caption(
        f"Each support staff member's latest active caseload (per building, up to "
        f"{as_of:%-d %B %Y} in {school_year}) divided by their FTE, compared with everyone in the "
        f"same role across the district. Above {parity.flag_ratio:g} x the role's median is flagged."
    )
    roles = parity.roles
    carried = team_of(parity.staff)
    if roles.empty:
        st.info(f"No caseloads are recorded for {school_year}.", icon=":material/inbox:")
    else:
        if carried.empty:
            st.caption("Staff-level caseloads are shown for your buildings only.")
        else:
            show_chart(
                caseload_chart(
                    carried,
                    medians=roles[roles["role"].isin(carried["role"])],
                    flag_ratio=parity.flag_ratio,
                    title=f"Active cases per FTE, {plain_html(place)}, latest count up to {as_of:%-d %b %Y}",
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
        if not carried.empty:
            flagged = carried[carried["flagged"]]
            st.subheader(f"Above {parity.flag_ratio:g} x their role's median")
            if flagged.empty:
                st.success("No one carries that much more than their colleagues.")
            else:
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
                    ]
                    .sort_values("times_median", ascending=False)
                    .rename(
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

# --- Staffing ratios ------------------------------------------------------------------------------
with staffing_tab:
    ratios = get_settings().recommended_ratios
    st.caption(
        f"Students enrolled per full-time staff member in {school_year}, against national "
        "recommendations (ASCA for counselors, NASP for psychologists, SSWAA for social workers, "
        "NASN for nurses): "
        + ", ".join(f"{role_name(role).lower()}s {ratio:,} : 1" for role, ratio in ratios.items())
        + "."
    )
    recommended = staffing[staffing["recommended_ratio"].notna()]
    if staffing.empty:
        st.info(f"No students or staff are recorded for {school_year}.", icon=":material/inbox:")
    else:
        gaps_here = recommended_gaps[
            recommended_gaps["building_id"] == chosen
            if chosen
            else recommended_gaps["building_id"].notna()
        ]
        if not gaps_here.empty:
            gaps = gaps_here.assign(role=gaps_here["role"].map(role_name))
            listed = gaps.groupby(["building_id", "name"], as_index=False)["role"].agg(", ".join)
            shown = listed.head(10)
            more = len(listed) - len(shown)
            st.warning(
                "**No one in a recommended role** in "
                + "; ".join(
                    f"{plain(row.name)} ({plain(row.building_id)}): {row.role}"
                    for row in shown.itertuples()
                )
                + (f"; and {more} more buildings (see the table)." if more else "."),
                icon=":material/person_off:",
            )
        if chosen is None:
            buildings_only = recommended[recommended["building_id"] != DISTRICT_ID]
            chart = staffing_summary_chart(
                buildings_only, title=f"Buildings vs recommended ratios, {school_year}"
            )
        else:
            chart = ratio_chart(
                recommended[recommended["building_id"] == chosen],
                title=f"Students per FTE by role, {school_year}",
            )
        chart_column, table_column = st.columns([1, 1], gap="large")
        with chart_column:
            show_chart(chart, key="staffing_chart")
        with table_column:
            enrolled = int(place_staffing["enrollment"].max()) if len(place_staffing) else 0
            st.subheader(f"{'District totals' if chosen is None else plain(place)}, {school_year}")
            st.caption(f"{enrolled:,} students enrolled.")
            show_table(
                place_staffing.assign(role=place_staffing["role"].map(role_name))[
                    ["role", "fte", "students_per_fte", "recommended_ratio"]
                ].rename(
                    columns={
                        "role": "Role",
                        "fte": "FTE",
                        "students_per_fte": "Students per FTE",
                        "recommended_ratio": "Recommended",
                    }
                ),
                column_config={
                    "FTE": st.column_config.NumberColumn(format="%.2f"),
                    "Students per FTE": st.column_config.NumberColumn(format="%.0f"),
                    "Recommended": st.column_config.NumberColumn(format="%d"),
                },
                download="staffing-ratios",
            )
            st.caption("An empty *Students per FTE* means no one holds that role.")
        if chosen is None:
            st.subheader(f"Every building, {school_year}: students per FTE")
            by_building = recommended[recommended["building_id"] != DISTRICT_ID]
            wide = by_building.pivot(index="building_id", columns="role", values="students_per_fte")
            role_columns = list(dict.fromkeys(by_building["role"]))
            details = by_building.drop_duplicates("building_id").set_index("building_id")
            wide = (
                details[["name", "enrollment"]]
                .join(wide[role_columns])
                .reset_index()
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
                    },
                },
                download="staffing-every-building",
            )
            st.caption("Students per full-time staff member; empty where no one holds the role.")

# --- Scheduling and recording ---------------------------------------------------------------------
with schedule_tab:
    st.info(
        "Only the **date, format, status, minutes and supervisor** of a session are stored. "
        "Supervision is confidential: no case content, names of students or notes belong here.",
        icon=":material/lock:",
    )
    notice = st.session_state.pop("staff_support_notice", None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    if buildings.empty:
        st.caption(
            "Scheduling and recording supervision is for the staff of your own buildings; you see "
            "the district's figures."
        )
        st.stop()
    if not (may_schedule or may_mark):  # data_access.permissions; the data functions check too
        st.caption(
            "Scheduling supervision and marking sessions held or cancelled is for district admins "
            "and leaders; you see the figures above."
        )
        st.stop()
    team_options = [*buildings["building_id"], None]
    team = st.selectbox(
        "Support team",
        team_options,
        index=team_options.index(chosen) if chosen is not None else 0,
        format_func=lambda b: "Every building" if b is None else f"{building_names[b]} ({b})",
        key="schedule_team",
        help="Whose sessions to schedule, mark and download: the building chosen above, or the "
        "first one. *Every building* lists all your support staff, for group supervision across "
        "buildings.",
    )
    schedulable = load(
        list_schedulable_staff, school_year=school_year, scope=scope, building_id=team
    )
    supervisors = load(
        list_supervisor_choices, school_year=school_year, scope=scope, building_id=team
    )
    staff_label = {
        row.staff_id: f"{row.name} ({role_name(row.role)})" for row in schedulable.itertuples()
    }
    supervisor_label = {
        row.staff_id: f"{row.name} ({role_name(row.role)})" for row in supervisors.itertuples()
    }

    schedule_column, mark_column = st.columns([1, 1], gap="large")
    with schedule_column:
        st.subheader("Schedule supervision")
        next_day = as_of + timedelta(days=1)
        next_day += timedelta(days=max(0, 7 - next_day.weekday()) if next_day.weekday() >= 5 else 0)
        with st.form("schedule_form", border=True):
            chosen_staff = st.multiselect(
                "Supervisee(s)",
                list(staff_label),
                format_func=staff_label.get,
                key="schedule_staff",
                help="Several people together is group supervision (one row each, one session).",
            )
            staff_slot = st.empty()
            supervisor = st.selectbox(
                "Supervisor",
                list(supervisor_label),
                index=None,
                placeholder="Choose who supervises",
                format_func=supervisor_label.get,
                key="schedule_supervisor",
            )
            supervisor_slot = st.empty()
            session_format = st.radio(
                "Format",
                ["individual", "group"],
                format_func=str.capitalize,
                horizontal=True,
                key="schedule_format",
            )
            format_slot = st.empty()
            repeat = st.radio(
                "How often",
                ["once", "series"],
                format_func={"once": "One session", "series": "A repeating series"}.get,
                horizontal=True,
                key="schedule_repeat",
            )
            start = st.date_input(
                "Date (of the first session)",
                value=next_day,
                key="schedule_start",
                format="YYYY-MM-DD",
            )
            start_slot = st.empty()
            every_column, until_column = st.columns(2)
            every = every_column.number_input(
                "Every (weeks), for a series",
                value=6,
                step=1,
                key="schedule_every",
                help="About once per half-term is every 6 weeks.",
            )
            every_slot = every_column.empty()
            until = until_column.date_input(
                "Until, for a series",
                value=school_year_end(school_year),
                key="schedule_until",
                format="YYYY-MM-DD",
                help="Defaults to the end of the school year, 30 June.",
            )
            until_slot = until_column.empty()
            submitted = st.form_submit_button(
                "Schedule", type="primary", key="schedule_submit", disabled=not may_schedule
            )
        if not may_schedule:
            st.caption("Scheduling supervision is for district leaders and district admins.")
        if submitted:
            try:
                with session_scope() as session:
                    scheduled = schedule_supervision(
                        session,
                        staff_ids=chosen_staff,
                        supervisor_id=supervisor,
                        session_format=session_format,
                        start=start,
                        until=until if repeat == "series" else None,
                        every_weeks=int(every) if repeat == "series" else None,
                        editor=editor,
                    )
            except SupervisionInputError as error:
                slots = {
                    "staff": staff_slot,
                    "supervisor": supervisor_slot,
                    "format": format_slot,
                    "start": start_slot,
                    "every_weeks": every_slot,
                    "until": until_slot,
                }
                for field, message in error.problems.items():
                    slots.get(field, start_slot).error(plain(message), icon=":material/error:")
                st.error("Nothing was scheduled: correct the fields marked above.")
            else:
                st.session_state["staff_support_series"] = scheduled.series_id
                count = len(scheduled.dates)
                st.session_state["staff_support_notice"] = (
                    f"Scheduled {count} session{'s' if count != 1 else ''} from "
                    f"{scheduled.dates[0]:%-d %b %Y} to {scheduled.dates[-1]:%-d %b %Y}. "
                    "Download them for calendars below."
                )
                st.rerun()  # every figure on the page now counts the new sessions

        st.subheader("Download a series for calendars")
        series = load(list_series, school_year=school_year, scope=scope, building_id=team)
        if series.empty:
            st.caption("Series scheduled here can be downloaded as an iCalendar (.ics) file.")
        else:
            ids = list(series["series_id"])
            last = st.session_state.get("staff_support_series")
            described = {
                row.series_id: f"{row.first:%-d %b} to {row.last:%-d %b %Y} · {row.sessions} "
                f"session{'s' if row.sessions != 1 else ''} · {row.supervisees}"
                for row in series.itertuples()
            }
            picked = st.selectbox(
                "Series",
                ids,
                index=ids.index(last) if last in ids else 0,
                format_func=described.get,
                key="ics_series",
            )
            time_column, length_column = st.columns(2)
            starts_at = time_column.time_input("Starts at", value=time(15, 30), key="ics_time")
            minutes = length_column.number_input(
                "Length (minutes)",
                min_value=15,
                max_value=MAX_MINUTES,
                value=60,
                step=15,
                key="ics_minutes",
            )
            events = load(
                get_series_sessions, series_id=picked, scope=scope, school_year=school_year
            )
            st.download_button(
                f"Download {len(events)} session{'s' if len(events) != 1 else ''} (.ics)",
                data=build_series_calendar(events, start_time=starts_at, minutes=int(minutes)),
                file_name=f"supervision-{picked}.ics",
                mime="text/calendar",
                key="ics_download",
                on_click="ignore",
                icon=":material/calendar_month:",
            )
            st.caption("Each event says only *Supervision*, with the date and time.")

    with mark_column:
        st.subheader("Mark a session held or cancelled")
        waiting = load(
            list_sessions_to_mark,
            school_year=school_year,
            scope=scope,
            building_id=team,
            limit=MARK_LIST,
        )
        if waiting.empty:
            st.caption(f"No scheduled sessions in {school_year} wait to be marked for this team.")
        else:
            labels = {
                row.session_id: f"{row.session_date:%a %-d %b %Y} · {row.format.capitalize()} · "
                f"{row.supervisees} · with {row.supervisor or 'no supervisor named'}"
                for row in waiting.itertuples()
            }
            with st.form("mark_form", border=True):
                marked = st.selectbox(
                    "Session", list(labels), format_func=labels.get, key="mark_session"
                )
                mark_slot = st.empty()
                outcome = st.radio(
                    "What happened",
                    ["held", "cancelled"],
                    format_func=str.capitalize,
                    horizontal=True,
                    key="mark_status",
                )
                length = st.number_input(
                    "Minutes (when held)", value=60, step=5, key="mark_minutes"
                )
                minutes_slot = st.empty()
                saved = st.form_submit_button(
                    "Save", type="primary", key="mark_submit", disabled=not may_mark
                )
            if not may_mark:
                st.caption("Marking sessions is for district leaders and district admins.")
            if saved:
                try:
                    with session_scope() as session:
                        changed = mark_supervision(
                            session,
                            session_id=marked,
                            status=outcome,
                            minutes=int(length),
                            editor=editor,
                        )
                except SupervisionInputError as error:
                    slots = {"minutes": minutes_slot, "session": mark_slot, "status": mark_slot}
                    for field, message in error.problems.items():
                        slots.get(field, mark_slot).error(plain(message), icon=":material/error:")
                    st.error("Nothing was saved.")
                else:
                    st.session_state["staff_support_notice"] = (
                        f"Marked {outcome}: {plain(labels[marked])} "
                        f"({changed} supervisee{'s' if changed != 1 else ''})."
                    )
                    st.rerun()
            st.caption(
                f"Waiting to be marked, earliest first ({len(waiting):,}"
                + (
                    ", the first ones only: choose one building to see all"
                    if len(waiting) >= MARK_LIST
                    else ""
                )
                + "):"
            )
            show_table(
                waiting.assign(format=waiting["format"].str.capitalize())[
                    ["session_date", "format", "supervisees", "supervisor"]
                ].rename(
                    columns={
                        "session_date": "Date",
                        "format": "Format",
                        "supervisees": "Supervisees",
                        "supervisor": "Supervisor",
                    }
                ),
                max_rows=10,
                column_config={
                    "Date": st.column_config.DateColumn(format="YYYY-MM-DD", width="small"),
                    "Format": st.column_config.TextColumn(width="small"),
                },
            )
