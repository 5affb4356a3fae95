"""Text is text: user-supplied or imported text (names, titles, notes, query parameters, file names,
error messages quoting input) goes on screen through these helpers and is never read as Markdown,
LaTeX, a Streamlit colour or icon directive, or HTML.

`plain` is for anything Streamlit renders as Markdown (st.markdown, st.write, st.caption, titles,
headers, alerts, metric, tab, expander and widget labels); `plain_html` is for plotly text (titles,
labels, tick text, hover text), which renders a subset of HTML."""

from __future__ import annotations

import html
import math
import re
import string

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaped, none of them can
# start a link, image, header, emphasis, list, table, code span or HTML tag, and `\$` is Streamlit's
# own escape for LaTeX.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# An escaped colon is still a colon to the plugins that turn `:red[..]`, `:material/icon:` and emoji
# shortcodes into coloured text and icons after parsing, so a zero-width space after every colon
# keeps the letters that follow from ever forming one.
_ZERO_WIDTH_SPACE = "\u200b"
# GitHub-flavoured Markdown links a bare `www.` and an email address even with the dot escaped.
_BARE_LINK = re.compile(r"(?i)www|@")


def plain(text: object) -> str:
    """`text` as Markdown source that shows exactly its characters (None or NaN shows as nothing)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    escaped = _PUNCTUATION.sub(r"\\\1", str(text))
    escaped = _BARE_LINK.sub(lambda match: match.group(0) + _ZERO_WIDTH_SPACE, escaped)
    return escaped.replace(":", ":" + _ZERO_WIDTH_SPACE)


def plain_html(text: object) -> str:
    """`text` for plotly's HTML-subset text: `<`, `>` and `&` as entities, which plotly shows as the
    characters they stand for (None or NaN shows as nothing)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=False)
