"""The meeting brief: the meeting screen's headline figures, matrix, key charts, agenda and open
actions, for the district or one building, as a PDF (charts drawn by plotly's own image export,
which drives a headless Chrome or Chromium) or, where no browser is available, as printable HTML.

`meeting_brief` builds the document from the figures the screen loaded; `brief_downloads` puts the
one-click download on the page. The PDF is only made when someone clicks."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from components.cache import load
from components.fidelity_charts import trend_chart
from components.meeting_charts import (
    LEVEL_COLORS,
    LEVEL_TEXT_COLORS,
    fidelity_chart,
    flags_chart,
    matrix_table,
    students_in,
)
from components.staff_support_charts import coverage_chart
from data_access.brief import (
    Brief,
    BriefChart,
    BriefFigure,
    BriefTable,
    BriefText,
    render_html,
    render_pdf,
)
from data_access.equity.metrics import DISTRICT_ID
from data_access.fidelity import get_scale_scores
from data_access.meeting import (
    AREAS,
    FIDELITY_INSTRUMENT,
    FIDELITY_SCALE,
    Headlines,
    MeetingPicture,
    get_headlines,
)
from data_access.scope import Scope, building_scope

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
IMAGE_WIDTH = 1100  # pixels of the charts in the PDF (drawn at twice that for sharp print)
BRIEF_BUILDINGS = 25  # the district brief's matrix lists the buildings needing most attention
BRIEF_ACTIONS = 40
CHART_BUILDINGS = 15
INDICATOR_NAMES = {
    "odr": "office discipline referral",
    "iss": "in-school suspension",
    "oss": "out-of-school suspension",
    "exclusion": "exclusion",
    "chronic_absence": "chronic absence",
    "tier2plus": "Tier 2 or 3 support",
    "tier3": "Tier 3 support",
    "sped_identification": "special-education identification",
}


def find_browser() -> str | None:
    """The Chrome or Chromium plotly's image export will drive: BROWSER_PATH when set (kaleido's
    own variable), else the first one on the PATH or in the usual places. None when there is none."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in BROWSER_NAMES:
        if found := shutil.which(name):
            return found
    return next((path for path in BROWSER_PATHS if Path(path).is_file()), None)


def chart_images(figures: list[go.Figure]) -> list[bytes]:
    """PNG images of the figures, drawn by plotly's own export (kaleido) in one headless browser
    session. Raises RuntimeError when no browser is available."""
    browser = find_browser()
    if browser is None:
        raise RuntimeError("No Chrome or Chromium is installed on the server to draw the charts.")
    os.environ.setdefault("BROWSER_PATH", browser)
    if not figures:
        return []
    with tempfile.TemporaryDirectory(prefix="mtss-brief-") as folder:
        paths = [Path(folder) / f"chart{i}.png" for i in range(len(figures))]
        pio.write_images(
            figures,
            paths,
            format="png",
            width=IMAGE_WIDTH,
            height=[int(figure.layout.height or 500) for figure in figures],
            scale=2,
        )
        return [path.read_bytes() for path in paths]


# --- What the charts show (shared with the meeting screen) -----------------------------------------


def fidelity_rows(picture: MeetingPicture, order: list[str]) -> pd.DataFrame:
    """Latest Tier 1 of the buildings in `order` that have a complete score: building, percent,
    administered_on, criterion_pct, word (at criterion / below / slipped) and text for the bar."""
    rows = picture.fidelity[
        picture.fidelity["building_id"].isin(order) & picture.fidelity["percent"].notna()
    ].copy()
    rows["word"] = [
        "Slipped" if slipped else ("At criterion" if status == "at criterion" else "Below")
        for slipped, status in zip(rows["slipped"], rows["status"], strict=True)
    ]
    rows["text"] = [
        f"{p:.0f}%" + (f" (was {b:.0f}%)" if s else "")
        for p, b, s in zip(
            rows["percent"].astype(float), rows["previous_percent"], rows["slipped"], strict=True
        )
    ]
    return rows.reset_index(drop=True)


def coverage_rows(picture: MeetingPicture, order: list[str]) -> pd.DataFrame:
    return picture.coverage[picture.coverage["building_id"].isin(order)].reset_index(drop=True)


