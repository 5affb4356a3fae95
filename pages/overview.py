"""Overview: the leadership meeting screen. Headline figures and what changed since the last meeting,
where each building stands in every area, the agenda the data sets, a presentation mode for the
projector, the meeting brief, and the district at a glance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.brief import brief_downloads, coverage_rows, fidelity_rows, flag_rows
from components.cache import load
from components.charts import LEVEL_COLORS, LEVEL_NAMES, horizontal_bar_chart
from components.display import show_chart, show_dataframe, show_static_table, show_table
from components.equity_charts import INDICATOR_SHORT_NAMES
from components.follow_up import FOLLOW_UP_PAGE, create_action_link
from components.meeting_charts import (
    AREA_HEADINGS,
    fidelity_chart,
    flags_chart,
    matrix_table,
    students_in,
    style_matrix,
)
from components.meeting_form import meeting_form
from components.page import current_scope, current_user, page_setup
from components.staff_support_charts import coverage_chart, legend_below
from components.text import plain
from data_access.equity_metrics import DISTRICT_ID
from data_access.meeting import (
    FIDELITY_INSTRUMENT,
    FIDELITY_SCALE,
    get_meeting,
)
from data_access.overview import (
    get_building_overview,
    get_data_freshness,
    get_district_summary,
    get_staff_count,
)
from data_access.scope import DISTRICT
from data_access.staff_support.queries import default_as_of

MAX_BARS = 40  # more buildings than this and the enrollment chart shows school levels instead
TABLE_ROWS = 25  # up to this many buildings the matrix is a plain table (large type on a projector)
CHART_BUILDINGS = 15  # the key charts show the buildings needing most attention, up to this many
AGENDA_ITEMS = 6  # per agenda section; the rest are counted, with a link to the area page
TEAM_PAGE = "pages/team.py"
# Headline values wrap rather than end in "…": "145 of 200" must be read whole, even in five columns.
WRAP_METRICS_CSS = """
<style>
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
</style>
"""
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"] {display: none !important;}
[data-testid="stMainBlockContainer"] {max-width: 100% !important; padding: 1.5rem 2.5rem !important;}
[data-testid="stMain"] p, [data-testid="stMain"] li {font-size: 1.45rem !important; line-height: 1.45;}
[data-testid="stMain"] h1 {font-size: 3rem !important;}
[data-testid="stMain"] h2 {font-size: 2.4rem !important;}
[data-testid="stMain"] h3, [data-testid="stMain"] h4 {font-size: 2rem !important;}
[data-testid="stMain"] [data-testid="stMetricLabel"] p {font-size: 1.5rem !important;}
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] * {font-size: 3.6rem !important; line-height: 1.2;}
[data-testid="stMain"] [data-testid="stMetricDelta"],
[data-testid="stMain"] [data-testid="stMetricDelta"] * {font-size: 1.3rem !important;}
[data-testid="stTable"] td, [data-testid="stTable"] th {
  font-size: 1.3rem !important; padding: 0.5rem 0.7rem !important;
}
</style>
"""

status = page_setup(
    "District overview",
    caption="The leadership team's meeting screen: where each building stands on fidelity, staff "
    "support and equity, what changed since the last meeting, and what to decide.",
)
summary = load(get_district_summary)

if not summary.school_years:
    st.warning(
        "The store holds no students yet, so there is nothing to show. Load your district's files "
        "(see the README's *Loading your own data*), or try the demo: `python -m data_access demo`.",
        icon=":material/inbox:",
    )
    st.stop()

scope = current_scope()
user = current_user()
as_of = default_as_of(status)
may_record = user is not None and user.role in ("district_admin", "district_leader")

# --- Presentation mode: large type, no sidebar; shareable as ?present=1 --------------------------
if "meeting_present" not in st.session_state:
    st.session_state["meeting_present"] = st.query_params.get("present") == "1"
toggle_column, when_column = st.columns([1, 3], vertical_alignment="center")
present = toggle_column.toggle(
    "Presentation mode",
    key="meeting_present",
    help="Large type and no sidebar, for the projector. The address (?present=1) opens it directly.",
)
if present:
    st.query_params["present"] = "1"
    st.html(PRESENTATION_CSS)
