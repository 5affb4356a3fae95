"""Load the demo district into a store in one transaction, or leave the store exactly as it was."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import delete, text
from sqlmodel import Session

from data_access.db import record_write, session_scope, set_store_info
from data_access.demo.district import TABLE_MODELS, generate_district
from data_access.equity.summary import EVERY_YEAR, years_changed
from data_access.settings import get_settings
from data_access.store import init_store, store_is_empty

CHUNK_ROWS = 25_000
# Tables whose integer ids the demo sets itself; PostgreSQL's sequences must then be moved past them.
EXPLICIT_IDS = {
    "team_members": "member_id",
    "meetings": "meeting_id",
    "actions": "action_id",
    "action_updates": "update_id",
}
GENERATING_SHARE = 0.2  # of the progress bar, for building the district before inserting it

Progress = Callable[[float, str], None]


class StoreNotEmpty(Exception):
    """The store already holds district data; the demo only replaces it when asked to."""


@dataclass(frozen=True)
class LoadSummary:
    size: str
    seed: int
    as_of: date
    rows: dict[str, int]  # table → rows inserted, in insert order
    seconds: float


def load_demo(
    *,
    database_url: str | None = None,
    size: str = "small",
    seed: int = 2026,
    replace: bool = False,
    progress: Progress | None = None,
    actor: str = "demo",
) -> LoadSummary:
    """Generate the demo district and insert it, all in one transaction: any error rolls everything
    back, so the store is exactly as before. Refuses a store holding district data unless `replace`.
    `actor`: who the audit log names (the command line and first run: "demo")."""
    started = time.perf_counter()
    url = database_url or get_settings().database_url
    report = progress or (lambda fraction, message: None)
    init_store(url)
    if not replace and not store_is_empty(url):
        raise StoreNotEmpty(
            "The store already holds district data; the demo district was not loaded. "
            "To overwrite it with the demo, run the demo command again with --replace."
        )
    report(0.0, f"Generating the {size} demo district (seed {seed})")
    district = generate_district(size=size, seed=seed)
    total = sum(len(frame) for frame in district.tables.values())
    report(GENERATING_SHARE, f"Generated {total:,} rows; writing them to the store")

    rows: dict[str, int] = {}
    with session_scope(url) as session:
        if replace:
            report(GENERATING_SHARE, "Removing the district data already in the store")
            clear_district_data(session)
        done = 0
        for name, model in TABLE_MODELS.items():
            frame = district.tables[name]
            for chunk in _chunks(frame):
                session.execute(model.__table__.insert(), chunk)
                done += len(chunk)
                report(
                    GENERATING_SHARE + (1 - GENERATING_SHARE) * done / total,
                    f"Writing {name} ({len(frame):,} rows)",
                )
            rows[name] = len(frame)
        _move_sequences_past_explicit_ids(session)
        report(1.0, "Counting the equity indicators of every school year")
        years_changed(session, EVERY_YEAR)
        set_store_info(
            session,
            values={
                "demo": "true",
                "demo_size": size,
                "demo_seed": str(seed),
                "as_of": district.as_of.isoformat(),
            },
        )
        record_write(
            session,
            actor=actor,
            operation="load_demo",
            table_name="*",
            detail={
                "size": size,
                "seed": seed,
                "as_of": district.as_of.isoformat(),
                "replaced": replace,
                "rows": rows,
            },
        )
    report(1.0, f"Loaded {total:,} rows")
    return LoadSummary(
        size=size,
        seed=seed,
        as_of=district.as_of,
        rows=rows,
        seconds=round(time.perf_counter() - started, 3),
    )


def clear_district_data(session: Session) -> None:
    """Delete every district-data table's rows, children before parents. Instruments, the audit log
    and the data version stay: they describe the store, not the district."""
    for model in reversed(list(TABLE_MODELS.values())):
        session.execute(delete(model))
    years_changed(session, EVERY_YEAR)


def _move_sequences_past_explicit_ids(session: Session) -> None:
    """After inserting explicit integer ids, PostgreSQL's sequences still start at 1; the next action
    saved in the app would collide. (SQLite continues from the largest id by itself.)"""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table, column in EXPLICIT_IDS.items():
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT COALESCE(MAX({column}), 1) FROM {table}))"
            )
        )


def _chunks(frame: pd.DataFrame) -> Iterator[list[dict]]:
    """Rows as plain Python values (int, float, bool, str, date, datetime, None), in chunks."""
    columns = list(frame.columns)
    values = [_python_values(frame[column]) for column in columns]
    for start in range(0, len(frame), CHUNK_ROWS):
        stop = start + CHUNK_ROWS
        yield [
            dict(zip(columns, row, strict=True))
            for row in zip(*(v[start:stop] for v in values), strict=True)
        ]


def _python_values(series: pd.Series) -> list:
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return [None if pd.isna(v) else v.to_pydatetime() for v in series]
    values = series.tolist()  # numpy scalars become Python ones
    if not series.isna().any():
        return values
    return [None if _missing(v) else v for v in values]


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and np.isnan(value)


__all__ = ["LoadSummary", "StoreNotEmpty", "clear_district_data", "load_demo"]
