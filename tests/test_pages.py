"""Every page runs without an exception (Streamlit's AppTest), and shows what the store holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.db import session_scope
from data_access.meeting.queries import get_district_summary
from tests.utils.app import open_page

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py"))


def open_app(
    monkeypatch: pytest.MonkeyPatch, database_url: str, page: str | None = None
) -> AppTest:
    name = Path(page).stem if page is not None else None
    return open_page(monkeypatch, database_url, name)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_an_exception(monkeypatch, demo_store_url, page):
    app = open_app(monkeypatch, demo_store_url, page)
    assert not app.exception, [error.value for error in app.exception]
    assert not app.error, [error.value for error in app.error]
    assert app.title, f"{page} shows no title"
    assert any("Demo data" in info.value for info in app.info), "the demo banner is missing"


def test_overview_shows_the_district_in_the_store(monkeypatch, demo_store_url):
    app = open_app(monkeypatch, demo_store_url)
    with session_scope(demo_store_url) as session:
        summary = get_district_summary(session)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Buildings"] == f"{summary.buildings:,}"
    assert metrics[f"Students enrolled, {summary.school_years[0]}"] == f"{summary.students:,}"
    assert app.selectbox(key="overview_school_year").value == summary.school_years[0]

    # Choosing an earlier school year recounts enrollment for that year.
    earlier = summary.school_years[-1]
    app.selectbox(key="overview_school_year").select(earlier).run()
    assert any(metric.label == f"Students enrolled, {earlier}" for metric in app.metric)


def test_an_empty_store_says_how_to_load_data(monkeypatch, sqlite_url):
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    app = open_app(monkeypatch, sqlite_url)
    assert not app.exception
    assert any("holds no district data yet" in warning.value for warning in app.warning)
    assert not app.metric


def test_a_database_that_is_down_gets_a_clear_message(monkeypatch, unused_tcp_port):
    app = open_app(
        monkeypatch, f"postgresql+psycopg://nobody:secret@127.0.0.1:{unused_tcp_port}/mtss"
    )
    assert not app.exception
    assert len(app.error) == 1
    message = app.error[0].value
    assert "cannot reach its database" in message and "Nothing was changed" in message
    assert "secret" not in message  # the password never reaches the screen


@pytest.fixture
def unused_tcp_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_store_emptied_on_purpose_is_not_refilled_with_the_demo(monkeypatch, tmp_path):
    from data_access.db import record_write, set_store_info
    from data_access.demo import clear_district_data, load_demo

    url = f"sqlite:///{tmp_path / 'store.db'}"
    load_demo(database_url=url, size="small")
    with session_scope(url) as session:  # what "remove the demo district" does
        clear_district_data(session)
        set_store_info(
            session, values={"demo": None, "demo_size": None, "demo_seed": None, "as_of": None}
        )
        record_write(session, actor="admin", operation="clear_demo", table_name="*")
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "true")
    app = open_app(monkeypatch, url)
    assert not app.exception
    assert any("holds no district data yet" in warning.value for warning in app.warning)
    assert not any("Demo data" in info.value for info in app.info)


def test_tables_offer_csv_and_excel_downloads_of_the_same_rows(monkeypatch, demo_store_url):
    from components.downloads import to_csv_bytes

    app = open_app(monkeypatch, demo_store_url, "pages/follow_up.py")
    labels = [button.proto.label for button in app.get("download_button")]
    assert "Download (CSV)" in labels and "Download (Excel)" in labels
    table = app.dataframe[0].value  # "Overdue or due this week"
    text = to_csv_bytes(table).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("ID,Action,Building,Owner,Due")
    assert len(text.splitlines()) == len(table) + 1


@pytest.mark.parametrize(("role", "links"), [("district_admin", 1), ("district_leader", 0)])
def test_an_empty_store_s_equity_page_points_to_the_data_page_not_a_command(
    monkeypatch, sqlite_url, role, links
):
    """No students yet: the Equity page names the Data page (a link for those who may import),
    never a command line a principal or leader cannot run."""
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    app = open_page(monkeypatch, sqlite_url, "equity", role=role)
    assert not app.exception
    shown = " ".join(warning.value for warning in app.warning)
    assert "no students yet" in shown and "Data page" in shown
    assert "python -m" not in shown
    data_links = [link for link in app.get("page_link") if link.proto.page == "data"]
    assert len(data_links) == links
