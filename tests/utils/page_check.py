"""The page check: what a person would see wrong on a rendered page, found in the browser's DOM.

`find_problems(page)` runs one script in the page and returns each problem as a `Problem` (a kind
and plain words). The kinds:

- `cut off`: text the layout cuts (an element with overflow hidden or an ellipsis whose content is
  wider than its box; a data-frame header or cell wider than its column, read from the grid's own
  column widths and measured in the grid's font);
- `chart text`: text of a plotly figure outside the figure's svg, cut by the plot area's clip, over
  the title (the legend, the chart toolbar), or a heatmap cell's text wider than the cell;
- `raw code`: a code (`social_worker`, `oss iep 2025-26`) or `None`/`nan` in a visible table;
- `error`: a traceback, an exception box or an error message;
- `too wide`: the page scrolls sideways, or an element runs past the right edge of the screen.

Allowances are named lists below, each with its reason; nothing else is let through.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

# Data-frame columns whose cells are free text typed by people (an action's title, a note): any
# width can cut a long one, and the whole text is one click away (the row's own page or the cell's
# overlay). Their HEADERS are still checked, and so is every other column's every visible cell.
FREE_TEXT_COLUMNS = (
    "Action",
    "Note",
    "Notes",
    "Follow-up",
    "Problem",
    "What went wrong",
)
# Data-frame columns that list the names a district's FILES must use (the Data page's file format:
# "Column" building_id, "Table" staff_assignments): there the code is the thing being taught, and a
# plain word would send people to write the wrong heading in their CSV.
FILE_FORMAT_COLUMNS = ("Column", "Table")
# Narrower than this is a phone (Streamlit also closes the sidebar there): a table may scroll
# sideways within itself, as every table with more than two columns must on a 390 px screen.
PHONE_BELOW = 640


@dataclass(frozen=True)
class Problem:
    kind: str
    words: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.words}"


CHECK_SCRIPT = r"""
([freeTextColumns, fileFormatColumns, PHONE_BELOW]) => {
  const problems = [];
  const add = (kind, words) => problems.push([kind, words]);
  const short = (text, n = 70) => {
    const t = (text || '').replace(/\s+/g, ' ').trim();
    return t.length > n ? t.slice(0, n) + '...' : t;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    // A closed expander keeps its content laid out (at the width it last had) but shows none of it.
    const closed = el.closest('details:not([open])');
    if (closed && !el.closest('summary')) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) !== 0;
  };
  const main = document.querySelector("[data-testid='stMain']") || document.body;
  const inAny = (el, selector) => el.closest(selector) !== null;
  const widget = (el) => {
    const container = el.closest("[data-testid]");
    return container ? container.getAttribute('data-testid') : el.tagName.toLowerCase();
  };

  // (d) errors
  for (const el of document.querySelectorAll(
      "[data-testid='stException'], [data-testid='stAlertContentError']")) {
    add('error', `an error box says "${short(el.innerText, 160)}"`);
  }
  if (/Traceback \(most recent call last\)/.test(document.body.innerText)) {
    add('error', 'a Python traceback is on the page');
  }

  // (a) text the layout cuts
  const flagged = [];
  for (const el of main.querySelectorAll('*')) {
    if (inAny(el, '.js-plotly-plot, [data-testid="stDataFrame"], [data-testid="stElementToolbar"]'))
      continue;
    if (el.tagName === 'svg' || el.closest('svg')) continue;
    const text = (el.innerText || '').trim();
    if (!text) continue;
    const s = getComputedStyle(el);
    const clipsX = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
    const clamp = s.webkitLineClamp && s.webkitLineClamp !== 'none';
    const cutX = clipsX && el.scrollWidth > el.clientWidth + 1;
    const cutY = (clamp || (['hidden', 'clip'].includes(s.overflowY) && s.textOverflow === 'ellipsis'))
      && el.scrollHeight > el.clientHeight + 1;
    if ((cutX || cutY) && visible(el)) flagged.push(el);
  }
  for (const el of flagged) {
    if (flagged.some((other) => other !== el && el.contains(other))) continue;  // innermost only
    add('cut off', `"${short(el.innerText)}" (${widget(el)}) is cut: its text needs ` +
        `${el.scrollWidth}x${el.scrollHeight} px, its box is ${el.clientWidth}x${el.clientHeight}`);
  }

  // (a) and (c) data frames: the grid's own columns, their widths and the cells' text
  const measure = document.createElement('canvas').getContext('2d');
  const codeLike = (t) => {
    const text = (t || '').trim();
    // "None" alone is a missing value; "None open" is English. "nan" is never a word.
    if (/^(None|NaT|<NA>|null|undefined)$/.test(text) || /\b(nan|NaN)\b/.test(text))
      return 'None/nan';
    if (/\b[a-z0-9]+(?:_[a-z0-9]+)+\b/.test(text)) return 'a snake_case code';
    if (/^[a-z][a-z0-9 -]*\b\d{4}-\d{2}\b[a-z0-9 -]*$/.test(text) && /[a-z]{2,}/.test(text))
      return 'a code reference';
    return null;
  };
  document.querySelectorAll("[data-testid='stDataFrame']").forEach((frame, n) => {
    if (!visible(frame)) return;
    const grid = frame.querySelector('.stDataFrameGlideDataEditor');
    const canvas = frame.querySelector("canvas[data-testid='data-grid-canvas']");
    const name = `table ${n + 1}`;
    if (!canvas) { add('cut off', `${name} was never drawn, so its cells could not be checked`); return; }
    // The grid draws on a canvas; its React props hold the columns (with their widths) and the
    // text each cell shows (getCellContent's displayData).
    const fiberKey = Object.keys(canvas).find((k) => k.startsWith('__reactFiber'));
    let fiber = fiberKey ? canvas[fiberKey] : null;
    let props = null;
    for (let i = 0; fiber && i < 40 && !props; i++, fiber = fiber.return) {
      const p = fiber.memoizedProps;
      if (p && Array.isArray(p.columns) && p.columns.length && p.getCellContent) props = p;
    }
    if (!props) { add('cut off', `${name}: the grid's columns could not be read`); return; }
    const columns = props.columns;
    const headers = columns.map((c) => String(c.title ?? '').trim());
    for (const h of headers) {
      const why = codeLike(h);
      if (why) add('raw code', `${name}: the column heading "${short(h)}" is ${why}`);
    }
    const shownText = (cell) => {
      if (!cell) return '';
      if (typeof cell.displayData === 'string') return cell.displayData;
      if (cell.data && typeof cell.data.displayDate === 'string') return cell.data.displayDate;
      if (typeof cell.copyData === 'string') return cell.copyData;
      if (Array.isArray(cell.data)) return cell.data.join(', ');
      return cell.data === undefined || cell.data === null ? '' : String(cell.data);
    };
    // The rows the grid's height shows (it scrolls for the rest).
    const onScreen = Math.ceil(canvas.getBoundingClientRect().height / (props.rowHeight || 35));
    const rowIndexes = [...Array(Math.max(0, Math.min(props.rows || 0, onScreen))).keys()];
    const rows = rowIndexes.map((r) => columns.map((_, c) => {
      try { return [c + 1, shownText(props.getCellContent([c, r])).trim()]; }
      catch (e) { return [c + 1, '']; }
    }));
    const reported = new Set();
    for (const row of rows) for (const [col, text] of row) {
      if (fileFormatColumns.includes(headers[col - 1])) continue;
      const why = codeLike(text);
      const key = `${col}|${text}`;
      if (why && !reported.has(key)) {
        reported.add(key);
        add('raw code', `${name}: "${short(text)}" in column "${headers[col - 1] || col}" is ${why}`);
      }
    }
    const style = getComputedStyle(grid);
    const family = style.getPropertyValue('--gdg-font-family') || 'sans-serif';
    const headerFont = (style.getPropertyValue('--gdg-header-font-style') || '600 14px') + ' ' + family;
    const cellFont = (style.getPropertyValue('--gdg-base-font-style') || '14px') + ' ' + family;
    const pad = parseFloat(style.getPropertyValue('--gdg-cell-horizontal-padding')) || 8;
    const byTitle = new Map(columns.map((c) => [String(c.title ?? ''), c]));
    // The grid wraps cell text (at spaces) only in rows taller than 4rem; a line is about 20 px.
    const rowHeight = props.rowHeight || 35;
    const maxLines = rowHeight > 64 ? Math.max(1, Math.floor((rowHeight - 16) / 20)) : 1;
    // The width the text needs: its own on one line; wrapped, the widest of its lines (or more than
    // the room when it takes more lines than the row holds).
    const wrappedWidth = (text, room) => {
      const whole = measure.measureText(text).width;
      if (maxLines === 1 || whole <= room) return whole;
      let lines = 1, line = '', widest = 0;
      for (const word of text.split(/\s+/)) {
        const tried = line ? line + ' ' + word : word;
        if (measure.measureText(tried).width > room && line) {
          widest = Math.max(widest, measure.measureText(line).width);
          lines += 1; line = word;
        } else line = tried;
      }
      widest = Math.max(widest, measure.measureText(line).width);
      return lines > maxLines ? whole : widest;
    };
    // Columns past the grid's right edge: the table scrolls sideways to show them. On a phone that
    // is how every table with more than two columns reads (a swipe shows the rest, and the page
    // itself never scrolls sideways: 'too wide'); on a screen or a projector nobody swipes.
    const shownWidth = canvas.getBoundingClientRect().width;
    let right = 0;
    for (const column of (window.innerWidth < PHONE_BELOW ? [] : columns)) {
      right += column.width || 0;
      if (right > shownWidth + 1) {
        add('cut off', `${name}: the column "${column.title}" is cut at the table's right edge ` +
            `(the columns need ${Math.ceil(columns.reduce((a, c) => a + (c.width || 0), 0))} px, ` +
            `the table shows ${Math.floor(shownWidth)})`);
        break;
      }
    }
    for (const [i, title] of headers.entries()) {
      const column = byTitle.get(title) || columns[i];
      if (!column || !column.width) continue;
      const room = column.width - 2 * pad;
      measure.font = headerFont;
      const need = measure.measureText(title).width;
      if (need > room + 0.5)
        add('cut off', `${name}: the column heading "${title}" needs ${Math.ceil(need)} px, ` +
            `its column gives ${Math.floor(room)}`);
      if (freeTextColumns.includes(title)) continue;
      measure.font = cellFont;
      let worst = null;
      for (const row of rows) for (const [col, text] of row) {
        if (col !== i + 1 || !text) continue;
        const w = wrappedWidth(text, room);
        if (w > room + 0.5 && (!worst || w > worst[0])) worst = [w, text];
      }
      if (worst)
        add('cut off', `${name}: "${short(worst[1])}" in column "${title}" needs ` +
            `${Math.ceil(worst[0])} px, its column gives ${Math.floor(room)}`);
    }
  });
  // (c) static tables (st.table, Markdown tables)
  document.querySelectorAll("[data-testid='stMain'] table").forEach((table) => {
    if (table.closest("[data-testid='stDataFrame']") || !visible(table)) return;
    for (const cell of table.querySelectorAll('th, td')) {
      const why = codeLike(cell.innerText);
      if (why) add('raw code', `a table shows "${short(cell.innerText)}", ${why}`);
    }
  });

  // (b) plotly text
  const overlap = (a, b, margin = 1) =>
    a.left < b.right - margin && b.left < a.right - margin &&
    a.top < b.bottom - margin && b.top < a.bottom - margin;
  document.querySelectorAll('.js-plotly-plot').forEach((gd, n) => {
    if (!visible(gd)) return;
    const svg = gd.querySelector('svg.main-svg');
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    const titleEl = gd.querySelector('.gtitle');
    const title = titleEl ? titleEl.getBoundingClientRect() : null;
    const titleText = titleEl ? short([...titleEl.childNodes].map((c) => c.textContent).join(' '), 50) : '';
    const name = titleText ? `chart "${titleText}"` : `chart ${n + 1}`;
    const seen = new Set();
    for (const t of gd.querySelectorAll('text')) {
      if (t.closest('.hoverlayer, .modebar')) continue;
      const text = (t.textContent || '').trim();
      if (!text) continue;
      const r = t.getBoundingClientRect();
      if (r.width <= 0 || r.height <= 0) continue;
      const where = [];
      if (r.left < box.left - 1) where.push('left');
      if (r.right > box.right + 1) where.push('right');
      if (r.top < box.top - 1) where.push('top');
      if (r.bottom > box.bottom + 1) where.push('bottom');
      if (where.length && !seen.has(text)) {
        seen.add(text);
        add('chart text', `${name}: "${short(text, 50)}" runs off the figure's ${where.join(' and ')} edge`);
        continue;
      }
      // Cut by the plot area's clip path (bar and trend labels)
      const clipped = t.closest('[clip-path]');
      if (clipped) {
        const id = (clipped.getAttribute('clip-path').match(/#([^)'"]+)/) || [])[1];
        const rect = id ? document.getElementById(id)?.querySelector('rect') : null;
        const m = clipped.getScreenCTM();
        if (rect && m) {
          // A clip path's rect is not drawn: its box comes from its attributes, in the user
          // space of the element it clips.
          const [x, y] = [rect.x.baseVal.value, rect.y.baseVal.value];
          const [w, h] = [rect.width.baseVal.value, rect.height.baseVal.value];
          const p1 = new DOMPoint(x, y).matrixTransform(m), p2 = new DOMPoint(x + w, y + h).matrixTransform(m);
          const c = {left: Math.min(p1.x, p2.x), right: Math.max(p1.x, p2.x),
                     top: Math.min(p1.y, p2.y), bottom: Math.max(p1.y, p2.y)};
          if ((r.left < c.left - 1 || r.right > c.right + 1 || r.top < c.top - 1 || r.bottom > c.bottom + 1)
              && !seen.has(text)) {
            seen.add(text);
            add('chart text', `${name}: "${short(text, 50)}" is cut by the edge of the plot area`);
            continue;
          }
        }
      }
      if (title && t !== titleEl && !titleEl.contains(t) && overlap(r, title) && !seen.has(text)) {
        seen.add(text);
        add('chart text', `${name}: "${short(text, 50)}" overlaps the title`);
      }
    }
    const legend = gd.querySelector('.legend');
    if (legend && title && overlap(legend.getBoundingClientRect(), title))
      add('chart text', `${name}: the legend sits on the title`);
    const modebar = gd.querySelector('.modebar');
    if (modebar && title && overlap(modebar.getBoundingClientRect(), title, 0))
      add('chart text', `${name}: the chart toolbar covers the title`);
    // Heatmap cells: each cell's text within the cell's width
    const full = gd._fullData || [];
    const layout = gd._fullLayout || {};
    full.forEach((trace) => {
      if (trace.type !== 'heatmap' || !trace.z || !trace.z.length) return;
      const xaxis = layout[(trace.xaxis || 'x').replace('x', 'xaxis')];
      const yaxis = layout[(trace.yaxis || 'y').replace('y', 'yaxis')];
      if (!xaxis || !yaxis) return;
      const columns = trace.z[0].length, rowsCount = trace.z.length;
      const cellW = xaxis._length / columns, cellH = yaxis._length / rowsCount;
      let worst = null;
      // The cell texts: the heatmap's own, or a text-only scatter layer drawn over it.
      gd.querySelectorAll('.heatmaplayer text, .scatterlayer .textpoint text').forEach((t) => {
        const r = t.getBoundingClientRect();
        if (r.width > cellW - 2 && (!worst || r.width > worst[0])) worst = [r.width, t.textContent];
        if (r.height > cellH && (!worst || r.height > worst[0])) worst = [r.height, t.textContent];
      });
      if (worst)
        add('chart text', `${name}: the heatmap's "${short(worst[1], 40)}" needs ${Math.ceil(worst[0])} px, ` +
            `a cell is ${Math.floor(cellW)}x${Math.floor(cellH)} px`);
    });
  });
  // The element toolbar Streamlit shows over a chart on hover (or a tap on a phone)
  document.querySelectorAll("[data-testid='stPlotlyChart']").forEach((chart) => {
    const holder = chart.closest("[data-testid='stElementContainer']") || chart.parentElement;
    const bar = holder ? holder.querySelector("[data-testid='stElementToolbar']") : null;
    const titleEl = chart.querySelector('.gtitle');
    if (!bar || !titleEl) return;
    const b = bar.getBoundingClientRect();
    if (b.width > 0 && overlap(b, titleEl.getBoundingClientRect(), 0))
      add('chart text', `chart "${short(titleEl.textContent, 50)}": Streamlit's chart toolbar covers the title`);
  });

  // (e) wider than the screen
  const width = window.innerWidth;
  const doc = document.documentElement;
  if (doc.scrollWidth > width + 1)
    add('too wide', `the page scrolls sideways: ${doc.scrollWidth} px wide on a ${width} px screen`);
  if (main.scrollWidth > main.clientWidth + 1)
    add('too wide', `the page's content scrolls sideways: ${main.scrollWidth} px in ${main.clientWidth} px`);
  const edge = Math.min(width, main.getBoundingClientRect().right);
  const wide = [];
  for (const el of main.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.right <= edge + 1) continue;
    if (el.closest('details:not([open])') && !el.closest('summary')) continue;  // not shown
    // Inside a box that clips or scrolls its own content (a data frame, a code block) it is that
    // box's business, unless that box itself runs past the edge.
    let inner = false;
    for (let p = el.parentElement; p && p !== main; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' && p.getBoundingClientRect().right <= edge + 1) { inner = true; break; }
    }
    if (!inner) wide.push(el);
  }
  for (const el of wide) {
    if (wide.includes(el.parentElement)) continue;  // outermost only
    const r = el.getBoundingClientRect();
    add('too wide', `${widget(el)} "${short(el.innerText || el.getAttribute('aria-label') || '', 50)}" ` +
        `reaches ${Math.round(r.right)} px on a ${Math.round(edge)} px screen`);
  }
  return problems;
}
"""


def find_problems(page: Any) -> list[Problem]:
    """Every problem the check finds on the page as it is now (run after it has settled)."""
    found = page.evaluate(
        CHECK_SCRIPT, [list(FREE_TEXT_COLUMNS), list(FILE_FORMAT_COLUMNS), PHONE_BELOW]
    )
    problems: list[Problem] = []
    for kind, words in found:
        problem = Problem(kind, words)
        if problem not in problems:
            problems.append(problem)
    return problems


def settle(page: Any, *, timeout_ms: int = 60_000) -> None:
    """Wait until the script has finished its run and the charts on screen are drawn."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']",
        state="attached",
        timeout=timeout_ms,
    )
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")]
                   .filter((c) => c.getBoundingClientRect().width > 0)
                   .every((c) => c.querySelector('svg.main-svg'))""",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(300)  # plotly's automargin redraw


def check_page(page: Any, screenshot: str, *, timeout_ms: int = 30_000) -> list[Problem]:
    """The problems on the page as it is now, and a screenshot of the whole page.

    Streamlit scrolls inside its main area, and a data frame draws its cells only once it is
    on screen; so the window is made as tall as the page, at
    the same width, for the check and the picture, then put back. Every layout rule here depends
    on the width only."""
    size = page.viewport_size
    height = page.evaluate(
        """() => { const m = document.querySelector("[data-testid='stMain']");
                   return m ? m.scrollHeight : document.documentElement.scrollHeight; }"""
    )
    tall = min(int(height), 16_000)
    if tall > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": tall})
    try:
        # A grid further down than the window first was may wait to be scrolled to.
        page.evaluate(
            """() => document.querySelectorAll("[data-testid='stDataFrame']").forEach((f) => {
                 if (!f.querySelector('canvas')) f.scrollIntoView(); })"""
        )
        # A grid never drawn is reported by the check itself.
        with contextlib.suppress(Exception):
            page.wait_for_function(
                """() => [...document.querySelectorAll("[data-testid='stDataFrame']")]
                           .filter((f) => f.getBoundingClientRect().width > 0)
                           .every((f) => f.querySelector("canvas[data-testid='data-grid-canvas']"))""",
                timeout=timeout_ms,
            )
        page.wait_for_timeout(400)
        problems = find_problems(page)
        page.screenshot(path=screenshot)
    finally:
        if tall > size["height"]:
            page.set_viewport_size(size)
    return problems
