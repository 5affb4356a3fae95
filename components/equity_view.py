"""The Equity page's pieces, over its one view (`data_access.equity.view.get_equity_view`): the words
for its rows and tables, its three figures, its help text and the follow-up link on a flag.

The figures and the year's labelled flags are kept through `derive_figure` and `derive` (a large
district's year is thousands of rows to label, and building a figure was most of a warm rerun). They
take the page's own small arguments and load the view with them again: the page has just loaded it,
so that is a cache hit, never a second reading of the store."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.equity_charts import (
    FLAG_NAMES,
    INDICATOR_SHORT_NAMES,
    RATIO_TYPE_NAMES,
    group_risk_bars,
    label_equity_rows,
    ratio_trend_chart,
    risk_ratio_heatmap,
)
from components.equity_concern import action_title, concern_words
from components.follow_up import create_action_link
from components.text import plain_html
from data_access.equity.metrics import (
    DISTRICT_ID,
    GROUP_LABELS,
    Minimums,
    flag_reference,
    only_concerns,
)
from data_access.equity.view import EquityView

# --- Words ---------------------------------------------------------------------------------------


def show_how_to_read(minimums: Minimums) -> None:
    """The page's help and its privacy caption, with the rules in force."""
    threshold = minimums.threshold
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
  ({1 / threshold:.2f}) it is flagged *under* ▼. Which of them is a **concern** depends on the
  indicator: for discipline, exclusion, chronic absence, below benchmark and unmet need only *over*
  is (a group with fewer suspensions than everyone else is shown as context, never counted as a flag
  to act on); for Tier 2 and 3 support and special-education identification both are (under: a
  group may be missing out on supports). States usually act on a flag that lasts three school years
  in a row.
- **Who is counted**: chronic absence counts students with an attendance record of at least 10
  days; below benchmark counts the students screened that year (below: not at benchmark in their
  latest screening window); unmet need counts the students below benchmark, and its outcome is
  having no Tier 2 or Tier 3 support that year.
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


# The figure and table builders below take the page's view and its filters: the filters (with the
# data version) are what `derive`/`derive_figure` cache them by; the view is what they are built from.


def labelled_flags(view: EquityView, **_filters: object) -> pd.DataFrame:
    """Every flag of the year, all indicators, longest runs first, with their words."""
    return label_equity_rows(view.flags, view.minimums) if len(view.flags) else view.flags


def flags_table(described: pd.DataFrame) -> pd.DataFrame:
    """The table of every flag, as the page shows it."""
    return pd.DataFrame(
        {
            "Building": described["building_name"],
            "Indicator": described["indicator"].map(INDICATOR_SHORT_NAMES),
            "Group": described["group_label"],
            "Flag": described["flag"].map(FLAG_NAMES),
            # Beside the flag, so a projector at 1280 pixels shows it without scrolling sideways.
            "Identified": [identification_words(flag) for flag in described.itertuples()],
            "Years in a row": described["years_flagged"],
            "What it means": [
                concern_words(indicator, flag)
                for indicator, flag in zip(described["indicator"], described["flag"], strict=True)
            ],
            "Risk ratio": described["ratio"].astype(float),
            "Ratio type": described["ratio_type"].map(RATIO_TYPE_NAMES),
            "Group's risk": described["group_short"],
            "Everyone else's risk": described["comparison_short"],
        }
    )


# On screen: what a meeting reads (three lines a row, so a 1280 px projector shows every column);
# the download holds the ratio type and both risks with their counts as well.
FLAGS_ON_SCREEN = [
    "Building",
    "Indicator",
    "Group",
    "Flag",
    "What it means",
    "Years in a row",
    "Identified",
    "Risk ratio",
]


def show_flags_table(described: pd.DataFrame) -> None:
    """Every flag of the year, as `flags_table` words it: the columns a meeting reads on screen,
    every column in the CSV and Excel downloads."""
    from components.display import THREE_LINE_ROW_HEIGHT, show_table
    from components.downloads import download_menu

    table = flags_table(described)
    show_table(
        table[FLAGS_ON_SCREEN],
        max_rows=15,
        column_config={
            "Risk ratio": st.column_config.NumberColumn(format="%.2f"),
            "Years in a row": st.column_config.NumberColumn(format="%d"),
        },
        row_height=THREE_LINE_ROW_HEIGHT,
        key="equity_flags",
    )
    download_menu(table, "equity-flags", key="download_equity-flags")


def identification_words(flag) -> str:
    """A flag's identification status in words: identified with the years behind it, exempt for
    reasonable progress, one year away, or nothing (a flag that is no concern is never identified)."""
    years = flag.identified_years
    span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
    if flag.identified:
        return f"Identified: flagged {span}"
    if flag.concern and flag.reasonable_progress and flag.years_flagged > 1:
        return f"Not identified: reasonable progress (flagged {span})"
    if flag.one_year_away:
        return "One year away"
    return ""