elif st.query_params.get("present"):
    del st.query_params["present"]

# Headlines, matrix and agenda in one cached call: they share their scores, coverage and equity rows.
meeting = load(get_meeting, as_of=as_of, scope=scope)
headlines, picture, district_equity = meeting.headlines, meeting.picture, meeting.district_equity
comparison = headlines.comparison
when_column.markdown(
    f"**As of {as_of:%-d %B %Y}** · changes {comparison.since}"
    + (
        f" · this meeting is recorded (meeting {comparison.this_meeting.meeting_id}): actions "
        "created from here link to it"
        if comparison.this_meeting
        else ""
    )
)

# --- Headline figures ---------------------------------------------------------------------------
st.html(WRAP_METRICS_CSS)
VERDICT_COLORS = {"better": "blue", "worse": "orange"}
for column, item in zip(st.columns(len(headlines.items)), headlines.items, strict=True):
    verdict = item.verdict
    change = item.change_shown
    if change and item.since != comparison.since:  # equity: "+1 vs 2024-25", short enough to show
        change = f"{change.split()[0]} vs {item.since_short.removeprefix('since ')}"
    # The line above says since when; a second line of small print would be cut short.
    column.metric(
        item.label,
        item.shown,
        delta=0 if verdict == "same" else change,
        delta_color=VERDICT_COLORS.get(verdict or "", "off"),
        help=f"{item.detail} Blue: better {item.since}; orange: worse.",
        border=True,
    )

if picture.team_members == 0:
    st.warning(
        "**No leadership team members are recorded.** Add them on the Leadership team page: "
        "seed 002 asks for administrators, educators, families and learners, community members, "
        "pupil service providers and the school board at the table.",
        icon=":material/group_off:",
    )
elif picture.team_missing:
    missing = ", ".join(picture.team_missing).lower()
    st.warning(
        f"**The leadership team has no member from {missing}.** Seed 002 asks for "
        "administrators, educators, families and learners, community members, pupil service "
        "providers and the school board at the table.",
        icon=":material/group_off:",
    )

# --- Where each building stands --------------------------------------------------------------------
st.subheader("Where each building stands")
matrix = picture.matrix
if matrix.empty:
    st.info(
        "Building-by-building figures are for district leaders and each building's principal and "
        "coaches; your view shows the district as a whole.",
        icon=":material/visibility_off:",
    )
else:
    st.caption(
        "Each cell: its status in words, then the number. **Vermillion: act on it**; light orange: "
        "watch; light blue: fine; grey: nothing to show. Buildings with most to act on first. "
        f"Fidelity: latest {FIDELITY_INSTRUMENT} {FIDELITY_SCALE}, *slipped* when below criterion "
        f"and lower than the administration before. Supervision: support staff with a held session "
        f"in the {picture.window_days} days to {as_of:%-d %b}; *lapsed* when nobody has. Staffing: "
        "counselor, psychologist, social worker and nurse against national ratios. Equity: flags "
        f"in {picture.equity_year}, *new or worse* than last school year. Actions: open follow-up "
        "actions, *overdue* past their due date."
    )
    table = matrix_table(matrix)
    styled = style_matrix(table, matrix).hide(axis="index")
    if len(matrix) <= TABLE_ROWS:
        show_static_table(styled)
    else:
        show_dataframe(styled, hide_index=True, width="stretch", height=35 * TABLE_ROWS + 3)
    names = dict(zip(matrix["building_id"], matrix["building"], strict=True))
    pick_column, link_column = st.columns([2, 1], vertical_alignment="bottom")
    chosen = pick_column.selectbox(
        "Open a building's page",
        list(matrix["building_id"]),
        format_func=lambda b: f"{names[b]} ({b})",
        key="meeting_building",
        help="Buildings in the order above: the one with most to act on first.",
    )
    with link_column:
        st.page_link(
            "pages/building.py",
            label=f"Open {plain(names[chosen])}",
            icon=":material/domain:",
            query_params={"building": chosen},
        )

