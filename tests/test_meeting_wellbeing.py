"""The meeting screen's staff items: buildings whose staff report being drained and unsupported
(from the published staff pulse only: a withheld group never counts) and the themes rising in
supervision this term, each with the figures the Staff support page shows."""

from __future__ import annotations

import pandas as pd

from data_access.db import session_scope
from data_access.export_format import ExportOptions
from data_access.meeting.rules import drained_and_unsupported
from data_access.scope import DISTRICT
from data_access.staff_support.pulse import STAFF_PULSE_COLUMNS, build_staff_pulse_export
from tests.utils.app import open_page


def pulse_rows(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=STAFF_PULSE_COLUMNS)


def test_drained_and_unsupported_by_hand():
    rows = pulse_rows(
        [
            # 60% drained often, supported 2.4: on the agenda
            ("2025-26", "B1", "counselor", 5, 2.0, 2.4, 2.0, 4.2, 60.0, 40.0),
            # drained but supported 3.0 (the scale's middle): not
            ("2025-26", "B1", "nurse", 6, 3.0, 3.0, 3.0, 4.0, 66.7, 80.0),
            # unsupported but 40% drained: not
            ("2025-26", "B2", "ALL", 10, 2.0, 2.0, 2.0, 3.0, 40.0, 70.0),
            # withheld: never
            ("2025-26", "B3", "counselor", None, None, None, None, None, None, None),
            # exactly 50%, supported 2.9: on the agenda, after the more drained one
            ("2025-26", "B3", "ALL", 8, 2.5, 2.9, 3.0, 3.5, 50.0, 75.0),
            # the district is not a building
            ("2025-26", "DISTRICT", "ALL", 29, 2.0, 2.0, 2.0, 4.5, 90.0, 50.0),
        ]
    )
    found = drained_and_unsupported(rows)
    assert list(zip(found["building_id"], found["role"], strict=True)) == [
        ("B1", "counselor"),
        ("B3", "ALL"),
    ]


def test_the_meeting_agenda_names_the_drained_counselors_and_the_rising_themes(
    monkeypatch, demo_store_url
):
    app = open_page(monkeypatch, demo_store_url)
    assert not app.exception, [e.value for e in app.exception]
    text = "\n".join(element.value for element in app.main.markdown)
    with session_scope(demo_store_url) as session:
        export = build_staff_pulse_export(session, ExportOptions(scope=DISTRICT))
    row = export[
        (export["school_year"] == "2025-26")
        & (export["building_id"] == "B10")
        & (export["role"] == "counselor")
    ].iloc[0]
    assert (
        f"**Central High School** · counselors: {float(row['pct_drained_often']):.0f}% of "
        f"{row['responses']} responses drained often, feeling supported {row['supported']} of 5, "
        f"{float(row['pct_intend_to_stay']):.0f}% intend to stay"
    ) in text
    assert "**Family** up 346% in the high schools: 19 of 63 held sessions (30%)" in text
    assert "**Attendance** up 156% at Eastside High School" in text
    captions = "\n".join(c.value for c in app.main.caption)
    district = export[(export["building_id"] == "DISTRICT") & (export["role"] == "ALL")]
    district = district[district["school_year"] == "2025-26"].iloc[0]
    assert (
        f"Across the district {float(district['pct_drained_often']):.0f}% of "
        f"{district['responses']} staff pulse responses feel drained often"
    ) in captions


def test_a_principal_s_agenda_has_only_their_building(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, role="principal", buildings=["B11"])
    assert not app.exception, [e.value for e in app.exception]
    text = "\n".join(element.value for element in app.main.markdown)
    assert "**Family** up 266% at Eastside High School" in text
    assert "high schools" not in text and "Central High School" not in text


def test_the_building_page_shows_its_staff_pulse_as_the_export_does(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, "building", query={"building": "B10"})
    assert not app.exception, [e.value for e in app.exception]
    with session_scope(demo_store_url) as session:
        export = build_staff_pulse_export(session, ExportOptions(scope=DISTRICT))
    mine = export[(export["school_year"] == "2025-26") & (export["building_id"] == "B10")]
    everyone = mine[mine["role"] == "ALL"].iloc[0]
    counselors = mine[mine["role"] == "counselor"].iloc[0]
    text = "\n".join(element.value for element in app.main.markdown)
    assert (
        f"**Staff pulse, 2025-26:** {float(everyone['pct_drained_often']):.0f}% of "
        f"{everyone['responses']} responses feel drained often; "
        f"{float(everyone['pct_intend_to_stay']):.0f}% intend to stay."
    ) in text
    assert any(
        w.value.startswith(
            f"Counselors: {float(counselors['pct_drained_often']):.0f}% of "
            f"{counselors['responses']} responses drained often"
        )
        for w in app.warning
    )
