"""Equity: do all groups of students get the same system? Risk ratios by building, indicator and
student group, with the federal significant-disproportionality rules and privacy built in."""

import pandas as pd
import streamlit as st

from components.cache import derive, derive_figure, load
from components.display import show_chart, show_table
from components.equity_charts import (
    FLAG_NAMES,
    INDICATOR_SHORT_NAMES,
    RATIO_TYPE_NAMES,
)
from components.equity_view import (
    building_bars,
    building_flags,
    flags_with_years,
    group_trend,
    heatmap,
    indicator_rows,
    trend_chart,
)
from components.follow_up import create_action_link
from components.page import current_scope, page_setup
from components.text import plain
from data_access.equity.metrics import (
    DISTRICT_ID,
    GROUP_LABELS,
    GROUPS,
    INDICATORS,
)
from data_access.equity.queries import current_minimums, list_equity_school_years

MAX_HEATMAP_ROWS = 30  # more buildings than this and the heatmap starts with flagged buildings only

status = page_setup(
    "Equity indicators",
    caption="Does every group of students get the same system? Each group's risk of an outcome, "
    "compared with everyone else's in the same building.",
)
scope = current_scope()
minimums = current_minimums()
threshold = minimums.threshold
years = load(list_equity_school_years)

if not years:
    st.warning(
        "The store holds no students yet, so there is nothing to compare. Load your district's files "
        "(see the README's *Loading your own data*), or try the demo: `python -m data_access demo`.",
        icon=":material/inbox:",
    )
    st.stop()

with st.expander("How to read this page", expanded=False, icon=":material/help:"):
    st.markdown(
        f"""
- **Risk** is the share of a group's students who had the outcome (for example, 12 of 100 students
  with an out-of-school suspension is a risk of 12%).
- **Risk ratio** is the group's risk divided by the risk of everyone else in the same building.
  1 means the same as everyone else; 2 means twice as likely; 0.5 means half as likely.
- **Everyone else** in a building is the comparison. When they are too few to compare with (fewer
  than {minimums.min_n_size} students, or fewer than {minimums.min_cell_size} with the outcome), the
  group's own ratio is not shown either: the building's total minus the group would give their count.
- **Flags** in force: a ratio above **{threshold:g}** is flagged *over* ▲; below **1/{threshold:g}**
  ({1 / threshold:.2f}) it is flagged *under* ▼. Under matters too: a group may be missing out on
  supports. States usually act on a flag that lasts three school years in a row.
- **Privacy**: a group of fewer than **{minimums.min_n_size}** students shows as "fewer than
  {minimums.min_n_size}", never its size, and no count below **{minimums.min_cell_size}** is shown.
  That alone is not enough: a group and everyone else add up to the building, the race groups add up
  to it, and the buildings add up to the district, so a withheld count could be worked out by
  subtraction. So further numbers are **withheld to protect another group**, until no withheld
  count can be narrowed to fewer than {minimums.min_cell_size} possible values from everything this
  page, its hover texts and the downloads show. A withheld count never says which of the two reasons
  holds, since that too would narrow the counts around it. Cells without a ratio are hatched grey;
  that says nothing good or bad about the group.
"""
    )

st.caption(
    f"**Privacy:** groups of fewer than {minimums.min_n_size} students and counts below "
    f"{minimums.min_cell_size} are withheld, and so are any other numbers that would let someone "
    'work them out by adding and subtracting ("withheld to protect another group"). '
    f"Flags: a ratio above {threshold:g} ▲ or below 1/{threshold:g} ▼."
)

params = st.query_params
year_column, indicator_column, _ = st.columns([1, 2, 1])
school_year = year_column.selectbox(
    "School year", years, index=0, key="equity_school_year", help="Students enrolled that year."
)
indicator_names = list(INDICATORS)
indicator = indicator_column.selectbox(
    "Indicator",
    indicator_names,
    index=indicator_names.index(params["indicator"])
    if params.get("indicator") in INDICATORS
    else 0,
    format_func=INDICATORS.get,
    key="equity_indicator",
    help="Each is yes or no per student and school year; the risk is the share of students with a yes.",
)
indicator_name = INDICATORS[indicator]
in_sentence = indicator_name[0].lower() + indicator_name[1:]  # keeps "IEP" and "ODR" upper case

