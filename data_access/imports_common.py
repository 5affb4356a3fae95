"""Parsing rules shared by every file the store reads and every option the command line takes."""

from __future__ import annotations

import re
from datetime import date, datetime

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


def parse_date(text: str) -> date | None:
    """`YYYY-MM-DD` or US `M/D/YYYY`; None when it is neither."""
    value = str(text).strip()
    for form in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(value, form).date()
        except ValueError:
            continue
    return None


def parse_bool(text: object) -> bool | None:
    """Y/N, yes/no, true/false, 1/0 in any case; None when it is none of them."""
    value = str(text).strip().lower()
    if value in ("y", "yes", "true", "1"):
        return True
    if value in ("n", "no", "false", "0"):
        return False
    return None


def parse_datetime(text: str) -> datetime | None:
    """A date (`YYYY-MM-DD` or `M/D/YYYY`, taken as midnight UTC) or an ISO date and time
    (`2025-09-02T14:30:00Z`; without a zone it is UTC); None when it is neither."""
    from datetime import UTC

    value = str(text).strip()
    day = parse_date(value)
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
