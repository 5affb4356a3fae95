"""Benchmark: the Follow-up page with 20,000 actions in the store, cold (empty caches) and warm.

    python -m benchmarks.follow_up [--actions 20000] [--runs 5]

Builds (or reuses) /tmp/mtss-bench-actions.db: the small demo district plus generated actions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

STORE = Path("/tmp/mtss-bench-actions.db")
ROOT = Path(__file__).resolve().parent.parent


def build_store(actions: int) -> str:
    url = f"sqlite:///{STORE}"
    if STORE.exists():
        return url
    from sqlalchemy import select

    from data_access.db import record_write, session_scope
    from data_access.demo import load_demo
    from data_access.models import Action, Building, User, utc_now

    load_demo(database_url=url, size="small")
    with session_scope(url) as session:
        owners = session.execute(select(User.email).where(User.role != "viewer")).scalars().all()
        buildings = [None, *session.execute(select(Building.building_id)).scalars().all()]
        now = utc_now()
        statuses = ("open", "in_progress", "done", "dropped")
        rows = [
            {
                "building_id": buildings[i % len(buildings)],
                "title": f"Generated action {i}",
                "problem_statement": "",
                "goal": "",
                "solution_actions": "",
                "owner_email": owners[i % len(owners)],
                "due_date": date(2025, 9, 1) + timedelta(days=i % 400),
                "status": statuses[i % 4],
                "fidelity_check": "not_started",
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for i in range(actions)
        ]
        session.execute(Action.__table__.insert(), rows)
        record_write(
            session,
            actor="benchmark",
            operation="insert",
            table_name="actions",
            detail={"rows": actions},
        )
    return url


def run_page(url: str) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    started = time.perf_counter()
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.switch_page("pages/follow_up.py")
    app.run()
    elapsed = time.perf_counter() - started
    assert not app.exception, app.exception
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = build_store(args.actions)
    import streamlit as st

    from data_access.settings import get_settings

    get_settings.cache_clear()
    cold, warm = [], []
    for _ in range(args.runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        cold.append(run_page(url))
        warm.append(run_page(url))
    print(
        f"Follow-up page, {args.actions:,} actions: cold median {statistics.median(cold):.3f} s "
        f"(min {min(cold):.3f}), warm median {statistics.median(warm):.3f} s"
    )


if __name__ == "__main__":
    main()