# --- The agenda --------------------------------------------------------------------------------
meeting_id = comparison.this_meeting.meeting_id if comparison.this_meeting else None
may_open_actions = user is not None and user.role != "viewer"
st.subheader("Agenda")
st.caption(
    "Drawn from the data: what the last meeting left open, then what changed or slipped. Each "
    "item can become a follow-up action"
    + (" linked to this meeting." if meeting_id else " (record this meeting first to link them).")
)


def item(text: str):
    """One agenda line: the text, and beside it the column for its link (`with item(...):`)."""
    text_column, link_column = st.columns([4, 1], vertical_alignment="center")
    text_column.markdown(text)
    return link_column


def open_action_link(action_id: int) -> None:
    if may_open_actions:
        st.page_link(
            FOLLOW_UP_PAGE,
            label="Open the action",
            icon=":material/task_alt:",
            query_params={"action": str(action_id)},
        )


def section(number: int, title: str) -> None:
    st.markdown(f"##### {number}. {title}")


previous = comparison.previous_meeting
section(
    1,
    f"Left open from the meeting of {previous.held_on:%-d %B %Y}"
    if previous
    else "Left open from the last meeting",
)
if previous is None:
    st.caption("No earlier meeting is recorded.")
elif picture.left_open.empty:
    st.caption(
        "Nothing: every action that meeting decided is done or dropped (or it decided none)."
    )
for row in picture.left_open.head(AGENDA_ITEMS).itertuples():
    due = "overdue since" if row.overdue else "due"
    with item(
        f"**{plain(row.title)}** · {plain(row.building_name)} · {due} {row.due_date:%-d %b %Y}"
    ):
        open_action_link(row.action_id)

section(2, f"New or worse equity flags, {picture.equity_year} against last year")
flags = picture.flags
if flags.empty:
    st.caption("None: no flag is new this school year and none moved further from 1.")
for row in flags.head(AGENDA_ITEMS).itertuples():
    group = students_in(row.group_type, row.group)
    what = INDICATOR_SHORT_NAMES.get(row.indicator, row.indicator)
    place = "the whole district" if row.building_id == DISTRICT_ID else row.building_name
    was = "new this year" if row.new else f"{float(row.previous_ratio):.2f} last year"
    run = f", flagged {row.years_flagged} years in a row" if row.years_flagged >= 2 else ""
    with item(
        f"**{plain(place)}** · {what}: {group} {float(row.ratio):.2f} times as likely as everyone "
        f"else ({was}{run})"
    ):
        create_action_link(
            source_type="equity_cell",
            source_ref=f"{row.indicator} {row.group} {picture.equity_year}",
            building_id=None if row.building_id == DISTRICT_ID else row.building_id,
            title=(
                f"{'Reduce' if row.flag == 'over' else 'Widen access to'} {what.lower()} for "
                f"{group} at {place}"
            )[:200],
            problem_statement=(
                f"In {picture.equity_year}, {group} at {place} were {float(row.ratio):.2f} times "
                f"as likely as everyone else to have: {what.lower()} ({was}{run})."
            ),
            meeting_id=meeting_id,
        )
if len(flags) > AGENDA_ITEMS:
    st.caption(f"…and {len(flags) - AGENDA_ITEMS:,} more new or worse flags on the Equity page.")
    st.page_link("pages/equity.py", label="Open equity", icon=":material/balance:")

section(3, f"Supervision gaps ({picture.window_days} days to {as_of:%-d %b})")
covered, staff = picture.district_coverage
if scope.is_district or matrix.empty:
    st.caption(
        f"Across the district {staff - covered:,} of {staff:,} support staff have had no held "
        f"supervision session in the last {picture.window_days} days."
    )
gaps = picture.supervision_gaps
if gaps.empty and not matrix.empty:
    st.caption("Every support staff member in your buildings had supervision in the window.")
