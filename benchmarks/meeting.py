"""How fast the leadership meeting screen (the Overview) runs on a large store, cold and warm, what
its parts cost, and how long the PDF brief takes to make.

    python -m benchmarks.meeting [--runs 3] [--no-brief]

Uses DATABASE_URL (default: the large demo district at /tmp/large.db, made with
`DATABASE_URL=sqlite:////tmp/large.db python -m data_access demo --size large`). The target: the
meeting screen cold (empty caches, a fresh session) in under 10 s on the 200-building district, so
it is ready before the meeting starts, and warm (a rerun, e.g. after a click) in under 1 s.

- *page cold*: a fresh AppTest with Streamlit's data and resource caches cleared, running the
  Overview; *page warm*: the same session run again, answering from the cache.
- *headlines* and *picture*: `data_access.meeting.headlines.get_headlines` and `view.get_meeting_picture` for the
  whole district, each with the equity rows computed inside (as nothing was cached).
- *brief*: the district's PDF brief (three charts drawn by plotly's image export in one headless
  Chromium, then the PDF), made from figures already loaded, as the download button does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "sqlite:////tmp/large.db"


def median_line(name: str, seconds: list[float]) -> str:
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    return f"{name:<14} median {statistics.median(seconds):.2f} s  ({runs})"


def time_page(runs: int) -> tuple[list[float], list[float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    cold, warm = [], []
    for _ in range(runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
        for seconds in (cold, warm):  # dashboard.py opens on the Overview
            started = time.perf_counter()
            app.run()
            seconds.append(time.perf_counter() - started)
            if app.exception:
                raise SystemExit(f"the page failed: {[error.value for error in app.exception]}")
    return cold, warm


def time_parts(url: str, runs: int, brief: bool) -> dict[str, list[float]]:
    from data_access.db import session_scope
    from data_access.meeting.headlines import get_headlines
    from data_access.meeting.view import get_meeting_picture
    from data_access.scope import DISTRICT
    from data_access.staff_support.queries import get_default_as_of

    times: dict[str, list[float]] = {"headlines": [], "picture": [], "brief": []}
    for _ in range(runs):
        with session_scope(url) as session:
            as_of = get_default_as_of(session)
            started = time.perf_counter()
            headlines = get_headlines(session, as_of=as_of)
            times["headlines"].append(time.perf_counter() - started)
            started = time.perf_counter()
            picture = get_meeting_picture(session, as_of=as_of, scope=DISTRICT)
            times["picture"].append(time.perf_counter() - started)
        if brief:
            from components.brief_browser import find_browser
            from components.brief_document import brief_pdf

            if find_browser() is None:
                print("brief: skipped, no Chrome or Chromium to draw the charts")
                brief = False
                continue
            started = time.perf_counter()
            pdf = brief_pdf(headlines, picture, building_id=None)
            times["brief"].append(time.perf_counter() - started)
    if brief:
        print(f"brief: {len(pdf):,} bytes")
    return {name: values for name, values in times.items() if values}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-brief", action="store_true", help="do not time the PDF brief")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.chdir(ROOT)
    from data_access.db import describe_url

    url = os.environ["DATABASE_URL"]
    print(f"store: {describe_url(url)}")
    for name, seconds in time_parts(url, args.runs, not args.no_brief).items():
        print(median_line(name, seconds))
    cold, warm = time_page(args.runs)
    print(median_line("page cold", cold))
    print(median_line("page warm", warm))


if __name__ == "__main__":
    main()