def flag_rows(picture: MeetingPicture, order: list[str]) -> pd.DataFrame:
    """Flags per building in `order` this school year: building, new_or_worse, continuing."""
    flags = picture.all_flags[picture.all_flags["building_id"].isin(order)]
    if flags.empty:
        return pd.DataFrame(columns=["building_id", "building", "new_or_worse", "continuing"])
    changed = flags["new"] | flags["worse"]
    counts = (
        flags.assign(_changed=changed.astype(int), _same=(~changed).astype(int))
        .groupby("building_id", as_index=False)
        .agg(new_or_worse=("_changed", "sum"), continuing=("_same", "sum"))
    )
    names = dict(zip(picture.matrix["building_id"], picture.matrix["building"], strict=True))
    counts.insert(1, "building", counts["building_id"].map(names))
    return counts


# --- The document ------------------------------------------------------------------------------


def _figures(headlines: Headlines) -> list[BriefFigure]:
    return [
        BriefFigure(
            label=item.label,
            value=item.shown,
            change=f"{item.change_shown} {item.since}" if item.change_shown else "",
            verdict=item.verdict,
            detail=item.detail,
        )
        for item in headlines.items
    ]


def _matrix_section(matrix: pd.DataFrame, note: str) -> BriefTable:
    table = matrix_table(matrix)
    levels = [None, None] + [f"{area}_level" for area in AREAS]
    return BriefTable(
        title="Where each building stands",
        columns=list(table.columns),
        rows=table.astype(str).values.tolist(),
        fills=[
            [None if level is None else LEVEL_COLORS[row[level]] for level in levels]
            for _, row in matrix.iterrows()
        ],
        text_colors=[
            [None if level is None else LEVEL_TEXT_COLORS[row[level]] for level in levels]
            for _, row in matrix.iterrows()
        ],
        widths=[2.2, 2.2, 2, 1.6, 1.7, 2.2, 1.6],
        note=note,
    )


def _agenda_lines(picture: MeetingPicture, building_id: str | None) -> list[str]:
    def here(frame: pd.DataFrame) -> pd.DataFrame:
        if building_id is None or frame.empty:
            return frame
        return frame[frame["building_id"] == building_id]

    lines = []
    for row in here(picture.left_open).itertuples():
        lines.append(f"Left open from the last meeting: {row.title} ({row.building_name}).")
    for row in here(picture.flags).head(10).itertuples():
        place = "the whole district" if row.building_id == DISTRICT_ID else row.building_name
        group = students_in(row.group_type, row.group)
        was = "new this year" if row.new else f"{float(row.previous_ratio):.2f} last year"
        lines.append(
            f"Equity, {place}: {group} {float(row.ratio):.2f} times as likely to have "
            f"{INDICATOR_NAMES.get(row.indicator, row.indicator)} ({was}; "
            f"{row.years_flagged} year(s) in a row)."
        )
    for row in here(picture.supervision_gaps).head(10).itertuples():
        lines.append(
            f"Supervision, {row.building}: {row.staff - row.covered} of {row.staff} support staff "
            f"without a held session in {picture.window_days} days."
        )
    for row in here(picture.slipped).itertuples():
        lines.append(
            f"Fidelity, {row.building}: {FIDELITY_SCALE} {float(row.percent):.0f}%, down from "
            f"{float(row.previous_percent):.0f}% (criterion {row.criterion_pct:g}%)."
        )
    for row in here(picture.missing_roles).itertuples():
        lines.append(f"Staffing, {row.building}: nobody in the role of {row.roles}.")
    for row in here(picture.overdue).itertuples():
        lines.append(f"Overdue: {row.title} ({row.building_name}), due {row.due_date:%-d %b %Y}.")
    if building_id is None and picture.team_missing:
        lines.append(
            "The leadership team has no member from: "
            + ", ".join(picture.team_missing).lower()
            + "."
        )
    return lines


def _actions_section(actions: pd.DataFrame, as_of: date) -> BriefTable:
    shown = actions.sort_values(["due_date", "action_id"]).head(BRIEF_ACTIONS)
    return BriefTable(
        title="Open follow-up actions",
        columns=["ID", "Action", "Building", "Owner", "Due", "Status"],
        rows=[
            [
                str(row.action_id),
                row.title,
                row.building_name,
                row.owner_email,
                f"{row.due_date:%-d %b %Y}" + (" (overdue)" if row.overdue else ""),
                "In progress" if row.status == "in_progress" else "Open",
            ]
            for row in shown.itertuples()
        ],
        widths=[0.6, 5, 2.2, 2.8, 1.8, 1.1],
        note=f"Open or in progress on {as_of:%-d %B %Y}"
        + (
            f"; the {BRIEF_ACTIONS} due soonest of {len(actions):,}."
            if len(actions) > BRIEF_ACTIONS
            else "."
        ),
    )