for row in gaps.head(AGENDA_ITEMS).itertuples():
    lapsed = " — **nobody** on the team" if row.covered == 0 else ""
    with item(
        f"**{plain(row.building)}** · {row.staff - row.covered:,} of {row.staff:,} support staff past "
        f"the window{lapsed}"
    ):
        create_action_link(
            source_type="staff_support_gap",
            source_ref=f"supervision {row.building_id}",
            building_id=row.building_id,
            title=f"Restore supervision for the {row.building} support team"[:200],
            problem_statement=(
                f"On {as_of:%-d %B %Y}, {row.staff - row.covered} of {row.staff} support staff at "
                f"{row.building} had had no held supervision session in {picture.window_days} days."
            ),
            meeting_id=meeting_id,
        )
if len(gaps) > AGENDA_ITEMS:
    st.caption(f"…and {len(gaps) - AGENDA_ITEMS:,} more buildings with gaps.")
    st.page_link(
        "pages/staff_support.py", label="Open staff support", icon=":material/diversity_3:"
    )

section(4, "Fidelity: below criterion and slipping")
if picture.slipped.empty:
    st.caption(
        f"No building in your view is below the {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} criterion "
        "and lower than at its administration before."
    )
for row in picture.slipped.head(AGENDA_ITEMS).itertuples():
    with item(
        f"**{plain(row.building)}** · {FIDELITY_SCALE} {float(row.percent):.0f}% on "
        f"{row.administered_on:%-d %b %Y}, down from {float(row.previous_percent):.0f}% on "
        f"{row.previous_on:%-d %b %Y} (criterion {row.criterion_pct:g}%)"
    ):
        create_action_link(
            source_type="fidelity_item",
            source_ref=f"{FIDELITY_INSTRUMENT} {FIDELITY_SCALE}",
            building_id=row.building_id,
            title=f"Raise {FIDELITY_SCALE} fidelity at {row.building}"[:200],
            problem_statement=(
                f"{row.building}'s {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} score fell from "
                f"{float(row.previous_percent):.0f}% ({row.previous_on:%-d %b %Y}) to "
                f"{float(row.percent):.0f}% ({row.administered_on:%-d %b %Y}), below the "
                f"{row.criterion_pct:g}% criterion."
            ),
            meeting_id=meeting_id,
        )
if len(picture.slipped) > AGENDA_ITEMS:
    st.caption(f"…and {len(picture.slipped) - AGENDA_ITEMS:,} more slipping buildings.")
    st.page_link("pages/fidelity.py", label="Open fidelity", icon=":material/fact_check:")

section(5, f"Staffing: recommended roles nobody holds, {picture.school_year}")
if picture.missing_roles.empty:
    st.caption(
        f"{picture.missing_role_buildings:,} building(s) in the district have nobody in a "
        "recommended role."
        if picture.missing_role_buildings
        else "Every building has someone in each recommended role."
    )
for row in picture.missing_roles.head(AGENDA_ITEMS).itertuples():
    first_role = row.roles.split(", ")[0].replace(" ", "_")
    with item(f"**{plain(row.building)}** · no {row.roles}"):
        create_action_link(
            source_type="staff_support_gap",
            source_ref=f"{first_role} {row.building_id}",
            building_id=row.building_id,
            title=f"Fill the {row.roles} post at {row.building}"[:200],
            problem_statement=(
                f"{row.building} has nobody in the role of {row.roles} in {picture.school_year}."
            ),
            meeting_id=meeting_id,
        )
if len(picture.missing_roles) > AGENDA_ITEMS:
    st.caption(f"…and {len(picture.missing_roles) - AGENDA_ITEMS:,} more buildings.")

section(6, "Overdue follow-up actions")
if picture.overdue.empty:
    st.caption("Nothing is overdue.")
for row in picture.overdue.head(AGENDA_ITEMS).itertuples():
    days = (as_of - row.due_date).days
    with item(
        f"**{plain(row.title)}** · {plain(row.building_name)} · due {row.due_date:%-d %b %Y}, "
        f"overdue by {days} day{'s' if days != 1 else ''}"
    ):
        open_action_link(row.action_id)
