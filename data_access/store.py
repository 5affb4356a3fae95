"""Creating and upgrading the store: `python -m data_access init` and app start both come here."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from data_access.db import (
    StoreUnavailable,
    describe_url,
    get_engine,
    get_store_info,
    record_write,
    session_scope,
)
from data_access.models import Building, InstrumentItem, Student
from data_access.settings import PROJECT_ROOT, get_settings

MIGRATIONS = PROJECT_ROOT / "data_access" / "migrations"
BUILTIN_INSTRUMENTS = PROJECT_ROOT / "data_access" / "instruments"
# Subscales an earlier built-in definition got wrong: (instrument, item) -> (what it said, what the
# manual says; TFI 2.1 puts 1.12 Discipline Data under Evaluation). A store still holding the earlier
# value is corrected by `init_store`; any other value (a district's own definition) is left alone.
BUILTIN_SUBSCALE_CORRECTIONS = {("TFI-2.1", "1.12"): ("Implementation", "Evaluation")}


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def current_revision(database_url: str) -> str | None:
    with get_engine(database_url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_store(database_url: str | None = None, revision: str = "head") -> bool:
    """Bring the schema to `revision`; returns True when anything changed. Safe to call at every start."""
    url = database_url or get_settings().database_url
    try:
        before = current_revision(url)
        target = head_revision() if revision == "head" else revision
        if before == target:
            return False
        command.upgrade(alembic_config(url), revision)
        return True
    except OperationalError as error:
        raise StoreUnavailable(
            f"Cannot open the store at {describe_url(url)}: {str(error.orig).strip()}\n"
            "Check DATABASE_URL and that the database server is running."
        ) from error


def store_never_held_data(database_url: str | None = None) -> bool:
    """True on a store's very first run: it holds no district data and never has (no demo load and
    no import in its audit log). A store emptied on purpose, e.g. to leave the demo, is not refilled."""
    from data_access.models import AuditLog

    if not store_is_empty(database_url):
        return False
    with session_scope(database_url) as session:
        history = session.execute(
            select(AuditLog.audit_id)
            .where(AuditLog.operation.in_(("load_demo", "import")))
            .limit(1)
        ).first()
    return history is None


def store_is_empty(database_url: str | None = None) -> bool:
    """True when the store holds no district data (no buildings, no students)."""
    try:
        with session_scope(database_url) as session:
            return (
                session.execute(select(Building.building_id).limit(1)).first() is None
                and session.execute(select(Student.student_id).limit(1)).first() is None
            )
    except SQLAlchemyError as error:
        raise StoreUnavailable(f"Cannot read the store: {error}") from error


def init_store(database_url: str | None = None) -> list[str]:
    """Upgrade the schema to head and add any built-in instrument the store lacks.

    Returns what it did, in words; an empty list means the store was already up to date."""
    url = database_url or get_settings().database_url
    done = []
    if upgrade_store(url):
        done.append(f"schema upgraded to revision {head_revision()}")
    with session_scope(url) as session:
        done.extend(f"instrument {name} added" for name in add_builtin_instruments(session))
    return done


def add_builtin_instruments(session) -> list[str]:
    """Insert each built-in instrument (data_access/instruments/*.csv) that the store does not hold.

    An instrument already present is left alone (a district may have replaced its definition),
    except for the subscales in `BUILTIN_SUBSCALE_CORRECTIONS`."""
    correct_builtin_subscales(session)
    present = set(session.execute(select(InstrumentItem.instrument).distinct()).scalars())
    added = []
    for path in sorted(BUILTIN_INSTRUMENTS.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        name = rows[0]["instrument"]
        if name in present:
            continue
        for position, row in enumerate(rows):
            session.add(
                InstrumentItem(
                    instrument=name,
                    item_id=row["item_id"],
                    scale=row["scale"],
                    item_title=row["item_title"],
                    max_score=int(row["max_score"]),
                    criterion_pct=float(row["criterion_pct"]),
                    subscale=row["subscale"] or None,
                    position=position,
                )
            )
        record_write(
            session,
            actor="system",
            operation="add_instrument",
            table_name="instruments",
            row_key=name,
            detail={"items": len(rows), "source": "built in"},
        )
        added.append(name)
    return added


def correct_builtin_subscales(session) -> None:
    """Move the items an earlier built-in definition put in the wrong subscale, if the store still
    says what that definition said (subscales are labels: no score changes)."""
    for (instrument, item_id), (earlier, manual) in BUILTIN_SUBSCALE_CORRECTIONS.items():
        item = session.execute(
            select(InstrumentItem).where(
                InstrumentItem.instrument == instrument,
                InstrumentItem.item_id == item_id,
                InstrumentItem.subscale == earlier,
            )
        ).scalar_one_or_none()
        if item is None:
            continue
        item.subscale = manual
        record_write(
            session,
            actor="system",
            operation="correct_instrument_subscale",
            table_name="instruments",
            row_key=f"{instrument} {item_id}",
            detail={"subscale": {"before": earlier, "after": manual}},
        )


@dataclass(frozen=True)
class StoreStatus:
    demo: bool
    demo_size: str | None
    as_of: date | None  # the date the data describes, when the store says (the demo does)


def get_store_status(session) -> StoreStatus:
    info = get_store_info(session)
    as_of = info.get("as_of")
    return StoreStatus(
        demo=info.get("demo") == "true",
        demo_size=info.get("demo_size"),
        as_of=date.fromisoformat(as_of) if as_of else None,
    )
