"""The data layer: the store's tables, every read and write, the importer and the command line.
No Streamlit here; pages and components call in, never the other way round (see ARCHITECTURE.md)."""

# Imported for its session events, wherever the data layer is used: every commit that changed
# student data rebuilds the equity summary in the same transaction.
from data_access.equity import summary as _equity_summary_events  # noqa: F401
