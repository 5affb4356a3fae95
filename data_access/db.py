"""The engine (one per process and URL), sessions, and the bookkeeping every write goes through."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, true, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, create_engine

from data_access.models import AreaVersion, AuditLog, DataVersion, StoreInfo, utc_now
from data_access.settings import get_settings

NOTED_CHANGES = "audit_noted_changes"  # session.info key: row changes waiting for record_write
WROTE = "bumped_data_version"  # session.info key: this transaction bumped the data version
_write_count_lock = threading.Lock()
_commits_that_wrote = 0  # in this process: read by pages to know their run's data version is stale


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message says which and what to check."""


def get_engine(database_url: str | None = None) -> Engine:
    """The process's engine for a store (default: the one settings name)."""
    return _engine_for(database_url or get_settings().database_url)


@lru_cache(maxsize=8)
def _engine_for(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    # pool_pre_ping: a district database restarted overnight must not break the first page of the day.
    # connect_timeout: a server that went away is said on screen within seconds, not minutes.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"connect_timeout": 10},
    )


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets several server processes read while one writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reads through a memory map instead of read() calls into the page cache: 7% less CPU for the
    # equity GROUP BY on the large district here (30% in another engineer's measurement). Touched
    # pages count toward RSS but are shared between processes; the cap bounds what it adds.
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


@contextmanager
def session_scope(database_url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: nothing is half-written."""
    with Session(get_engine(database_url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def local_writes() -> int:
    """How many commits in this process have bumped the data version so far. A page reads the data
    version once per run; when this number moves during the run, its own write made that stale."""
    return _commits_that_wrote


@event.listens_for(OrmSession, "after_commit")
def _count_write(session: OrmSession) -> None:
    global _commits_that_wrote
    if session.info.pop(WROTE, False):
        with _write_count_lock:
            _commits_that_wrote += 1


@event.listens_for(OrmSession, "after_rollback")
def _forget_write(session: OrmSession) -> None:
    session.info.pop(WROTE, None)


def describe_url(database_url: str) -> str:
    """The store's address without its password, for messages."""
    return make_url(database_url).render_as_string(hide_password=True)


def describe_error(error: Exception) -> str:
    """A database error in one line a data manager can act on, without SQL or driver internals."""
    if isinstance(error, StoreUnavailable):
        return str(error)
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0]


# The area each table's writes change (the audit log's table names). A write naming anything else (an
# import's "*", the buildings, instruments) changes every area: unknown means everything.
TABLE_AREAS = {
    "fidelity": "fidelity",
    "staff": "staff",
    "staff_assignments": "staff",
    "supervision": "staff",
    "caseloads": "staff",
    "supervision_themes": "staff",
    "staff_pulse": "staff",
    "students": "students",
    "attendance": "students",
    "discipline": "students",
    "supports": "students",
    "screening": "students",
    "equity_cell_counts": "students",
    "student_counts": "students",
    "screening_window_counts": "students",
    "referral_counts": "students",
    "school_calendar": "students",
    "actions": "actions",
    "action_updates": "actions",
    "meetings": "team",
    "meeting_attendance": "team",
    "team_members": "team",
    "team_self_checks": "team",
    "users": "users",
    "user_buildings": "users",
}
AREAS = tuple(sorted(set(TABLE_AREAS.values())))


def areas_changed(table_names: list[str]) -> tuple[str, ...]:
    """The areas a write to these tables changes (all of them for a table not in TABLE_AREAS)."""
    if any(name not in TABLE_AREAS for name in table_names):
        return AREAS
    return tuple(sorted({TABLE_AREAS[name] for name in table_names}))


def record_write(
    session: Session,
    *,
    actor: str,
    operation: str,
    table_name: str,
    row_key: str | None = None,
    detail: dict[str, Any] | str = "",
) -> int:
    """Bump the store's data version and write the audit log, inside the caller's transaction.

    Every write in the product calls this in the same transaction as its change, so the change, its
    audit row and the version that invalidates caches commit or roll back together. Changes noted
    with `note_change` earlier in the transaction get their own audit rows here too."""
    session.info[WROTE] = True
    session.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, changed_at=utc_now())
    )
    version = session.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar_one()
    noted = session.info.pop(NOTED_CHANGES, [])
    changed = areas_changed([table_name, *(change[1] for change in noted)])
    session.execute(
        update(AreaVersion).where(AreaVersion.area.in_(changed)).values(version=version)
    )
    for change in [(operation, table_name, row_key, detail), *noted]:
        text = (
            change[3]
            if isinstance(change[3], str)
            else json.dumps(change[3], default=str, sort_keys=True)
        )
        session.add(
            AuditLog(
                actor=actor,
                operation=change[0],
                table_name=change[1],
                row_key=change[2],
                detail=text,
                data_version=version,
            )
        )
    session.flush()
    return version


@event.listens_for(OrmSession, "after_rollback")
def _forget_noted_changes(session: OrmSession) -> None:
    session.info.pop(NOTED_CHANGES, None)


def note_change(
    session: Session, *, operation: str, table_name: str, row_key: str, detail: dict[str, Any]
) -> None:
    """Remember one row's change (its before and after) for the audit log: the next `record_write`
    in this transaction writes it, as its own audit row with the same actor and data version. For a
    write of many rows (an import) that records itself once; rolled back, nothing is written."""
    session.info.setdefault(NOTED_CHANGES, []).append((operation, table_name, row_key, detail))


def get_data_version(session: Session) -> int:
    return session.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar_one()


def get_versions(session: Session) -> tuple[int, dict[str, int]]:
    """The store's data version and each area's (its last write's), in one statement: a page run
    reads them once. An area without its row (a store whose schema was made without the
    migrations) takes the store's version: never older than its data."""
    rows = session.execute(
        select(DataVersion.version, AreaVersion.area, AreaVersion.version)
        .select_from(DataVersion)
        .outerjoin(AreaVersion, true())
        .where(DataVersion.id == 1)
    ).all()
    current = rows[0][0]
    areas = {area: version for _current, area, version in rows if area is not None}
    return current, {area: areas.get(area, current) for area in AREAS} | areas


KNOWN_VERSION = "data_version"  # session.info key: the version a cached read is being made for
KNOWN_AREA_VERSIONS = "area_versions"  # session.info key: the area versions read with it


def known_data_version(session: Session) -> int:
    """The data version this session reads for: the one the cache keyed the read by (it read it
    once for the whole page run), else the store's own."""
    known = session.info.get(KNOWN_VERSION)
    return known if known is not None else get_data_version(session)


def get_store_info(session: Session) -> dict[str, str]:
    return {key: value for key, value in session.execute(select(StoreInfo.key, StoreInfo.value))}


def set_store_info(session: Session, *, values: dict[str, str | None]) -> None:
    """Set or (with None) remove facts about the store; the caller records the write."""
    for key, value in values.items():
        existing = session.get(StoreInfo, key)
        if value is None:
            if existing is not None:
                session.delete(existing)
        elif existing is None:
            session.add(StoreInfo(key=key, value=value))
        else:
            existing.value = value
    session.flush()


def count_rows(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()
