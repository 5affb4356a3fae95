"""components.text: user-supplied text as Markdown source and as plotly text that shows exactly its
characters (how it renders in a browser was checked by hand; tests/test_hostile_text.py runs pages)."""

from __future__ import annotations

import pytest

from components.text import plain, plain_html

ZWSP = "\u200b"


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("[sign in](https://evil.example)", f"\\[sign in\\](https:{ZWSP}//evil.example)"),
        ("![x](https://evil.example/x.png)", f"\\!\\[x\\](https:{ZWSP}//evil.example/x.png)"),
        ("# Header", "\\# Header"),
        ("line\n## Header", "line\n\\## Header"),
        ("- item\n+ item\n1. item\n2) item", "\\- item\n\\+ item\n1\\. item\n2\\) item"),
        ("> quote\ntext\n===", "\\> quote\ntext\n\\==="),
        ("*em* _em_ **b** ~~s~~ `c`", "\\*em\\* \\_em\\_ \\*\\*b\\*\\* \\~\\~s\\~\\~ \\`c\\`"),
        ("a | b", "a \\| b"),
        ("$x^2$", "\\$x^2\\$"),
        ("back\\slash", "back\\\\slash"),
        (
            ":red[x] :material/lock: :smile:",
            f":{ZWSP}red\\[x\\] :{ZWSP}material/lock: :{ZWSP}smile:",
        ),
        ('<span style="font-size:200px">', '\\<span style="font-size:200px"\\>'),
        ("&lt; &amp;", "\\&lt; \\&amp;"),
        ("www.evil.example a@evil.example", f"www{ZWSP}.evil.example a@{ZWSP}evil.example"),
        ("Lincoln Elementary, 53% (was 57%): a - b.", "Lincoln Elementary, 53% (was 57%): a - b."),
    ],
)
def test_plain_escapes_every_markdown_construct_and_leaves_prose_alone(text, source):
    assert plain(text) == source


def test_plain_shows_nothing_for_missing_text():
    assert plain(None) == "" and plain(float("nan")) == "" and plain(12) == "12"


def test_plain_html_escapes_what_plotly_would_render():
    assert (
        plain_html('<a href="x">A & B</a><br>') == '&lt;a href="x"&gt;A &amp; B&lt;/a&gt;&lt;br&gt;'
    )
    assert plain_html(None) == ""
