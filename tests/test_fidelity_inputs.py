"""The two doors into fidelity scores agree: the Fidelity page's entry form (save_administration, which
its form calls) and an import of fidelity.csv refuse the same bad values for the same reason (the
typed input's reason code), each in its own words, and both accept the same valid row. Every case
runs both doors, so removing either door's rule fails it."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from data_access.db import count_rows, session_scope
from data_access.fidelity import inputs
from data_access.fidelity.inputs import check_fidelity_score
from data_access.fidelity.writes import (
    AdministrationEntry,
    AdministrationRejected,
    save_administration,
)
from data_access.models import FidelityScore
from data_access.users.access import UserAccess
from tests.test_import_rules import DISTRICT, district_files, run_import
from tests.utils.factories import write_import_file

TODAY = date.today()
TOMORROW = TODAY + timedelta(days=1)
LAST_WEEK = TODAY - timedelta(days=7)
EDITOR = UserAccess(email="lead@d.org", role="district_leader")
HEADER = DISTRICT["fidelity"][0]  # building_id, instrument, administered_on, item_id, score
HIDDEN = "holds an invisible or control character (U+200B); retype it with visible characters only"


@pytest.fixture(scope="module")
def district_store(tmp_path_factory) -> Path:
    """The small district of test_import_rules (SAM-lite: items L1 and L2, scored 0 to 3)."""
    from data_access.store import init_store

    path = tmp_path_factory.mktemp("district") / "store.db"
    init_store(f"sqlite:///{path}")
    result = run_import(f"sqlite:///{path}", district_files(path.parent / "files"))
    assert result.ok, [str(problem) for problem in result.problems]
    return path


@pytest.fixture
def store(district_store, tmp_path) -> str:
    path = tmp_path / "store.db"
    with sqlite3.connect(district_store) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    return f"sqlite:///{path}"


def form_door(url: str, row: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Save the row as the entry form does; (problems by field, reason codes by field)."""
    entry = AdministrationEntry(
        building_id=row["building_id"],
        instrument=row["instrument"],
        administered_on=row["administered_on"],
        scores={row["item_id"]: row["score"]},
    )
    with session_scope(url) as session:
        before = count_rows(session, FidelityScore)
    try:
        with session_scope(url) as session:
            save_administration(session, entry=entry, replace=False, editor=EDITOR, today=TODAY)
    except AdministrationRejected as rejected:
        with session_scope(url) as session:
            assert count_rows(session, FidelityScore) == before, "a refused entry was stored"
        return rejected.problems, rejected.reasons
    return {}, {}


def import_door(url: str, folder: Path, row: dict) -> list[str]:
    """Import the row as fidelity.csv; the problems, file names relative to the folder."""
    cells = [row[name] for name in HEADER]
    cells = [value.isoformat() if isinstance(value, date) else str(value) for value in cells]
    path = write_import_file(folder, "fidelity.csv", [HEADER, cells])
    result = run_import(url, path)
    return [str(problem).removeprefix(f"{folder}/") for problem in result.problems]


VALID = {
    "building_id": "B1",
    "instrument": "SAM-lite",
    "administered_on": LAST_WEEK,
    "item_id": "L1",
    "score": "2",
}

