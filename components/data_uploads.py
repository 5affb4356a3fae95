"""The Data page's upload box, as a district data manager uses it: a corrected file uploaded again
sits beside the first in Streamlit's upload box, so the page keeps, for each table, only the file
added last; the check and its problems are that file's alone."""

from __future__ import annotations

from pathlib import PurePath
from typing import Protocol, TypeVar


class Upload(Protocol):
    name: str


U = TypeVar("U", bound=Upload)


def newest_per_table(uploads: list[U]) -> tuple[list[U], list[str]]:
    """(the files to check: for each table, which the name says, the one added last, in the order
    they were added; a note for each table uploaded more than once). `students.csv` and
    `Students.xlsx` are the same table; the upload box lists files in the order they were added."""
    newest: dict[str, int] = {}
    for position, upload in enumerate(uploads):
        newest[PurePath(upload.name).stem.lower()] = position
    kept = [upload for position, upload in enumerate(uploads) if position in newest.values()]
    notes = []
    for stem, position in newest.items():
        earlier = [u.name for u in uploads[:position] if PurePath(u.name).stem.lower() == stem]
        if earlier:
            again = uploads[position].name
            notes.append(
                f"{again} uploaded again: the file added last replaces the earlier one"
                + (f" ({', '.join(earlier)})" if any(name != again for name in earlier) else "")
                + ", and only its rows are checked. Remove the earlier one with its ✕ above."
            )
    return kept, notes
