"""Filling the fidelity entry form at once: a column of scores pasted from a spreadsheet (one per line,
in the instrument's order), item and score pairs (tab- or comma-separated), or a file with an item
column and a score column (CSV or Excel, the simple layout of an item-score export). Every score goes
through `FidelityScoreInput`, the rule the form and `fidelity.csv` use; one bad value, an unknown item
or an item given twice refuses the whole sheet, each problem named by its line (or row) and item."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from data_access.fidelity.inputs import check_fidelity_score
from data_access.fidelity.writes import score_message

MAX_LINES = 1_000  # a TFI has 45 items; more than this is not an item sheet
MAX_FILE_BYTES = 1_000_000
HEADER_ROWS = 10  # a file's header row is looked for in its first rows (exports put a title above)
ITEM_HEADERS = (
    "item",
    "item number",
    "item no",
    "item #",
    "item id",
    "question",
    "question number",
)
SCORE_HEADERS = ("score", "item score", "points", "response", "value", "rating")


@dataclass(frozen=True)
class ScoreSheet:
    """`scores`: item_id → score (None: not scored) for every item of the instrument, empty when
    anything was refused; `problems`: each refusal in words; `described`: what was read."""

    scores: dict[str, int | None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    described: str = ""


def read_pasted_scores(text: str, *, instrument: str, items: pd.DataFrame) -> ScoreSheet:
    """Scores pasted into the form: one per line in the instrument's order (an empty line: not
    scored), or `item<TAB>score` / `item,score` lines (a header line such as Item,Score is skipped)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A column copied from a spreadsheet ends with a line break, after an empty last cell too.
    copied = (text[:-1] if text.endswith("\n") else text).split("\n")
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return ScoreSheet(problems=["Paste the scores first: one per line, or item and score."])
    if len(lines) > MAX_LINES:
        return ScoreSheet(
            problems=[f"That is {len(lines):,} lines; an item sheet has one per item."]
        )
    cells = [_split(line) for line in lines]
    if all(len(row) <= 1 for row in cells):
        if len(copied) == len(items) and len(lines) < len(items):
            lines = copied  # the last items left empty
        column = [line.strip() for line in lines]
        return _column(column, instrument=instrument, items=items)
    rows = [
        (number, row[0], row[-1] if len(row) > 1 else "")
        for number, row in enumerate(cells, 1)
        if row and any(row)
    ]
    if rows and _is_header(rows[0][1], ITEM_HEADERS) and _is_header(rows[0][2], SCORE_HEADERS):
        rows = rows[1:]
    return _pairs(rows, instrument=instrument, items=items, unit="Line")


def read_score_file(name: str, data: bytes, *, instrument: str, items: pd.DataFrame) -> ScoreSheet:
    """An item-score file (`.csv` or `.xlsx`, first sheet): the first row among its first ten with
    an item column and a score column is the header; every row below it with an item is read."""
    if len(data) > MAX_FILE_BYTES:
        return ScoreSheet(problems=[f"{name} is over 1 MB; an item-score file is far smaller."])
    try:
        table = _xlsx_rows(data) if PurePath(name).suffix.lower() == ".xlsx" else _csv_rows(data)
    except (ValueError, OSError, KeyError, UnicodeDecodeError, csv.Error):
        return ScoreSheet(problems=[f"{name} could not be read as a CSV (UTF-8) or Excel file."])
    for index, header in enumerate(table[:HEADER_ROWS]):
        names = [_header(cell) for cell in header]
        item_column = next((i for i, n in enumerate(names) if n in ITEM_HEADERS), None)
        score_column = next((i for i, n in enumerate(names) if n in SCORE_HEADERS), None)
        if item_column is not None and score_column is not None:
            header_at = index
            break
    else:
        return ScoreSheet(
            problems=[
                f"{name} has no header row with an item column (Item, Item number, Question) and "
                f"a score column (Score, Points, Response) in its first {HEADER_ROWS} rows."
            ]
        )
    rows = [
        (header_at + 2 + offset, _cell(row, item_column), _cell(row, score_column))
        for offset, row in enumerate(table[header_at + 1 :])
        if _cell(row, item_column)
    ]
    return _pairs(rows, instrument=instrument, items=items, unit="Row")


def _column(values: list[str], *, instrument: str, items: pd.DataFrame) -> ScoreSheet:
    if values and _is_header(values[0], SCORE_HEADERS):
        values = values[1:]
    ids = list(items["item_id"])
    if len(values) != len(ids):
        return ScoreSheet(
            problems=[
                f"You pasted {len(values)} score{'s' if len(values) != 1 else ''}, one per line, "
                f"but {instrument} has {len(ids)} items: paste one line per item, in order (an "
                "empty line for an item not scored), or item and score pairs."
            ]
        )
    sheet = _check(
        [
            (number, item_id, value)
            for number, (item_id, value) in enumerate(zip(ids, values, strict=True), 1)
        ],
        instrument=instrument,
        items=items,
        unit="Line",
    )
    if sheet.problems:
        return sheet
    blank = sum(score is None for score in sheet.scores.values())
    return ScoreSheet(
        scores=sheet.scores,
        described=f"a column of {len(values)} lines: {len(values) - blank} items scored"
        + (f", {blank} left blank" if blank else ""),
    )


