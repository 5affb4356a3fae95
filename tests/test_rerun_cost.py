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