if len(picture.overdue) > AGENDA_ITEMS:
    st.caption(f"…and {len(picture.overdue) - AGENDA_ITEMS:,} more overdue actions.")
    if may_open_actions:
        st.page_link(FOLLOW_UP_PAGE, label="Open follow-up actions", icon=":material/task_alt:")

section(7, "The team itself")
last = picture.last_meeting
if picture.team_missing:
    missing_words = ", ".join(picture.team_missing).lower()
    with item(f"No member from: **{missing_words}**."):
        create_action_link(
            source_type="meeting",
            source_ref="leadership team membership",
            building_id=None,
            title=f"Recruit {missing_words} to the district leadership team"[:200],
            problem_statement=f"The district leadership team has no member from: {missing_words}.",
            meeting_id=meeting_id,
        )
if last is not None:
    low = ", below the healthy 75%" if last["low_attendance"] else ""
    since_last = (as_of - last["held_on"]).days
    late = f"; {since_last} days ago (the team meets monthly)" if since_last > 35 else ""
    st.markdown(
        f"Last meeting {last['held_on']:%-d %b %Y}: {last['attended']} of {last['members']} "
        f"members attended ({last['attendance_share']:.0%}{low}){late}."
    )
st.page_link(TEAM_PAGE, label="Open the Leadership team page", icon=":material/groups:")

# --- Key charts --------------------------------------------------------------------------------
if not matrix.empty:
    st.subheader("Key charts")
    fidelity_tab, supervision_tab, equity_tab = st.tabs(
        [AREA_HEADINGS["fidelity"], AREA_HEADINGS["supervision"], AREA_HEADINGS["equity"]]
    )
    order = list(matrix["building_id"])[:CHART_BUILDINGS]
    few = (
        "" if len(matrix) <= CHART_BUILDINGS else f" (the {CHART_BUILDINGS} needing most attention)"
    )
    with fidelity_tab:
        rows = fidelity_rows(picture, order)
        chart_column, table_column = st.columns([3, 2], gap="large")
        if rows.empty:
            st.caption(f"No {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} scores yet.")
        else:
            with chart_column:
                show_chart(
                    fidelity_chart(
                        rows,
                        y="building",
                        percent="percent",
                        word="word",
                        text="text",
                        criterion=float(rows["criterion_pct"].max()),
                        title=f"{FIDELITY_INSTRUMENT} {FIDELITY_SCALE}, latest by building{few}",
                    ),
                    key="meeting_fidelity_chart",
                )
            with table_column:
                ordered = rows.sort_values(["percent", "building"])
                show_table(
                    pd.DataFrame(
                        {
                            "Building": ordered["building"],
                            "Latest": [f"{p:.0f}%" for p in ordered["percent"].astype(float)],
                            "Status": ordered["word"],
                        }
                    )
                )
    with supervision_tab:
        rows = coverage_rows(picture, order)
        chart_column, table_column = st.columns([3, 2], gap="large")
        if rows.empty:
            st.caption("No support staff assigned this school year.")
        else:
            with chart_column:
                show_chart(
                    coverage_chart(
                        rows,
                        y="building",
                        title=f"Support staff supervised in the {picture.window_days} days to "
                        f"{as_of:%-d %b %Y}{few}",
                    ),
                    key="meeting_supervision_chart",
                )
            with table_column:
                ordered = rows.sort_values(["share", "building"])
                show_table(
                    pd.DataFrame(
                        {
                            "Building": ordered["building"],
                            "Support staff": ordered["staff"],
                            "Supervised": ordered["covered"],
                            "Share": [f"{s:.0%}" for s in ordered["share"]],
                        }
                    )
                )
    with equity_tab:
        rows = flag_rows(picture, order)
        chart_column, table_column = st.columns([3, 2], gap="large")
        if rows.empty:
            st.caption(f"No building in your view has an equity flag in {picture.equity_year}.")
        else:
            with chart_column:
                show_chart(
                    flags_chart(
                        rows,
                        y="building",
                        new_or_worse="new_or_worse",
                        continuing="continuing",
                        title=f"Equity flags by building, {picture.equity_year}{few}",
                    ),
                    key="meeting_equity_chart",
                )
            with table_column:
                ordered = rows.assign(total=rows["new_or_worse"] + rows["continuing"])
                ordered = ordered.sort_values(["total", "building"], ascending=[False, True])
                show_table(
                    pd.DataFrame(
                        {
                            "Building": ordered["building"],
                            "Flags": ordered["total"],
                            "New or worse than last year": ordered["new_or_worse"],
                        }
                    )
                )

