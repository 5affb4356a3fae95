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

# Backslash-escaped (CommonMark escapes any ASCII punctuation), these can never start a link, image,
# emphasis, code span, strikethrough, table cell, HTML tag or entity anywhere in a line; `\$` is
# Streamlit's own escape for LaTeX.
_ANYWHERE = re.compile(r"([\\`*_\[\]<>|~$&!])")
# These start a header, quote, list or setext underline only at the start of a line.
_LINE_START = re.compile(r"(?m)^([ \t]*)([#>+=-]|\d+[.)])")
# An escaped colon is still a colon to the plugins that turn `:red[..]`, `:material/icon:`, emoji
# shortcodes and bare `https://` addresses into coloured text, icons and links after parsing, and
# GitHub-flavoured Markdown links a bare `www.` or email address even with its dots escaped: a
# zero-width space after a colon followed by a letter or slash, after `www` and after `@` keeps them
# from ever forming one (the text reads and copies the same, bar that invisible space).
_ZERO_WIDTH_SPACE = "\u200b"
_BARE_LINK = re.compile(r"(?i):(?=[a-z/])|www|@")


def plain(text: object) -> str:
    """`text` as Markdown source that shows exactly its characters (None or NaN shows as nothing)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    escaped = _ANYWHERE.sub(r"\\\1", str(text))
    escaped = _LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)[:-1]}\\{m.group(2)[-1]}", escaped)
    return _BARE_LINK.sub(lambda match: match.group(0) + _ZERO_WIDTH_SPACE, escaped)


def plain_html(text: object) -> str:
    """`text` for plotly's HTML-subset text: `<`, `>` and `&` as entities, which plotly shows as the
    characters they stand for (None or NaN shows as nothing)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=False)
