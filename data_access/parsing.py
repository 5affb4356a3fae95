"""Reading values written as text (dates, yes/no, times): the rules every file the store reads, every
form and every command-line option share."""

from __future__ import annotations

from datetime import date, datetime


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
