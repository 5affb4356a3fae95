"""Every page, for every role: what each role is shown and what it is not (Streamlit AppTest).

Local mode's role preview builds the same UserAccess and scope that sign-in does, so these runs take
the path a signed-in principal, coach or viewer takes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access.db import session_scope
from data_access.models import Building
from tests.utils.app import open_page

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
ROLES = {
    "district_admin": None,
    "district_leader": None,
    "principal": ["B09"],
    "coach": ["B01", "B02"],
    "viewer": [],
}
ADMIN_ONLY = {"users", "data"}
NOT_FOR_VIEWERS = {"building", "follow_up"}


@pytest.fixture(scope="module")
def building_names(demo_store_url) -> dict[str, str]:
    with session_scope(demo_store_url) as session:
        return dict(session.execute(select(Building.building_id, Building.name)).all())


def open_as(monkeypatch, url: str, role: str, buildings: list[str] | None, page: str) -> AppTest:
    return open_page(monkeypatch, url, page, role=role, buildings=buildings)


def shown_text(app: AppTest) -> str:
    """Everything the main area shows: text, tables, chart data and the options of every picker."""
    main = app.main
    parts = [
        element.value
        for kind in (
            "title",
            "header",
            "subheader",
            "markdown",
            "caption",
            "info",
            "warning",
            "success",
            "error",
        )
        for element in getattr(main, kind)
    ]
    parts += [f"{m.label} {m.value}" for m in main.metric]
    parts += [frame.value.to_csv() for frame in main.dataframe]
    parts += [json.dumps(list(map(str, box.options))) for box in main.selectbox]
    parts += [json.dumps(list(map(str, box.options))) for box in main.multiselect]
    parts += [chart.proto.spec for chart in main.get("plotly_chart")]
    return "\n".join(map(str, parts))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_its_own_buildings_and_nothing_of_others(
    monkeypatch, demo_store_url, building_names, role, page
):
    buildings = ROLES[role]
    may_open = not (
        (page in ADMIN_ONLY and role != "district_admin")
        or (page in NOT_FOR_VIEWERS and role == "viewer")
    )
    if not may_open:
        # The role's navigation does not hold the page, so it cannot be opened at all.
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            open_as(monkeypatch, demo_store_url, role, buildings, page)
        return
    app = open_as(monkeypatch, demo_store_url, role, buildings, page)
    assert not app.exception, [e.value for e in app.exception]
    text = shown_text(app)
    if buildings is None:
        return  # district roles see every building; nothing to hide
    hidden = {bid: name for bid, name in building_names.items() if bid not in buildings}
    leaked = sorted(name for name in hidden.values() if name in text)
    assert not leaked, f"{role} on {page} is shown other buildings: {leaked}"
    if page in ("overview", "building") and buildings:
        assert building_names[buildings[0]] in text, f"{role} does not see their own building"


# Tabs whose content runs only when open (the page's first tab is opened above), each with a word
# only its content shows.
TABS = {"staff_support": ["Where the next hire helps", "Retention"]}
TAB_MARKS = {"Where the next hire helps": "Needing support per", "Retention": "Turnover (%)"}


@pytest.mark.parametrize(
    ("page", "tab"), [(page, tab) for page, tabs in TABS.items() for tab in tabs]
)
@pytest.mark.parametrize("role", ["principal", "coach", "viewer"])
def test_each_role_sees_only_its_own_buildings_on_each_tab(
    monkeypatch, demo_store_url, building_names, role, page, tab
):
    buildings = ROLES[role]
    app = open_page(
        monkeypatch, demo_store_url, page, role=role, buildings=buildings, query={"tab": tab}
    )
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    text = shown_text(app)
    assert TAB_MARKS[tab] in text, f"the {tab} tab did not run"
    hidden = {bid: name for bid, name in building_names.items() if bid not in buildings}
    leaked = sorted(name for name in hidden.values() if name in text)
    assert not leaked, f"{role} on {page} ({tab}) is shown other buildings: {leaked}"
    for building in buildings:
        assert building_names[building] in text, f"{role} does not see their own building"


@pytest.mark.parametrize("tab", ["What supervision is carrying", "Staff wellbeing"])
@pytest.mark.parametrize("role", ["principal", "coach", "viewer"])
def test_staff_support_themes_and_wellbeing_show_only_the_roles_buildings(
    monkeypatch, demo_store_url, building_names, role, tab
):
    """The two tabs of Staff support whose content runs only when opened."""
    from tests.utils.app import open_tab

    buildings = ROLES[role]
    app = open_tab(open_as(monkeypatch, demo_store_url, role, buildings, "staff_support"), tab)
    assert not app.exception, [e.value for e in app.exception]
    text = shown_text(app)
    hidden = {bid: name for bid, name in building_names.items() if bid not in buildings}
    leaked = sorted(name for name in hidden.values() if name in text)
    assert not leaked, f"{role} on {tab} is shown other buildings: {leaked}"
    for building in buildings:
        if tab == "Staff wellbeing":
            assert building_names[building] in text, f"{role} does not see their own building"


@pytest.fixture
def network_address():
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def test_local_mode_refuses_to_serve_a_network_address(
    monkeypatch, demo_store_url, network_address
):
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not app.exception
    assert any("only serves this computer" in e.value for e in app.error)
    assert not app.metric and not app.dataframe

    monkeypatch.setenv("MTSS_ALLOW_LOCAL_MODE_ON_NETWORK", "true")
    from data_access.settings import get_settings

    get_settings.cache_clear()
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not app.error and app.metric  # deliberately allowed: the Overview is served
