"""The page check's rules on hand-made pages: each kind of problem is found, in plain words, and a
page without them passes. Fast (no app server): one browser, static HTML and a plotly figure."""

from __future__ import annotations

import pytest

from tests.utils.browser import CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.utils.page_check import find_problems

pytestmark = pytest.mark.browser

MAIN = "<div data-testid='stMain' style='width:{w}px'>{body}</div>"


@pytest.fixture(scope="module")
def page():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 400, "height": 600})
        yield tab
        browser.close()


def problems_on(page, body: str, width: int = 380) -> list[str]:
    page.set_content("<body style='margin:0'>" + MAIN.format(w=width, body=body) + "</body>")
    return [str(problem) for problem in find_problems(page)]


def test_a_clean_page_passes(page):
    assert problems_on(page, "<p>Lincoln Elementary: 90.0% at criterion</p>") == []


def test_an_ellipsised_button_label_is_cut_off(page):
    body = (
        "<button style='width:90px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis'>"
        "Create follow-up action</button>"
    )
    [problem] = problems_on(page, body)
    assert problem.startswith('cut off: "Create follow-up action"')


def test_what_a_closed_expander_holds_is_not_checked_until_it_is_opened(page):
    """Streamlit keeps a closed expander's content laid out at the width it last had: seen on
    the Staff support page at 390 px, a table inside one was reported 'never drawn' and 'too
    wide' though nobody could see it."""
    closed = (
        "<details><summary>Schedule</summary>"
        "<div data-testid='stDataFrame' style='width:900px;height:200px'>table</div></details>"
    )
    assert problems_on(page, closed) == []
    opened = problems_on(page, closed.replace("<details>", "<details open>"))
    assert "cut off: table 1 was never drawn, so its cells could not be checked" in opened


def test_codes_and_none_in_a_table_are_raw_code(page):
    body = (
        "<table><tr><th>Role</th><th>Source</th><th>Owner</th></tr>"
        "<tr><td>social_worker</td><td>oss iep 2025-26</td><td>None</td></tr>"
        "<tr><td>Social worker</td><td>None open</td><td>Luis Phillips</td></tr></table>"
    )
    found = problems_on(page, body)
    assert found == [
        'raw code: a table shows "social_worker", a snake_case code',
        'raw code: a table shows "oss iep 2025-26", a code reference',
        'raw code: a table shows "None", None/nan',
    ]


def test_an_error_box_and_a_traceback_are_errors(page):
    body = (
        "<div data-testid='stException'>Traceback (most recent call last): KeyError</div>"
        "<div data-testid='stAlertContentError'>The store cannot be reached</div>"
    )
    found = problems_on(page, body)
    assert [problem.split(":")[0] for problem in found] == ["error", "error", "error"]


def test_an_element_wider_than_the_screen_is_too_wide(page):
    found = problems_on(page, "<div style='width:900px'>a wide table</div>", width=400)
    assert any(problem.startswith("too wide") for problem in found)


def test_chart_text_off_the_figure_and_a_legend_on_the_title_are_chart_text(page):
    svg = (
        "<div class='js-plotly-plot' style='width:300px'>"
        "<svg class='main-svg' width='300' height='200' style='display:block'>"
        "<g class='infolayer'><g class='gtitle'><text x='5' y='20'>Latest TFI-2.1 percent</text></g>"
        "<g class='legend'><rect x='0' y='5' width='200' height='20'></rect></g></g>"
        "<text x='-40' y='100'>Franklin Middle School</text>"
        "</svg></div>"
    )
    found = problems_on(page, svg)
    assert (
        'chart text: chart "Latest TFI-2.1 percent": "Franklin Middle School" runs off the '
        "figure's left edge" in found
    )
    assert 'chart text: chart "Latest TFI-2.1 percent": the legend sits on the title' in found
