"""School years, the way every area counts them: a school year runs 1 July to 30 June and is written
"2025-26"."""

from __future__ import annotations

import re
from datetime import date

_SCHOOL_YEAR = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$")


def normalise_school_year(text: str) -> str | None:
    """'2024-25' or '2024-2025' → '2024-25'; anything else (or a second year that does not follow
    the first) → None."""
    match = _SCHOOL_YEAR.match(str(text))
    if not match:
        return None
    start, end = int(match.group(1)), match.group(2)
    end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if len(end) == 2 and end_year < start:  # 1999-00
        end_year += 100
    if end_year != start + 1:
        return None
    return f"{start}-{end_year % 100:02d}"


def school_year_of(day: date) -> str:
    """The school year a date falls in: a school year runs 1 July to 30 June."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def school_year_start(school_year: str) -> date:
    return date(int(school_year[:4]), 7, 1)


def school_year_end(school_year: str) -> date:
    return date(int(school_year[:4]) + 1, 6, 30)


def previous_school_year(school_year: str) -> str:
    """'2024-25' for '2025-26'."""
    start = int(school_year[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


SCHOOL_YEAR_MONTHS = (7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6)


def school_year_months(school_year: str) -> list[date]:
    """The first day of each month of a school year, July to June."""
    start = int(school_year[:4])
    return [date(start if month >= 7 else start + 1, month, 1) for month in SCHOOL_YEAR_MONTHS]
