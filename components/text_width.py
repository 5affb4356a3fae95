"""How wide a table's text is on screen: the data grid's 14 px Source Sans, letter by letter.

An average width per character was wrong both ways: "demo" (a wide m) was cut in a column sized
for four average characters, and long names with narrow letters got columns wider than they need,
pushing tables past a 1280 px projector. The advance widths below are Source Sans 3's, in
thousandths of the type size; a character not listed counts as a wide one."""

from __future__ import annotations

from functools import lru_cache

TYPE_PX = 14
SLACK = 1.04  # rendering rounds each glyph: a little over the sum of advances
_WIDTHS = {
    **dict(zip("abcdefghijklmnopqrstuvwxyz", (
        486, 552, 445, 552, 492, 297, 496, 542, 246, 247, 487, 254, 826,
        546, 537, 552, 552, 347, 418, 338, 542, 460, 706, 441, 460, 414,
    ), strict=True)),
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
        544, 588, 574, 617, 527, 489, 612, 649, 266, 468, 585, 476, 733,
        646, 666, 581, 666, 584, 536, 540, 645, 524, 796, 518, 486, 537,
    ), strict=True)),
    **dict.fromkeys("0123456789", 497),
    " ": 200, ".": 249, ",": 249, ":": 249, ";": 249, "'": 230, "’": 230, "!": 290,
    "-": 310, "–": 500, "—": 800, "(": 305, ")": 305, "/": 340, "%": 830, "&": 610,
    "@": 880, "_": 500, "#": 497, "+": 497, "=": 497, "?": 420, '"': 400, "·": 249,
}  # fmt: skip
_WIDE = 800


@lru_cache(maxsize=4096)
def text_px(text: str) -> float:
    """The width of `text` on one line, in pixels."""
    return sum(_WIDTHS.get(character, _WIDE) for character in text) * TYPE_PX / 1000 * SLACK


@lru_cache(maxsize=16384)
def wrapped_px(text: str, lines: int) -> float:
    """The narrowest width in which `text`, wrapped at spaces, takes at most `lines` lines (never
    less than its widest word). Kept per text: tables are fitted on every rerun, and the same
    names and words come back every time (the search was 15% of a warm Overview rerun)."""
    words = text.split()
    whole = text_px(text)
    if lines <= 1 or len(words) <= 1:
        return whole
    space = text_px(" ")
    sizes = [text_px(word) for word in words]

    def lines_at(width: float) -> int:
        used, line = 1, 0.0
        for size in sizes:
            line = size if line == 0 else line + space + size
            if line > width + 0.01:
                used, line = used + 1, size
        return used

    low, high = max(sizes), whole
    for _ in range(20):  # to a tenth of a pixel
        middle = (low + high) / 2
        low, high = (low, middle) if lines_at(middle) <= lines else (middle, high)
    return high
