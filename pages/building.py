"""One building's whole picture: fidelity, staff support, equity flags and follow-up actions.

Shareable as `?building=ID`. Offers only the buildings the person may see; a link to any other
building shows nothing of it."""

from datetime import date

import pandas as pd
import streamlit as st

from components.cache import load
from components.display import print_friendly, show_chart, show_table
from components.equity_charts import FLAG_NAMES, INDICATOR_SHORT_NAMES, label_equity_rows
from components.fidelity_charts import trend_chart
from components.page import building_from_link, current_scope, page_setup
from components.text import plain, plain_html
from data_access.actions import STATUS_LABELS, ActionFilters, list_actions
from data_access.equity import current_minimums, get_equity
from data_access.fidelity import get_fidelity_buildings, get_scale_scores, list_scored_instruments
from data_access.imports_common import school_year_of
from data_access.scope import building_scope
from data_access.staff_support.queries import (
    default_as_of,
    get_staffing,
    get_supervision_coverage,
    staff_working_in,
)

ROLE_NAMES = {
    "counselor": "Counselor",
    "psychologist": "Psychologist",
    "social_worker": "Social worker",
    "nurse": "Nurse",
}

status = page_setup("Building")
print_friendly()
scope = current_scope()
buildings = load(get_fidelity_buildings, scope=scope)
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
only_here = building_scope({building_id})
as_of = default_as_of(status) if status.as_of else date.today()
school_year = school_year_of(as_of)
st.header(plain(name), anchor=False)  # no link made of a name
st.caption(f"As of {as_of:%-d %B %Y}, school year {school_year}. Print with your browser (Ctrl+P).")

# --- Follow-up actions --------------------------------------------------------------------------
actions = load(
    list_actions,
    scope=only_here,
    as_of=as_of,
    filters=ActionFilters(building_ids=(building_id,), statuses=("open", "in_progress")),
)
first, second, third, fourth = st.columns(4)
first.metric("Open follow-up actions", f"{len(actions):,}")
second.metric(f"Overdue on {as_of:%-d %b}", f"{int(actions['overdue'].sum()):,}")

# --- Equity -------------------------------------------------------------------------------------
equity = load(get_equity, school_year=school_year, scope=only_here)
flags = equity[(equity["building_id"] == building_id) & equity["flag"].notna()]
third.metric(f"Equity flags, {school_year}", f"{len(flags):,}")

# --- Staff support ------------------------------------------------------------------------------
coverage = load(get_supervision_coverage, as_of=as_of, scope=only_here)
here = coverage.by_building[coverage.by_building["building_id"] == building_id]
covered = (
    f"{int(here['covered'].iloc[0])} of {int(here['staff'].iloc[0])}" if not here.empty else "none"
)
fourth.metric("Support staff supervised (42 days)", covered)

fidelity_column, staff_column = st.columns(2, gap="large")
with fidelity_column:
    st.subheader("Implementation fidelity")
    instruments = load(list_scored_instruments, scope=only_here)
    if not instruments:
        st.caption("No fidelity scores for this building yet.")
    for instrument in instruments:
        scores = load(get_scale_scores, scope=only_here, instrument=instrument)
        latest = scores.sort_values("administered_on").groupby("scale", sort=False).tail(1)
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
    st.subheader("Staff support")
    staff = staff_working_in(coverage.staff, building_id)
    gaps = staff[~staff["covered"]]
    if staff.empty:
        st.caption("No support staff assigned this school year.")
    elif gaps.empty:
        st.success("Every support staff member here had supervision in the last 42 days.")
    else:
        st.markdown(f"**Past the supervision window ({len(gaps)}):**")
        show_table(
            gaps[["name", "role", "last_held_on", "days_since_last_held"]].rename(
                columns={
                    "name": "Name",
                    "role": "Role",
                    "last_held_on": "Last held",
                    "days_since_last_held": "Days since",
                }
            ),
            download="building-supervision-gaps",
        )
    staffing = load(get_staffing, school_year=school_year, scope=only_here)
    ratios = staffing[(staffing["building_id"] == building_id) & staffing["role"].isin(ROLE_NAMES)]
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
    st.page_link(
        "pages/staff_support.py",
        label="Open staff support for this building",
        icon=":material/diversity_3:",
        query_params={"building": building_id},
    )

st.subheader(f"Equity flags, {school_year}")
if flags.empty:
    st.caption(
        "No flags: every ratio that could be calculated is within the thresholds (small groups are "
        "not calculated)."
    )
else:
    described = label_equity_rows(flags, current_minimums())
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
st.page_link(
    "pages/equity.py",
    label="Open equity for this building",
    icon=":material/balance:",
    query_params={"building": building_id},
)

st.subheader("Open follow-up actions")
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
