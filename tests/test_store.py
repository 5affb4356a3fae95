"""The store: migrations, idempotent init, the write bookkeeping, and integrity rules, on both backends."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from data_access.db import (
    AREAS,
    count_rows,
    get_data_version,
    get_engine,
    record_write,
    session_scope,
)
from data_access.models import AuditLog, Building, InstrumentItem, Student
from data_access.store import current_revision, head_revision, init_store, upgrade_store
from tests.utils.factories import add_building, add_students


def test_init_twice_changes_nothing(store_url):
    with session_scope(store_url) as session:
        version_before = get_data_version(session)
    tables_before = set(inspect(get_engine(store_url)).get_table_names())

    assert init_store(store_url) == []

    with session_scope(store_url) as session:
        assert get_data_version(session) == version_before
    assert set(inspect(get_engine(store_url)).get_table_names()) == tables_before
    assert current_revision(store_url) == head_revision()


def test_init_adds_the_built_in_instruments(store_url):
    with session_scope(store_url) as session:
        items = session.execute(
            select(InstrumentItem.instrument, InstrumentItem.scale, InstrumentItem.item_id)
        ).all()
    tfi = [row for row in items if row.instrument == "TFI-2.1"]
    assert len(tfi) == 45
    assert {
        scale: sum(1 for row in tfi if row.scale == scale)
        for scale in ("Tier 1", "Tier 2", "Tier 3")
    } == {
        "Tier 1": 15,
        "Tier 2": 13,
        "Tier 3": 17,
    }
    assert sum(1 for row in items if row.instrument == "SHARED-LEADERSHIP") == 8


def test_migrations_build_exactly_the_models(store_url):
    """A model changed without a migration would make the store differ from the code."""
    with get_engine(store_url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrading_an_existing_store_keeps_its_data(tmp_path):
    """Data written under the first schema survives every later migration."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade_store(url, revision="0001")
    with get_engine(url).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO buildings (building_id, name, level) VALUES ('B1', 'Lincoln Elementary', 'elementary')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO students (student_id, school_year, building_id, grade, race_ethnicity, sex, iep, el,"
                " econ_disadv, section_504) VALUES ('S1', '2025-26', 'B1', 'K', 'HI', 'F', 1, 0, 1, 0)"
            )
        )
    init_store(url)
    with session_scope(url) as session:
        assert session.get(Building, "B1").name == "Lincoln Elementary"
        student = session.get(Student, ("S1", "2025-26"))
        assert (student.building_id, student.grade, student.iep, student.econ_disadv) == (
            "B1",
            "K",
            True,
            True,
        )


def test_a_write_bumps_the_data_version_and_is_audited(store_url):
    with session_scope(store_url) as session:
        before = get_data_version(session)
        add_building(session, "B1")
        version = record_write(
            session,
            actor="coach@example.org",
            operation="insert",
            table_name="buildings",
            row_key="B1",
            detail={"name": "Building B1"},
        )
    assert version == before + 1
    with session_scope(store_url) as session:
        assert get_data_version(session) == before + 1
        audit = (
            session.execute(select(AuditLog).order_by(AuditLog.audit_id.desc())).scalars().first()
        )
        assert (audit.actor, audit.table_name, audit.row_key, audit.data_version) == (
            "coach@example.org",
            "buildings",
            "B1",
            before + 1,
        )
        assert '"name": "Building B1"' in audit.detail