# --- Record this meeting, and the brief ------------------------------------------------------------
if may_record and not present:
    with st.expander(
        f"Record this meeting ({as_of:%-d %B %Y})"
        if not comparison.this_meeting
        else f"Update the record of this meeting ({as_of:%-d %B %Y})",
        icon=":material/edit_note:",
    ):
        meeting_form(prefix="meeting_record", default_day=as_of, editor=user)

st.subheader("Meeting brief")
brief_downloads(
    headlines=headlines, picture=picture, scope=scope, as_of=as_of, equity=district_equity
)

# --- The district at a glance ----------------------------------------------------------------------
if present:
    st.stop()
st.divider()
st.subheader("The district at a glance")
school_year = st.selectbox(
    "School year",
    summary.school_years,
    index=0,
    key="overview_school_year",
    help="Enrollment and staffing are counted for this school year.",
)
# District roll-ups for everyone; building rows only for the buildings in scope.
district = load(get_building_overview, school_year=school_year, scope=DISTRICT)
buildings = load(get_building_overview, school_year=school_year, scope=scope)
enrolled = int(district["enrollment"].sum())

first, second, third, fourth = st.columns(4)
first.metric("Buildings", f"{len(district):,}")
second.metric(f"Students enrolled, {school_year}", f"{enrolled:,}")
third.metric(
    f"Support staff, {school_year}",
    f"{district['support_staff_fte'].sum():,.1f} FTE",
    help="Counselors, psychologists, social workers, nurses, intervention and behavior specialists "
    "and safeguarding leads, in full-time equivalents.",
)
fourth.metric(
    f"Staff assigned, {school_year}",
    f"{load(get_staff_count, school_year=school_year):,}",
    help="Everyone with a staff assignment to a building this school year, support staff included.",
)

if not buildings.empty:
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        if len(buildings) <= MAX_BARS:
            chart_data, label, title = (
                buildings,
                "name",
                f"Students enrolled by building, {school_year}",
            )
        else:  # one bar per building stops being readable; show the levels instead
            chart_data = buildings.groupby("level", as_index=False)["enrollment"].sum()
            chart_data["label"] = chart_data["level"].map(LEVEL_NAMES)
            label, title = "label", f"Students enrolled by school level, {school_year}"
        show_chart(
            legend_below(
                horizontal_bar_chart(
                    chart_data,
                    x="enrollment",
                    y=label,
                    color="level",
                    title=title,
                    x_title="Students enrolled",
                    color_map=LEVEL_COLORS,
                    color_names=LEVEL_NAMES,
                ),
                entries=chart_data["level"].nunique(),
            )
        )
    with table_column:
        table = buildings.assign(level=buildings["level"].map(LEVEL_NAMES)).rename(
            columns={
                "name": "Building",
                "level": "Level",
                "enrollment": "Students",
                "support_staff_fte": "Support staff (FTE)",
                "building_id": "ID",
            }
        )
        show_table(
            table[["ID", "Building", "Level", "Students", "Support staff (FTE)"]],
            column_config={
                "ID": st.column_config.TextColumn(width="small"),
                "Students": st.column_config.NumberColumn(format="localized"),
                "Support staff (FTE)": st.column_config.NumberColumn(format="%.1f"),
            },
        )

freshness_column, _ = st.columns([1, 1], gap="large")
with freshness_column:
    st.markdown("**How current is the data?**")
    st.caption("The latest school year or date each source covers, and how many records it holds.")
    freshness = load(get_data_freshness, as_of=status.as_of)
    show_table(
        freshness.rename(columns={"source": "Source", "latest": "Latest", "rows": "Records"}),
        column_config={"Records": st.column_config.NumberColumn(format="localized")},
    )
