"""Every table on screen holds cells a spreadsheet shows rather than runs, so the download and copy of
Streamlit's own table toolbar are as safe as the app's CSV and Excel buttons."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.downloads import to_csv_bytes

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def show_hostile_tables() -> None:
    import pandas as pd

    from components.display import show_dataframe, show_table

    cells = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    frame = pd.DataFrame({"note": cells, "score": [-0.5, 1, 2, 3, 4, 5]})
    show_table(frame)
    show_dataframe(frame.style.highlight_max(subset=["score"]), hide_index=True)
    show_dataframe(frame.set_index("note"))


def test_every_shown_table_neutralises_formula_cells_like_the_download_buttons():
    app = AppTest.from_function(show_hostile_tables, default_timeout=60).run()
    assert not app.exception
    plain, styled, indexed = (frame.value for frame in app.dataframe)
    expected = ["'" + cell for cell in HOSTILE]
    assert plain["note"].tolist() == expected
    assert plain["score"].tolist() == [-0.5, 1, 2, 3, 4, 5]  # numbers are numbers
    assert styled["note"].tolist() == expected
    assert indexed.index.tolist() == expected
    # What the app's own CSV button writes for the same rows.
    assert to_csv_bytes(plain).decode("utf-8-sig").splitlines()[1].startswith("\"'=HYPERLINK")


def test_no_page_or_component_calls_st_dataframe_but_the_one_helper():
    """A new table must go through components.display.show_dataframe (or show_table)."""
    calls = {
        str(path.relative_to(ROOT))
        for folder in ("pages", "components")
        for path in (ROOT / folder).glob("*.py")
        if re.search(r"\bst\.(dataframe|data_editor)\(", path.read_text())
    }
    assert calls == {"components/display.py"}
