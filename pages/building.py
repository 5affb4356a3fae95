"""One building's whole picture: fidelity, staff support, student outcomes, equity flags and
follow-up actions.

Shareable as `?building=ID`, at one area with `&area=fidelity|outcomes|staff|equity|actions`. Offers only
the buildings the person may see; a link to any other building shows nothing of it."""

import pandas as pd
import streamlit as st

from components.building_outcomes import show_building_outcomes
from components.cache import load
from components.display import WRAPPED_ROW_HEIGHT, print_friendly, show_chart, show_table
from components.drill_views import open_at_area
from components.equity_charts import FLAG_NAMES, INDICATOR_SHORT_NAMES, label_equity_rows
from components.equity_concern import context_note
from components.fidelity_charts import trend_chart
from components.follow_up_labels import STATUS_LABELS
from components.page import building_from_link, current_scope, page_setup
from components.staff_support_charts import role_name
from components.staff_support_need import need_figure
from components.staff_support_wellbeing import show_building_pulse
from components.text import plain, plain_html
from components.words import with_dashes
from data_access.building_view import (
    STAFFING_ROLES,
    building_as_of,
    get_building_choices,
    get_building_view,
)
from data_access.labels import STAFF_ROLES

ROLE_NAMES = {role: STAFF_ROLES[role] for role in STAFFING_ROLES}

status = page_setup("Building")
print_friendly()
scope = current_scope()
buildings = load(get_building_choices, scope=scope)
if buildings.empty:
    st.info(
        "Your access covers no single building: building pages are for district leaders and each "
        "building's principal and coaches.",
        icon=":material/visibility_off:",
    )
    st.stop()
names = dict(zip(buildings["building_id"], buildings["name"], strict=True))
asked = st.query_params.get("building")
if asked and asked not in names:
    # Another building's link, or a typo: say nothing about whether it exists.
    st.warning(
        f"Building '{plain(asked)}' is not among the buildings you can see.", icon=":material/lock:"
    )
building_from_link("building_page_pick", list(names))
building_id = st.selectbox(
    "Building", list(names), format_func=lambda b: f"{names[b]} ({b})", key="building_page_pick"
)
st.query_params["building"] = building_id  # the address bar now shares this building's page
name = names[building_id]
view = load(get_building_view, scope=scope, building_id=building_id, as_of=building_as_of(status))
as_of, school_year = view.as_of, view.school_year
st.header(plain(name), anchor=False)  # no link made of a name
st.caption(f"As of {as_of:%-d %B %Y}, school year {school_year}. Print with your browser (Ctrl+P).")

actions, flags = view.actions, view.equity_flags
first, second, third, fourth = st.columns(4)
first.metric("Open follow-up actions", f"{len(actions):,}")
second.metric(f"Overdue on {as_of:%-d %b}", f"{int(actions['overdue'].sum()):,}")
third.metric(f"Equity concerns, {school_year}", f"{len(flags):,}")
covered = (
    f"{view.staff_supervised} of {view.staff_counted}" if view.staff_counted is not None else "none"
)
fourth.metric("Support staff supervised (42 days)", covered)

fidelity_column, staff_column = st.columns(2, gap="large")
with fidelity_column:
    st.subheader("Implementation fidelity", anchor="fidelity")
    if not view.fidelity:
        st.caption("No fidelity scores for this building yet.")
    for fidelity in view.fidelity:
        instrument, scores, latest = fidelity.instrument, fidelity.scores, fidelity.latest
        show_table(
            pd.DataFrame(
                {
                    "Scale": latest["scale"],
                    "Latest": [
                        f"{p:.1f}%" if pd.notna(p) else "incomplete" for p in latest["percent"]
                    ],
                    "Criterion": [f"{c:g}%" for c in latest["criterion_pct"]],
                    "Taken": [f"{d:%-d %b %Y}" for d in latest["administered_on"]],
                }
            ).sort_values("Scale"),
            download=f"building-fidelity-{instrument}",
        )
        criteria = dict(zip(latest["scale"], latest["criterion_pct"], strict=True))
        show_chart(
            trend_chart(
                scores,
                x="administered_on",
                y="percent",
                color="scale",
                criteria=dict(sorted(criteria.items())),
                title=f"{plain_html(instrument)} percent by administration",
            ),
            key=f"building_trend_{instrument}",
        )
    st.page_link(
        "pages/fidelity.py",
        label="Open fidelity for this building",
        icon=":material/fact_check:",
        query_params={"building": building_id},
    )

