"""Alembic environment: the store's URL comes from the caller (or settings), never from alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import data_access.models  # noqa: F401  (registers every table on SQLModel.metadata)
from data_access.db import get_engine
from data_access.settings import get_settings

# An arbitrary constant: PostgreSQL advisory-lock key held while migrating, so two server processes
# starting at once never run the same migration twice.
MIGRATION_LOCK_KEY = 7_261_155_001

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    with get_engine(url).connect() as connection:
        _run(connection)


def _run(connection) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite,  # SQLite cannot ALTER most things; batch mode copies the table.
        compare_type=True,
    )
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()  # the lock belongs to the connection and outlives this transaction
    if is_sqlite:
        # Batch mode drops and re-creates a table: with foreign keys on, dropping a parent table
        # (students) would cascade-delete its children's rows. Off for the migration (a pragma
        # outside any transaction), checked and back on after it.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if is_sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"the migration left {len(broken)} rows without their parent")
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()


if context.is_offline_mode():
    raise SystemExit(
        "Offline (SQL script) migrations are not supported; run `python -m data_access init`."
    )
run_migrations_online()
