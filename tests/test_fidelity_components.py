"""The Fidelity page's tables and charts, built from hand-made frames: the words, dates, colours and
order a meeting reads."""

from __future__ import annotations

from datetime import date

import pandas as pd

from components.fidelity_charts import (
    STATUS_COLORS,
    item_scores_chart,
    scale_grid_chart,
    trend_chart,
    trend_small_multiples,
)
from components.fidelity_tables import (
    history_table,
    item_table,
    scale_grid,
    share_table,
    status_counts,
)
from data_access.fidelity.scoring import latest_with_runs, score_scales

SCALES = pd.DataFrame(
    {
        "instrument": ["TFI-2.1"] * 3,
        "scale": ["Tier 1", "Tier 2", "Tier 3"],
        "items_total": [15, 13, 17],
        "possible": [30, 26, 34],
        "criterion_pct": [70.0, 70.0, 70.0],
        "position": [0, 15, 28],
    }
)
NAMES = {"B1": "Adams Elementary", "B2": "Baker Middle"}


def district_scores() -> pd.DataFrame:
    """B1: Tier 1 at 70% in April, Tier 2 last scored (fully, 13 of 26) in January; B2: Tier 1
    incomplete in April."""
    rows = [
        ("B1", "TFI-2.1", date(2026, 1, 20), "Tier 2", 13, 13),
        ("B1", "TFI-2.1", date(2026, 4, 15), "Tier 1", 15, 21),
        ("B2", "TFI-2.1", date(2026, 4, 16), "Tier 1", 14, 20),
    ]
    sums = pd.DataFrame(
        rows,
        columns=["building_id", "instrument", "administered_on", "scale", "items_scored", "points"],
    )
    return score_scales(sums, SCALES)


def test_a_sustaining_mark_goes_under_the_percent_so_no_digit_is_pushed_out_of_the_cell():
    latest = latest_with_runs(district_scores())
    latest["sustaining"] = (latest["building_id"] == "B1") & latest["scale"].isin(
        ["Tier 1", "Tier 2"]
    )
    grid = scale_grid(
        latest,
        building_ids=["B1", "B2"],
        building_names=NAMES,
        scales=["Tier 1", "Tier 2"],
        with_details=False,
    )
    cells = grid.cells.set_index(["building_id", "scale"])["cell"]
    assert cells[("B1", "Tier 1")] == "70.0%<br>★"
    assert cells[("B1", "Tier 2")] == "50.0%<br>★ 20 Jan 2026"
    assert cells[("B2", "Tier 1")] == "incomplete"


def test_grid_cells_name_their_own_date_only_when_it_differs_from_the_buildings_latest():
    grid = scale_grid(
        latest_with_runs(district_scores()),
        building_ids=["B1", "B2"],
        building_names=NAMES,
        scales=["Tier 1", "Tier 2", "Tier 3"],
        with_details=True,
    )
    cells = grid.cells.set_index(["building_id", "scale"])["cell"]
    assert cells[("B1", "Tier 1")] == "70.0%"
    assert cells[("B1", "Tier 2")] == "50.0%<br>20 Jan 2026"
    assert cells[("B2", "Tier 1")] == "incomplete"
    assert grid.row_labels == ["Adams Elementary<br>15 Apr 2026", "Baker Middle<br>16 Apr 2026"]
    assert grid.statuses.to_dict("records") == [
        {"Tier 1": "at criterion", "Tier 2": "below criterion", "Tier 3": "not scored"},
        {"Tier 1": "incomplete", "Tier 2": "not scored", "Tier 3": "not scored"},
    ]
    table = grid.table
    assert table["Building"].tolist() == ["Adams Elementary", "Baker Middle"]
    # Text padded to sort as numbers, then "incomplete", then "—" (not scored).
    assert table["Tier 1"].tolist() == [" 70.0%", "incomplete"]
    assert table["Tier 3"].tolist() == ["—", "—"]
    assert sorted([" 70.0%", "100.0%", "  8.8%", "incomplete", "—"]) == [
        "  8.8%",
        " 70.0%",
        "100.0%",
        "incomplete",
        "—",
    ]
    assert table["Taken"].tolist() == ["15 Apr 2026", "16 Apr 2026"]
    # Only Tier 2 was last scored on another day than the building's latest administration.
    assert table["Tier 2 taken"].tolist() == ["20 Jan 2026", ""]
    assert "Tier 1 taken" not in table.columns


def test_status_counts_include_every_status_even_at_zero():
    counts = status_counts(
        pd.DataFrame({"Tier 1": ["at criterion", "incomplete"], "Tier 2": ["not scored"] * 2}),
        scales=["Tier 1", "Tier 2"],
    ).set_index(["scale", "status"])["buildings"]
    assert counts[("Tier 1", "at criterion")] == 1
    assert counts[("Tier 1", "below criterion")] == 0
    assert counts[("Tier 2", "not scored")] == 2
    assert len(counts) == 8


def test_share_table_reads_at_criterion_of_assessed_newest_term_first():
    share = pd.DataFrame(
        {
            "term_start": [date(2025, 7, 1), date(2025, 12, 1), date(2025, 12, 1)],
            "term": ["Fall 2025", "Winter 2026", "Winter 2026"],
            "scale": ["Tier 1", "Tier 1", "Tier 2"],
            "buildings_complete": [12, 12, 3],
            "buildings_at_criterion": [7, 8, 0],
            "share": [7 / 12 * 100, 8 / 12 * 100, 0.0],
        }
    )
    assert share_table(share, scales=["Tier 1", "Tier 2"]).to_dict("records") == [
        {"Term": "Winter 2026", "Tier 1": "8 of 12 (67%)", "Tier 2": "0 of 3 (0%)"},
        {"Term": "Fall 2025", "Tier 1": "7 of 12 (58%)", "Tier 2": "none complete"},
    ]


