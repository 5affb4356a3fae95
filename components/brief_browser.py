"""Finding the Chrome or Chromium that plotly's image export (kaleido) drives, and drawing figures as
PNG images with it, for the PDF brief."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
IMAGE_WIDTH = 1100  # pixels of the charts in the PDF (drawn at twice that for sharp print)


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
