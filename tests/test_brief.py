"""The meeting brief: a PDF whose text carries the meeting screen's numbers and whose pages hold the
charts as images (drawn by plotly's own export through Chromium), and the printable HTML brief
offered when no browser is available."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from components.brief_browser import find_browser
from components.brief_document import brief_html, brief_pdf, meeting_brief
from components.meeting_wording import headline_value
from data_access.db import session_scope
from data_access.demo import DEMO_AS_OF
from data_access.fidelity.queries import get_scale_scores
from data_access.meeting.brief import (
    Brief,
    BriefChart,
    BriefFigure,
    BriefTable,
    BriefText,
    plain,
    render_pdf,
)
from data_access.meeting.headlines import get_headlines
from data_access.meeting.view import get_meeting_picture
from data_access.scope import DISTRICT, building_scope
from tests.conftest import requirement_missing

ROOT = Path(__file__).resolve().parent.parent


def screen_metrics(monkeypatch, url: str, **env: str) -> tuple[AppTest, dict[str, str]]:
    monkeypatch.setenv("DATABASE_URL", url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not app.exception, [e.value for e in app.exception]
    return app, {m.label: m.value for m in app.metric}


def pdf_text(pdf: bytes) -> tuple[str, PdfReader]:
    """All the text of the PDF with its line breaks as spaces (table cells wrap), and the reader."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()), reader


@pytest.fixture(scope="module")
def meeting(demo_store_url):
    with session_scope(demo_store_url) as session:
        headlines = get_headlines(session, as_of=DEMO_AS_OF)
        picture = get_meeting_picture(session, as_of=DEMO_AS_OF, scope=DISTRICT)
    return headlines, picture


def test_the_pdf_brief_carries_the_screens_numbers_and_its_charts_as_images(
    monkeypatch, demo_store_url, meeting
):
    if find_browser() is None:
        requirement_missing("the PDF brief's charts need Chromium (plotly's image export)")
    _, on_screen = screen_metrics(monkeypatch, demo_store_url)
    headlines, picture = meeting
    pdf = brief_pdf(headlines, picture, building_id=None)
    text, reader = pdf_text(pdf)
    assert pdf.startswith(b"%PDF")
    assert "Leadership meeting brief: the district" in text
    for label in (
        "TFI at criterion",
        "Staff supervised",
        "Missing a role",
        "Equity concerns",
        "Overdue actions",
    ):
        assert label in text
        assert on_screen[label] in text, (label, on_screen[label])
    assert on_screen["TFI at criterion"] == "7 of 12" and on_screen["Staff supervised"] == "73%"
    assert "-7 points since the meeting of 12 May 2026" in text
    # The matrix, the agenda and the open actions, as on the screen.
    assert "Lapsed · 0 of 10" in text
    assert "Role missing · no social worker" in text
    assert "Restore supervision for the Central High School support team" in text
    # The outcome column (the district's row too) and Lincoln's core below 80% on the agenda.
    assert "Core below 80% · 70.0%, +1 more" in text
    assert "Whole district" in text and "Core at 80%+ · 84.7%" in text
    assert (
        "Student outcomes, Lincoln Elementary: Core below 80%: 70.0% of 423 students screened in "
        "spring 2025-26 were at benchmark (below 80%)."
    ) in text
    # Three charts (fidelity, supervision, equity), each a real image.
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 3
    assert all(image.image.size[0] >= 1000 for image in images)


def test_a_buildings_pdf_brief_has_its_own_figures_and_its_fidelity_trend(demo_store_url, meeting):
    if find_browser() is None:
        requirement_missing("the PDF brief's charts need Chromium (plotly's image export)")
    _, picture = meeting
    with session_scope(demo_store_url) as session:
        headlines = get_headlines(session, as_of=DEMO_AS_OF, building_id="B10")
        trend = get_scale_scores(session, scope=building_scope({"B10"}), instrument="TFI-2.1")
    text, reader = pdf_text(brief_pdf(headlines, picture, building_id="B10", trend=trend))
    assert "Leadership meeting brief: Central High School" in text
    assert "0%" in text  # nobody on its support team supervised in 42 days
    assert "Franklin Middle School" not in text  # another building's rows stay out
    assert sum(len(page.images) for page in reader.pages) == 1


