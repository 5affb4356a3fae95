"""The Equity page in headless Chromium: hover every cell of the heatmap and read what a person would
read. No withheld count or risk may appear, and the middle school's flags must be there.

Uses Debian's Chromium at /usr/bin/chromium; skips locally without it, fails under CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.equity_charts import HEATMAP_GROUP_LABELS
from data_access.db import session_scope
from data_access.equity.metrics import GROUP_LABELS, Minimums
from data_access.equity.queries import get_equity
from data_access.scope import DISTRICT
from tests.test_equity_page import NUMBER, true_counts, withheld_numbers
from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, require_browser, running_app

ROOT = Path(__file__).resolve().parent.parent
RULES = Minimums()

pytestmark = pytest.mark.browser
HEATMAP_KEYS = {label: key for key, label in HEATMAP_GROUP_LABELS.items()}

# Every cell's centre in page pixels, from the figure's own axes.
CELL_CENTRES = """(plot) => {
    const layout = plot._fullLayout, xaxis = layout.xaxis, yaxis = layout.yaxis;
    const box = plot.getBoundingClientRect();
    const rows = yaxis.ticktext, columns = xaxis.ticktext, cells = [];
    rows.forEach((row, r) => columns.forEach((column, c) => cells.push({
        row, column,
        x: box.left + xaxis._offset + xaxis.l2p(c),
        y: box.top + yaxis._offset + yaxis.l2p(r),
    })));
    return cells;
}"""
HOVER_LINES = """() => Array.from(document.querySelectorAll('.hoverlayer .hovertext tspan.line'))
    .map((line) => line.textContent)"""


@pytest.fixture
def demo_server(demo_store_url, tmp_path):
    """`streamlit run dashboard.py` on the small demo district."""
    require_browser()
    with running_app(
        tmp_path / "server.log",
        env=dict(DATABASE_URL=demo_store_url, MTSS_DEMO_ON_FIRST_RUN="false"),
    ) as base:
        yield base


def hover(page, cell: dict) -> list[str]:
    """Move the mouse to a cell and return its hover label's lines (waiting for this cell's own:
    the label of the cell before may still be on screen for a moment)."""
    group = GROUP_LABELS[HEATMAP_KEYS[cell["column"]]]
    for _ in range(40):
        page.mouse.move(cell["x"], cell["y"])
        lines = page.evaluate(HOVER_LINES)
        if lines[:2] == [cell["row"], group]:
            return lines
        page.wait_for_timeout(50)
    raise AssertionError(f"no hover label for {cell['row']} x {cell['column']}")


def test_hovering_every_heatmap_cell_shows_no_withheld_number(demo_server, demo_store_url):
    from playwright.sync_api import expect, sync_playwright

    truth = true_counts(demo_store_url, "2025-26")
    truth = truth[truth["indicator"] == "oss"].set_index(["building_id", "group_type", "group"])
    with session_scope(demo_store_url) as session:
        names = get_equity(session, school_year="2025-26", scope=DISTRICT)[
            ["building_name", "building_id"]
        ]
    building_ids = dict(names.drop_duplicates().itertuples(index=False))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 2000})
        page.goto(f"{demo_server}/equity?indicator=oss")
        expect(page.get_by_role("heading", name="Equity indicators")).to_be_visible(timeout=60_000)
        plot = page.locator(".js-plotly-plot").first
        expect(plot).to_be_visible(timeout=60_000)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        plot.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        cells = plot.evaluate(CELL_CENTRES)
        assert len(cells) == 13 * 13  # the district and 12 buildings, 13 groups

        groups = {label: key for key, label in GROUP_LABELS.items()}
        withheld_cells = not_calculated = 0
        seen = {}
        for cell in cells:
            lines = hover(page, cell)
            building, group_label, ratio_line, group_line, comparison_line = lines
            seen[(building, group_label)] = ratio_line
            group_type, group = groups[group_label]
            building_id = building_ids[building]
            true = truth.loc[(building_id, group_type, group)]
            # Every count on the group's and the comparison's line is at least the cell size.
            for line in (group_line, comparison_line):
                for number in NUMBER.findall(line):
                    if not number.endswith("%") and "." not in number:
                        assert int(number.replace(",", "")) >= RULES.min_cell_size, line
            small = true["events_group"] < RULES.min_cell_size or true["n_group"] < RULES.min_n_size
            if small:
                withheld_cells += 1
                assert "withheld" in group_line
                shown = set(NUMBER.findall(group_line))
                assert not shown & withheld_numbers(true["n_group"], true["events_group"]), lines
            if ratio_line.startswith("Not shown"):
                not_calculated += 1
        assert withheld_cells > 60 and not_calculated >= withheld_cells
        # The middle school's story, as a person reads it.
        assert seen[("Franklin Middle School", "Black")].startswith("Risk ratio: ")
        assert "▲ over the 2 flag" in seen[("Franklin Middle School", "Black")]
        assert "▲ over the 2 flag" in seen[("Franklin Middle School", "Students with IEPs")]
        # The page opened Franklin up close with its most over-represented group's trend.
        expect(page.get_by_text("One group in Franklin Middle School", exact=False)).to_be_visible()
        browser.close()
