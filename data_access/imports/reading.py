"""Reading import files: CSV (UTF-8, BOM tolerated) or XLSX (first sheet) into text cells with the
1-based line each row came from (the header is line 1), and finding the files a path names."""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

DATA_EXTENSIONS = (".csv", ".xlsx")


@dataclass(frozen=True)
class Problem:
    """Something wrong (or, as a warning, worth knowing) at a place in a file."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class FileUnreadable(Exception):
    """The file cannot be read as a table at all; `problems` say where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportFile:
    """A file to import: its name as the person knows it, and where its bytes are."""

    name: str  # shown in every message, e.g. "exports/students.csv"
    source: Path | bytes

    @property
    def base_name(self) -> str:
        return Path(self.name).name

    @property
    def stem(self) -> str:
        return Path(self.name).stem

    @property
    def extension(self) -> str:
        return Path(self.name).suffix.lower()


@dataclass
class RawTable:
    """A file's rows as text, columns named by their normalised header."""

    file: str
    frame: pd.DataFrame  # one column per header, every cell a string ("" when empty)
    lines: np.ndarray  # the 1-based line in the file of each row
    headers: dict[str, str] = field(default_factory=dict)  # normalised → as written
    # Set by the OneRoster reader: columns a row may leave empty to keep the stored value, and
    # required columns the source does not carry at all (left as stored, or the default).
    keep_when_empty: frozenset[str] = frozenset()
    may_omit: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self.frame)


def normalise_header(text: object) -> str:
    """Headers match case-insensitively with surrounding spaces trimmed; inner spaces and hyphens
    count as underscores, so 'Student ID' is student_id."""
    return re.sub(r"[\s\-]+", "_", str(text or "").strip()).lower()


def read_table(file: ImportFile) -> RawTable:
    """Read a CSV or XLSX file. Raises FileUnreadable with every reason it cannot be read."""
    if file.extension == ".xlsx":
        rows_frame, lines = _read_xlsx(file)
    elif file.extension == ".csv":
        rows_frame, lines = _read_csv(file)
    else:
        raise FileUnreadable(
            [Problem(file.name, 1, "-", "only .csv and .xlsx files can be imported")]
        )
    return _with_header(file, rows_frame, lines)


def _with_header(file: ImportFile, cells: pd.DataFrame, lines: np.ndarray) -> RawTable:
    """The first row is the header; drop rows with nothing in them; refuse repeated headers."""
    if cells.empty:
        raise FileUnreadable(
            [Problem(file.name, 1, "-", "the file is empty: it needs a header row")]
        )
    header_row = [str(value) for value in cells.iloc[0].tolist()]
    body = cells.iloc[1:]
    body_lines = lines[1:]
    problems = []
    names: dict[str, int] = {}
    keep: list[int] = []
    headers: dict[str, str] = {}
    for position, text in enumerate(header_row):
        name = normalise_header(text)
        if not name:
            if (body.iloc[:, position].str.strip() != "").any():
                problems.append(
                    Problem(
                        file.name,
                        1,
                        f"column {position + 1}",
                        "this column has values but no header; give it a name or delete it",
                    )
                )
            continue
        if name in names:
            problems.append(
                Problem(
                    file.name,
                    1,
                    text.strip(),
                    f"the column {text.strip()!r} appears twice (columns {names[name] + 1} and "
                    f"{position + 1}); keep one",
                )
            )
            continue
        names[name] = position
        headers[name] = text.strip()
        keep.append(position)
    if problems:
        raise FileUnreadable(problems)
    frame = body.iloc[:, keep].copy()
    frame.columns = [normalise_header(header_row[position]) for position in keep]
    filled = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        filled |= (frame[column].str.strip() != "").to_numpy()
    frame = frame.loc[filled].reset_index(drop=True)
    return RawTable(file=file.name, frame=frame, lines=body_lines[filled], headers=headers)


# --- CSV ------------------------------------------------------------------------------------------


def _csv_handle(file: ImportFile):
    if isinstance(file.source, bytes):
        return io.BytesIO(file.source)
    return open(file.source, "rb")  # noqa: SIM115 - pandas reads and closes it below


def _read_csv(file: ImportFile) -> tuple[pd.DataFrame, np.ndarray]:
    handle = _csv_handle(file)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cells = pd.read_csv(
                handle,
                header=None,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                encoding="utf-8-sig",
                on_bad_lines="warn",
                engine="c",
            )
    except UnicodeDecodeError as error:
        raise FileUnreadable([_encoding_problem(file, error)]) from error
    except pd.errors.EmptyDataError as error:
        raise FileUnreadable(
            [Problem(file.name, 1, "-", "the file is empty: it needs a header row")]
        ) from error
    except pd.errors.ParserError as error:
        raise FileUnreadable(
            [Problem(file.name, _line_in(str(error)), "-", _plain(str(error)))]
        ) from error
    finally:
        handle.close()
    bad = [w for w in caught if issubclass(w.category, pd.errors.ParserWarning)]
    if bad:
        problems = []
        for warning in bad:
            for text in str(warning.message).strip().splitlines():
                problems.append(Problem(file.name, _line_in(text), "-", _plain(text)))
        raise FileUnreadable(problems)
    cells = cells.fillna("")
    for column in cells.columns:
        cells[column] = cells[column].astype(str)
    if cells.shape[1] == 1 and len(cells):
        _refuse_other_delimiters(file, str(cells.iloc[0, 0]))
    return cells, _physical_lines(cells)