labelled = derive(indicator_rows, school_year=school_year, scope=scope, indicator=indicator)
if labelled.empty:
    st.info(f"No students are enrolled in {school_year} in the buildings you can see.")
    st.stop()

# --- Buildings x groups -----------------------------------------------------------------------------

st.subheader(f"Risk ratios by building and student group: {in_sentence}, {school_year}")
indicator_flags = building_flags(labelled)
flagged_buildings = set(indicator_flags["building_id"])
building_count = labelled["building_id"].nunique() - 1
show_all = True
if building_count > MAX_HEATMAP_ROWS:
    choice = st.radio(
        "Buildings shown",
        ["Buildings with a flag", "All buildings"],
        horizontal=True,
        key="equity_buildings_shown",
        help=f"{building_count:,} buildings make a very tall chart; start with the flagged ones.",
    )
    show_all = choice == "All buildings"
show_chart(
    derive_figure(
        heatmap, school_year=school_year, scope=scope, indicator=indicator, show_all=show_all
    ),
    key="equity_heatmap",
)
st.caption(
    f"Orange: more likely than everyone else; blue: less likely; white: about the same. "
    f"▲ flagged over {threshold:g}; ▼ flagged under 1/{threshold:g}. Hatched grey: no ratio shown, "
    "too few students to compare or withheld to protect another group (hover a cell to see which). "
    "Hover a cell for its counts."
)
if not show_all and not flagged_buildings:
    st.info(f"No building has a flag for {in_sentence} in {school_year}.")

# --- Every flag -------------------------------------------------------------------------------------


# Runs of flags need every school year's rows (each year cached on its own).
described = derive(flags_with_years, school_year=school_year, scope=scope)
st.subheader(f"Every flag in {school_year}, all indicators")
if described.empty:
    st.info(
        f"Nothing is flagged in {school_year}: every calculated ratio is within the thresholds."
    )
else:
    order = {name: i for i, name in enumerate(INDICATORS)}
    described = described.assign(indicator_order=described["indicator"].map(order)).sort_values(
        ["years_flagged", "indicator_order", "building_id", "ratio"],
        ascending=[False, True, True, False],
    )
    st.caption(
        f"{len(described):,} flags. *Years in a row* counts the school years, ending in "
        f"{school_year}, in which the same building, indicator and group carried the same flag."
    )
    show_table(
        pd.DataFrame(
            {
                "Building": described["building_name"],
                "Indicator": described["indicator"].map(INDICATOR_SHORT_NAMES),
                "Group": described["group_label"],
                "Flag": described["flag"].map(FLAG_NAMES),
                "Years in a row": described["years_flagged"],
                "Risk ratio": described["ratio"].astype(float),
                "Ratio type": described["ratio_type"].map(RATIO_TYPE_NAMES),
                "Group's risk": described["group_short"],
                "Everyone else's risk": described["comparison_short"],
            }
        ),
        max_rows=15,
        column_config={
            "Risk ratio": st.column_config.NumberColumn(format="%.2f"),
            "Years in a row": st.column_config.NumberColumn(format="%d"),
        },
        key="equity_flags",
        download="equity-flags",
    )
    choices = list(described.itertuples())
    pick_column, link_column = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick_column.selectbox(
        "Start a follow-up action on a flag",
        range(len(choices)),
        key="equity_follow_up_flag",
        format_func=lambda i: (
            f"{choices[i].building_name} · {INDICATOR_SHORT_NAMES[choices[i].indicator]} · "
            f"{choices[i].group_label}: {FLAG_NAMES[choices[i].flag].lower()}, "
            f"ratio {float(choices[i].ratio):.2f}"
        ),
    )
    flag = choices[chosen]
    what = INDICATOR_SHORT_NAMES[flag.indicator].lower()
    # "Black students", but "Students with IEPs" as it is; the reference names the group, not "Y".
    who = (
        flag.group_label
        if flag.group_label.startswith("Students")
        else f"{flag.group_label} students"
    )
    who_code = flag.group if flag.group_type in ("race_ethnicity", "sex") else flag.group_type
    with link_column:
        create_action_link(
            source_type="equity_cell",
            source_ref=f"{flag.indicator} {who_code} {school_year}",
            building_id=None if flag.building_id == DISTRICT_ID else flag.building_id,
            title=(
                f"{'Reduce' if flag.flag == 'over' else 'Widen access to'} {what} for {who} "
                f"at {flag.building_name}"
            )[:200],
            problem_statement=(
                f"In {school_year}, the {what} risk for {who} at "
                f"{flag.building_name} was {flag.group_short}, against {flag.comparison_short} for "
                f"everyone else ({RATIO_TYPE_NAMES[flag.ratio_type].lower()} "
                f"{float(flag.ratio):.2f}); flagged {flag.years_flagged} school year(s) in a row."
            ),
        )

