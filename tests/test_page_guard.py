"""No traceback reaches a user: an unexpected error is a plain message with a reference the server log
holds; a database that cannot be reached is the plain database message on every page, and pages
recover by themselves when it is back (Streamlit's AppTest)."""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from tests.test_pages import PAGES
from tests.utils.app import open_page

ROOT = Path(__file__).resolve().parent.parent


def open_app(url: str, monkeypatch, page: str | None = None) -> AppTest:
    name = Path(page).stem if page is not None else None
    return open_page(monkeypatch, url, name, env={"MTSS_DEMO_ON_FIRST_RUN": "false"}, timeout=60)


def database_message(app: AppTest) -> str:
    assert not app.exception, [error.value for error in app.exception]
    messages = [error.value for error in app.error]
    assert len(messages) == 1, messages
    return messages[0]


def test_an_unexpected_error_is_a_plain_message_with_a_reference_in_the_log(
    monkeypatch, sqlite_url, caplog
):
    def broken(_session):
        raise ZeroDivisionError("a bug nobody foresaw")

    app = open_app(sqlite_url, monkeypatch)
    monkeypatch.setattr("components.page.get_store_status", broken)
    with caplog.at_level(logging.ERROR, logger="mtss.pages"):
        app.switch_page("pages/overview.py").run()
    assert not app.exception, [error.value for error in app.exception]
    message = database_message(app)
    assert "Something went wrong on this page" in message
    assert "ZeroDivisionError" not in message and "a bug nobody foresaw" not in message
    reference = re.search(r"reference \*\*([0-9a-f]{8})\*\*", message).group(1)
    logged = [record for record in caplog.records if reference in record.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info[0] is ZeroDivisionError


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_plainly_that_a_closed_database_cannot_be_reached(monkeypatch, page):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = open_app(f"postgresql+psycopg://nobody:secret@127.0.0.1:{port}/mtss", monkeypatch, page)
    message = database_message(app)
    assert "cannot reach its database" in message and "Nothing was changed" in message
    assert "secret" not in message and "OperationalError" not in message
    # Where the database lives is for the server's log, not for every reader of the page.
    assert str(port) not in message and "127.0.0.1" not in message


class Forwarder:
    """A TCP forwarder in front of PostgreSQL that can be switched off and on, so a test can take
    "the database" away without stopping the shared server."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        if self.listener is not None:
            # shutdown wakes the thread waiting in accept(); close() alone would not
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        for connection in self.open:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


@pytest.fixture
def forwarded_postgres(postgres_url):
    url = make_url(postgres_url)
    forwarder = Forwarder((url.host or "127.0.0.1", url.port or 5432))
    forwarder.start()
    yield forwarder, url.set(port=forwarder.port).render_as_string(hide_password=False)
    forwarder.stop()


def test_pages_say_the_database_is_down_and_recover_when_it_is_back(
    monkeypatch, forwarded_postgres
):
    forwarder, url = forwarded_postgres
    app = open_app(url, monkeypatch, "pages/building.py")
    assert not app.exception and not app.error, [e.value for e in [*app.exception, *app.error]]
    assert app.title

    forwarder.stop()  # the database server goes away while the dashboard runs
    for page in ("pages/building.py", "pages/overview.py", "pages/users.py"):
        app.switch_page(page).run()
        message = database_message(app)
        assert "cannot reach its database" in message and "OperationalError" not in message

    forwarder.start()  # and comes back: no restart of the dashboard
    for page in ("pages/overview.py", "pages/building.py"):
        app.switch_page(page).run()
        assert not app.exception and not app.error, [e.value for e in [*app.exception, *app.error]]
        assert app.title
