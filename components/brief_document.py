"""The meeting brief's content: the meeting screen's headline figures, matrix, key charts, agenda and
open actions, for the district or one building, assembled into a `Brief` and written as a PDF (charts
drawn by plotly's own image export, which drives a headless Chrome or Chromium) or, where no browser
is available, as printable HTML. No Streamlit here."""

from __future__ import annotations

from datetime import date

import pandas as pd

from components.brief_browser import chart_images
from components.equity_concern import likelihood_words
from components.meeting_chart_data import brief_charts
from components.meeting_charts import (
    LEVEL_COLORS,
    LEVEL_TEXT_COLORS,
    matrix_table,
    students_in,
)
from components.meeting_wording import (
    headline_change,
    headline_detail,
    headline_label,
    headline_place,
    headline_since,
    headline_value,
    outcomes_when,
    role_names,
    since,
)
from components.outcome_wording import KINDS as OUTCOME_KINDS
from components.outcome_wording import outcome_items, place_of
from components.words import action_owner_names
from data_access.equity.metrics import DISTRICT_ID
from data_access.labels import (
    ACTION_STATUSES,
    INDICATORS_SHORT,
    in_sentence,
    owner_word,
    words,
)
from data_access.meeting.brief import (
    Brief,
    BriefChart,
    BriefFigure,
    BriefTable,
    BriefText,
    render_html,
    render_pdf,
)
from data_access.meeting.rules import AREAS, FIDELITY_INSTRUMENT, FIDELITY_SCALE, Headlines
from data_access.meeting.view import MeetingPicture
from data_access.system_health.signals import REFERRAL_RISE, UNMET_RISE_POINTS

BRIEF_BUILDINGS = 25  # the district brief's matrix lists the buildings needing most attention
BRIEF_ACTIONS = 40
# Indicators in a sentence: "out-of-school suspension", "Tier 3 support" (data_access/labels.py).
INDICATOR_NAMES = {code: in_sentence(name) for code, name in INDICATORS_SHORT.items()}


def _figures(headlines: Headlines) -> list[BriefFigure]:
    figures = []
    for item in headlines.items:
        change = headline_change(item)
        figures.append(
            BriefFigure(
                label=headline_label(item, headlines),
                value=headline_value(item),
                change=f"{change} {headline_since(item, headlines.comparison)}" if change else "",
                verdict=item.verdict,
                detail=headline_detail(item, headlines),
            )
        )
    return figures


def _matrix_section(matrix: pd.DataFrame, note: str, district: dict | None) -> BriefTable:
    """The screen's matrix, with the district's outcome row last (`district`: its outcome cell)."""
    table = matrix_table(matrix, district)
    levels = [None, None] + [f"{area}_level" for area in AREAS]
    rows = [{level: row[level] for level in levels if level} for _, row in matrix.iterrows()]
    if district is not None:  # only its outcome cell is coloured
        rows.append({"outcomes_level": district["level"]})
    return BriefTable(
        title="Where each building stands",
        columns=list(table.columns),
        rows=table.astype(str).values.tolist(),
        fills=[
            [LEVEL_COLORS[row[level]] if level in row else None for level in levels] for row in rows
        ],
        text_colors=[
            [LEVEL_TEXT_COLORS[row[level]] if level in row else None for level in levels]
            for row in rows
        ],
        widths=[2.1, 2.1, 1.8, 2.6, 1.6, 1.7, 2.1, 1.6],
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
            f"{INDICATOR_NAMES.get(row.indicator, row.indicator)}"
            f"{likelihood_words(row.indicator, row.flag)} ({was}; "
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
    if picture.outcomes is not None:
        year = picture.outcomes.school_year
        for kind, row in outcome_items(picture.outcomes):
            if building_id is not None and row["building_id"] != building_id:
                continue
            label, text, _ = OUTCOME_KINDS[kind]
            lines.append(f"Student outcomes, {place_of(row)}: {label}: {text(row, year)}.")
    for row in here(picture.missing_roles).itertuples():
        lines.append(f"Staffing, {row.building}: nobody in the role of {role_names(row.roles)}.")
    overdue = here(picture.overdue)
    owners = action_owner_names(overdue)
    for row in overdue.itertuples():
        lines.append(
            f"Overdue: {row.title} ({row.building_name}), due {row.due_date:%-d %b %Y}; "
            f"owner {owner_word(row.owner_email, owners)}."
        )
    if building_id is None and picture.team_missing:
        lines.append(
            "The leadership team has no member from: "
            + ", ".join(picture.team_missing).lower()
            + "."
        )
    return lines


def _actions_section(actions: pd.DataFrame, as_of: date) -> BriefTable:
    shown = actions.sort_values(["due_date", "action_id"]).head(BRIEF_ACTIONS)
    names = action_owner_names(shown)
    return BriefTable(
        title="Open follow-up actions",
        columns=["ID", "Action", "Building", "Owner", "Due", "Status"],
        rows=[
            [
                str(row.action_id),
                row.title,
                row.building_name,
                owner_word(row.owner_email, names),
                f"{row.due_date:%-d %b %Y}" + (" (overdue)" if row.overdue else ""),
                words(ACTION_STATUSES, row.status),
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


def meeting_brief(
    headlines: Headlines,
    picture: MeetingPicture,
    *,
    building_id: str | None,
    charts: list[BriefChart | BriefText],
) -> Brief:
    """The brief's content: the same figures, words and tables the meeting screen shows."""
    comparison = picture.comparison
    matrix = picture.matrix
    if building_id is not None:
        matrix = matrix[matrix["building_id"] == building_id]
    note = (
        "Vermillion: act on it; light orange: watch; light blue: fine; grey: nothing to show. "
        f"Fidelity: latest {FIDELITY_INSTRUMENT} {FIDELITY_SCALE}; supervision: the last "
        f"{picture.window_days} days; equity: concerns in {picture.equity_year}. Student "
        f"outcomes: % of screened students at benchmark in {outcomes_when(picture)} against 80%, "
        f"unmet need up ({UNMET_RISE_POINTS:g} points or more on last year), referrals per 100 "
        f"students per school day this year to date up {REFERRAL_RISE:.0%} or more on the same "
        "months last year; withheld: too few students to show."
    )
    if len(matrix) > BRIEF_BUILDINGS:
        note += f" The {BRIEF_BUILDINGS} buildings with most to act on of {len(matrix):,}."
        matrix = matrix.head(BRIEF_BUILDINGS)
    actions = picture.open_actions
    if building_id is not None:
        actions = actions[actions["building_id"] == building_id]
    sections: list = []
    if not matrix.empty:
        sections.append(_matrix_section(matrix, note, picture.district_outcome))
    agenda = _agenda_lines(picture, building_id)
    sections.append(BriefText(title="Agenda: what the data puts on the table", lines=agenda))
    sections += charts
    sections.append(_actions_section(actions, comparison.as_of))
    sections.append(
        BriefText(
            title="What each figure counts",
            lines=[
                f"{headline_label(item, headlines)}: {headline_detail(item, headlines)}"
                for item in headlines.items
            ],
        )
    )
    title_place = headline_place(headlines)
    return Brief(
        title=f"Leadership meeting brief: {title_place}",
        subtitle=f"As of {comparison.as_of:%-d %B %Y}. Changes are {since(comparison)} "
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