# --- One building up close --------------------------------------------------------------------------

st.subheader(f"One building up close: {in_sentence}, {school_year}")
buildings = (labelled[["building_id", "building_name"]].drop_duplicates().set_index("building_id"))[
    "building_name"
]
if params.get("building") in buildings.index:
    default_building = params["building"]
elif not indicator_flags.empty:  # start where the flags are
    default_building = indicator_flags["building_id"].value_counts().index[0]
else:
    default_building = DISTRICT_ID
building_ids = list(buildings.index)
picker_column, _ = st.columns([1, 2])
building_id = picker_column.selectbox(
    "Building",
    building_ids,
    index=building_ids.index(default_building),
    format_func=lambda b: buildings[b],
    key="equity_building",
)
building_name = buildings[building_id]
in_building = labelled[labelled["building_id"] == building_id]
chart_column, table_column = st.columns([3, 2], gap="large")
with chart_column:
    show_chart(
        derive_figure(
            building_bars,
            school_year=school_year,
            scope=scope,
            indicator=indicator,
            building_id=building_id,
        ),
        key="equity_building_bars",
    )
with table_column:
    show_table(
        pd.DataFrame(
            {
                "Group": in_building["heatmap_label"],
                "Risk ratio": in_building["ratio_label"],
                "Group's risk": in_building["group_short"].where(
                    in_building["risk_group"].notna(), "withheld"
                ),
            }
        ),
        max_rows=13,
        download="equity-building-groups",
    )

# --- One ratio across school years ------------------------------------------------------------------

reported = set(zip(in_building["group_type"], in_building["group"], strict=True))
groups = [key for key in GROUPS if key in reported]
flagged_here = in_building[in_building["flag"].notna()]
if not flagged_here.empty:
    top = flagged_here.loc[flagged_here["ratio"].astype(float).idxmax()]
    default_group = (top["group_type"], top["group"])
else:
    default_group = groups[0]
st.subheader(f"One group in {plain(building_name)}, school year by school year")
picker_column, _ = st.columns([1, 2])
group_key = picker_column.selectbox(
    "Student group",
    groups,
    index=groups.index(default_group),
    format_func=GROUP_LABELS.get,
    key="equity_trend_group",
)
one_group = {
    "scope": scope,
    "building_id": building_id,
    "indicator": indicator,
    "group_type": group_key[0],
    "group": group_key[1],
}
trend = derive(group_trend, **one_group)
chart_column, table_column = st.columns([1, 1], gap="large")
with chart_column:
    show_chart(
        derive_figure(trend_chart, **one_group),
        key="equity_trend",
    )
with table_column:
    show_table(
        pd.DataFrame(
            {
                "School year": trend["school_year"],
                "Risk ratio": trend["ratio_label"],
                "Group's risk": trend["group_short"],
                "Everyone else's risk": trend["comparison_short"],
            }
        ),
        download="equity-group-trend",
    )
