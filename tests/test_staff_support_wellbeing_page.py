"""The Staff support page's "What supervision is carrying" and "Staff wellbeing" tabs (AppTest) on
the small demo district: the rising themes in words with the view's own figures, the themes by
month, and the pulse where the lapsed building's counselors are drained and minded to leave, with
the same figures as `export staff_pulse`; a principal sees only their building's rows."""

from __future__ import annotations

from datetime import date

from data_access.db import session_scope
from data_access.export_format import ExportOptions
from data_access.scope import DISTRICT, building_scope
from data_access.staff_support.pulse import build_staff_pulse_export
from data_access.staff_support.themes import get_supervision_themes_view
from tests.utils.app import open_page, open_tab

DEMO_AS_OF = date(2026, 5, 29)
THEMES = "What supervision is carrying"
WELLBEING = "Staff wellbeing"
LAPSED = "B10"  # Central High School: supervision stopped; its counselors are drained


def texts(app) -> str:
    return "\n".join(
        element.value
        for kind in ("markdown", "caption", "subheader", "warning", "info", "success")
        for element in getattr(app.main, kind)
    )


def tables(app) -> list:
    return [frame.value for frame in app.dataframe]


def test_the_themes_tab_names_the_rising_themes_with_their_figures(monkeypatch, demo_store_url):
    app = open_tab(open_page(monkeypatch, demo_store_url, "staff_support"), THEMES)
    assert not app.exception, [e.value for e in app.exception]
    with session_scope(demo_store_url) as session:
        view = get_supervision_themes_view(session, scope=DISTRICT, as_of=DEMO_AS_OF)
    shown = texts(app)
    # The demo's story: family and attendance rising in the high schools and at Eastside High.
    family = view.rising[
        (view.rising["place_type"] == "level") & (view.rising["theme"] == "family")
    ]
    row = family.iloc[0]
    assert (
        f"**Family up {row['change']:.0%}** in the high schools since January: "
        f"{row['sessions']} of {row['held']} held sessions ({row['share']:.0%}), against "
        f"{row['sessions_before']} of {row['held_before']} ({row['share_before']:.0%}) in the fall "
        "term 2025."
    ) in shown
    assert "**Attendance up" in shown and "at Eastside High School since January" in shown
    # By month: the table's held sessions row and attendance in February, from the view.
    [by_month] = [t for t in tables(app) if "Theme" in t.columns]
    months = view.by_month[view.by_month["theme"] == "attendance"].set_index("month")
    attendance = by_month.set_index("Theme").loc["Attendance"]
    assert attendance["Feb 2026"] == months.loc[date(2026, 2, 1), "sessions"]
    by_role = [t for t in tables(app) if "Role" in t.columns][0]
    assert "Counselor" in set(by_role["Role"])


def test_the_wellbeing_tab_shows_the_drained_counselors_as_the_export_does(
    monkeypatch, demo_store_url
):
    app = open_page(monkeypatch, demo_store_url, "staff_support")
    app.selectbox(key="staff_support_building").select(LAPSED).run()
    open_tab(app, WELLBEING)
    assert not app.exception, [e.value for e in app.exception]
    with session_scope(demo_store_url) as session:
        export = build_staff_pulse_export(session, ExportOptions(scope=DISTRICT))
    row = export[
        (export["school_year"] == "2025-26")
        & (export["building_id"] == LAPSED)
        & (export["role"] == "counselor")
    ].iloc[0]
    [by_role] = [t for t in tables(app) if "Role" in t.columns]
    counselors = by_role.set_index("Role").loc["Counselor"]
    assert counselors["Responses"] == str(row["responses"])
    assert f"{counselors['Drained often (%)']:.1f}" == row["pct_drained_often"]
    assert f"{counselors['Intend to stay (%)']:.1f}" == row["pct_intend_to_stay"]
    assert f"{counselors['Emotionally drained (1-5)']:.1f}" == row["drained"]
    assert float(row["pct_drained_often"]) >= 80 and float(row["pct_intend_to_stay"]) <= 50
    assert (
        f"Counselors here: {float(row['pct_drained_often']):.0f}% of {row['responses']} responses "
        "feel drained often"
    ) in texts(app)
    [over_time] = [t for t in tables(app) if "School year" in t.columns]
    assert list(over_time["School year"]) == ["2023-24", "2024-25", "2025-26"]


def test_a_principal_sees_their_building_and_the_district_only(monkeypatch, demo_store_url):
    app = open_page(
        monkeypatch, demo_store_url, "staff_support", role="principal", buildings=["B09"]
    )
    open_tab(app, WELLBEING)
    assert not app.exception, [e.value for e in app.exception]
    with session_scope(demo_store_url) as session:
        mine = build_staff_pulse_export(session, ExportOptions(scope=building_scope({"B09"})))
    [by_building] = [t for t in tables(app) if "Building" in t.columns]
    assert set(by_building["Building"]) == {"Franklin Middle School"}
    shown_rows = mine[
        (mine["school_year"] == "2025-26")
        & (mine["building_id"] == "B09")
        & (mine["responses"] != "")
    ]
    assert len(by_building) == len(shown_rows)
    open_tab(app, THEMES)
    assert not app.exception
    assert "Eastside High School" not in texts(app)


def test_the_themes_tab_on_a_small_district_says_what_it_counted(monkeypatch, sqlite_url):
    """The hand-built district of tests/test_staff_support_themes.py, seen on 15 March 2026: the
    rising attendance at B1 in words with its figures, and January's attendance in the table."""
    from tests.test_staff_support_themes import build as build_themes

    build_themes(sqlite_url, with_c5=True)
    app = open_page(
        monkeypatch,
        sqlite_url,
        "staff_support",
        query={"as_of": "2026-03-15", "tab": THEMES},
    )
    open_tab(app, THEMES)
    assert not app.exception, [e.value for e in app.exception]
    shown = texts(app)
    assert (
        "**Attendance** new at Building B1 since January: 5 of 6 held sessions (83%); not once in "
        "4 held sessions in the fall term 2025."
    ) in shown
    assert "**Family up 600%** at Building B3 since January: 7 of 10 held sessions (70%)" in shown
    [by_month] = [t for t in tables(app) if "Theme" in t.columns]
    months = by_month.set_index("Theme")
    assert months.loc["Attendance", "Jan 2026"] == 2
    assert months.loc["Held sessions", "Jan 2026"] == 9  # 5, and C5's four Mondays


def test_held_sessions_without_themes_say_so(monkeypatch, sqlite_url):
    from data_access.db import session_scope as scope_of
    from tests.utils.factories import add_building, add_staff, add_supervision

    with scope_of(sqlite_url) as session:
        add_building(session, "B1", level="middle")
        add_staff(session, "C1", "counselor", {("B1", "2025-26"): 1.0})
        add_supervision(session, "S1", "C1", date(2026, 2, 2), "held")
    app = open_page(monkeypatch, sqlite_url, "staff_support", query={"as_of": "2026-03-15"})
    open_tab(app, THEMES)
    assert not app.exception, [e.value for e in app.exception]
    assert any(
        "1 held supervision session for the district in 2025-26" in i.value for i in app.info
    )
    open_tab(app, WELLBEING)
    assert not app.exception, [e.value for e in app.exception]
    assert any("No pulse responses yet" in i.value for i in app.info)