_OTHER_DELIMITERS = {";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}


def _refuse_other_delimiters(file: ImportFile, header: str) -> None:
    """A one-column header holding another separator: the file was saved with the wrong one."""
    for delimiter, name in _OTHER_DELIMITERS.items():
        if delimiter in header:
            raise FileUnreadable(
                [
                    Problem(
                        file.name,
                        1,
                        "-",
                        f"the values are separated by {name}, not commas; save the file as 'CSV "
                        "UTF-8 (comma delimited)'",
                    )
                ]
            )


def _physical_lines(cells: pd.DataFrame) -> np.ndarray:
    """Row i starts on line i + 1 unless an earlier quoted value spans several lines."""
    extra = np.zeros(len(cells), dtype=np.int64)
    for column in cells.columns:
        values = cells[column]
        if values.str.contains("\n", regex=False).any():
            extra += values.str.count("\n").to_numpy(dtype=np.int64)
    starts = np.arange(1, len(cells) + 1, dtype=np.int64)
    if extra.any():
        starts[1:] += np.cumsum(extra)[:-1]
    return starts


_LINE = re.compile(r"line (\d+)", re.IGNORECASE)
_FIELDS = re.compile(r"[Ee]xpected (\d+) fields(?: in line \d+)?, saw (\d+)")


def _line_in(text: str) -> int:
    match = _LINE.search(text)
    return int(match.group(1)) if match else 1


def _plain(text: str) -> str:
    """pandas' parser message in a data manager's words."""
    match = _FIELDS.search(text)
    if match:
        expected, saw = match.groups()
        return (
            f"this line has {saw} values but the header has {expected} columns; a value holding "
            "a comma must be in double quotes"
        )
    return f"the line cannot be read as CSV ({text.strip().rstrip('.')})"


def _encoding_problem(file: ImportFile, error: UnicodeDecodeError) -> Problem:
    raw = file.source if isinstance(file.source, bytes) else Path(file.source).read_bytes()
    position = raw.find(error.object[error.start : error.end]) if error.object else -1
    line = raw[: max(position, 0)].count(b"\n") + 1
    return Problem(
        file.name,
        line,
        "-",
        "the file is not UTF-8 text (it has a character UTF-8 does not allow); in Excel, save it "
        "as 'CSV UTF-8 (comma delimited)'",
    )


# --- XLSX -----------------------------------------------------------------------------------------


# An import table has at most a few dozen columns (a OneRoster users file has about 20); unknown
# ones are ignored. A sheet wider than this is a mistake (often one stray cell far to the right, which
# makes the sheet's used range thousands of columns wide), and reading it padded would take gigabytes.
MAX_XLSX_COLUMNS = 200
MAX_XLSX_ROWS = 1_048_576  # Excel's own limit: a sheet declaring more is not a real Excel sheet


def _read_xlsx(file: ImportFile) -> tuple[pd.DataFrame, np.ndarray]:
    """The first sheet, streamed: only the cells present are read (never the sheet's declared used
    range, padded), so memory grows with the rows the file holds. Refused before reading when the
    declared used range is absurd, and at the first cell beyond the widest table."""
    from openpyxl import load_workbook

    source = io.BytesIO(file.source) if isinstance(file.source, bytes) else file.source
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any reason means the same to the person
        raise FileUnreadable(
            [
                Problem(
                    file.name, 1, "-", f"the file cannot be opened as an Excel workbook ({error})"
                )
            ]
        ) from error
    try:
        sheet = workbook.worksheets[0]
        _check_used_range(file, sheet)
        rows, lines, formulas, merged = _stream_cells(file, workbook, sheet)
    finally:
        workbook.close()
    problems = [_merged_problem(file, merged)] if merged else []
    problems += [_formula_problem(file, rows, lines, line, column) for line, column in formulas]
    if problems:
        raise FileUnreadable(problems)
    if not lines or lines[0] != 1:  # an empty first row is still the header row
        rows.insert(0, [])
        lines.insert(0, 1)
    width = max((len(row) for row in rows), default=0)
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=str)
    if frame.shape[1] == 0:
        frame = pd.DataFrame(index=range(len(rows)))
    return frame, np.asarray(lines, dtype=np.int64)


