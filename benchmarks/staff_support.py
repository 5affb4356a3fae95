"""How fast the Staff support page runs on a large store, cold (empty caches) and warm.

    python -m benchmarks.staff_support [--runs 5] [--building B010]

Uses DATABASE_URL (default: the large demo district at /tmp/large.db, made with
`DATABASE_URL=sqlite:////tmp/large.db python -m data_access demo --size large`). The target: cold under
1.5 s. Each cold run is a fresh AppTest with Streamlit's data and resource caches cleared first, so
every query really runs; a warm run reruns the same page, answering from the cache. The page runs
every tab (Streamlit draws them all), so this is the whole page, scheduling forms included.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/staff_support.py"
DEFAULT_URL = "sqlite:////tmp/large.db"


def open_app():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.run()  # the entry page (Overview), so that switching pages runs only this page
    return app


def timed(step) -> float:
    started = time.perf_counter()
    app = step()
    seconds = time.perf_counter() - started
    if app.exception:
        raise SystemExit(f"the page failed: {[error.value for error in app.exception]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--building", help="also time choosing this building (cold, then warm)")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.chdir(ROOT)
    import streamlit as st

    cold, warm, building_cold = [], [], []
    for _ in range(args.runs):
        app = open_app()
        st.cache_data.clear()
        st.cache_resource.clear()
        app.switch_page(PAGE)
        cold.append(timed(app.run))
        warm.append(timed(app.run))
        if args.building:
            building_cold.append(
                timed(app.selectbox(key="staff_support_building").select(args.building).run)
            )
    print(f"store: {os.environ['DATABASE_URL']}")
    for name, seconds in (("cold", cold), ("warm", warm), ("building, first time", building_cold)):
        if seconds:
            runs = ", ".join(f"{s:.2f}" for s in seconds)
            print(f"{name}: median {statistics.median(seconds):.2f} s  ({runs})")


if __name__ == "__main__":
    main()
