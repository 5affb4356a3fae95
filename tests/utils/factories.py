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


def add_user(session: Session, email: str, role: str = "coach", name: str | None = None) -> None:
    from data_access.models import User

    session.add(User(email=email, role=role, name=name))
    session.flush()


def add_instrument(
    session: Session,
    instrument: str,
    scales: dict[str, list[str]],
    *,
    max_score: int = 2,
    criterion_pct: float = 70.0,
    subscales: dict[str, str] | None = None,
) -> None:
    """A custom instrument: scale → item ids, every item scored 0..max_score (fidelity tests);
    `subscales` gives item id → subscale for the items that have one."""
    from data_access.models import InstrumentItem

    position = 0
    for scale, item_ids in scales.items():
        for item_id in item_ids:
            session.add(
                InstrumentItem(
                    instrument=instrument,
                    item_id=item_id,
                    scale=scale,
                    item_title=f"Item {item_id}",
                    max_score=max_score,
                    criterion_pct=criterion_pct,
                    subscale=(subscales or {}).get(item_id),
                    position=position,
                )
            )
            position += 1
    session.flush()


def add_administration(
    session: Session, building_id: str, instrument: str, day: date, scores: dict[str, int]
) -> None:
    """One administration of an instrument: item_id → score (items left out are not scored)."""
    from data_access.models import FidelityScore

    for item_id, score in scores.items():
        session.add(
            FidelityScore(
                building_id=building_id,
                instrument=instrument,
                administered_on=day,
                item_id=item_id,
                score=score,
            )
        )
    session.flush()


def add_supervision(
    session: Session,
    session_id: str,
    staff_id: str,
    day: date,
    status: str,
    *,
    session_format: str = "individual",
    minutes: int | None = None,
    supervisor_id: str | None = None,
) -> None:
    """One supervisee's supervision session; a held one gets 60 minutes unless told otherwise."""
    from data_access.models import SupervisionSession

    session.add(
        SupervisionSession(
            session_id=session_id,
            staff_id=staff_id,
            session_date=day,
            format=session_format,
            status=status,
            supervisor_id=supervisor_id,
            minutes=minutes if minutes is not None or status != "held" else 60,
        )
    )
    session.flush()


def add_caseload(
    session: Session, staff_id: str, building_id: str, day: date, active_cases: int
) -> None:
    """A staff member's active cases in one building, counted on a date."""
    from data_access.models import Caseload

    session.add(
        Caseload(staff_id=staff_id, building_id=building_id, as_of=day, active_cases=active_cases)
    )
    session.flush()


def add_incidents(
    session: Session, student_ids: list[str], school_year: str, action: str, *, per_student: int = 1
) -> None:
    """`per_student` discipline incidents of one action (ODR, ISS, OSS, EXP) for each student."""
    from data_access.models import Discipline

    day = date(int(school_year[:4]), 10, 1)
    for student_id in student_ids:
        for number in range(per_student):
            session.add(
                Discipline(
                    incident_id=f"{student_id}-{school_year}-{action}-{number}",
                    student_id=student_id,
                    school_year=school_year,
                    incident_date=day,
                    action=action,
                )
            )
    session.flush()


def add_attendance(
    session: Session,
    student_ids: list[str],
    school_year: str,
    *,
    days_enrolled: int,
    days_absent: int,
) -> None:
    """The same attendance record for each student."""
    from data_access.models import Attendance

    for student_id in student_ids:
        session.add(
            Attendance(
                student_id=student_id,
                school_year=school_year,
                days_enrolled=days_enrolled,
                days_absent=days_absent,
            )
        )
    session.flush()


def add_supports(
    session: Session,
    student_ids: list[str],
    school_year: str,
    *,
    tier: int,
    domain: str = "reading",
) -> None:
    """One Tier 2 or Tier 3 support for each student."""
    from data_access.models import Support

    start = date(int(school_year[:4]), 9, 15)
    for student_id in student_ids:
        session.add(
            Support(
                support_id=f"{student_id}-{school_year}-{domain}-{tier}",
                student_id=student_id,
                school_year=school_year,
                domain=domain,
                tier=tier,
                intervention="Small-group intervention",
                start_date=start,
            )
        )
    session.flush()


def write_import_file(folder, name: str, rows: list[list[object]]):
    """An import file (CSV or, by its extension, XLSX) in `folder`: the header row, then rows."""
    import csv
    from pathlib import Path

    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        for row in rows:
            workbook.active.append(list(row))
        workbook.save(path)
    else:
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def add_team_member(
    session: Session,
    member_id: int,
    category: str,
    *,
    name: str | None = None,
    joined_on: date | None = None,
    left_on: date | None = None,
    from_marginalized_group: bool | None = None,
) -> None:
    """A leadership team member (categories as in models.TEAM_CATEGORIES)."""
    from data_access.models import TeamMember

    session.add(
        TeamMember(
            member_id=member_id,
            name=name or f"Member {member_id}",
            category=category,
            joined_on=joined_on,
            left_on=left_on,
            from_marginalized_group=from_marginalized_group,
        )
    )
    session.flush()


def add_meeting(session: Session, meeting_id: int, day: date, attendance: dict[int, bool]) -> None:
    """A district leadership meeting with member_id → attended."""
    from data_access.models import Meeting, MeetingAttendance

    session.add(Meeting(meeting_id=meeting_id, held_on=day))
    session.flush()
    for member_id, attended in attendance.items():
        session.add(
            MeetingAttendance(meeting_id=meeting_id, member_id=member_id, attended=attended)
        )
    session.flush()


def add_action(
    session: Session,
    action_id: int,
    *,
    owner_email: str,
    due_date: date,
    created_on: date,
    status: str = "open",
    building_id: str | None = None,
    meeting_id: int | None = None,
    status_changes: list[tuple[date, str, str]] = (),
) -> None:
    """A follow-up action created on a day, with its status history: (day, from, to) per change."""
    from datetime import UTC, datetime

    from data_access.models import Action, ActionUpdate

    created = datetime(created_on.year, created_on.month, created_on.day, 15, tzinfo=UTC)
    session.add(
        Action(
            action_id=action_id,
            building_id=building_id,
            title=f"Action {action_id}",
            owner_email=owner_email,
            due_date=due_date,
            status=status,
            meeting_id=meeting_id,
            created_at=created,
            updated_at=created,
        )
    )
    session.flush()
    for number, (day, old, new) in enumerate(status_changes, start=2):
        session.add(
            ActionUpdate(
                action_id=action_id,
                changed_at=datetime(day.year, day.month, day.day, 16, tzinfo=UTC),
                changed_by=owner_email,
                field="status",
                old_value=old,
                new_value=new,
                version=number,
            )
        )
    session.flush()