def _pairs(
    rows: Sequence[tuple[int, str, str]], *, instrument: str, items: pd.DataFrame, unit: str
) -> ScoreSheet:
    ids = list(items["item_id"])
    by_id = {item_id.casefold(): item_id for item_id in ids}
    by_title = {}
    for item_id, title in zip(ids, items["item_title"], strict=True):
        by_title.setdefault(str(title).strip().casefold(), []).append(item_id)
    problems, found, seen = [], [], {}
    for number, item_cell, score_cell in rows:
        item_id = _match(item_cell, by_id, by_title)
        if item_id is None:
            problems.append(f"{unit} {number}: {item_cell.strip()} is not an item of {instrument}.")
            continue
        if item_id in seen:
            problems.append(
                f"{unit} {number}: item {item_id} is given twice "
                f"({unit.lower()}s {seen[item_id]} and {number})."
            )
            continue
        seen[item_id] = number
        found.append((number, item_id, score_cell))
    if not rows:
        problems.append("No item and score were found below the header.")
    checked = _check(found, instrument=instrument, items=items, unit=unit)
    problems = sorted([*problems, *checked.problems], key=_line_of)
    if problems:
        return ScoreSheet(problems=problems)
    scored = sum(score is not None for score in checked.scores.values())
    return ScoreSheet(
        scores={item_id: checked.scores.get(item_id) for item_id in ids},
        described=f"{len(rows)} item and score pairs: {scored} items scored",
    )


def _check(
    rows: Sequence[tuple[int, str, str]], *, instrument: str, items: pd.DataFrame, unit: str
) -> ScoreSheet:
    """Each (line, item_id, score text) through the typed input, with the item's own maximum."""
    max_scores = dict(zip(items["item_id"], items["max_score"].astype(int), strict=True))
    item_max = {(instrument, item_id): top for item_id, top in max_scores.items()}
    scores: dict[str, int | None] = {}
    problems = []
    for number, item_id, text in rows:
        value = str(text).strip()
        if not value:
            scores[item_id] = None
            continue
        refused = check_fidelity_score(
            {"instrument": instrument, "item_id": item_id, "score": value}, item_max=item_max
        )
        if "score" in refused:
            problems.append(
                f"{unit} {number}: {score_message(refused['score'], item_id, max_scores)}"
            )
        else:
            scores[item_id] = int(value)
    return ScoreSheet(scores={} if problems else scores, problems=problems)


def _split(line: str) -> list[str]:
    separator = "\t" if "\t" in line else ","
    cells = [cell.strip() for cell in next(csv.reader([line], delimiter=separator))] if line else []
    while len(cells) > 1 and not cells[-1] and len(cells) > 2:
        cells.pop()
    return cells


def _match(cell: str, by_id: dict[str, str], by_title: dict[str, list[str]]) -> str | None:
    """The item a cell names: its id ('1.1'), its id and title ('1.1 Team Composition', 'Item 1.1:
    ...'), or a title only one item has."""
    text = re.sub(r"^item\s+", "", cell.strip(), flags=re.IGNORECASE)
    if text.casefold() in by_id:
        return by_id[text.casefold()]
    first = re.split(r"[\s:]+", text, maxsplit=1)[0].rstrip(".-–").casefold()
    if first in by_id:
        return by_id[first]
    titled = by_title.get(text.casefold(), [])
    return titled[0] if len(titled) == 1 else None


def _is_header(cell: str, names: Sequence[str]) -> bool:
    return _header(cell) in names


def _header(cell: object) -> str:
    return re.sub(r"\s+", " ", str(cell or "").strip().casefold().replace("_", " "))


def _cell(row: Sequence[str], column: int) -> str:
    return row[column].strip() if column < len(row) and row[column] is not None else ""


def _line_of(problem: str) -> int:
    found = re.match(r"\w+ (\d+):", problem)
    return int(found.group(1)) if found else 0


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    lines = text.splitlines()[: MAX_LINES + HEADER_ROWS]
    sample = "\n".join(lines[:HEADER_ROWS])
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [list(row) for row in csv.reader(lines, delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(max_row=MAX_LINES + HEADER_ROWS, max_col=50, values_only=True):
            rows.append([_excel_text(value) for value in row])
        return rows
    finally:
        workbook.close()


def _excel_text(value: object) -> str:
    """A cell as its text: a whole number without '.0' (Excel stores 2 as 2.0). An item number typed
    as a number in Excel loses its trailing zero (1.10 is 1.1): keep the item column as text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
