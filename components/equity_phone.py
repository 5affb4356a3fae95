"""The Equity heatmap's phone form: on a 390 px screen a buildings x groups grid has cells too narrow
to read, so a phone gets the same cells as a table, one row per building and group."""

from __future__ import annotations

import pandas as pd

from components.equity_charts import label_equity_rows
from data_access.equity.metrics import DISTRICT_ID
from data_access.equity.view import EquityView


def heatmap_table(view: EquityView, *, show_all: bool) -> pd.DataFrame:
    """The heatmap's cells (the same rows as components.equity_view.heatmap) in words: building,
    group, the ratio with its flag, the group's risk and everyone else's."""
    labelled = label_equity_rows(view.rows, view.minimums)
    shown = labelled[
        (labelled["building_id"] == DISTRICT_ID)
        | show_all
        | labelled["building_id"].isin(view.flagged_buildings)
    ]
    return pd.DataFrame(
        {
            "Building": shown["building_name"].to_numpy(),
            "Group": shown["heatmap_label"].to_numpy(),
            "Compared with everyone else": shown["ratio_label"].to_numpy(),
        }
    )
