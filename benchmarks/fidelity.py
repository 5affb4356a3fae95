"""How fast the Fidelity page runs on a large store, cold (empty caches) and warm.

    python -m benchmarks.fidelity [--runs 5]

Uses DATABASE_URL (default: the large demo district at /tmp/large.db, made with
`DATABASE_URL=sqlite:////tmp/large.db python -m data_access demo --size large`). The target: cold under
1.5 s. Each cold run is a fresh AppTest with Streamlit's data and resource caches cleared first, so
every query really runs; a warm run reruns the same page, answering from the cache.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/fidelity.py"
DEFAULT_URL = "sqlite:////tmp/large.db"


def open_page():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.run()  # the entry page (Overview), so that switching pages runs only the Fidelity page
    return app


def timed_run(app, *, switch: bool) -> tuple[float, float]:
    """Wall-clock seconds, and the CPU seconds this process spent (a figure other programs running
    on the machine at the same time do not inflate)."""
    started, cpu = time.perf_counter(), time.process_time()
    if switch:
        app.switch_page(PAGE)
    app.run()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    if app.exception:
        raise SystemExit(f"the page failed: {[error.value for error in app.exception]}")
    return seconds, cpu_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.chdir(ROOT)
    import streamlit as st

    cold, warm = [], []
    for _ in range(args.runs):
        app = open_page()
        st.cache_data.clear()
        st.cache_resource.clear()
        cold.append(timed_run(app, switch=True))
        warm.append(timed_run(app, switch=False))
    print(f"store: {os.environ['DATABASE_URL']}")
    for name, runs in (("cold", cold), ("warm", warm)):
        wall = [seconds for seconds, _ in runs]
        cpu = [cpu_seconds for _, cpu_seconds in runs]
        print(
            f"{name}: median {statistics.median(wall):.2f} s "
            f"({', '.join(f'{s:.2f}' for s in wall)}); "
            f"CPU median {statistics.median(cpu):.2f} s"
        )


if __name__ == "__main__":
    main()
