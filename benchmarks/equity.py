"""How fast equity indicators compute on a large store, beside one raw SQL GROUP BY, and how fast the
Equity page runs, cold (empty caches) and warm.

    python -m benchmarks.equity [--runs 5] [--year 2025-26] [--no-page]

Uses DATABASE_URL (default: the large demo district at /tmp/large.db, made with
`DATABASE_URL=sqlite:////tmp/large.db python -m data_access demo --size large`). The target: one
full school year (every building, indicator and group) computes cold in under 3 s.

- *compute*: `data_access.equity.queries.get_equity` for the whole district, as the page and the export run
  it (the year's counts per building and demographic cell read from the equity summary, then risks,
  ratios, suppression and flags in pandas), each run on a fresh engine.
- *recount*: `equity.summary.rebuild_equity_summary` for the year (the counting query written into
  the summary, as every import and demo load runs it), rolled back after timing.
- *raw GROUP BY*: one hand-written SQL statement producing the same counts, fetched and nothing else:
  the floor any implementation of the counts starts from. The summary's rows are checked equal to
  its rows, cell by cell.
- *page*: a fresh AppTest with Streamlit's data and resource caches cleared (cold), then a rerun of the
  same page answering from the cache (warm). The page reads every school year (for runs of flags and
  the trend), so its cold time grows with the number of years in the store.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from data_access.scope import DISTRICT

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/equity.py"
DEFAULT_URL = "sqlite:////tmp/large.db"

# The counts get_cell_counts builds with SQLAlchemy, written by hand.
RAW_GROUP_BY = """
SELECT s.building_id, COALESCE(s.race_ethnicity, '') AS race_ethnicity, COALESCE(s.sex, '') AS sex,
       s.iep, s.el, s.econ_disadv,
       COUNT(*) AS n_students,
       SUM(CASE WHEN a.days_enrolled >= 10 THEN 1 ELSE 0 END) AS n_attendance,
       SUM(COALESCE(d.odr, 0)) AS odr,
       SUM(COALESCE(d.iss, 0)) AS iss,
       SUM(COALESCE(d.oss, 0)) AS oss,
       SUM(COALESCE(d.exclusion, 0)) AS exclusion,
       SUM(CASE WHEN a.days_enrolled >= 10 AND 10 * a.days_absent >= a.days_enrolled
                THEN 1 ELSE 0 END) AS chronic_absence,
       SUM(CASE WHEN p.tier IN (2, 3) THEN 1 ELSE 0 END) AS tier2plus,
       SUM(CASE WHEN p.tier = 3 THEN 1 ELSE 0 END) AS tier3,
       SUM(CASE WHEN b.below IS NOT NULL THEN 1 ELSE 0 END) AS n_screened,
       SUM(COALESCE(b.below, 0)) AS below_benchmark,
       SUM(CASE WHEN b.below = 1 AND p.tier IS NULL THEN 1 ELSE 0 END) AS unsupported_need
FROM students s
LEFT JOIN (
    -- every incident is a referral, whatever followed it
    SELECT student_id,
           1 AS odr,
           MAX(CASE WHEN action = 'ISS' THEN 1 ELSE 0 END) AS iss,
           MAX(CASE WHEN action = 'OSS' THEN 1 ELSE 0 END) AS oss,
           MAX(CASE WHEN action IN ('OSS', 'EXP') THEN 1 ELSE 0 END) AS exclusion
    FROM discipline WHERE school_year = :year GROUP BY student_id
) d ON d.student_id = s.student_id
LEFT JOIN (
    SELECT student_id, MAX(tier) AS tier
    FROM supports WHERE school_year = :year GROUP BY student_id
) p ON p.student_id = s.student_id
LEFT JOIN (
    -- below benchmark: not at benchmark on some measure of the student's latest window screened
    SELECT w.student_id, MAX(CASE WHEN w.at_benchmark THEN 0 ELSE 1 END) AS below
    FROM screening w
    JOIN (
        SELECT student_id,
               MAX(CASE "window" WHEN 'fall' THEN 1 WHEN 'winter' THEN 2 ELSE 3 END) AS latest
        FROM screening WHERE school_year = :year GROUP BY student_id
    ) l ON l.student_id = w.student_id
       AND l.latest = CASE w."window" WHEN 'fall' THEN 1 WHEN 'winter' THEN 2 ELSE 3 END
    WHERE w.school_year = :year
    GROUP BY w.student_id
) b ON b.student_id = s.student_id
LEFT JOIN attendance a ON a.student_id = s.student_id AND a.school_year = s.school_year
WHERE s.school_year = :year
GROUP BY s.building_id, COALESCE(s.race_ethnicity, ''), COALESCE(s.sex, ''), s.iep, s.el,
         s.econ_disadv