def identification_caption(view: EquityView) -> str:
    """The identification rule in force, in one sentence for the flags table."""
    rules = view.identification
    progress = (
        f", unless its ratio fell by at least {rules.progress:g} in each of the last two school "
        "years (reasonable progress)"
        if rules.progress is not None
        else ""
    )
    identified = int(view.flags["identified"].sum()) if len(view.flags) else 0
    return (
        f"*Identified*: a concern flagged {rules.years} school year{'s' if rules.years != 1 else ''} "
        f"in a row{progress}; "
        f"{identified:,} this year. A year whose ratio was not calculated or was withheld ends a run."
    )


def building_table(view: EquityView, building_id: str) -> pd.DataFrame:
    """One building's groups: ratio and risk, as the page's table beside the bars shows them."""
    in_building = label_equity_rows(view.in_building(building_id), view.minimums)
    return pd.DataFrame(
        {
            "Group": in_building["heatmap_label"],
            "Risk ratio": in_building["ratio_label"],
            "Group's risk": in_building["group_short"].where(
                in_building["risk_group"].notna(), "withheld"
            ),
        }
    )


def trend_table(view: EquityView, building_id: str, group_key: tuple[str, str]) -> pd.DataFrame:
    """One group's ratio and both risks, school year by school year."""
    trend = label_equity_rows(view.trend(building_id, *group_key), view.minimums)
    return pd.DataFrame(
        {
            "School year": trend["school_year"],
            "Risk ratio": trend["ratio_label"],
            "Group's risk": trend["group_short"],
            "Everyone else's": trend["comparison_short"],  # risk: the heading fits half a screen
        }
    )


def flag_follow_up(described: pd.DataFrame, school_year: str) -> None:
    """A picker of one concern and the link that starts a follow-up action on it (a flag that is no
    concern, such as fewer suspensions than everyone else, is nothing to act on)."""
    choices = list(only_concerns(described).itertuples())
    if not choices:
        return
    pick_column, link_column = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick_column.selectbox(
        "Start a follow-up action on a concern",
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
    with link_column:
        create_action_link(
            source_type="equity_cell",
            source_ref=flag_reference(flag.indicator, flag.group_type, flag.group, school_year),
            building_id=None if flag.building_id == DISTRICT_ID else flag.building_id,
            title=action_title(
                flag.indicator, flag.flag, what=what, who=who, place=flag.building_name
            )
            or "",
            problem_statement=(
                f"In {school_year}, the {what} risk for {who} at "
                f"{flag.building_name} was {flag.group_short}, against {flag.comparison_short} for "
                f"everyone else ({RATIO_TYPE_NAMES[flag.ratio_type].lower()} "
                f"{float(flag.ratio):.2f}); flagged {flag.years_flagged} school year(s) in a row."
            ),
        )


# --- Figures -------------------------------------------------------------------------------------


def heatmap(view: EquityView, *, show_all: bool, **_filters: object) -> go.Figure:
    """The buildings x groups heatmap of one indicator: every building, or (`show_all` False) the
    district's row and the buildings with a flag."""
    labelled = label_equity_rows(view.rows, view.minimums)
    shown = labelled[
        (labelled["building_id"] == DISTRICT_ID)
        | show_all
        | labelled["building_id"].isin(view.flagged_buildings)
    ]
    return risk_ratio_heatmap(
        shown.assign(row_label=shown["building_name"]),
        x="heatmap_label",
        y="row_label",
        ratio="ratio",
        ratio_type="ratio_type",
        text="cell_text",
        hover="hover",
        title=f"Each group's risk compared with everyone else's in its building, {view.school_year}",
        threshold=view.minimums.threshold,
    )


def building_bars(view: EquityView, *, building_id: str, **_filters: object) -> go.Figure:
    """Each group's risk beside everyone else's, in one building (or the district)."""
    in_building = label_equity_rows(view.in_building(building_id), view.minimums)
    return group_risk_bars(
        in_building,
        y="heatmap_label",
        risk_group="risk_group",
        risk_comparison="risk_comparison",
        text_group="group_short",
        text_comparison="comparison_short",
        title=f"{INDICATOR_SHORT_NAMES[view.indicator]}, {view.school_year}<br>"
        f"{plain_html(in_building['building_name'].iloc[0])}",
    )


def trend_chart(
    view: EquityView, *, building_id: str, group_type: str, group: str, **_filters: object
) -> go.Figure:
    """One group's risk ratio in one building, school year by school year."""
    trend = label_equity_rows(view.trend(building_id, group_type, group), view.minimums)
    building_name = trend["building_name"].iloc[0]
    return ratio_trend_chart(
        trend,
        x="school_year",
        ratio="ratio",
        ratio_type="ratio_type",
        text="ratio_label",
        title=f"Risk ratio by school year<br>{GROUP_LABELS[(group_type, group)]}<br>"
        f"{plain_html(building_name)}<br>{INDICATOR_SHORT_NAMES[view.indicator]}",
        threshold=view.minimums.threshold,
    )