def brief_charts(
    picture: MeetingPicture, *, building_id: str | None, trend: pd.DataFrame | None = None
) -> list[tuple[str, go.Figure]]:
    """The key charts of the brief, as on the meeting screen: for the district, latest Tier 1,
    supervision coverage and equity flags by building; for one building, its TFI trend."""
    as_of = picture.comparison.as_of
    if building_id is not None:
        if trend is None or trend.empty:
            return []
        criteria = dict(
            sorted(zip(trend["scale"], trend["criterion_pct"].astype(float), strict=False))
        )
        return [
            (
                f"{FIDELITY_INSTRUMENT} by administration",
                trend_chart(
                    trend,
                    x="administered_on",
                    y="percent",
                    color="scale",
                    criteria=criteria,
                    title=f"{FIDELITY_INSTRUMENT} percent by administration",
                ),
            )
        ]
    order = list(picture.matrix["building_id"])[:CHART_BUILDINGS]
    few = (
        ""
        if len(picture.matrix) <= CHART_BUILDINGS
        else f" (the {CHART_BUILDINGS} needing most attention)"
    )
    charts = []
    rows = fidelity_rows(picture, order)
    if len(rows):
        charts.append(
            (
                "Fidelity",
                fidelity_chart(
                    rows,
                    y="building",
                    percent="percent",
                    word="word",
                    text="text",
                    criterion=float(rows["criterion_pct"].max()),
                    title=f"{FIDELITY_INSTRUMENT} {FIDELITY_SCALE}, latest by building{few}",
                ),
            )
        )
    rows = coverage_rows(picture, order)
    if len(rows):
        charts.append(
            (
                "Supervision",
                coverage_chart(
                    rows,
                    y="building",
                    title=f"Support staff supervised in the {picture.window_days} days to "
                    f"{as_of:%-d %b %Y}{few}",
                ),
            )
        )
    rows = flag_rows(picture, order)
    if len(rows):
        charts.append(
            (
                "Equity",
                flags_chart(
                    rows,
                    y="building",
                    new_or_worse="new_or_worse",
                    continuing="continuing",
                    title=f"Equity flags by building, {picture.equity_year}{few}",
                ),
            )
        )
    return charts


def meeting_brief(
    headlines: Headlines,
    picture: MeetingPicture,
    *,
    building_id: str | None,
    charts: list[BriefChart | BriefText],
) -> Brief:
    """The brief's content: the same figures, words and tables the meeting screen shows."""
    comparison = picture.comparison
    place = headlines.place
    matrix = picture.matrix
    if building_id is not None:
        matrix = matrix[matrix["building_id"] == building_id]
    note = (
        "Vermillion: act on it; light orange: watch; light blue: fine; grey: nothing to show. "
        f"Fidelity: latest {FIDELITY_INSTRUMENT} {FIDELITY_SCALE}; supervision: the last "
        f"{picture.window_days} days; equity: flags in {picture.equity_year}."
    )
    if len(matrix) > BRIEF_BUILDINGS:
        note += f" The {BRIEF_BUILDINGS} buildings with most to act on of {len(matrix):,}."
        matrix = matrix.head(BRIEF_BUILDINGS)
    actions = picture.open_actions
    if building_id is not None:
        actions = actions[actions["building_id"] == building_id]
    sections: list = []
    if not matrix.empty:
        sections.append(_matrix_section(matrix, note))
    agenda = _agenda_lines(picture, building_id)
    sections.append(BriefText(title="Agenda: what the data puts on the table", lines=agenda))
    sections += charts
    sections.append(_actions_section(actions, comparison.as_of))
    sections.append(
        BriefText(
            title="What each figure counts",
            lines=[f"{item.label}: {item.detail}" for item in headlines.items],
        )
    )
    title_place = "the district" if building_id is None else place
    return Brief(
        title=f"Leadership meeting brief: {title_place}",
        subtitle=f"As of {comparison.as_of:%-d %B %Y}. Changes are {comparison.since} "
        "(equity: against last school year). From the MTSS leadership dashboard.",
        figures=_figures(headlines),
        sections=sections,
        footer=f"Meeting brief, {title_place}, {comparison.as_of:%-d %b %Y}.",
    )


