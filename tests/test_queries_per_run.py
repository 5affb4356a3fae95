"""A page run reads the store as little as it can: the data version once per run, and on a cold run
(just after a write) only what the page's one view needs. Counted with SQLAlchemy's cursor events."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from data_access.db import record_write, session_scope

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine sends while the block runs."""
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_rest) -> None:
        sent.append(" ".join(statement.split())[:120])

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", note)


@pytest.fixture
def own_demo_store(demo_store_url, tmp_path) -> str:
    """A copy of the demo store, so that the write here leaves the shared one as it was."""
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def a_write(url: str) -> None:
    """What any edit does to the caches: a new data version, so every cached result is cold."""
    with session_scope(url) as session:
        record_write(session, actor="test", operation="touch", table_name="store_info")


def test_the_equity_page_reads_the_store_six_times_cold_and_once_warm(monkeypatch, own_demo_store):
    monkeypatch.setenv("DATABASE_URL", own_demo_store)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.run()
    app.switch_page("pages/equity.py")
    app.run()
    heading = [title.value for title in app.title]

    a_write(own_demo_store)
    with statements() as cold:
        app.run()
    with statements() as warm:
        app.run()

    assert not app.exception, [error.value for error in app.exception]
    assert [title.value for title in app.title] == heading  # the same page, shown again
    assert len(cold) <= 6, "\n".join(cold)
    assert len(warm) == 1, "\n".join(warm)  # the data version and the areas' versions together
    assert warm[0].startswith("SELECT data_version.version, data_area_versions.area"), warm