# (case, what differs from the valid row, the reason, the form's field and words, the import's line)
CASES = [
    (
        "a date in the future",
        {"administered_on": TOMORROW},
        inputs.IN_THE_FUTURE,
        "administered_on",
        f"{TOMORROW:%-d %B %Y} is in the future (today is {TODAY:%-d %B %Y}). Enter the date the "
        "team took the inventory.",
        f"fidelity.csv:2: administered_on: administered_on {TOMORROW.isoformat()} is in the future "
        f"(today is {TODAY.isoformat()}); a fidelity administration is recorded once the team has "
        "done it",
    ),
    (
        "a score above the item's maximum",
        {"score": "4"},
        inputs.OUT_OF_RANGE,
        "item:L1",
        "Item L1 is scored from 0 to 3; 4 is out of range.",
        "fidelity.csv:2: score: score 4 is more than item L1's maximum of 3",
    ),
    (
        "a negative score",
        {"score": "-1"},
        inputs.OUT_OF_RANGE,
        "item:L1",
        "Item L1 is scored from 0 to 3; -1 is out of range.",
        "fidelity.csv:2: score: score -1 is not a whole number from 0 to 100",
    ),
    (
        "an exponent",
        {"score": "1e1"},
        inputs.NOT_DIGITS,
        "item:L1",
        "Item L1: '1e1' is not a whole number from 0 to 3 (write it with the digits 0-9).",
        "fidelity.csv:2: score: score '1e1' is not a whole number (write it with the digits 0-9)",
    ),
    (
        "Arabic-Indic digits",
        {"score": "\u0662"},
        inputs.NOT_DIGITS,
        "item:L1",
        "Item L1: '\u0662' is not a whole number from 0 to 3 (write it with the digits 0-9).",
        "fidelity.csv:2: score: score '\u0662' is not a whole number (write it with the digits "
        "0-9)",
    ),
    (
        "a zero-width space in the building id",
        {"building_id": "B\u200b1"},
        inputs.HIDDEN_CHARACTER,
        "building_id",
        f"The building ID {HIDDEN}.",
        f"fidelity.csv:2: building_id: building_id {HIDDEN}",
    ),
    (
        "a zero-width space in the instrument",
        {"instrument": "SAM\u200b-lite"},
        inputs.HIDDEN_CHARACTER,
        "instrument",
        f"The instrument {HIDDEN}.",
        f"fidelity.csv:2: instrument: instrument {HIDDEN}",
    ),
    (
        "a zero-width space in the item id",
        {"item_id": "L\u200b1"},
        inputs.HIDDEN_CHARACTER,
        "item:L\u200b1",
        f"Item ID 'L\\u200b1' {HIDDEN}.",
        f"fidelity.csv:2: item_id: item_id {HIDDEN}",
    ),
]


@pytest.mark.parametrize(
    ("change", "reason", "field", "form_words", "import_line"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_form_and_fidelity_csv_refuse_the_same_value_for_the_same_reason(
    store, tmp_path, change, reason, field, form_words, import_line
):
    row = VALID | change
    # The typed input both doors read through names the reason...
    item_max = {("SAM-lite", "L1"): 3, ("SAM-lite", "L2"): 3}
    refused = check_fidelity_score(row, today=TODAY, item_max=item_max)
    assert [refusal.reason for refusal in refused.values()] == [reason]
    # ...the form refuses the value next to its field, for that reason...
    problems, reasons = form_door(store, row)
    assert problems == {field: form_words}
    assert reasons == {field: reason}
    # ...and an import of fidelity.csv refuses it on its line, in the importer's words.
    assert import_door(store, tmp_path / "files", row) == [import_line]


def test_a_valid_row_is_accepted_by_the_form_and_by_fidelity_csv(district_store, tmp_path):
    for door in ("form", "import"):
        path = tmp_path / door / "store.db"
        path.parent.mkdir()
        with sqlite3.connect(district_store) as source, sqlite3.connect(path) as copy:
            source.backup(copy)
        url = f"sqlite:///{path}"
        if door == "form":
            assert form_door(url, VALID) == ({}, {})
        else:
            assert import_door(url, tmp_path / door / "files", VALID) == []
        with session_scope(url) as session:
            scores = session.exec(
                FidelityScore.__table__.select().where(
                    FidelityScore.building_id == "B1",
                    FidelityScore.administered_on == LAST_WEEK,
                )
            ).all()
        assert [(row.item_id, row.score) for row in scores] == [("L1", 2)], door


def test_a_whole_number_written_with_a_decimal_point_is_one_score_at_both_doors(store, tmp_path):
    row = VALID | {"score": "3.0"}
    assert form_door(store, row) == ({}, {})
    other = VALID | {"score": "3.0", "administered_on": LAST_WEEK - timedelta(days=1)}
    assert import_door(store, tmp_path / "files", other) == []
