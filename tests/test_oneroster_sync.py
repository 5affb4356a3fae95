"""The nightly OneRoster 1.2 REST sync against a local mock OneRoster server started here (a real
HTTP server on 127.0.0.1 in a thread), serving OneRoster 1.2 JSON of its own: pages of 2 records
(a page boundary in every collection), a token that expires mid-sync (401, then a fresh token),
and a 500 that outlasts the retries (the sync fails, the store is unchanged, the exit status 1)."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import select

from data_access.__main__ import main
from data_access.db import session_scope
from data_access.imports.oneroster_api import ROSTERING, run_sync_command
from data_access.models import AuditLog
from tests.test_import_rules import store_rows

CLIENT_ID, CLIENT_SECRET = "mtss-dashboard", "s3cret-never-printed"


def _org(sourced):
    return {"href": f"/orgs/{sourced}", "sourcedId": sourced, "type": "org"}


def _student(sourced, school, grades, identifier):
    return {
        "sourcedId": sourced,
        "status": "active",
        "dateLastModified": "2026-08-20T09:00:00.000Z",
        "enabledUser": True,
        "username": identifier,
        "identifier": identifier,  # a login: never the student ID
        "givenName": "Given",
        "familyName": "Family",
        "roles": [{"roleType": "primary", "role": "student", "org": _org(school)}],
        "grades": grades,
    }


def _enrollment(sourced, user, school, role="student"):
    return {
        "sourcedId": sourced,
        "status": "active",
        "role": role,
        "primary": False,
        "user": {"sourcedId": user, "type": "user"},
        "class": {"sourcedId": "cl-1", "type": "class"},
        "school": _org(school),
        "beginDate": "2026-08-25",
        "endDate": "2027-06-11",
    }


def _demographics(sourced, sex, **flags):
    return {"sourcedId": sourced, "status": "active", "sex": sex, "birthDate": "2015-01-01"} | {
        name: "true" for name in flags
    }


DATA = {
    "orgs": [
        {"sourcedId": "d-1", "status": "active", "name": "Hill County SD", "type": "district"},
        {
            "sourcedId": "sch-1",
            "status": "active",
            "name": "Hillside Elementary",
            "type": "school",
            "identifier": "HILL-ES",
        },
        {
            "sourcedId": "sch-2",
            "status": "active",
            "name": "Ridge High School",
            "type": "school",
            "identifier": "RIDGE-HS",
        },
    ],
    "academicSessions": [
        {
            "sourcedId": "y2027",
            "status": "active",
            "title": "2026-27",
            "type": "schoolYear",
            "startDate": "2026-07-01",
            "endDate": "2027-06-30",
            "schoolYear": "2027",
        }
    ],
    "users": [
        _student("st-1", "sch-1", ["03"], "amy.a"),
        _student("st-2", "sch-1", ["KG"], "bo.b"),
        _student("st-3", "sch-2", ["09"], "cy.c"),
        _student("st-4", "sch-2", ["10"], "di.d"),
        _student("st-5", "sch-2", [], "ed.e"),  # no grade, no demographics: unknown
        {
            "sourcedId": "t-1",
            "status": "active",
            "roles": [{"roleType": "primary", "role": "teacher", "org": _org("sch-1")}],
        },
    ],
    "enrollments": [
        _enrollment("e-1", "st-1", "sch-1"),
        _enrollment("e-2", "st-2", "sch-1"),
        _enrollment("e-3", "st-3", "sch-2"),
        _enrollment("e-4", "st-4", "sch-2"),
        _enrollment("e-5", "t-1", "sch-1", role="teacher"),
    ],
    "demographics": [
        _demographics("st-1", "female", white=True),
        _demographics("st-2", "male", white=True, hispanicOrLatinoEthnicity=True),
        _demographics("st-3", "female", blackOrAfricanAmerican=True),
        _demographics("st-4", "male", asian=True),
    ],
}
EXPECTED_STUDENTS = [
    ("st-1", "2026-27", "HILL-ES", "3", "WH", "F"),
    ("st-2", "2026-27", "HILL-ES", "K", "HI", "M"),
    ("st-3", "2026-27", "RIDGE-HS", "9", "BL", "F"),
    ("st-4", "2026-27", "RIDGE-HS", "10", "AS", "M"),
    ("st-5", "2026-27", "RIDGE-HS", None, None, None),
]


class MockOneRoster(ThreadingHTTPServer):
    """Tokens tok-1, tok-2, ...; each token expires after `token_uses` data requests (401).
    Collections named in `failing` always answer 500."""

    def __init__(self, token_uses: int = 4, failing: tuple[str, ...] = ()) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.token_uses, self.failing = token_uses, failing
        self.issued: list[str] = []
        self.uses = 0
        self.log: list[tuple[str, int]] = []  # (path with query, status)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: MockOneRoster

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: dict, headers: dict | None = None) -> None:
        self.server.log.append((self.path, status))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if (
            self.path != "/token"
            or form.get("grant_type") != ["client_credentials"]
            or self.headers.get("Authorization") != f"Basic {expected}"
        ):
            self._send(401, {"error": "invalid_client"})
            return
        token = f"tok-{len(self.server.issued) + 1}"
        self.server.issued.append(token)
        self.server.uses = 0
        self._send(200, {"access_token": token, "token_type": "bearer", "expires_in": 3600})

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        current = self.server.issued[-1] if self.server.issued else None
        if self.headers.get("Authorization") != f"Bearer {current}":
            self._send(401, {"imsx_codeMajor": "failure"})
            return
        if self.server.uses >= self.server.token_uses:  # expired mid-sync
            self.server.issued.append("expired")
            self._send(401, {"imsx_codeMajor": "failure", "imsx_description": "token expired"})
            return
        self.server.uses += 1
        name = url.path.removeprefix(ROSTERING + "/")
        if name in self.server.failing:
            self._send(500, {"imsx_codeMajor": "failure"})
            return
        query = parse_qs(url.query)
        limit, offset = int(query["limit"][0]), int(query["offset"][0])
        records = DATA[name]
        self._send(
            200, {name: records[offset : offset + limit]}, {"X-Total-Count": str(len(records))}
        )


@pytest.fixture
def credentials(monkeypatch):
    monkeypatch.setenv("ONEROSTER_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("ONEROSTER_CLIENT_SECRET", CLIENT_SECRET)


def _serve(server: MockOneRoster):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture
def mock_server():
    servers = []

    def start(**options) -> MockOneRoster:
        servers.append(_serve(MockOneRoster(**options)))
        return servers[-1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _sync(url, server, **options):
    return run_sync_command(
        url, base_url=server.base_url, page_size=2, backoff=0.0, retries=2, **options
    )


def test_sync_pages_reauthenticates_on_an_expired_token_and_imports(
    sqlite_url, mock_server, credentials, capsys
):
    server = mock_server(token_uses=4)
    assert _sync(sqlite_url, server) == 0
    out, err = capsys.readouterr()
    rows = store_rows(sqlite_url, ("buildings", "students"))
    assert rows["buildings"] == [
        ("HILL-ES", "Hillside Elementary", "elementary", None),
        ("RIDGE-HS", "Ridge High School", "high", None),
    ]
    assert [row[:6] for row in rows["students"]] == EXPECTED_STUDENTS
    # Page boundaries: 3 orgs in pages of 2 → offsets 0 and 2; 6 users → 0, 2, 4.
    gets = [path for path, _ in server.log if path.startswith(ROSTERING)]
    assert [p for p in gets if "/orgs" in p] == [
        f"{ROSTERING}/orgs?limit=2&offset=0",
        f"{ROSTERING}/orgs?limit=2&offset=2",
    ]
    users = [(path.split("?")[1], status) for path, status in server.log if "/users" in path]
    # The token expires on the second page: 401, a fresh token, the same page again.
    assert users == [
        ("limit=2&offset=0", 200),
        ("limit=2&offset=2", 401),
        ("limit=2&offset=2", 200),
        ("limit=2&offset=4", 200),
    ]
    # 12 pages at 4 a token: two expirations, each a 401 and a fresh token.
    assert [status for _, status in server.log].count(401) == 2
    assert server.issued.count("expired") == 2 and "tok-3" in server.issued
    assert "3 orgs, 1 academicSessions, 6 users, 5 enrollments, 4 demographics" in out
    assert "students" in out and "Synced into" in out
    assert (
        "warning: 1 student has no row in demographics.csv, so their race/ethnicity and sex are "
        "unknown" in err
    )
    assert CLIENT_SECRET not in out + err and "amy.a" not in repr(store_rows(sqlite_url))
    with session_scope(sqlite_url) as session:
        writes = {
            (row.actor, row.table_name)
            for row in session.exec(select(AuditLog).where(AuditLog.actor != "system"))
        }
    assert writes and {actor for actor, _ in writes} == {"command line"}


def test_sync_a_500_past_the_retries_fails_clearly_and_leaves_the_store_unchanged(
    sqlite_url, mock_server, credentials, capsys
):
    assert _sync(sqlite_url, mock_server()) == 0
    before = store_rows(sqlite_url)
    DATA["users"][0]["grades"] = ["04"]  # would change st-1, were it stored
    try:
        server = mock_server(failing=("demographics",))
        assert _sync(sqlite_url, server) == 1
    finally:
        DATA["users"][0]["grades"] = ["03"]
    err = capsys.readouterr().err
    assert f"GET {server.base_url}{ROSTERING}/demographics: HTTP 500 after 3 attempts" in err
    assert "Nothing was imported" in err and "exactly as it was" in err
    assert [status for path, status in server.log if "demographics" in path] == [500, 500, 500]
    assert store_rows(sqlite_url) == before


def test_sync_dry_run_checks_and_reports_without_writing(
    sqlite_url, mock_server, credentials, capsys
):
    assert _sync(sqlite_url, mock_server(), dry_run=True) == 0
    assert "Nothing was stored (--dry-run)" in capsys.readouterr().out
    assert store_rows(sqlite_url, ("buildings", "students")) == {"buildings": [], "students": []}


def test_sync_without_credentials_refuses_before_any_request(
    sqlite_url, mock_server, monkeypatch, tmp_path, capsys
):
    monkeypatch.delenv("ONEROSTER_CLIENT_ID", raising=False)
    monkeypatch.delenv("ONEROSTER_CLIENT_SECRET", raising=False)
    monkeypatch.chdir(tmp_path)
    server = mock_server()
    assert _sync(sqlite_url, server) == 1
    assert "ONEROSTER_CLIENT_ID" in capsys.readouterr().err and server.log == []


def test_sync_reads_streamlit_secrets_and_runs_from_the_command_line(
    sqlite_url, mock_server, monkeypatch, tmp_path, capsys
):
    monkeypatch.delenv("ONEROSTER_CLIENT_ID", raising=False)
    monkeypatch.delenv("ONEROSTER_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'[oneroster]\nclient_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n'
    )
    monkeypatch.chdir(tmp_path)
    from data_access.settings import get_settings

    get_settings.cache_clear()
    server = mock_server(token_uses=100)
    try:
        status = main(["sync", "oneroster", "--base-url", server.base_url])
    finally:
        get_settings.cache_clear()
    assert status == 0, capsys.readouterr().err
    assert [row[:6] for row in store_rows(sqlite_url, ("students",))["students"]] == (
        EXPECTED_STUDENTS
    )
