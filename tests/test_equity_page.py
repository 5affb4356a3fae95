"""The Equity page and its charts: the demo's story shows, and no withheld number reaches the screen."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.equity_charts import (
    group_risk_bars,
    label_equity_rows,
    ratio_trend_chart,
    risk_ratio_heatmap,
)
from data_access.db import session_scope
from data_access.equity.metrics import Minimums, count_groups, district_cells
from data_access.equity.queries import get_cell_counts, get_equity
from data_access.scope import DISTRICT
from tests.utils.app import open_page

ROOT = Path(__file__).resolve().parent.parent
RULES = Minimums()
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")


def equity_page(monkeypatch, url: str, indicator: str | None = None) -> AppTest:
    """The app opened as in tests/test_pages.py, switched to the Equity page."""
    app = open_page(monkeypatch, url, "equity")
    if indicator:
        app.selectbox(key="equity_indicator").select(indicator).run()
    assert not app.exception, [error.value for error in app.exception]
    return app


def chart_specs(app) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def true_counts(url: str, school_year: str) -> pd.DataFrame:
    """The unsuppressed counts of every building and the district, straight from the store: what
    must never be shown when small."""
    with session_scope(url) as session:
        cells = get_cell_counts(session, school_year=school_year, scope=DISTRICT)
    return pd.concat([count_groups(cells), count_groups(district_cells(cells))])


def withheld_numbers(n: int, events: int) -> set[str]:
    """The numbers that would give a withheld group away: its count and its risk as shown."""
    numbers = {f"{events:,}"}
    if n:
        numbers.add(f"{events / n:.1%}")
    return numbers


def test_the_middle_schools_oss_over_flags_for_black_students_and_students_with_ieps_show(
    monkeypatch, demo_store_url
):
    app = equity_page(monkeypatch, demo_store_url, "oss")
    year = app.selectbox(key="equity_school_year").value
    # The flags table (the heatmap's phone table comes first, hidden on a wide screen).
    [flags] = [frame.value for frame in app.dataframe if "Indicator" in frame.value.columns]
    franklin_oss = flags[
        (flags["Building"] == "Franklin Middle School")
        & (flags["Indicator"] == "Out-of-school suspension")
    ].set_index("Group")
    assert franklin_oss.loc["Black", "Flag"] == "Over ▲"
    assert franklin_oss.loc["Students with IEPs", "Flag"] == "Over ▲"
    # The story holds every demo year, so both flags have lasted all three.
    assert franklin_oss.loc["Black", "Years in a row"] == 3
    assert franklin_oss.loc["Students with IEPs", "Years in a row"] == 3
    # The export's own ratio, to two decimals.
    with session_scope(demo_store_url) as session:
        rows = get_equity(session, school_year=year, scope=DISTRICT)
    expected = rows[
        (rows["building_id"] == "B09") & (rows["indicator"] == "oss") & (rows["group"] == "BL")
    ].iloc[0]["ratio"]
    assert franklin_oss.loc["Black", "Risk ratio"] == pytest.approx(expected)
    assert expected > 2

    # The heatmap marks both cells, and the page opens Franklin up close.
    heatmap = next(t for t in chart_specs(app)[0]["data"] if t["type"] == "heatmap")
    texts = next(
        t["text"] for t in chart_specs(app)[0]["data"] if t.get("mode") == "text" and t["text"]
    )
    rows_shown = chart_specs(app)[0]["layout"]["yaxis"]["ticktext"]
    columns_shown = chart_specs(app)[0]["layout"]["xaxis"]["ticktext"]
    franklin = rows_shown.index("Franklin Middle School")
    width = len(columns_shown)
    assert texts[franklin * width + columns_shown.index("Black")].endswith("<br>▲")
    assert texts[franklin * width + columns_shown.index("With IEPs")].endswith("<br>▲")
    assert rows_shown[0] == "District (all buildings)"
    assert heatmap["z"]["shape"] == "13, 13"  # the district and 12 buildings, 13 groups
    assert len(rows_shown) == 13
    assert app.selectbox(key="equity_building").value == "B09"
    assert "Franklin Middle School" in chart_specs(app)[2]["layout"]["title"]["text"]


def test_a_lower_rate_of_a_harmful_outcome_is_context_and_never_an_action(
    monkeypatch, demo_store_url
):
    app = equity_page(monkeypatch, demo_store_url)
    [flags] = [frame.value for frame in app.dataframe if "Indicator" in frame.value.columns]
    # The district's chronic absence "under" (a group missing less school than everyone else).
    context = flags[(flags["Indicator"] == "Chronic absence") & (flags["Flag"] == "Under ▼")]
    assert context["What it means"].tolist() == [
        "Lower than everyone else: not a concern for this indicator"
    ]
    concerns = flags.drop(index=context.index)
    assert len(concerns) == 40
    tier = concerns[concerns["Indicator"] == "Tier 3 support"]
    assert set(tier["What it means"]) == {"Higher than everyone else: a concern to check"}
    oss = concerns[concerns["Indicator"] == "Out-of-school suspension"]
    assert set(oss["What it means"]) == {"Higher than everyone else: a concern"}
    # The concerns come first; only they can start a follow-up action.
    assert flags.index.get_loc(context.index[0]) == len(flags) - 1
    options = app.selectbox(key="equity_follow_up_flag").options
    assert len(options) == 40
    assert not any("Chronic absence" in option and "under" in option for option in options)


@pytest.mark.parametrize("indicator", ["oss", "chronic_absence"])
def test_no_withheld_count_or_risk_appears_in_any_chart_or_table(
    monkeypatch, demo_store_url, indicator
):
    app = equity_page(monkeypatch, demo_store_url, indicator)
    year = app.selectbox(key="equity_school_year").value
    truth = true_counts(demo_store_url, year)
    truth = truth[truth["indicator"] == indicator]
    small = truth[
        (truth["events_group"] < RULES.min_cell_size) | (truth["n_group"] < RULES.min_n_size)
    ]
    assert len(small) > 20  # the demo has plenty of small groups to hide
    heatmap_spec = chart_specs(app)[0]
    # The hover a viewer sees: the invisible marker over each cell carries it (and the click).
    cells = next(t for t in heatmap_spec["data"] if t.get("name") == "cells")
    hovers = {(b, gt, g): hover for b, gt, g, hover in cells["customdata"]}
    heatmap = next(t for t in heatmap_spec["data"] if t["type"] == "heatmap")
    assert "customdata" not in heatmap and heatmap["hoverinfo"] == "skip"  # sent once, not twice
    checked = 0
    for row in small.itertuples():
        hover = hovers[(row.building_id, row.group_type, row.group)]
        group_line = next(line for line in hover.split("<br>") if line.startswith("Group:"))
        shown = set(NUMBER.findall(group_line))
        assert not shown & withheld_numbers(row.n_group, row.events_group), group_line
        # Nothing below the minimum group size either: a small group says "fewer than 30".
        if row.n_group < RULES.min_n_size:
            assert shown == {str(RULES.min_n_size)}, group_line
        checked += 1
    assert checked == len(small)
    # The building bars and tables say "withheld", never a small count.
    bars = chart_specs(app)[1]
    for trace in bars["data"]:
        for text in trace.get("text") or []:
            for number in NUMBER.findall(text):
                if "%" not in number:
                    value = int(number.replace(",", ""))
                    assert value >= RULES.min_cell_size, text


def _building_names(url: str) -> tuple[list[str], list[str]]:
    with session_scope(url) as session:
        rows = get_equity(session, school_year="2025-26", scope=DISTRICT)
    pairs = rows[["building_id", "building_name"]].drop_duplicates()
    return list(pairs["building_id"]), list(pairs["building_name"])


def test_choosing_a_building_and_group_redraws_the_bars_and_the_trend(monkeypatch, demo_store_url):
    app = equity_page(monkeypatch, demo_store_url, "oss")
    app.selectbox(key="equity_building").select("B11").run()
    app.selectbox(key="equity_trend_group").select(("sex", "M")).run()
    assert not app.exception
    bars, trend = chart_specs(app)[1], chart_specs(app)[2]
    assert "Eastside High School" in bars["layout"]["title"]["text"]
    assert "Male<br>Eastside High School" in trend["layout"]["title"]["text"]
    years = [x for trace in trend["data"] for x in (trace.get("x") or []) if isinstance(x, str)]
    assert set(years) == {"2023-24", "2024-25", "2025-26"}


def test_the_suppression_rule_and_thresholds_are_stated_on_the_page(monkeypatch, demo_store_url):
    monkeypatch.setenv("MTSS_RISK_RATIO_THRESHOLD", "3")
    app = equity_page(monkeypatch, demo_store_url)
    text = " ".join(caption.value for caption in app.caption)
    assert "groups of fewer than 30 students and counts below 10 are withheld" in text
    assert '"withheld to protect another group"' in text
    assert "above 3 ▲ or below 1/3 ▼" in text


# --- The charts on their own ---------------------------------------------------------------------


def equity_rows(*rows: dict) -> pd.DataFrame:
    defaults = {
        "building_id": "B1",
        "building_name": "Lincoln",
        "indicator": "oss",
        "group_type": "race_ethnicity",
        "events_comparison": 20,
        "n_comparison": 200,
        "risk_comparison": 0.1,
        "flag": None,
    }
    frame = pd.DataFrame([defaults | row for row in rows])
    return frame


def test_labels_describe_withheld_groups_without_their_numbers():
    rows = equity_rows(
        {"group": "BL", "n_group": 40, "events_group": 20, "risk_group": 0.5, "ratio": 5.0,
         "ratio_type": "risk_ratio", "flag": "over"},
        {"group": "WH", "n_group": 45, "events_group": np.nan, "risk_group": np.nan,
         "ratio": np.nan, "ratio_type": "not_calculated"},
        {"group": "AS", "n_group": 7, "events_group": np.nan, "risk_group": np.nan,
         "ratio": np.nan, "ratio_type": "not_calculated"},
        {"group": "HI", "n_group": 60, "events_group": 12, "risk_group": 0.2, "ratio": 1.5,
         "ratio_type": "alternate_risk_ratio", "n_comparison": 4000, "events_comparison": 400},
    )  # fmt: skip
    labelled = label_equity_rows(rows, RULES).set_index("group")
    assert labelled.loc["BL", "cell_text"] == "5.00<br>▲"
    assert labelled.loc["BL", "group_text"] == "50.0% (20 of 40 students)"
    assert labelled.loc["WH", "cell_text"] == ""
    # A withheld count never says which of the two reasons holds: telling them apart would narrow
    # the counts around it (data_access/equity/disclosure.py).
    assert labelled.loc["WH", "group_text"] == (
        "withheld (fewer than 10 of 45 students had it, or to protect another group)"
    )
    assert labelled.loc["AS", "group_text"] == "withheld (fewer than 30 students)"
    assert "7" not in labelled.loc["AS", "hover"]
    protected = label_equity_rows(
        equity_rows(
            {
                "group": "TR",
                "n_group": pd.NA,
                "events_group": np.nan,
                "risk_group": np.nan,
                "ratio": np.nan,
                "ratio_type": "not_calculated",
                "withheld_group": "protects_another",
                "withheld_comparison": "protects_another",
            },
        ),  # fmt: skip
        RULES,
    ).iloc[0]
    assert protected["group_text"] == "withheld to protect another group"
    assert "Group: withheld to protect another group" in protected["hover"]
    assert labelled.loc["HI", "cell_text"] == "1.50<br>alt"
    assert (
        "Everyone else in the district: 10.0% (400 of 4,000 students)"
        in (labelled.loc["HI", "hover"])
    )
    assert labelled.loc["HI", "ratio_label"] == "1.50 (alternate)"


def test_heatmap_colours_ratios_on_a_log_scale_and_hatches_what_is_not_calculated():
    rows = label_equity_rows(
        equity_rows(
            {
                "group": "BL",
                "n_group": 40,
                "events_group": 20,
                "risk_group": 0.5,
                "ratio": 4.0,
                "ratio_type": "risk_ratio",
                "flag": "over",
            },
            {
                "group": "WH",
                "n_group": 45,
                "events_group": 10,
                "risk_group": 0.2,
                "ratio": 0.5,
                "ratio_type": "risk_ratio",
            },
            {
                "group": "AS",
                "n_group": 7,
                "events_group": np.nan,
                "risk_group": np.nan,
                "ratio": np.nan,
                "ratio_type": "not_calculated",
            },
        ),  # fmt: skip
        RULES,
    )
    figure = risk_ratio_heatmap(
        rows,
        x="heatmap_label",
        y="building_name",
        ratio="ratio",
        ratio_type="ratio_type",
        text="cell_text",
        hover="hover",
        title="t",
        threshold=2.0,
    )
    heatmap = next(trace for trace in figure.data if trace.type == "heatmap")
    assert list(heatmap.z[0][:2]) == [2.0, -1.0]  # log2(4), log2(0.5): white (0) means a ratio of 1
    assert np.isnan(heatmap.z[0][2])  # never 0
    assert (heatmap.zmin, heatmap.zmid, heatmap.zmax) == (-2.0, 0, 2.0)
    hatched = next(trace for trace in figure.data if trace.type == "scatter" and trace.fill)
    assert hatched.fillpattern.shape == "/"
    assert list(hatched.x[:5]) == [1.5, 2.5, 2.5, 1.5, 1.5]  # one square around the third cell
    assert "withheld (fewer than 30 students)" in heatmap.customdata[0][2]


def test_bars_draw_only_risks_that_are_shown():
    rows = label_equity_rows(
        equity_rows(
            {
                "group": "BL",
                "n_group": 40,
                "events_group": 20,
                "risk_group": 0.5,
                "ratio": 5.0,
                "ratio_type": "risk_ratio",
            },
            {
                "group": "AS",
                "n_group": 7,
                "events_group": np.nan,
                "risk_group": np.nan,
                "ratio": np.nan,
                "ratio_type": "not_calculated",
            },
        ),  # fmt: skip
        RULES,
    )
    figure = group_risk_bars(
        rows,
        y="group_label",
        risk_group="risk_group",
        risk_comparison="risk_comparison",
        text_group="group_short",
        text_comparison="comparison_short",
        title="t",
    )
    group_bars = next(
        trace for trace in figure.data if trace.type == "bar" and trace.name == "Group"
    )
    assert list(group_bars.y) == ["Black"] and list(group_bars.x) == [0.5]
    note = next(trace for trace in figure.data if trace.type == "scatter")
    # Short on the chart (the whole reason ran off a 1280 px figure's right edge); the reason is
    # in the hover and in the table beside the chart.
    assert list(note.text) == ["Group: withheld"]
    assert list(note.hovertext) == ["Group withheld (fewer than 30 students)"]


def test_trend_marks_alternate_and_not_calculated_years_apart():
    rows = label_equity_rows(
        equity_rows(
            {
                "school_year": "2023-24",
                "group": "BL",
                "n_group": 40,
                "events_group": 20,
                "risk_group": 0.5,
                "ratio": 2.5,
                "ratio_type": "risk_ratio",
                "flag": "over",
            },
            {
                "school_year": "2024-25",
                "group": "BL",
                "n_group": 40,
                "events_group": np.nan,
                "risk_group": np.nan,
                "ratio": np.nan,
                "ratio_type": "not_calculated",
            },
            {
                "school_year": "2025-26",
                "group": "BL",
                "n_group": 40,
                "events_group": 12,
                "risk_group": 0.3,
                "ratio": 1.2,
                "ratio_type": "alternate_risk_ratio",
            },
        ),  # fmt: skip
        RULES,
    )
    figure = ratio_trend_chart(
        rows,
        x="school_year",
        ratio="ratio",
        ratio_type="ratio_type",
        text="cell_text",
        title="t",
        threshold=2.0,
    )
    by_name = {trace.name: trace for trace in figure.data if trace.name}
    assert list(by_name["Risk ratio"].x) == ["2023-24"]
    assert by_name["Alternate risk ratio (against the district)"].marker.symbol == "circle-open"
    assert list(by_name["Not calculated"].x) == ["2024-25"]
    assert list(by_name["Not calculated"].y) == [1.0]  # drawn at 1 with a label, never at 0
    assert figure.layout.yaxis.type == "log"


def test_a_concern_suggests_the_action_its_direction_calls_for_and_context_suggests_none():
    from components.equity_concern import action_title

    def title(indicator: str, flag: str) -> str | None:
        return action_title(
            indicator, flag, what="it", who="Female students", place="Adams Elementary"
        )

    assert title("oss", "under") is None  # fewer suspensions than everyone else
    assert title("chronic_absence", "under") is None
    assert title("oss", "over") == "Reduce it for Female students at Adams Elementary"
    assert (
        title("tier2plus", "under") == "Widen access to it for Female students at Adams Elementary"
    )
    assert (
        title("tier3", "over")
        == "Review the high rate of it for Female students at Adams Elementary"
    )
    assert title("sped_identification", "under").startswith("Widen access to it")


def test_the_flags_table_says_which_concerns_are_identified_and_which_are_one_year_away(
    monkeypatch, demo_store_url
):
    app = equity_page(monkeypatch, demo_store_url, "oss")
    [flags] = [frame.value for frame in app.dataframe if "Indicator" in frame.value.columns]
    franklin_oss = flags[
        (flags["Building"] == "Franklin Middle School")
        & (flags["Indicator"] == "Out-of-school suspension")
    ].set_index("Group")
    # Flagged in all three demo years: identified, with the years behind it.
    assert franklin_oss.loc["Black", "Identified"] == "Identified: flagged 2023-24 to 2025-26"
    # Boys: flagged 2024-25 and 2025-26 only, so one more year would identify them.
    assert franklin_oss.loc["Male", "Years in a row"] == 2
    assert franklin_oss.loc["Male", "Identified"] == "One year away"
    # A flag that is no concern (fewer of an outcome than everyone else) is never identified.
    context = flags[flags["Flag"] == "Under ▼"]
    assert set(context["Identified"]) <= {""}
    captions = " ".join(caption.value for caption in app.caption)
    assert "*Identified*: a concern flagged 3 school years in a row; 10 this year." in captions


def test_the_number_of_years_to_identification_is_a_setting(monkeypatch, demo_store_url, request):
    monkeypatch.setenv("MTSS_IDENTIFICATION_YEARS", "2")
    # Settings are read when a server starts; this process has cached views under the default, and
    # must not keep the ones built here for the tests that follow.
    st.cache_data.clear()
    request.addfinalizer(st.cache_data.clear)
    app = equity_page(monkeypatch, demo_store_url, "oss")
    [flags] = [frame.value for frame in app.dataframe if "Indicator" in frame.value.columns]
    boys = flags[
        (flags["Building"] == "Franklin Middle School")
        & (flags["Indicator"] == "Out-of-school suspension")
        & (flags["Group"] == "Male")
    ].iloc[0]
    assert boys["Identified"] == "Identified: flagged 2024-25 to 2025-26"