def _check_used_range(file: ImportFile, sheet) -> None:
    """Refuse a sheet whose declared used range (its `dimension`) is absurd, before reading a row."""
    from openpyxl.utils import get_column_letter

    width, height = sheet.max_column or 0, sheet.max_row or 0
    if width > MAX_XLSX_COLUMNS:
        raise FileUnreadable(
            [
                Problem(
                    file.name,
                    1,
                    "-",
                    f"the sheet's used range reaches column {get_column_letter(width)} ({width:,} "
                    f"columns); an import file has at most {MAX_XLSX_COLUMNS} columns. Delete the "
                    "columns after the table's last one (a stray cell far to the right is enough), "
                    "or save the sheet as CSV",
                )
            ]
        )
    if height > MAX_XLSX_ROWS:
        raise FileUnreadable(
            [
                Problem(
                    file.name,
                    1,
                    "-",
                    f"the sheet's used range reaches row {height:,}, beyond Excel's "
                    f"{MAX_XLSX_ROWS:,}; save it again from Excel, or as CSV",
                )
            ]
        )


def _stream_cells(file: ImportFile, workbook, sheet):
    """The non-empty rows of the sheet as text (each as long as its last value), their line
    numbers, the (line, column) of formula cells with no stored value, and the merged ranges."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    formulas: list[tuple[int, int]] = []
    formula_lines: set[int] = set()

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                formulas.append((cell["row"], cell["column"]))
                formula_lines.add(cell["row"])
            return cell

    rows: list[list[str]] = []
    lines: list[int] = []
    with sheet._get_source() as source:
        parser = Parser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for line, cells in parser.parse():
            if line > MAX_XLSX_ROWS:
                raise FileUnreadable(
                    [Problem(file.name, line, "-", f"the sheet goes beyond row {MAX_XLSX_ROWS:,}")]
                )
            values: dict[int, str] = {}
            for cell in cells:
                text = _cell_text(cell["value"])
                if text == "":
                    continue
                if cell["column"] > MAX_XLSX_COLUMNS:
                    letter = get_column_letter(cell["column"])
                    raise FileUnreadable(
                        [
                            Problem(
                                file.name,
                                line,
                                f"column {letter}",
                                f"a value in column {letter}, beyond the {MAX_XLSX_COLUMNS} "
                                "columns an import file may have; delete it (or save the sheet "
                                "as CSV)",
                            )
                        ]
                    )
                values[cell["column"]] = text
            if values or line in formula_lines:
                row = [""] * max(values, default=0)
                for column, text in values.items():
                    row[column - 1] = text
                rows.append(row)
                lines.append(line)
        merged = (
            [str(cells) for cells in parser.merged_cells.mergeCell] if parser.merged_cells else []
        )
    return rows, lines, formulas, merged


def _merged_problem(file: ImportFile, merged: list[str]) -> Problem:
    shown = ", ".join(merged[:5]) + (f" and {len(merged) - 5:,} more" if len(merged) > 5 else "")
    return Problem(
        file.name,
        1,
        "-",
        f"the sheet has merged cells ({shown}); unmerge them so that every value sits in its own "
        "cell of its own column",
    )


def _formula_problem(
    file: ImportFile, rows: list[list[str]], lines: list[int], line: int, column: int
) -> Problem:
    from openpyxl.utils import get_column_letter

    header = rows[0] if lines and lines[0] == 1 else []
    name = header[column - 1] if column <= len(header) and header[column - 1] else None
    where = name or f"column {get_column_letter(column)}"
    return Problem(
        file.name,
        line,
        where,
        f"cell {get_column_letter(column)}{line} holds a formula with no calculated value saved "
        "in the file (it was written by a program, not saved by Excel); open and save it in "
        "Excel, or paste the values instead of the formula",
    )


def _cell_text(value: object) -> str:
    """A cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# --- Finding files --------------------------------------------------------------------------------


def collect_files(paths: list[str]) -> tuple[list[ImportFile], list[Problem], list[Problem]]:
    """The files the paths name: a file itself, or every .csv and .xlsx file in a folder.

    Returns (files, problems, warnings)."""
    files: list[ImportFile] = []
    problems: list[Problem] = []
    notes: list[Problem] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            for entry in sorted(path.iterdir(), key=lambda p: p.name.lower()):
                if entry.name.startswith(("~$", ".")):
                    continue  # Excel's lock files, hidden files
                if entry.is_dir():
                    notes.append(
                        Problem(str(entry), 1, "-", "warning: folders inside a folder are not read")
                    )
                elif entry.suffix.lower() in DATA_EXTENSIONS:
                    files.append(ImportFile(str(entry), entry))
        elif path.is_file():
            files.append(ImportFile(text, path))
        else:
            problems.append(Problem(text, 1, "-", "there is no such file or folder"))
    return files, problems, notes


def write_csv_text(rows: list[list[str]]) -> str:
    """Rows as CSV text (tests and templates build small files with it)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
