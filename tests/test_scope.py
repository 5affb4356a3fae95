"""No query hands a principal another building's rows, and a viewer no building's rows at all.

Every query that returns rows of buildings is called with a one-building scope on the demo district,
and every building it mentions must be that building (or the district roll-up)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data_access.actions.export import export_actions
from data_access.actions.queries import get_action, list_actions
from data_access.buildings import list_buildings
from data_access.db import session_scope
from data_access.demo import DEMO_AS_OF
from data_access.equity.export import build_equity_export
from data_access.equity.queries import get_equity
from data_access.export_format import ExportOptions
from data_access.fidelity.export import build_fidelity_export
from data_access.fidelity.queries import (
    get_administration_items,
    get_fidelity_overview,
    get_scale_scores,
)
from data_access.meeting.queries import get_building_overview
from data_access.models import Action
from data_access.scope import Scope, building_scope
from data_access.staff_support.export import build_staffing_export, build_supervision_export
from data_access.staff_support.queries import (
    get_caseload_parity,
    get_staffing,
    get_supervision_coverage,
)

OWN = "B09"
PRINCIPAL = building_scope({OWN})
VIEWER = Scope(building_ids=frozenset(), label="district roll-ups only")
YEAR = "2025-26"


def buildings_in(frame, column: str = "building_id") -> set[str]:
    values = set()
    for cell in frame[column].dropna():
        values.update(str(cell).split(";"))
    return values - {"DISTRICT", ""}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    from data_access.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('scope') / 'demo.db'}"
    load_demo(database_url=url, size="small")
    return url


def frames_for(session, scope: Scope) -> dict[str, tuple]:
    """Every building-row query, as (frame, building column)."""
    coverage = get_supervision_coverage(session, as_of=DEMO_AS_OF, scope=scope)
    parity = get_caseload_parity(session, as_of=DEMO_AS_OF, scope=scope)
    overview = get_fidelity_overview(session, scope=scope, instrument="TFI-2.1")
    options = ExportOptions(school_year=YEAR, as_of=DEMO_AS_OF, scope=scope)
    return {
        "overview buildings": (
            get_building_overview(session, school_year=YEAR, scope=scope),
            "building_id",
        ),
        "action list": (list_actions(session, scope=scope, as_of=DEMO_AS_OF), "building_id"),
        "action export": (export_actions(session, options), "building_id"),
        "action buildings": (list_buildings(session, scope=scope), "building_id"),
        "fidelity buildings": (list_buildings(session, scope=scope), "building_id"),
        "fidelity scores": (
            get_scale_scores(session, scope=scope, instrument="TFI-2.1"),
            "building_id",
        ),
        "fidelity latest": (overview.latest, "building_id"),
        "fidelity export": (build_fidelity_export(session, options), "building_id"),
        "equity": (get_equity(session, school_year=YEAR, scope=scope), "building_id"),
        "equity export": (build_equity_export(session, options), "building_id"),
        "supervision staff": (coverage.staff, "building_ids"),
        "supervision by building": (coverage.by_building, "building_id"),
        "supervision by role": (coverage.by_role, "building_id"),
        "supervision export": (build_supervision_export(session, options), "building_ids"),
        "caseload staff": (parity.staff, "building_ids"),
        "staffing": (get_staffing(session, school_year=YEAR, scope=scope), "building_id"),
        "staffing export": (build_staffing_export(session, options), "building_id"),
    }


def test_a_principal_gets_rows_of_their_own_building_only(store):
    with session_scope(store) as session:
        frames = frames_for(session, PRINCIPAL)
    for name, (frame, column) in frames.items():
        if column == "building_ids":
            # A staff member shared with other buildings is still one of this building's staff.
            rows = [set(str(ids).split(";")) for ids in frame[column]]
            assert all(OWN in ids for ids in rows), f"{name} shows staff of other buildings only"
        else:
            assert buildings_in(frame, column) <= {OWN}, f"{name} shows another building's rows"
    # ...and the principal's own building is really there, so the check above is not vacuous.
    for name in (
        "overview buildings",
        "fidelity scores",
        "equity",
        "staffing",
        "supervision staff",
    ):
        frame, column = frames[name]
        assert OWN in buildings_in(frame, column), f"{name} lost the principal's own building"


def test_a_viewer_gets_no_building_rows_only_district_roll_ups(store):
    with session_scope(store) as session:
        frames = frames_for(session, VIEWER)
    for name, (frame, column) in frames.items():
        assert buildings_in(frame, column) == set(), f"{name} shows building rows to a viewer"
    equity = frames["equity"][0]
    assert (equity["building_id"] == "DISTRICT").any()  # the roll-up stays


def test_another_buildings_action_and_items_are_not_reachable_by_id(store):
    with session_scope(store) as session:
        other = session.execute(
            select(Action.action_id, Action.building_id).where(
                Action.building_id.is_not(None), Action.building_id != OWN
            )
        ).first()
        assert get_action(session, action_id=other.action_id, scope=PRINCIPAL) is None
        items = get_administration_items(
            session,
            scope=PRINCIPAL,
            building_id=other.building_id,
            instrument="TFI-2.1",
            administered_on=date(2026, 4, 15),
        )
    assert items["score"].isna().all()
