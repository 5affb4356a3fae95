"""Small factories: each test builds exactly the district it needs, by hand."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from data_access.models import Building, Staff, StaffAssignment, Student


def add_building(
    session: Session, building_id: str, *, level: str = "elementary", name: str | None = None
) -> Building:
    building = Building(
        building_id=building_id, name=name or f"Building {building_id}", level=level
    )
    session.add(building)
    session.flush()
    return building


def add_students(
    session: Session, building_id: str, school_year: str, count: int, *, start: int = 0, **groups
) -> list[str]:
    """`count` students in a building and year; keyword arguments set group columns for all of them."""
    ids = []
    for number in range(start, start + count):
        student_id = f"S{building_id}-{number:05d}"
        values = {
            "grade": "3",
            "race_ethnicity": "WH",
            "sex": "F",
            "iep": False,
            "el": False,
            "econ_disadv": False,
        } | groups
        session.add(
            Student(
                student_id=student_id, school_year=school_year, building_id=building_id, **values
            )
        )
        ids.append(student_id)
    session.flush()
    return ids


def add_staff(
    session: Session, staff_id: str, role: str, assignments: dict[tuple[str, str], float]
) -> Staff:
    """A staff member with FTE per (building_id, school_year)."""
    staff = Staff(staff_id=staff_id, name=f"Staff {staff_id}", role=role)
    session.add(staff)
    session.flush()
    for (building_id, school_year), fte in assignments.items():
        session.add(
            StaffAssignment(
                staff_id=staff_id, building_id=building_id, school_year=school_year, fte=fte
            )
        )
    session.flush()
    return staff


def school_day(year: int, month: int, day: int) -> date:
    return date(year, month, day)
