"""The meeting brief as a document: headline figures, tables (cells may be coloured), charts and text,
written as a PDF (fpdf2) or as printable HTML for when no browser is available to draw the charts as
images. No database and no Streamlit here: `components/brief_document.py` assembles a Brief from the
meeting's figures, and tests read the PDF's text back with pypdf."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field

from fpdf import FPDF
from fpdf.fonts import FontFace

# Helvetica (built into every PDF reader) covers Latin-1; a few typographic characters the screen
# uses are written plainly instead.
PLAIN = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "≥": ">=",
        "≤": "<=",
        "▲": "^",
        "▼": "v",
        "★": "*",
        "→": "->",
        "−": "-",
    }
)


@dataclass(frozen=True)
class BriefFigure:
    """One headline figure: what it counts, its value, its change and against when."""

    label: str
    value: str
    change: str  # "-7 points since the meeting of 12 May 2026", or "" without a comparison
    verdict: str | None  # better, worse, same
    detail: str


@dataclass(frozen=True)
class BriefTable:
    title: str
    columns: list[str]
    rows: list[list[str]]
    fills: list[list[str | None]] | None = None  # background colour (#RRGGBB) per cell, or None
    text_colors: list[list[str | None]] | None = None
    widths: list[float] | None = None  # relative column widths
    note: str = ""


@dataclass(frozen=True)
class BriefChart:
    title: str
    png: bytes | None = None  # for the PDF
    html: str | None = None  # for the HTML brief (plotly's own HTML, or inline SVG)


@dataclass(frozen=True)
class BriefText:
    title: str
    lines: list[str]


@dataclass(frozen=True)
class Brief:
    title: str
    subtitle: str
    figures: list[BriefFigure]
    sections: list[BriefTable | BriefChart | BriefText] = field(default_factory=list)
    footer: str = ""


def plain(text: object) -> str:
    """Text Helvetica can write: typographic characters made plain, anything else outside Latin-1
    replaced by '?'."""
    return str(text).translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


VERDICT_RGB = {"better": (0, 114, 178), "worse": (213, 94, 0), "same": (90, 90, 90)}


class _BriefPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, plain(f"{self.footer_text}   Page {self.page_no()} of {{nb}}"), align="R")


def render_pdf(brief: Brief) -> bytes:
    """The brief as a landscape Letter PDF: title, headline figures, then each section in order."""
    pdf = _BriefPDF(orientation="landscape", unit="mm", format="Letter")
    pdf.footer_text = brief.footer
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(14, 12, 14)
    pdf.set_title(plain(brief.title))
    pdf.set_author("MTSS leadership dashboard")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 10, plain(brief.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.set_text_color(60, 60, 60)
    pdf.multi_cell(0, 6, plain(brief.subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    _figures(pdf, brief.figures)
    for section in brief.sections:
        if isinstance(section, BriefTable):
            _table(pdf, section)
        elif isinstance(section, BriefChart):
            _chart(pdf, section)
        else:
            _text(pdf, section)
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def _heading(pdf: FPDF, title: str, *, room: float = 30) -> None:
    if pdf.get_y() + room > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, plain(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)


def _figures(pdf: FPDF, figures: list[BriefFigure]) -> None:
    """The headline figures side by side: label, value in large type, change in words."""
    if not figures:
        return
    gap = 3
    width = (pdf.epw - gap * (len(figures) - 1)) / len(figures)
    top = pdf.get_y()
    height = 40
    for index, figure in enumerate(figures):
        x = pdf.l_margin + index * (width + gap)
        pdf.set_draw_color(180, 180, 180)
        pdf.rect(x, top, width, height)
        pdf.set_xy(x + 2, top + 2)
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(width - 4, 4.5, plain(figure.label), new_x="LEFT", new_y="NEXT")
        pdf.set_xy(x + 2, top + 12)
        pdf.set_font("Helvetica", "B", 22)
        pdf.cell(width - 4, 11, plain(figure.value), new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", size=8.5)
        pdf.set_text_color(*VERDICT_RGB.get(figure.verdict or "", (90, 90, 90)))
        pdf.set_xy(x + 2, top + 25)
        pdf.multi_cell(width - 4, 4, plain(figure.change), new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.set_xy(pdf.l_margin, top + height + 2)


def _table(pdf: FPDF, table: BriefTable) -> None:
    _heading(pdf, table.title)
    if table.note:
        pdf.set_font("Helvetica", size=8.5)
        pdf.multi_cell(0, 4.5, plain(table.note), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    if not table.rows:
        pdf.set_font("Helvetica", "I", 10)
        pdf.multi_cell(0, 6, "None.", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font("Helvetica", size=8.5)
    headings = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(
        col_widths=table.widths or None,
        headings_style=headings,
        line_height=5,
        text_align="LEFT",
        first_row_as_headings=True,
    ) as grid:
        heading = grid.row()
        for column in table.columns:
            heading.cell(plain(column))
        for r, values in enumerate(table.rows):
            row = grid.row()
            for c, value in enumerate(values):
                fill = table.fills[r][c] if table.fills else None
                colour = table.text_colors[r][c] if table.text_colors else None
                style = (
                    FontFace(
                        fill_color=_rgb(fill) if fill else None,
                        color=_rgb(colour) if colour else None,
                    )
                    if fill or colour
                    else None
                )
                row.cell(plain(value), style=style)
    pdf.ln(2)


def _chart(pdf: FPDF, chart: BriefChart) -> None:
    if chart.png is None:
        return
    from PIL import Image

    with Image.open(io.BytesIO(chart.png)) as image:
        pixels_wide, pixels_high = image.size
    width = min(pdf.epw, 230)
    height = width * pixels_high / pixels_wide
    room = pdf.h - pdf.b_margin - pdf.get_y()
    if height > room:
        pdf.add_page()
        room = pdf.h - pdf.b_margin - pdf.get_y()
        if height > room:  # a very tall chart: scale it to the page
            width, height = width * room / height, room
    pdf.image(io.BytesIO(chart.png), x=pdf.l_margin, w=width, h=height, alt_text=plain(chart.title))
    pdf.ln(3)


def _text(pdf: FPDF, text: BriefText) -> None:
    _heading(pdf, text.title, room=20)
    pdf.set_font("Helvetica", size=10)
    if not text.lines:
        pdf.set_font("Helvetica", "I", 10)
        pdf.multi_cell(0, 6, "None.", new_x="LMARGIN", new_y="NEXT")
        return
    for line in text.lines:
        pdf.multi_cell(0, 5.5, plain(f"- {line}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.5)


# --- Printable HTML --------------------------------------------------------------------------------

HTML_STYLE = """
body {font-family: Helvetica, Arial, sans-serif; margin: 2rem; color: #111;}
h1 {font-size: 1.9rem; margin-bottom: 0.2rem;} h2 {font-size: 1.3rem; margin-top: 1.6rem;}
.subtitle {color: #444;}
.figures {display: flex; gap: 0.6rem; flex-wrap: wrap; margin: 1rem 0;}
.figure {border: 1px solid #bbb; padding: 0.6rem; flex: 1 1 10rem;}
.figure .value {font-size: 2rem; font-weight: bold;}
.better {color: #0072B2;} .worse {color: #D55E00;} .same {color: #555;}
table {border-collapse: collapse; font-size: 0.85rem; margin: 0.4rem 0;}
th, td {border: 1px solid #bbb; padding: 0.25rem 0.45rem; text-align: left;}
th {background: #eee;}
.note, .detail {font-size: 0.8rem; color: #444;}
@media print {body {margin: 0.5cm;} .chart, table {break-inside: avoid;}}
"""


def render_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page to print from a browser (charts as given: plotly's
    HTML or inline SVG)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{e(brief.title)}</title><style>{HTML_STYLE}</style></head><body>",
        f"<h1>{e(brief.title)}</h1><p class='subtitle'>{e(brief.subtitle)}</p>",
        "<div class='figures'>",
    ]
    for figure in brief.figures:
        parts.append(
            f"<div class='figure'><div>{e(figure.label)}</div>"
            f"<div class='value'>{e(figure.value)}</div>"
            f"<div class='{e(figure.verdict or 'same')}'>{e(figure.change)}</div></div>"
        )
    parts.append("</div>")
    for section in brief.sections:
        if isinstance(section, BriefTable):
            parts.append(f"<h2>{e(section.title)}</h2>")
            if section.note:
                parts.append(f"<p class='note'>{e(section.note)}</p>")
            if not section.rows:
                parts.append("<p><em>None.</em></p>")
                continue
            parts.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in section.columns))
            for r, values in enumerate(section.rows):
                cells = []
                for c, value in enumerate(values):
                    fill = section.fills[r][c] if section.fills else None
                    colour = section.text_colors[r][c] if section.text_colors else None
                    style = "".join(
                        [
                            f"background:{fill};" if fill else "",
                            f"color:{colour};" if colour else "",
                        ]
                    )
                    cells.append(f"<td style='{style}'>{e(value)}</td>")
                parts.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("</table>")
        elif isinstance(section, BriefChart):
            if section.html:
                parts.append(f"<div class='chart'>{section.html}</div>")
        else:
            parts.append(f"<h2>{e(section.title)}</h2>")
            items = "".join(f"<li>{e(line)}</li>" for line in section.lines) or "<li>None.</li>"
            parts.append(f"<ul>{items}</ul>")
    if brief.footer:
        parts.append(f"<p class='note'>{e(brief.footer)}</p>")
    parts.append("</body></html>")
    return "".join(parts)