"""


def median_line(name: str, seconds: list[float]) -> str:
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    return f"{name:<18} median {statistics.median(seconds):.2f} s  ({runs})"


def _timed(times: dict[str, list[float]], name: str, work) -> object:
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    times[name].append(time.perf_counter() - started)
    times[f"{name} cpu"].append(time.process_time() - cpu)
    return result


def time_compute(url: str, year: str, runs: int) -> dict[str, list[float]]:
    """Wall-clock and this process's CPU seconds of the computation, the recount and the raw GROUP
    BY. On a busy machine the wall clock includes waiting for a core; on SQLite the CPU time is the
    work itself (on PostgreSQL the server's work is not in it)."""
    from data_access.db import get_engine, session_scope
    from data_access.equity.queries import get_cell_counts, get_equity
    from data_access.equity.summary import rebuild_equity_summary

    names = ("compute", "recount", "raw")
    times: dict[str, list[float]] = {f"{n}{kind}": [] for n in names for kind in ("", " cpu")}

    def compute() -> int:
        with session_scope(url) as session:
            return len(get_equity(session, school_year=year, scope=DISTRICT))

    def recount() -> None:
        with get_engine(url).connect() as connection, Session(bind=connection) as session:
            rebuild_equity_summary(session, [year])
            session.rollback()

    def raw() -> list[tuple]:
        with get_engine(url).connect() as connection:
            return connection.execute(text(RAW_GROUP_BY), {"year": year}).all()

    rows, cells = 0, []
    for _ in range(runs):
        get_engine(url).dispose()
        rows = _timed(times, "compute", compute)
        get_engine(url).dispose()
        _timed(times, "recount", recount)
        get_engine(url).dispose()
        cells = _timed(times, "raw", raw)
    # The summary holds exactly the raw GROUP BY's counts.
    with session_scope(url) as session:
        summary = get_cell_counts(session, school_year=year, scope=DISTRICT)
    normal = sorted(tuple(int(v) if isinstance(v, bool) else v for v in row) for row in cells)
    stored = sorted(
        tuple(int(v) if isinstance(v, bool) else v for v in row)
        for row in summary.itertuples(index=False)
    )
    assert stored == normal, "the equity summary differs from the raw GROUP BY"
    print(f"school year {year}: {rows:,} equity rows from {len(cells):,} count cells (equal)")
    return times


def time_page(runs: int) -> tuple[list[float], list[float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    cold, warm = [], []
    for _ in range(runs):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        app.run()  # the entry page (Overview), so that switching pages runs only the Equity page
        st.cache_data.clear()
        st.cache_resource.clear()
        for seconds, switch in ((cold, True), (warm, False)):
            started = time.perf_counter()
            if switch:
                app.switch_page(PAGE)
            app.run()
            seconds.append(time.perf_counter() - started)
            if app.exception:
                raise SystemExit(f"the page failed: {[error.value for error in app.exception]}")
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", help="school year (default: the newest in the store)")
    parser.add_argument("--no-page", action="store_true", help="time the computation only")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.chdir(ROOT)
    from data_access.db import describe_url, session_scope
    from data_access.equity.queries import list_equity_school_years

    url = os.environ["DATABASE_URL"]
    with session_scope(url) as session:
        years = list_equity_school_years(session)
    year = args.year or years[0]

    print(f"store: {describe_url(url)}")
    times = time_compute(url, year, args.runs)
    for name, seconds in times.items():
        print(median_line(name.replace("raw", "raw GROUP BY"), seconds))
    for name in ("compute", "recount"):
        for kind in ("", " cpu"):
            ratio = statistics.median(times[f"{name}{kind}"]) / statistics.median(
                times[f"raw{kind}"]
            )
            print(f"{name} / raw GROUP BY{kind}: {ratio:.2f}x")
    if not args.no_page:
        cold, warm = time_page(args.runs)
        print(f"page ({len(years)} school years in the store):")
        print(median_line("  cold", cold))
        print(median_line("  warm", warm))


if __name__ == "__main__":
    main()