def test_a_failed_write_leaves_nothing_behind(store_url):
    with session_scope(store_url) as session:
        version_before = get_data_version(session)
        audits_before = count_rows(session, AuditLog)
    with pytest.raises(IntegrityError), session_scope(store_url) as session:
        add_building(session, "B1")
        record_write(
            session, actor="someone", operation="insert", table_name="buildings", row_key="B1"
        )
        add_students(session, "B-UNKNOWN", "2025-26", 1)  # unknown building: refused
    with session_scope(store_url) as session:
        assert get_data_version(session) == version_before
        assert count_rows(session, AuditLog) == audits_before
        assert session.get(Building, "B1") is None


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Building, {"building_id": "B9", "name": "X", "level": "university"}),
        (
            Student,
            {
                "student_id": "S1",
                "school_year": "2025-26",
                "building_id": "B1",
                "grade": "13",
                "race_ethnicity": "WH",
                "sex": "F",
                "iep": False,
                "el": False,
                "econ_disadv": False,
            },
        ),
        (
            Student,
            {
                "student_id": "S1",
                "school_year": "2025-26",
                "building_id": "B1",
                "grade": "3",
                "race_ethnicity": "Latino",
                "sex": "F",
                "iep": False,
                "el": False,
                "econ_disadv": False,
            },
        ),
    ],
    ids=["unknown level", "grade 13", "race code not federal"],
)
def test_unknown_codes_are_refused_by_the_store(sqlite_url, model, values):
    with session_scope(sqlite_url) as session:
        add_building(session, "B1")
    with pytest.raises(IntegrityError), session_scope(sqlite_url) as session:
        session.add(model(**values))
        session.flush()


def test_attendance_cannot_exceed_days_enrolled(store_url):
    with session_scope(store_url) as session:
        add_building(session, "B1")
        add_students(session, "B1", "2025-26", 1)
    with pytest.raises(IntegrityError), session_scope(store_url) as session:
        session.execute(
            text(
                "INSERT INTO attendance (student_id, school_year, days_enrolled, days_absent)"
                " VALUES ('SB1-00000', '2025-26', 170, 171)"
            )
        )


def test_dates_and_times_round_trip(store_url):
    from data_access.models import Action, User

    with session_scope(store_url) as session:
        session.add(User(email="coach@example.org", role="coach"))
        session.flush()
        session.add(
            Action(
                title="Teach expectations",
                owner_email="coach@example.org",
                due_date=date(2026, 1, 15),
            )
        )
    with session_scope(store_url) as session:
        action = session.execute(select(Action)).scalars().one()
        assert action.due_date == date(2026, 1, 15)
        assert action.created_at.tzinfo is not None and action.version == 1


def test_the_days_removed_migration_keeps_every_discipline_row(tmp_path):
    """0007 adds discipline.days_removed: rows written before it are kept, with no length."""
    url = f"sqlite:///{tmp_path / 'before-0007.db'}"
    upgrade_store(url, revision="0006")
    with get_engine(url).begin() as connection:
        connection.execute(
            text("INSERT INTO buildings (building_id, name, level) VALUES ('B1', 'L', 'middle')")
        )
        connection.execute(
            text(
                "INSERT INTO students (student_id, school_year, building_id, grade, race_ethnicity,"
                " sex, iep, el, econ_disadv, section_504)"
                " VALUES ('S1', '2025-26', 'B1', '7', 'BL', 'M', 1, 0, 0, 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO discipline (incident_id, student_id, school_year, incident_date, action)"
                " VALUES ('I1', 'S1', '2025-26', '2025-10-03', 'OSS')"
            )
        )
    init_store(url)
    assert current_revision(url) == head_revision()
    with get_engine(url).connect() as connection:
        rows = connection.execute(
            text("SELECT incident_id, action, days_removed FROM discipline")
        ).all()
    assert [tuple(row) for row in rows] == [("I1", "OSS", None)]


def test_the_area_versions_migration_starts_every_area_at_the_store_version(tmp_path):
    """0011 adds one version per area, each the store's version at the upgrade (so nothing cached
    before it is reused); the data version itself and every row are kept."""
    url = f"sqlite:///{tmp_path / 'before-0011.db'}"
    upgrade_store(url, revision="0007")
    with get_engine(url).begin() as connection:
        connection.execute(text("UPDATE data_version SET version = 41 WHERE id = 1"))
    upgrade_store(url)  # the schema only (init_store also adds instruments: a write)
    with get_engine(url).connect() as connection:
        areas = dict(connection.execute(text("SELECT area, version FROM data_area_versions")).all())
        version = connection.execute(text("SELECT version FROM data_version")).scalar_one()
    assert version == 41
    assert areas == dict.fromkeys(AREAS, 41)


