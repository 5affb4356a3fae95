"""Server memory under writes: `streamlit run dashboard.py` on a store, then rounds of one write (a
follow-up action saved through `data_access`, which bumps the data version every cache is keyed by)
made while one page view per session is under way (a websocket session as in `benchmarks.sessions`, each round the next
page of the list, so every view after a write is cold). The server's resident memory is read after
every tenth round; the target is memory after the last round within 20% of after the tenth.

    python -m benchmarks.memory [--store sqlite|postgresql|PATH-OR-URL] [--rounds 100]
                                [--sessions 1] [--json PATH]

`--store sqlite` is the large demo district (benchmarks.run's SQLite copy), `postgresql` its
PostgreSQL database; any other value is a DATABASE_URL (or an SQLite file) of your own, e.g. the
small demo district while developing. The load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.sessions import Server, Session

PAGES = ("", "equity", "fidelity", "staff_support", "building", "follow_up")
TARGET_GROWTH = 1.2  # memory after the last round / after the tenth
# Memory is read a moment after the round's runs finished (what a run freed is handed back to the
# allocator as its thread finishes; read at once, one reading in ten caught a run's peak).
SETTLE_SECONDS = 2.0


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def store_url(store: str) -> str:
    if store in ("sqlite", "postgresql"):
        from benchmarks.run import postgres_store, sqlite_store

        return sqlite_store() if store == "sqlite" else postgres_store()
    return store if "://" in store else f"sqlite:///{Path(store).resolve()}"


def write_once(url: str, round_number: int) -> int:
    """Save one change to the first follow-up action, as a coach's edit would; the new version."""
    from sqlalchemy import select

    from data_access.actions.writes import update_action
    from data_access.db import get_data_version, session_scope
    from data_access.models import Action
    from data_access.users.access import COMMAND_LINE

    with session_scope(url) as session:
        action = session.execute(select(Action).order_by(Action.action_id).limit(1)).scalar_one()
        update_action(
            session,
            action_id=action.action_id,
            base_version=action.version,
            changes={"goal": f"Benchmark goal, edit {round_number}"},
            editor=COMMAND_LINE,
        )
        session.flush()
        return get_data_version(session)


async def rounds(server: Server, url: str, count: int, sessions: int) -> list[dict]:
    opened = [await Session.open(server.stream) for _ in range(sessions)]
    readings: list[dict] = []
    started = time.perf_counter()
    try:
        for number in range(1, count + 1):
            page = PAGES[number % len(PAGES)]
            views = [session.run(page) for session in opened]
            # The write lands while the sessions' runs are under way, as in a meeting: some runs
            # began with the older version and finish with it.
            version, *runs = await asyncio.gather(
                asyncio.to_thread(write_once, url, number), *views
            )
            errors = sum(run.exceptions for run in runs)
            if number == 1 or number % 10 == 0:
                await asyncio.sleep(SETTLE_SECONDS)
                reading = {
                    "round": number,
                    "data_version": version,
                    "rss_mb": round(server.rss_mb(), 1),
                    "server_cpu_seconds": round(server.cpu_seconds(), 1),
                    "seconds": round(time.perf_counter() - started, 1),
                    "page_errors": errors,
                    "load_average": load_average(),
                }
                readings.append(reading)
                print(
                    f"  round {number:>4}: RSS {reading['rss_mb']:7.1f} MB, server CPU"
                    f" {reading['server_cpu_seconds']:6.1f} s, load {reading['load_average']}",
                    flush=True,
                )
    finally:
        for session in opened:
            await session.close()
    return readings


def measure(url: str, count: int, sessions: int) -> dict:
    from data_access.db import describe_url
    from data_access.store import init_store

    init_store(url)
    result: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": describe_url(url),
        "rounds": count,
        "sessions": sessions,
        "load_average_start": load_average(),
    }
    print(f"server memory under writes: {result['store']}, load {result['load_average_start']}")
    with Server(url) as server:
        result["idle_rss_mb"] = round(server.rss_mb(), 1)
        result["readings"] = asyncio.run(rounds(server, url, count, sessions))
    tenth = next((r for r in result["readings"] if r["round"] == 10), result["readings"][0])
    last = result["readings"][-1]
    result["growth"] = round(last["rss_mb"] / tenth["rss_mb"], 3)
    result["target_growth"] = TARGET_GROWTH
    result["met"] = result["growth"] <= TARGET_GROWTH
    result["load_average_end"] = load_average()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="sqlite", help="sqlite, postgresql, or a URL/path")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--json", default="/tmp/scale-memory.json")
    args = parser.parse_args()
    result = measure(store_url(args.store), args.rounds, args.sessions)
    tenth = next((r for r in result["readings"] if r["round"] == 10), result["readings"][0])
    print(
        f"RSS after round {tenth['round']}: {tenth['rss_mb']} MB; after round"
        f" {result['readings'][-1]['round']}: {result['readings'][-1]['rss_mb']} MB:"
        f" x{result['growth']} (target at most x{TARGET_GROWTH}: {'met' if result['met'] else 'MISSED'})"
    )
    print(f"load average at end: {result['load_average_end']}")
    Path(args.json).write_text(json.dumps(result, indent=2))
    print(f"JSON: {args.json}")


if __name__ == "__main__":
    main()
