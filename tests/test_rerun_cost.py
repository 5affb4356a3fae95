"""Work done once per data version rather than on every rerun (issue 23): a cached figure is fitted
to the screen once, not copied and fitted again each time a session draws it."""

from __future__ import annotations

import plotly.graph_objects as go

import components.charts as charts
import components.display as display


def test_a_shared_figure_is_fitted_once_and_the_same_fitted_figure_drawn_every_time(monkeypatch):
    fitted: list[go.Figure] = []
    fit = charts.fit_to_screen

    def counting_fit(figure: go.Figure) -> go.Figure:
        fitted.append(figure)
        return fit(figure)

    drawn: list[go.Figure] = []
    monkeypatch.setattr(charts, "fit_to_screen", counting_fit)
    monkeypatch.setattr(display.st, "plotly_chart", lambda figure, **_: drawn.append(figure))
    figure = go.Figure(go.Bar(x=[1, 2], y=["A", "B"], orientation="h"))
    figure.update_layout(title="Share of buildings at criterion, by term (percent)")

    for _ in range(3):  # three reruns, or three sessions, drawing one cached figure
        display.show_chart(figure)

    assert len(fitted) == 1
    assert drawn[0] is drawn[1] is drawn[2]
    # the shared figure itself is left as it was (other sessions draw it too); the copy is fitted
    assert figure.layout.title.text == "Share of buildings at criterion, by term (percent)"
    assert figure.layout.title.yref is None
    assert drawn[0].layout.title.yref == "container"
    assert drawn[0].data[0].cliponaxis is False


def test_no_full_garbage_collection_after_every_run():
    """Streamlit's `runner.postScriptGC` (on by default) runs a full collection after every script
    run while holding the interpreter: under load it was 36% of the time one session's run kept the
    others waiting. Python's own collector still runs (benchmarks.memory: memory stays flat)."""
    import tomllib

    from data_access.settings import PROJECT_ROOT

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_a_write_in_another_area_leaves_the_published_equity_of_a_year_warm(
    demo_store_url, tmp_path, monkeypatch
):
    """Deciding what a school year's equity rows may publish is the costliest part of a cold
    Overview. A follow-up action saved changes no count: the next version reuses the decision. A
    changed count is published afresh."""
    import shutil

    import pandas as pd
    from sqlalchemy import text, update

    import data_access.equity.queries as queries
    from data_access.actions.writes import update_action
    from data_access.db import get_data_version, record_write, session_scope
    from data_access.models import Action, EquityCellCount
    from data_access.scope import DISTRICT
    from data_access.users.access import COMMAND_LINE

    path = tmp_path / "store.db"
    shutil.copyfile(demo_store_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    published: list[str] = []
    publish = queries.publish_equity

    def counting_publish(cells, minimums):
        published.append(cells["building_id"].iloc[0])
        return publish(cells, minimums)

    monkeypatch.setattr(queries, "publish_equity", counting_publish)
    with session_scope(url) as session:
        year = queries.list_equity_school_years(session)[0]
        before = queries.get_equity(session, school_year=year, scope=DISTRICT)
    assert len(published) == 1

    with session_scope(url) as session:  # a coach's edit of a follow-up action
        action = session.get(Action, 1)
        update_action(
            session,
            action_id=1,
            base_version=action.version,
            changes={"goal": "Ninety percent of students with under five absences by spring"},
            editor=COMMAND_LINE,
        )
    with session_scope(url) as session:
        version = get_data_version(session)
        after = queries.get_equity(session, school_year=year, scope=DISTRICT)
    assert len(published) == 1  # not decided again
    pd.testing.assert_frame_equal(after, before)

    with session_scope(url) as session:  # one more referral in one building's cell
        cell = session.execute(
            text(
                "SELECT building_id, race_ethnicity, sex, iep, el, econ_disadv, odr"
                " FROM equity_cell_counts WHERE school_year = :year AND n_students >= 30"
                " ORDER BY building_id, race_ethnicity, sex, iep, el, econ_disadv LIMIT 1"
            ),
            {"year": year},
        ).one()
        columns = ("building_id", "race_ethnicity", "sex", "iep", "el", "econ_disadv")
        key = dict(zip(columns, cell[:6], strict=True))
        session.execute(
            update(EquityCellCount)
            .where(EquityCellCount.school_year == year)
            .where(*(getattr(EquityCellCount, column) == value for column, value in key.items()))
            .values(odr=cell.odr + 1)
        )
        record_write(session, actor="test", operation="update", table_name="equity_cell_counts")
    with session_scope(url) as session:
        assert get_data_version(session) == version + 1
        changed = queries.get_equity(session, school_year=year, scope=DISTRICT)
    assert len(published) == 2
    assert not changed.equals(before)


def test_sessions_drawing_a_new_shared_figure_at_once_fit_it_once(monkeypatch):
    """Right after a write every session draws the new cached figure at the same moment: one fits
    it, the others wait and draw that copy (plotly's figures are not safe to read from two threads
    while their parts are first built)."""
    import threading
    import time

    fitted: list[go.Figure] = []
    fit = charts.fit_to_screen

    def slow_fit(figure: go.Figure) -> go.Figure:
        fitted.append(figure)
        time.sleep(0.05)  # long enough for every thread to arrive while the first one fits
        return fit(figure)

    drawn: list[go.Figure] = []
    monkeypatch.setattr(charts, "fit_to_screen", slow_fit)
    monkeypatch.setattr(display.st, "plotly_chart", lambda figure, **_: drawn.append(figure))
    figure = go.Figure(go.Scatter(x=[1, 2, 3], y=[4, 5, 6], name="Referrals"))
    figure.update_layout(title="Referrals per 100 students, by month")
    start = threading.Barrier(8)

    def session() -> None:
        start.wait()
        display.show_chart(figure)

    threads = [threading.Thread(target=session) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fitted) == 1
    assert len(drawn) == 8 and all(each is drawn[0] for each in drawn)


def test_a_warm_overview_rerun_builds_no_key_chart(monkeypatch, demo_store_url):
    """The Overview's key charts (and their tables) are built once per data version and picture;
    a rerun (a click elsewhere on the page, another session) draws the same ones."""
    import components.meeting_key_charts as key_charts
    import components.overview_glance as glance
    from tests.utils.app import open_page

    built: list[str] = []
    for module, name in (
        (key_charts, "fidelity_figure"),
        (key_charts, "coverage_figure"),
        (key_charts, "flags_figure"),
        (glance, "enrollment_chart"),
    ):
        build = getattr(module, name)
        monkeypatch.setattr(
            module,
            name,
            lambda *args, _b=build, _n=name, **kw: built.append(_n) or _b(*args, **kw),
        )
    app = open_page(monkeypatch, demo_store_url)
    assert not app.exception
    first = [tab.label for tab in app.tabs]
    charts_before = len(app.get("plotly_chart"))
    app.run()  # the same session again, as after a click
    assert not app.exception
    # built by the first run (or by an earlier test in this process), not again
    assert built.count("fidelity_figure") <= 1 and built.count("enrollment_chart") <= 1
    before = len(built)
    app.run()
    assert len(built) == before  # nothing built on a warm rerun
    assert [tab.label for tab in app.tabs] == first
    assert len(app.get("plotly_chart")) == charts_before >= 3
