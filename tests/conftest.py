"""Fixtures: a fresh, migrated store per test on SQLite, and on PostgreSQL when one is configured.

PostgreSQL tests need `MTSS_TEST_POSTGRES_URL` (a URL of a role that may create databases, e.g.
postgresql+psycopg://mtss:mtss@127.0.0.1:5432/postgres). Without it they skip locally with that reason;
under CI (`CI=true`) a missing PostgreSQL is a failure, never a skip.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data_access.db import get_engine
from data_access.settings import get_settings
from data_access.store import init_store

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
POSTGRES_ADMIN_URL = os.environ.get("MTSS_TEST_POSTGRES_URL", "")


def requirement_missing(reason: str) -> None:
    """Skip locally; fail under CI, where every backend and the browser must really be tested."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must run this test, not skip it)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests set environment variables freely; settings are re-read for each test, and again after
    each variable the test sets or removes: a test that read settings (a minimum cell size) before
    naming its store with DATABASE_URL once had its pages read the default store instead."""
    for name in ("setenv", "delenv"):
        change = getattr(monkeypatch, name)

        def change_and_forget(*args, _change=change, **kwargs) -> None:
            _change(*args, **kwargs)
            get_settings.cache_clear()

        setattr(monkeypatch, name, change_and_forget)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def sqlite_store(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    init_store(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A migrated SQLite store with the built-in instruments, empty of district data."""
    return sqlite_store(tmp_path)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database made for this test and dropped after it."""
    if not POSTGRES_ADMIN_URL:
        requirement_missing("PostgreSQL tests need MTSS_TEST_POSTGRES_URL")
    admin_url = make_url(POSTGRES_ADMIN_URL)
    name = f"mtss_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach PostgreSQL means the same here
        admin.dispose()
        requirement_missing(f"PostgreSQL at {admin_url.render_as_string()} is not usable: {error}")
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        init_store(url)
        yield url
    finally:
        get_engine(url).dispose()
        drop_database(admin, name)
        admin.dispose()


def drop_database(admin, name: str, attempts: int = 20) -> None:
    """Drop a test database. An autovacuum worker may still be in it after a bulk load, and a
    non-superuser cannot end that worker; it finishes within moments, so try again."""
    for attempt in range(attempts):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except Exception:  # noqa: BLE001 - retried, then raised
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """The same test on both backends the product supports."""
    if request.param == "sqlite":
        return sqlite_store(tmp_path)
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def demo_store_url(tmp_path_factory) -> str:
    """A SQLite store holding the small demo district, shared by the tests that only read it."""
    from data_access.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    load_demo(database_url=url, size="small")
    return url
