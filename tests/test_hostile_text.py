"""Text is text: a district whose every text field is hostile Markdown, LaTeX, colour directives and
HTML, run through every page for every role (Streamlit AppTest). Nothing rendered as Markdown may hold
a link, image, header, colour, icon or formula that came from data, no plotly figure may hold HTML
from data, and no table cell from data may start a spreadsheet formula."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from components.text import plain
from data_access.db import session_scope
from tests.utils.app import open_page, open_tab

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
ROLES = {
    "district_admin": None,
    "district_leader": None,
    "principal": ["B01"],
    "coach": ["B01", "B02"],
    "viewer": [],
}
ADMIN_ONLY = {"users", "data"}
NOT_FOR_VIEWERS = {"building", "follow_up"}

PAYLOAD = (
    "[Your session expired - sign in again](https://evil.example/login) "
    "![tracker](https://evil.example/pixel.png) :red[pwned] :material/lock: $x^2$ "
    '<span style="font-size:200px">BIG</span> <a href="https://evil.example">here</a> '
    "**loud** _quiet_ ~~gone~~ `code` | cell | www.evil.example \\ end"
)
# What must never reach Markdown unescaped: each a fragment of PAYLOAD, as written.
RAW = [
    "](https://evil.example/login)",
    "![tracker]",
    ":red[pwned]",
    ":material/lock:",
    "$x^2$",
    '<span style="font-size:200px">',
    '<a href="https://evil.example">',
    "**loud**",
    "~~gone~~",
    "`code`",
]
HEADER = re.compile(r"(^|\n)[ \t]{0,3}#{1,6}[ \t]")  # a Markdown header at a line's start
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def hostile(label: str, *, formula: bool = False) -> str:
    """A field's hostile value: a header first, then every payload; some start a formula instead."""
    return ('=HYPERLINK("https://evil.example","x") ' if formula else "# ") + f"{label} {PAYLOAD}"


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> str:
    """The small demo district with every free-text field replaced by a hostile one."""
    from data_access.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'hostile.db'}"
    load_demo(database_url=url, size="small")
    updates = {
        "buildings": {"name": "building_id"},
        "staff": {"name": "staff_id"},
        "users": {"name": "email"},
        "team_members": {"name": "member_id", "role_title": "member_id"},
        "actions": {
            "title": "action_id",
            "problem_statement": "action_id",
            "goal": "action_id",
            "solution_actions": "action_id",
            "source_ref": "action_id",
        },
        "action_updates": {"old_value": "update_id", "new_value": "update_id"},
        "meetings": {"decisions": "meeting_id"},
        "instruments": {"item_title": "item_id"},
        "supports": {"intervention": "student_id"},
    }
    with session_scope(url) as session:
        for table, columns in updates.items():
            for column, key in columns.items():
                rows = session.execute(text(f"SELECT rowid, {key} FROM {table}")).all()
                for rowid, label in rows:
                    value = hostile(f"{column} {label}", formula=column in ("title", "name"))
                    if column == "name" and table == "buildings":
                        value = hostile(f"{label}")  # a header, not a formula: titles start with it
                    session.execute(
                        text(f"UPDATE {table} SET {column} = :value WHERE rowid = :rowid"),
                        {"value": value, "rowid": rowid},
                    )
    return url


def open_as(monkeypatch, url: str, role: str, page: str, **query: str) -> AppTest:
    return open_page(
        monkeypatch,
        url,
        page,
        role=role,
        buildings=ROLES[role],
        query=query,
        env={"MTSS_DEMO_ON_FIRST_RUN": "false"},
        timeout=180,
    )


def markdown_sources(app: AppTest) -> list[str]:
    """Every string Streamlit renders as Markdown on the page: the body of text elements and alerts,
    and the label and help of every element and widget (titles, metrics, tabs, expanders, buttons,
    pickers, page links)."""
    sources = []
    for node in app._tree:
        proto = getattr(node, "proto", None)
        for name in ("body", "label", "help"):
            value = getattr(proto, name, None)
            if isinstance(value, str) and value:
                sources.append(value)
    return sources


def figure_strings(app: AppTest) -> list[str]:
    """Every string in every plotly figure (titles, labels, tick text, hover text, data)."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for chart in app.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return found


def assert_text_is_text(app: AppTest, where: str) -> None:
    assert not app.exception, [e.value for e in app.exception]
    for source in markdown_sources(app):
        leaked = [raw for raw in RAW if raw in source]
        assert not leaked, f"{where}: Markdown from data {leaked} in {source[:300]!r}"
        assert not HEADER.search(source) or "evil" not in source, f"{where}: header {source!r}"
    for string in figure_strings(app):
        assert "<span style" not in string and "<a href" not in string, (
            f"{where}: HTML from data in a figure: {string[:300]!r}"
        )
    for table in app.get("table"):  # st.table renders every cell as Markdown
        cells = table.value.data if hasattr(table.value, "data") else table.value
        text = cells.to_csv() + " ".join(map(str, cells.columns))
        leaked = [raw for raw in RAW if raw in text]
        assert not leaked, f"{where}: Markdown from data {leaked} in a table"
    for frame in app.get("dataframe"):
        table = frame.value.data if hasattr(frame.value, "data") else frame.value
        for column in table.columns:
            cells = [cell for cell in table[column] if isinstance(cell, str)]
            formulas = [cell for cell in cells if cell.startswith(FORMULA)]
            assert not formulas, f"{where}: a formula cell in a table: {formulas[:2]}"


LAZY_TABS = {"fidelity"}  # pages whose tabs are bound to the address (`?tab=`)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", list(ROLES))
def test_hostile_text_is_shown_as_text_on_every_page_for_every_role(
    monkeypatch, hostile_store, role, page
):
    if (page in ADMIN_ONLY and role != "district_admin") or (
        page in NOT_FOR_VIEWERS and role == "viewer"
    ):
        pytest.skip("the role's navigation does not hold the page")
    app = open_as(monkeypatch, hostile_store, role, page)
    assert_text_is_text(app, f"{role} on {page}")
    if page in LAZY_TABS:  # each tab's content runs only when it is open: open each in turn
        for label in [tab.label for tab in app.tabs][1:]:
            open_tab(app, label)
            assert_text_is_text(app, f"{role} on {page}, tab {label}")


def test_the_hostile_names_do_reach_the_screen_escaped(monkeypatch, hostile_store):
    """Not vacuous: the building's hostile name is on its page, as its escaped text."""
    app = open_as(monkeypatch, hostile_store, "district_admin", "building", building="B01")
    assert_text_is_text(app, "building B01")
    shown = "\n".join(markdown_sources(app))
    assert plain(hostile("B01")) in shown


@pytest.mark.parametrize("page", ["building", "follow_up", "fidelity", "staff_support"])
def test_a_hostile_query_parameter_is_shown_as_text(monkeypatch, hostile_store, page):
    link = "[Your session expired - sign in again](https://evil.example/login)"
    app = open_as(monkeypatch, hostile_store, "district_admin", page, building=link, action=link)
    assert_text_is_text(app, f"{page}?building=...")
