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
    return cells, _physical_lines(cells)


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


def _read_xlsx(file: ImportFile) -> tuple[pd.DataFrame, np.ndarray]:
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
        rows = []
        width = 0
        for row in sheet.iter_rows(values_only=True):
            cells = [_cell_text(value) for value in row]
            while cells and cells[-1] == "":
                cells.pop()
            width = max(width, len(cells))
            rows.append(cells)
    finally:
        workbook.close()
    while rows and not rows[-1]:
        rows.pop()
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=str)
    if frame.shape[1] == 0:
        frame = pd.DataFrame(index=range(len(rows)))
    return frame, np.arange(1, len(rows) + 1, dtype=np.int64)


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