def brief_pdf(
    headlines: Headlines,
    picture: MeetingPicture,
    *,
    building_id: str | None,
    trend: pd.DataFrame | None = None,
) -> bytes:
    """The brief as a PDF with the charts as images. Raises RuntimeError without a browser."""
    charts = brief_charts(picture, building_id=building_id, trend=trend)
    try:
        images = chart_images([figure for _, figure in charts])
        sections: list = [
            BriefChart(title=title, png=png) for (title, _), png in zip(charts, images, strict=True)
        ]
    except Exception as error:  # noqa: BLE001 - the brief still goes out, saying why it has no charts
        sections = [
            BriefText(
                title="Charts",
                lines=[
                    f"The charts could not be drawn on the server ({error}). The printable HTML "
                    "brief on the Overview has them."
                ],
            )
        ]
    document = meeting_brief(headlines, picture, building_id=building_id, charts=sections)
    return render_pdf(document)


def brief_html(
    headlines: Headlines,
    picture: MeetingPicture,
    *,
    building_id: str | None,
    trend: pd.DataFrame | None = None,
) -> str:
    """The same brief as one printable HTML page; the charts are plotly's own HTML (plotly.js
    written once into the page, so it opens without a network)."""
    charts = brief_charts(picture, building_id=building_id, trend=trend)
    parts = [
        BriefChart(
            title=title,
            html=figure.to_html(
                full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False}
            ),
        )
        for i, (title, figure) in enumerate(charts)
    ]
    return render_html(meeting_brief(headlines, picture, building_id=building_id, charts=parts))


# --- On the page ---------------------------------------------------------------------------------


def brief_downloads(
    *,
    headlines: Headlines,
    picture: MeetingPicture,
    scope: Scope,
    as_of: date,
    equity: dict[str, pd.DataFrame] | None = None,
) -> None:
    """Choose the district or a building in scope, then one click downloads its brief. `equity`:
    the district's equity rows the page already loaded (a building's flags are counted from them)."""
    options: list[str | None] = [None, *picture.matrix.sort_values("building")["building_id"]]
    names = dict(zip(picture.matrix["building_id"], picture.matrix["building"], strict=True))
    pick_column, pdf_column, html_column = st.columns([2, 1, 1], vertical_alignment="bottom")
    building_id = pick_column.selectbox(
        "Brief for",
        options,
        format_func=lambda b: "The whole district" if b is None else names[b],
        key="meeting_brief_for",
        help="The headline figures, where each building stands, the key charts, the agenda and the "
        "open actions, ready to send to people who missed the meeting.",
    )
    if building_id is not None and not scope.allows(building_id):
        return  # never: the options are the buildings in scope
    chosen_headlines = (
        headlines
        if building_id is None
        else load(get_headlines, as_of=as_of, building_id=building_id, equity=equity)
    )
    trend = None
    if building_id is not None:
        trend = load(
            get_scale_scores, scope=building_scope({building_id}), instrument=FIDELITY_INSTRUMENT
        )
    slug = "district" if building_id is None else building_id
    stem = f"meeting-brief-{slug}-{as_of.isoformat()}"
    browser = find_browser()
    if browser is not None:
        pdf_column.download_button(
            "Download the brief (PDF)",
            data=lambda: brief_pdf(chosen_headlines, picture, building_id=building_id, trend=trend),
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            key="meeting_brief_pdf",
            type="primary",
            on_click="ignore",
        )
    html_column.download_button(
        "Printable HTML brief",
        data=lambda: brief_html(chosen_headlines, picture, building_id=building_id, trend=trend),
        file_name=f"{stem}.html",
        mime="text/html",
        icon=":material/print:",
        key="meeting_brief_html",
        on_click="ignore",
    )
    if browser is None:
        st.warning(
            "**The PDF brief needs Chrome or Chromium on the server** to draw its charts, and none "
            "was found (install Chromium, or set BROWSER_PATH to one). Download the printable HTML "
            "brief instead: the same figures, tables and charts; open it in a browser and print it.",
            icon=":material/print_disabled:",
        )