def test_the_unknown_values_migration_keeps_every_student_row(tmp_path):
    """0010 lets students' grade, race_ethnicity and sex be NULL (unknown): rows written before it
    are kept as they were, and a row with unknowns can then be written."""
    url = f"sqlite:///{tmp_path / 'before-0010.db'}"
    upgrade_store(url, revision="0007")
    insert = (
        "INSERT INTO students (student_id, school_year, building_id, grade, race_ethnicity,"
        " sex, iep, el, econ_disadv, section_504) VALUES "
    )
    with get_engine(url).begin() as connection:
        connection.execute(
            text("INSERT INTO buildings (building_id, name, level) VALUES ('B1', 'L', 'middle')")
        )
        connection.execute(text(insert + "('S1', '2025-26', 'B1', '7', 'BL', 'M', 1, 0, 0, 0)"))
    with pytest.raises(IntegrityError), get_engine(url).begin() as connection:
        connection.execute(text(insert + "('S2', '2025-26', 'B1', NULL, NULL, NULL, 0, 0, 0, 0)"))
    upgrade_store(url, revision="0010")
    with get_engine(url).begin() as connection:
        connection.execute(text(insert + "('S2', '2025-26', 'B1', NULL, NULL, NULL, 0, 0, 0, 0)"))
        with pytest.raises(IntegrityError), connection.begin_nested():  # codes still checked
            connection.execute(text(insert + "('S3', '2025-26', 'B1', '7', 'ZZ', 'M', 0, 0, 0, 0)"))
        rows = connection.execute(
            text("SELECT student_id, grade, race_ethnicity, sex, iep FROM students ORDER BY 1")
        ).all()
    assert [tuple(row) for row in rows] == [("S1", "7", "BL", "M", 1), ("S2", None, None, None, 0)]


def test_the_staff_wellbeing_migration_keeps_every_staff_and_supervision_row(tmp_path):
    """0009 adds staff start/end dates, supervision_themes and staff_pulse: rows written before it
    are kept, with no dates and no themes, and the pulse table has no staff_id column at all."""
    url = f"sqlite:///{tmp_path / 'before-0009.db'}"
    upgrade_store(url, revision="0007")
    with get_engine(url).begin() as connection:
        connection.execute(
            text("INSERT INTO staff (staff_id, name, role) VALUES ('T1', 'Jo', 'counselor')")
        )
        connection.execute(
            text(
                "INSERT INTO supervision (session_id, staff_id, session_date, format, status)"
                " VALUES ('SV1', 'T1', '2025-10-03', 'individual', 'held')"
            )
        )
    init_store(url)
    assert current_revision(url) == head_revision()
    with get_engine(url).connect() as connection:
        staff = connection.execute(
            text("SELECT staff_id, role, start_date, end_date FROM staff")
        ).all()
        sessions = connection.execute(text("SELECT session_id, status FROM supervision")).all()
        themes = connection.execute(text("SELECT count(*) FROM supervision_themes")).scalar()
        pulse_columns = [
            row[1] for row in connection.execute(text("PRAGMA table_info(staff_pulse)")).all()
        ]
    assert [tuple(row) for row in staff] == [("T1", "counselor", None, None)]
    assert [tuple(row) for row in sessions] == [("SV1", "held")]
    assert themes == 0
    assert "staff_id" not in pulse_columns and "response_id" in pulse_columns


