"""The phone layout: parts a phone cannot read get a phone form, shown by the screen's width."""

from __future__ import annotations

from components.layout import LAYOUT_CSS, PHONE_MAX_WIDTH
from tests.utils.app import open_page


def test_a_phone_gets_the_equity_heatmap_as_a_table_of_the_same_cells(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, "equity")
    assert not app.exception, [error.value for error in app.exception]
    tables = [
        frame.value
        for frame in app.dataframe
        if "Compared with everyone else" in frame.value.columns
    ]
    assert len(tables) == 1
    table = tables[0]
    assert list(table.columns) == ["Building", "Group", "Compared with everyone else"]
    # The same numbers as the heatmap's cells, in words, with the flags spelled out.
    row = table[(table["Building"] == "Franklin Middle School") & (table["Group"] == "Black")]
    assert row["Compared with everyone else"].tolist() == ["1.75"]
    assert table["Compared with everyone else"].str.contains("▲ over").any()
    # The heatmap's cells, all of them: every building shown has a row per group.
    assert table.groupby("Building").size().nunique() == 1
    assert f"max-width: {PHONE_MAX_WIDTH}px" in LAYOUT_CSS