with staff_column:
    st.subheader("Staff support", anchor="staff")
    staff = view.staff
    gaps = staff[~staff["covered"]]
    if staff.empty:
        st.caption("No support staff assigned this school year.")
    elif gaps.empty:
        st.success("Every support staff member here had supervision in the last 42 days.")
    else:
        st.markdown(f"**Past the supervision window ({len(gaps)}):**")
        show_table(
            with_dashes(
                gaps.assign(
                    role=gaps["role"].map(role_name),
                    last_held_on=[
                        None if pd.isna(day) else f"{day:%-d %b %Y}" for day in gaps["last_held_on"]
                    ],
                )
            )[["name", "role", "last_held_on", "days_since_last_held"]].rename(
                columns={
                    "name": "Name",
                    "role": "Role",
                    "last_held_on": "Last held",
                    "days_since_last_held": "Days since",
                }
            ),
            row_height=WRAPPED_ROW_HEIGHT,  # half a 1280 px screen: names and roles wrap
            download="building-supervision-gaps",
        )
    ratios = view.staffing
    show_table(
        pd.DataFrame(
            {
                "Role": ratios["role"].map(ROLE_NAMES),
                "FTE": ratios["fte"].round(2),
                "Students per FTE": [
                    "no one in the role" if pd.isna(r) else f"{r:,.0f}"
                    for r in ratios["students_per_fte"]
                ],
                "Recommended": [f"{r:,.0f}" for r in ratios["recommended_ratio"]],
            }
        ),
        download="building-staffing",
    )
    if view.need is not None:
        need_words = need_figure(
            view.need, ranked=view.ranked_buildings, district_per_fte=view.district_need_per_fte
        )
        st.markdown(f"**Students needing support, {school_year}:** {plain(need_words)}.")
    show_building_pulse(view.pulse, school_year=school_year)
    st.page_link(
        "pages/staff_support.py",
        label="Open staff support for this building",
        icon=":material/diversity_3:",
        query_params={"building": building_id},
    )

show_building_outcomes(view.outcomes, building_id)

st.subheader(f"Equity concerns, {school_year}", anchor="equity")
if flags.empty:
    st.caption(
        "No concerns: no ratio that could be calculated is flagged the way its indicator worries "
        "about (small groups are not calculated)."
    )
else:
    described = label_equity_rows(flags, view.minimums)
    show_table(
        pd.DataFrame(
            {
                "Indicator": described["indicator"].map(INDICATOR_SHORT_NAMES),
                "Group": described["group_label"],
                "Flag": described["flag"].map(FLAG_NAMES),
                "Risk ratio": [f"{r:.2f}" for r in described["ratio"].astype(float)],
                "Group's risk": described["group_short"],
                "Everyone else's risk": described["comparison_short"],
            }
        ),
        download="building-equity-flags",
    )
if len(view.equity_context):
    st.caption(context_note(len(view.equity_context)))
st.page_link(
    "pages/equity.py",
    label="Open equity for this building",
    icon=":material/balance:",
    query_params={"building": building_id},
)

st.subheader("Open follow-up actions", anchor="actions")
if actions.empty:
    st.caption("No open follow-up actions.")
else:
    show_table(
        pd.DataFrame(
            {
                "ID": actions["action_id"],
                "Action": actions["title"],
                "Due": [f"{d:%-d %b %Y}" for d in actions["due_date"]],
                "Overdue": actions["overdue"].map({True: "Overdue", False: ""}),
                "Status": actions["status"].map(STATUS_LABELS),
            }
        ),
        download="building-open-actions",
    )
st.page_link("pages/follow_up.py", label="Open follow-up actions", icon=":material/task_alt:")
open_at_area(building_id)  # last: every area's heading is on the page