def test_a_buildings_history_tells_incomplete_from_not_scored():
    scores = district_scores()
    table = history_table(scores[scores["building_id"] == "B1"], scales=["Tier 1", "Tier 2"])
    assert table.to_dict("records") == [
        {"Date": "15 Apr 2026", "Tier 1": "70.0%", "Tier 2": "not scored"},
        {"Date": "20 Jan 2026", "Tier 1": "not scored", "Tier 2": "50.0%"},
    ]


def test_the_grid_chart_colours_each_cell_by_its_status_with_readable_text():
    grid = scale_grid(
        latest_with_runs(district_scores()),
        building_ids=["B1", "B2"],
        building_names=NAMES,
        scales=["Tier 1", "Tier 2", "Tier 3"],
        with_details=False,
    )
    figure = scale_grid_chart(
        grid.cells,
        building="row",
        scale="scale",
        status="status",
        text="cell",
        buildings=grid.row_labels,
        scales=["Tier 1", "Tier 2", "Tier 3"],
        title="t",
    )
    heatmap = figure.data[0]
    codes = list(STATUS_COLORS)  # at criterion, below, incomplete, not scored
    assert [list(row) for row in heatmap.z] == [
        [codes.index("at criterion"), codes.index("below criterion"), codes.index("not scored")],
        [codes.index("incomplete"), codes.index("not scored"), codes.index("not scored")],
    ]
    text = {t.textfont.color: list(t.text) for t in figure.data[1:] if t.mode == "text"}
    assert text["white"] == ["70.0%"]  # white on the dark blue of "at criterion"
    assert "incomplete" in text["black"]
    assert figure.layout.font.size == 16


def test_the_item_chart_keeps_the_order_given_and_says_not_scored():
    ranked = pd.DataFrame(
        {
            "label": ["1.12 Discipline Data", "1.3 Behavioral Expectations", "1.15 Annual"],
            "score": pd.array([0, 2, None], dtype="Int64"),
            "max_score": [2, 2, 2],
        }
    )
    figure = item_scores_chart(
        ranked, label="label", score="score", max_score="max_score", title="t"
    )
    assert list(figure.layout.yaxis.categoryarray) == ranked["label"].tolist()
    texts = [text for trace in figure.data for text in (trace.text or ())]
    assert "<b>0 of 2</b>" in texts and "2 of 2" in texts and "not scored" in texts
    table = item_table(
        ranked.assign(item_id=["1.12", "1.3", "1.15"], item_title="x", subscale="Teams")
    )
    assert table["Score"].tolist() == ["0 of 2", "2 of 2", "not scored"]


def test_trend_charts_draw_the_criterion_and_leave_a_gap_for_an_incomplete_scale():
    scores = district_scores().assign(building=lambda frame: frame["building_id"].map(NAMES))
    criteria = {"Tier 1": 70.0, "Tier 2": 70.0, "Tier 3": 70.0}
    single = trend_chart(
        scores[scores["building_id"] == "B2"],
        x="administered_on",
        y="percent",
        color="scale",
        criteria=criteria,
        title="t",
    )
    assert [shape.y0 for shape in single.layout.shapes] == [70.0]
    tier1 = next(trace for trace in single.data if trace.name == "Tier 1")
    assert pd.isna(tier1.y[0])  # incomplete: no point, never a low one
    panels = trend_small_multiples(
        scores,
        panel="building",
        x="administered_on",
        y="percent",
        color="scale",
        panels=["Adams Elementary", "Baker Middle"],
        criteria=criteria,
        title="t",
    )
    assert len(panels.layout.shapes) == 2  # one criterion line per building
    # Each panel's title on lines a third of a phone's width holds (seen in the page check at
    # 390 px: "Franklin Middle School" ran off the right-hand panel).
    assert [a.text for a in panels.layout.annotations] == ["Adams<br>Elementary", "Baker Middle"]


def test_a_sustaining_cell_reads_its_whole_percent_never_cut_by_the_plot_edge():
    """Issue 18: Lincoln's 90.0% with the sustaining star read "0.0%". The cell's text is centred
    on the cell; where it is wider than the cell (a narrow screen, the first column) plotly clipped
    it at the plot area's edge, and the first digit went. The text is drawn whole, unclipped."""
    cells = pd.DataFrame(
        {
            "row": ["Lincoln Elementary<br>20 Apr 2026", "Lincoln Elementary<br>20 Apr 2026"],
            "scale": ["Tier 1", "Tier 2"],
            "status": ["at criterion", "below criterion"],
            "cell": ["90.0%<br>★", "53.8%"],
        }
    )
    figure = scale_grid_chart(
        cells,
        building="row",
        scale="scale",
        status="status",
        text="cell",
        buildings=["Lincoln Elementary<br>20 Apr 2026"],
        scales=["Tier 1", "Tier 2"],
        title="Latest TFI-2.1 percent",
    )
    texts = [trace for trace in figure.data if trace.type == "scatter" and trace.mode == "text"]
    shown = {text for trace in texts for text in trace.text}
    assert shown == {"90.0%<br>★", "53.8%"}
    assert [trace.cliponaxis for trace in texts if len(trace.text)] == [False, False]
