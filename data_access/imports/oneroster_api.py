"""`python -m data_access sync oneroster`: a OneRoster 1.2 REST sync, for a nightly job.

OAuth 2 client credentials (the id and secret from ONEROSTER_CLIENT_ID / ONEROSTER_CLIENT_SECRET,
else the [oneroster] section of .streamlit/secrets.toml; never printed), then every page of orgs,
academicSessions, users, enrollments and demographics (`limit`/`offset`, stopping at the
X-Total-Count header, following a Link rel="next" header when the server sends one). 429, 5xx and
connection errors are retried with exponential backoff; a 401 (an expired token) gets a fresh
token once. Everything is fetched before anything is checked, and the records become the same
OneRoster CSV rows a file export has, so the sync goes through the file import's mapping, checks
and all-or-nothing loading: a failure anywhere leaves the store exactly as it was."""

from __future__ import annotations

import csv
import io
import os
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from data_access.imports.reading import ImportFile

ROSTERING = "/ims/oneroster/rostering/v1p2"
SCOPES = (
    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly "
    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly"
)
ID_VARIABLE, SECRET_VARIABLE = "ONEROSTER_CLIENT_ID", "ONEROSTER_CLIENT_SECRET"
PAGE_SIZE = 1000
RACE_FIELDS = (
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
    "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity",
)


class SyncFailed(Exception):
    """The server could not be read; nothing was stored."""


@dataclass
class Credentials:
    client_id: str
    client_secret: str = field(repr=False)


def find_credentials(secrets_file: Path | None = None) -> Credentials | None:
    """From the environment, else a Streamlit-style secrets file's [oneroster] section."""
    client_id, secret = os.environ.get(ID_VARIABLE), os.environ.get(SECRET_VARIABLE)
    if client_id and secret:
        return Credentials(client_id, secret)
    path = secrets_file or Path(".streamlit/secrets.toml")
    if path.is_file():
        section = tomllib.loads(path.read_text(encoding="utf-8")).get("oneroster", {})
        if section.get("client_id") and section.get("client_secret"):
            return Credentials(str(section["client_id"]), str(section["client_secret"]))
    return None


