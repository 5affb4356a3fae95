"""Small districts for the system-health tests, built from a few numbers per building so that every
figure can be worked out by hand from the numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from data_access.models import Building, Discipline, SchoolCalendar, Screening, Support
from tests.utils.factories import add_building, add_students


@dataclass(frozen=True)
class Block:
    """One building's students in one school year, laid out by index:

    - screening: window → (screened, at benchmark): students 0..screened-1 screened (one measure),
      the first `at` of them at benchmark, the rest below;
    - supports: `with_support` students get one (the below-benchmark students of the latest window
      from index `at + no_support` on first, then from student 0), the first `tier3` of them tier 3,
      the rest tier 2; the first `ended` supports ended in the year with an outcome, the first
      `goal_met` of those goal met;
    - incidents: students 0..six_plus-1 have 6 incidents, the next two_five have 2, one more has 1.
    """

    students: int
    windows: dict[str, tuple[int, int]] = field(default_factory=dict)
    with_support: int = 0
    no_support: int = 0
    tier3: int = 0
    ended: int = 0
    goal_met: int = 0
    six_plus: int = 0
    two_five: int = 0


def build(session: Session, year: str, blocks: dict[str, Block], *, days: int | None = 40) -> None:
    """The buildings (added when new) and their blocks; an `ALL` calendar of `days` (two months)."""
    start = int(year[:4])
    for building_id, block in blocks.items():
        if session.get(Building, building_id) is None:
            add_building(session, building_id)
        ids = add_students(session, building_id, year, block.students, start=start * 1000)
        latest = [w for w in ("fall", "winter", "spring") if w in block.windows]
        for window, (screened, at) in block.windows.items():
            for i in range(screened):
                session.add(
                    Screening(
                        student_id=ids[i],
                        school_year=year,
                        window=window,
                        measure="reading",
                        at_benchmark=i < at,
                    )  # fmt: skip
                )
        first_below = block.windows[latest[-1]][1] if latest else 0
        last_below = block.windows[latest[-1]][0] if latest else 0
        supported = list(range(first_below + block.no_support, last_below))
        supported += [i for i in range(block.students) if i not in supported]
        for n, i in enumerate(supported[: block.with_support]):
            ended = n < block.ended
            session.add(
                Support(
                    support_id=f"{building_id}-{year}-{n}",
                    student_id=ids[i],
                    school_year=year,
                    domain="reading",
                    tier=3 if n < block.tier3 else 2,
                    intervention="Small group" if n % 2 else "Check in, check out",
                    start_date=date(start, 9, 1),
                    end_date=date(start + 1, 1, 15) if ended else None,
                    outcome=("goal_met" if n < block.goal_met else "not_responding")
                    if ended
                    else None,
                    sessions_planned=20,
                    sessions_delivered=15,
                )
            )
        counts = [6] * block.six_plus + [2] * block.two_five + [1]
        for i, count in enumerate(counts[: block.students]):
            for k in range(count):
                session.add(
                    Discipline(
                        incident_id=f"{building_id}-{year}-{i}-{k}",
                        student_id=ids[i],
                        school_year=year,
                        incident_date=date(start, 10, 1 + k),
                        action="ODR",
                    )  # fmt: skip
                )
    if days is not None:
        for month, share in ((f"{start}-09", days // 2), (f"{start}-10", days - days // 2)):
            session.add(SchoolCalendar(school_year=year, building_id="ALL", month=month,
                                       school_days=share))  # fmt: skip
    session.flush()