def test_the_html_brief_has_the_same_numbers_and_draws_charts_without_a_browser(
    monkeypatch, meeting
):
    monkeypatch.setattr("components.brief_browser.find_browser", lambda: None)
    headlines, picture = meeting
    page = brief_html(headlines, picture, building_id=None)
    for item in headlines.items:
        assert f"<div class='value'>{headline_value(item)}</div>" in page
    assert page.count("<div class='chart'>") == 3
    assert page.count("Plotly.newPlot") == 3
    assert "Central High School" in page and "Lapsed · 0 of 10" in page
    assert ">Outcomes<" in page
    assert "Core below 80% · 70.0%, +1 more" in page


def test_without_a_browser_the_screen_says_so_and_offers_the_printable_brief(
    monkeypatch, demo_store_url
):
    app, _ = screen_metrics(monkeypatch, demo_store_url, BROWSER_PATH="/nonexistent/chromium")
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["Printable HTML brief"]
    assert any("needs Chrome or Chromium on the server" in w.value for w in app.warning)


def test_with_a_browser_one_click_downloads_the_pdf(monkeypatch, demo_store_url):
    if find_browser() is None:
        requirement_missing("the PDF brief needs Chromium")
    app, _ = screen_metrics(monkeypatch, demo_store_url)
    buttons = {button.proto.label: button.proto for button in app.get("download_button")}
    assert buttons["Download the brief (PDF)"].deferred_file_id  # made on the click, not before
    assert "Printable HTML brief" in buttons


def test_the_pdf_writes_typographic_characters_plainly_and_colours_table_cells():
    assert plain("≥ 80% – “shared” · ✓") == '>= 80% - "shared" · ?'
    brief = Brief(
        title="Leadership meeting brief: test",
        subtitle="As of 1 Feb 2026",
        figures=[BriefFigure("Overdue actions", "3", "+1 action since 13 Jan", "worse", "counted")],
        sections=[
            BriefTable(
                "Where each building stands",
                ["Building", "Supervision"],
                [["Adams", "Lapsed · 0 of 4"]],
                fills=[[None, "#D55E00"]],
                text_colors=[[None, "#FFFFFF"]],
            ),
            BriefChart("no image"),
            BriefText("Agenda", ["Restore supervision — Adams"]),
        ],
    )
    text, reader = pdf_text(render_pdf(brief))
    assert "Lapsed · 0 of 4" in text and "Restore supervision - Adams" in text
    assert "+1 action since 13 Jan" in text
    assert len(reader.pages) == 1 and not reader.pages[0].images


def test_the_brief_content_matches_the_screens_agenda(meeting):
    headlines, picture = meeting
    brief = meeting_brief(headlines, picture, building_id=None, charts=[])
    agenda = next(
        s for s in brief.sections if isinstance(s, BriefText) and s.title.startswith("Agenda")
    )
    assert "Staffing, Hawthorne Elementary: nobody in the role of social worker." in agenda.lines
    assert any(
        line.startswith("Supervision, Central High School: 10 of 10") for line in agenda.lines
    )
    assert agenda.lines[-1] == "The leadership team has no member from: families and learners."
    assert (
        "Student outcomes, Lincoln Elementary: Core below 80%: 70.0% of 423 students screened in "
        "spring 2025-26 were at benchmark (below 80%)."
    ) in agenda.lines
    assert (
        "Student outcomes, Hawthorne Elementary: Referrals up: 0.11 referrals per 100 students per "
        "school day in 2025-26 to the end of April 2026, up 26% on 0.09 in the same months of "
        "2024-25."
    ) in agenda.lines
    matrix = next(s for s in brief.sections if isinstance(s, BriefTable))
    assert matrix.rows[-1][0] == "Whole district"
    assert matrix.rows[-1][matrix.columns.index("Outcomes")].startswith("Core at 80%+")
    assert len(matrix.widths) == len(matrix.columns) == len(matrix.fills[-1])
    assert [f.value for f in brief.figures] == [headline_value(item) for item in headlines.items]


def test_when_drawing_the_charts_fails_the_pdf_still_comes_and_says_why(monkeypatch, meeting):
    def broken(figures):
        raise RuntimeError("Chromium crashed")

    monkeypatch.setattr("components.brief_document.chart_images", broken)
    headlines, picture = meeting
    text, reader = pdf_text(brief_pdf(headlines, picture, building_id=None))
    assert "could not be drawn on the server (Chromium crashed)" in text
    assert headline_value(headlines.get("equity")) in text
    assert not any(page.images for page in reader.pages)
