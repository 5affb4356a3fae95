"""Data in: files of the data contract (CSV or XLSX) and OneRoster exports, checked whole and loaded
all or nothing. `pipeline.import_files` is the one entry point; the command line (`cli.py`) and the
Data page call it. Nothing is imported here, so `python -m data_access` starts fast."""