class OneRosterClient:
    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        token_url: str | None = None,
        page_size: int = PAGE_SIZE,
        retries: int = 4,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 60.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url or f"{self.base_url}/token"
        self.credentials = credentials
        self.page_size = page_size
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.client = httpx.Client(timeout=timeout, follow_redirects=True)
        self.token: str | None = None
        self.requests = 0
        self.tokens = 0

    def close(self) -> None:
        self.client.close()

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        """One request, retried on 429, 5xx and connection errors with exponential backoff."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                self.requests += 1
                response = self.client.request(method, url, **kwargs)
            except httpx.TransportError as error:
                if last:
                    raise SyncFailed(
                        f"{method} {_without_query(url)}: {type(error).__name__} after "
                        f"{attempt + 1} attempts"
                    ) from None
                self.sleep(self.backoff * 2**attempt)
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if last:
                    raise SyncFailed(
                        f"{method} {_without_query(url)}: HTTP {response.status_code} after "
                        f"{attempt + 1} attempts"
                    )
                wait = self.backoff * 2**attempt
                retry_after = response.headers.get("retry-after", "")
                if retry_after.isdigit():
                    wait = max(wait, min(float(retry_after), 300.0))
                self.sleep(wait)
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _authenticate(self) -> None:
        response = self._send(
            "POST",
            self.token_url,
            data={"grant_type": "client_credentials", "scope": SCOPES},
            auth=(self.credentials.client_id, self.credentials.client_secret),
        )
        if response.status_code != 200:
            raise SyncFailed(
                f"the token endpoint {self.token_url} refused the client credentials "
                f"(HTTP {response.status_code})"
            )
        try:
            self.token = response.json()["access_token"]
        except (ValueError, KeyError, TypeError):
            raise SyncFailed(f"the token endpoint {self.token_url} sent no access_token") from None
        self.tokens += 1

    def get(self, url: str) -> httpx.Response:
        """A GET with the bearer token; a 401 gets one fresh token and one more try."""
        if self.token is None:
            self._authenticate()
        for fresh in (False, True):
            response = self._send("GET", url, headers={"Authorization": f"Bearer {self.token}"})
            if response.status_code == 401 and not fresh:
                self._authenticate()
                continue
            if response.status_code != 200:
                raise SyncFailed(f"GET {_without_query(url)}: HTTP {response.status_code}")
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def fetch_all(self, endpoint: str, key: str) -> list[dict]:
        """Every record of a collection, page by page."""
        records: list[dict] = []
        url: str | None = f"{self.base_url}{ROSTERING}/{endpoint}"
        params = f"?limit={self.page_size}&offset=0"
        while url:
            response = self.get(url + params)
            try:
                page = response.json()[key]
            except (ValueError, KeyError, TypeError):
                raise SyncFailed(f"GET {url}: the answer has no '{key}' list") from None
            records.extend(page)
            next_link = response.links.get("next", {}).get("url")
            total = response.headers.get("x-total-count", "")
            if next_link:
                url, params = str(httpx.URL(url).join(next_link)), ""
            elif _last_page(len(page), len(records), total, self.page_size):
                url = None
            else:
                params = f"?limit={self.page_size}&offset={len(records)}"
        return records


def _last_page(size: int, fetched: int, total: str, page_size: int) -> bool:
    """An empty page, all X-Total-Count records, or (without the header) a short page."""
    if size == 0:
        return True
    if total.isdigit():
        return fetched >= int(total)
    return size < page_size


def _without_query(url: str) -> str:
    return url.split("?", 1)[0]


# --- Records → the OneRoster CSV rows of a file export ---------------------------------------------


def _ref(value: object) -> str:
    return str(value.get("sourcedId", "")) if isinstance(value, dict) else ""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    return str(value)


def _csv(name: str, header: list[str], rows: list[list[str]]) -> ImportFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ImportFile(name=f"oneroster-api/{name}.csv", source=buffer.getvalue().encode("utf-8"))


def as_export_files(records: dict[str, list[dict]]) -> list[ImportFile]:
    """The fetched records as the files of a OneRoster 1.2 CSV export (only the columns read)."""
    files = [
        _csv(
            "orgs",
            ["sourcedId", "status", "name", "type", "identifier"],
            [
                [_text(o.get(k)) for k in ("sourcedId", "status", "name", "type", "identifier")]
                for o in records["orgs"]
            ],
        ),
        _csv(
            "academicSessions",
            ["sourcedId", "status", "title", "type", "startDate", "endDate", "schoolYear"],
            [
                [
                    _text(s.get(k))
                    for k in (
                        "sourcedId",
                        "status",
                        "title",
                        "type",
                        "startDate",
                        "endDate",
                        "schoolYear",
                    )
                ]
                for s in records["academicSessions"]
            ],
        ),
    ]
    users, roles = [], []
    for user in records["users"]:
        orgs = [_ref(org) for org in user.get("orgs") or []]
        for role in user.get("roles") or []:  # 1.2: roles with their org
            roles.append(
                [
                    _ref(user) or user.get("sourcedId", ""),
                    role.get("role", ""),
                    _ref(role.get("org")),
                    role.get("roleType", ""),
                ]
            )
            orgs.append(_ref(role.get("org")))
        primary = _ref(user.get("primaryOrg"))
        users.append(
            [
                _text(user.get("sourcedId")),
                _text(user.get("status")),
                _text(user.get("role")),
                ",".join(dict.fromkeys(org for org in orgs if org)),
                primary,
                _text(user.get("grades")),
            ]
        )
    user_header = ["sourcedId", "status", "role", "orgSourcedIds", "primaryOrgSourcedId", "grades"]
    if roles:  # 1.2 users carry roles, not a role: roles.csv as a 1.2 export has it
        user_header.remove("role")
        users = [row[:2] + row[3:] for row in users]
        files.append(_csv("roles", ["userSourcedId", "role", "orgSourcedId", "roleType"], roles))
    files.append(_csv("users", user_header, users))
    files.append(
        _csv(
            "enrollments",
            ["sourcedId", "status", "userSourcedId", "classSourcedId", "schoolSourcedId"]
            + ["role", "primary", "beginDate", "endDate"],
            [
                [
                    _text(e.get("sourcedId")),
                    _text(e.get("status")),
                    _ref(e.get("user")),
                    _ref(e.get("class")),
                    _ref(e.get("school")),
                    _text(e.get("role")),
                    _text(e.get("primary")),
                    _text(e.get("beginDate")),
                    _text(e.get("endDate")),
                ]
                for e in records["enrollments"]
            ],
        )
    )
    files.append(
        _csv(
            "demographics",
            ["sourcedId", "status", "sex", *RACE_FIELDS],
            [
                [_text(d.get("sourcedId")), _text(d.get("status")), _text(d.get("sex"))]
                + [_text(d.get(name)) for name in RACE_FIELDS]
                for d in records["demographics"]
            ],
        )
    )
    return files


COLLECTIONS = (  # endpoint, the answer's list
    ("orgs", "orgs"),
    ("academicSessions", "academicSessions"),
    ("users", "users"),
    ("enrollments", "enrollments"),
    ("demographics", "demographics"),
)


def fetch_roster(client: OneRosterClient) -> dict[str, list[dict]]:
    return {key: client.fetch_all(endpoint, key) for endpoint, key in COLLECTIONS}


def run_sync_command(
    url: str,
    *,
    base_url: str,
    token_url: str | None = None,
    dry_run: bool = False,
    school_year: str | None = None,
    page_size: int = PAGE_SIZE,
    backoff: float = 1.0,
    retries: int = 4,
    secrets_file: Path | None = None,
) -> int:
    """Fetch, then import as a file export would be; print the summary. 0 when stored (or, with
    dry_run, when it would be), 1 when nothing was."""
    from data_access.db import describe_url
    from data_access.imports.pipeline import import_files
    from data_access.school_year import normalise_school_year
    from data_access.users.access import COMMAND_LINE

    store = describe_url(url)
    credentials = find_credentials(secrets_file)
    if credentials is None:
        print(
            f"error: no client credentials: set {ID_VARIABLE} and {SECRET_VARIABLE} (or "
            "client_id and client_secret under [oneroster] in .streamlit/secrets.toml). "
            f"The store {store} is exactly as it was.",
            file=sys.stderr,
        )
        return 1
    year = None
    if school_year is not None:
        year = normalise_school_year(school_year)
        if year is None:
            print(f"error: '{school_year}' is not a school year like 2025-26", file=sys.stderr)
            return 1
    client = OneRosterClient(
        base_url,
        credentials,
        token_url=token_url,
        page_size=page_size,
        backoff=backoff,
        retries=retries,
    )
    try:
        records = fetch_roster(client)
    except SyncFailed as error:
        print(
            f"error: the OneRoster sync from {client.base_url} failed: {error}. Nothing was "
            f"imported; the store {store} is exactly as it was.",
            file=sys.stderr,
        )
        return 1
    finally:
        client.close()
    print(
        f"Fetched from {client.base_url} ({client.requests} requests, {client.tokens} tokens): "
        + ", ".join(f"{len(rows):,} {key}" for key, rows in records.items())
    )
    result = import_files(
        as_export_files(records),
        database_url=url,
        editor=COMMAND_LINE,
        dry_run=dry_run,
        school_year=year,
    )
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if not result.ok:
        count = len(result.problems)
        print(
            f"Nothing was imported: {count:,} problem{'s' if count != 1 else ''} (listed above; "
            f"a line is the record's place in its collection, plus one). The store {store} is "
            "exactly as it was.",
            file=sys.stderr,
        )
        return 1
    if dry_run:
        print("Checked: no problems. Nothing was stored (--dry-run); syncing would:")
    else:
        print(f"Synced into {store} in {result.seconds:.1f} s:")
    print(f"  {'table':<20} {'rows':>10} {'added':>10} {'updated':>10} {'unchanged':>10}")
    for counts in result.counts.values():
        print(
            f"  {counts.table:<20} {counts.rows:>10,} {counts.added:>10,} {counts.updated:>10,} "
            f"{counts.unchanged:>10,}"
        )
    print(f"  {len(result.warnings)} warning(s) (listed above)")
    return 0
