"""The demo district's calendar: its "today", its school years and the school days inside them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np

# The demo's "today": late in school year 2025-26, after spring screening and the April TFI, with
# two weeks of school left. Nothing in the demo happens after it except scheduled supervision.
DEMO_AS_OF: date = date(2026, 5, 29)

SCHOOL_YEARS: dict[str, list[str]] = {
    "small": ["2023-24", "2024-25", "2025-26"],
    "large": ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"],
    "xlarge": ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"],
}

FIRST_DAY = (8, 15)  # students' first day: 15 August
LAST_DAY = (6, 10)  # students' last day: 10 June


def start_year(school_year: str) -> int:
    """2025 for "2025-26" (a school year runs 1 July to 30 June)."""
    return int(school_year[:4])


def year_code(school_year: str) -> str:
    """ "2526" for "2025-26": short enough to sit inside incident and support ids."""
    return school_year[2:4] + school_year[5:7]


def first_day(school_year: str) -> date:
    return date(start_year(school_year), *FIRST_DAY)


def last_day(school_year: str) -> date:
    return date(start_year(school_year) + 1, *LAST_DAY)


def weekday_on_or_after(day: date) -> date:
    """Saturday and Sunday move to the Monday after: schools do not meet or score at weekends."""
    return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def weekday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday() - 4) if day.weekday() >= 5 else day


def at_utc(day: date, hour: int = 15, minute: int = 0) -> datetime:
    """A timestamp derived from a date in the data (never the clock), so reloads are identical."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _breaks(school_year: str) -> list[np.datetime64]:
    """Thanksgiving (Thu-Fri), winter break and a spring-break week: no incidents, no sessions."""
    y = start_year(school_year)
    november_first = date(y, 11, 1)
    thanksgiving = november_first + timedelta(days=(3 - november_first.weekday()) % 7 + 21)
    days = [thanksgiving, thanksgiving + timedelta(days=1)]
    days += [date(y, 12, 22) + timedelta(days=i) for i in range(12)]  # 22 Dec - 2 Jan
    spring_monday = date(y + 1, 3, 23) - timedelta(days=date(y + 1, 3, 23).weekday())
    days += [spring_monday + timedelta(days=i) for i in range(5)]
    return [np.datetime64(d, "D") for d in days]


def school_days(school_year: str, *, until: date = DEMO_AS_OF) -> np.ndarray:
    """Every instructional day of the school year up to `until` (datetime64[D], ascending)."""
    end = min(last_day(school_year), until)
    days = np.arange(
        np.datetime64(first_day(school_year), "D"),
        np.datetime64(end, "D") + 1,
        dtype="datetime64[D]",
    )
    return days[np.is_busday(days, holidays=_breaks(school_year))]


def first_weekdays(school_year: str, months: list[int], *, until: date = DEMO_AS_OF) -> list[date]:
    """The first weekday of each month (September = 9 ... May = 5) of the school year, up to `until`."""
    y = start_year(school_year)
    found = []
    for month in months:
        day = weekday_on_or_after(date(y if month >= 7 else y + 1, month, 1))
        if day <= until:
            found.append(day)
    return found


def to_dates(days: np.ndarray) -> np.ndarray:
    """datetime64[D] → an object array of datetime.date, the type the store's Date columns take."""
    return days.astype("datetime64[D]").astype(object)