def test_the_system_health_migration_keeps_every_row_and_recounts_odr(tmp_path):
    """0008 adds the system-health columns and the school calendar: rows written before it are
    kept (referrals become major, the rest empty), and the equity summary is recounted with the new
    odr rule: S1's only incident ended in OSS, and it now counts as a referral."""
    url = f"sqlite:///{tmp_path / 'before-0008.db'}"
    upgrade_store(url, revision="0007")
    with get_engine(url).begin() as connection:
        for statement in (
            "INSERT INTO buildings (building_id, name, level) VALUES ('B1', 'L', 'middle')",
            "INSERT INTO students (student_id, school_year, building_id, grade, race_ethnicity,"
            " sex, iep, el, econ_disadv, section_504) VALUES"
            " ('S1', '2025-26', 'B1', '7', 'BL', 'M', 1, 0, 0, 0),"
            " ('S2', '2025-26', 'B1', '7', 'BL', 'M', 1, 0, 0, 0),"
            " ('S3', '2025-26', 'B1', '7', 'BL', 'M', 1, 0, 0, 0)",
            "INSERT INTO discipline (incident_id, student_id, school_year, incident_date, action,"
            " days_removed) VALUES ('I1', 'S1', '2025-26', '2025-10-03', 'OSS', 2),"
            " ('I2', 'S2', '2025-26', '2025-10-04', 'ODR', NULL)",
            "INSERT INTO supports (support_id, student_id, school_year, domain, tier,"
            " intervention, start_date) VALUES ('P1', 'S3', '2025-26', 'reading', 2, 'Phonics',"
            " '2025-10-01')",
            'INSERT INTO screening (student_id, school_year, "window", measure, at_benchmark)'
            " VALUES ('S3', '2025-26', 'fall', 'DIBELS', 0)",
            # The summary as 0005's rule counted it: only I2 (action ODR) was a referral.
            "INSERT INTO equity_cell_counts (school_year, building_id, race_ethnicity, sex, iep,"
            " el, econ_disadv, n_students, n_attendance, odr, iss, oss, exclusion,"
            " chronic_absence, tier2plus, tier3) VALUES"
            " ('2025-26', 'B1', 'BL', 'M', 1, 0, 0, 3, 0, 1, 0, 1, 1, 0, 1, 0)",
        ):
            connection.execute(text(statement))
    init_store(url)
    assert current_revision(url) == head_revision()
    with get_engine(url).connect() as connection:
        discipline = connection.execute(
            text(
                "SELECT incident_id, action, days_removed, referral_type, behavior, location,"
                " incident_time FROM discipline ORDER BY incident_id"
            )
        ).all()
        supports = connection.execute(
            text("SELECT support_id, outcome, sessions_planned, sessions_delivered FROM supports")
        ).all()
        screening = connection.execute(
            text("SELECT student_id, measure, at_benchmark, risk_level FROM screening")
        ).all()
        calendar = connection.execute(text("SELECT COUNT(*) FROM school_calendar")).scalar_one()
        counts = connection.execute(
            text("SELECT n_students, odr, iss, oss, exclusion, tier2plus FROM equity_cell_counts")
        ).all()
    assert [tuple(row) for row in discipline] == [
        ("I1", "OSS", 2, "major", None, None, None),
        ("I2", "ODR", None, "major", None, None, None),
    ]
    assert [tuple(row) for row in supports] == [("P1", None, None, None)]
    assert [tuple(row) for row in screening] == [("S3", "DIBELS", 0, None)]
    assert calendar == 0
    # odr: S1 (OSS) and S2 (ODR) = 2; the other counts as before.
    assert [tuple(row) for row in counts] == [(3, 2, 0, 1, 1, 1)]


@pytest.mark.parametrize(
    ("table", "row"),
    [
        ("discipline", {"incident_time": "24:00"}),
        ("discipline", {"incident_time": "9:30"}),
        ("discipline", {"referral_type": "maj"}),
        ("school_calendar", {"month": "2025-13"}),
        ("school_calendar", {"school_days": 32}),
    ],
)
def test_the_store_refuses_bad_times_months_and_days(store_url, table, row):
    with session_scope(store_url) as session:
        add_building(session, "B1")
        (student,) = add_students(session, "B1", "2025-26", 1)
    values = {
        "discipline": {
            "incident_id": "I1",
            "student_id": student,
            "school_year": "2025-26",
            "incident_date": "2025-10-03",
            "action": "ODR",
        },
        "school_calendar": {
            "school_year": "2025-26",
            "building_id": "ALL",
            "month": "2025-09",
            "school_days": 20,
        },
    }[table] | row
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    with pytest.raises(IntegrityError), get_engine(store_url).begin() as connection:
        connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)
