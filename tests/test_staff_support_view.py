"""The Staff support page's view on the small demo district: the district's part and a building's
part are the queries' own figures, grouped as the page shows them."""

from __future__ import annotations

from datetime import date

from data_access.db import session_scope
from data_access.scope import DISTRICT, building_scope
from data_access.staff_support.view import get_staff_support_view, place_of

DEMO_AS_OF = date(2026, 5, 29)
LAPSED = "B10"  # the demo building whose support team has had no supervision for ten weeks


def test_the_district_part_counts_everyone_and_lists_each_gap_once_at_a_first_building(
    demo_store_url,
):
    with session_scope(demo_store_url) as session:
        view = get_staff_support_view(session, scope=DISTRICT, as_of=DEMO_AS_OF)
    district = place_of(view, building_id=None)
    assert district is view.district
    assert (district.covered, district.counted) == (
        view.coverage.district_covered,
        view.coverage.district_staff,
    )
    past = view.coverage.staff[~view.coverage.staff["covered"]]
    gaps = district.gaps_by_building
    assert gaps["staff"].sum() == len(past)
    assert gaps["staff"].tolist() == sorted(gaps["staff"], reverse=True)
    assert gaps.iloc[0]["building"] == LAPSED and gaps.iloc[0]["staff"] == 10
    assert gaps.iloc[0]["name"] == view.building_names[LAPSED]
    # The demo's stories: one building has no social worker at all.
    assert view.buildings_missing_role == 1
    [missing] = district.missing_roles.itertuples()
    assert missing.roles == ["social_worker"]


def test_a_buildings_part_is_its_own_team_beside_the_districts_shares(demo_store_url):
    with session_scope(demo_store_url) as session:
        view = get_staff_support_view(session, scope=DISTRICT, as_of=DEMO_AS_OF)
    lapsed = place_of(view, building_id=LAPSED)
    [row] = view.coverage.by_building[
        view.coverage.by_building["building_id"] == LAPSED
    ].itertuples()
    assert (lapsed.covered, lapsed.counted) == (row.covered, row.staff) == (0, 10)
    assert len(lapsed.staff) == 10
    assert lapsed.staff["building_ids"].str.contains(LAPSED).all()
    assert "district" in lapsed.role_coverage.columns
    assert set(lapsed.staffing["building_id"]) == {LAPSED}


def test_a_principal_sees_only_their_buildings_staff_in_the_view(demo_store_url):
    with session_scope(demo_store_url) as session:
        view = get_staff_support_view(session, scope=building_scope({"B01"}), as_of=DEMO_AS_OF)
    assert list(view.buildings["building_id"]) == ["B01"]
    assert view.coverage.hidden_staff > 0
    assert view.district.staff["building_ids"].str.contains("B01").all()
    # The district figures still count everyone.
    assert view.district.counted == view.coverage.district_staff > len(view.district.staff)
