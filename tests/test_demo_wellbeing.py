"""The demo district's staff stories, as the screens read them: attendance and family rising in
supervision in the two story buildings in winter (against the fall term, in the high schools and
at Eastside High by late May; at Kennedy K-8 too by mid-March), and a pulse where the lapsed
building's counselors are drained and say they may leave, with enough responses to be shown."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data_access.db import session_scope
from data_access.scope import DISTRICT
from data_access.staff_support.themes import get_supervision_themes_view
from data_access.staff_support.wellbeing import get_staff_wellbeing_view

DEMO_AS_OF = date(2026, 5, 29)


def rising_at(url: str, as_of: date) -> dict[tuple, dict]:
    with session_scope(url) as session:
        view = get_supervision_themes_view(session, scope=DISTRICT, as_of=as_of)
    return {(r["place_type"], r["place"], r["theme"]): r for r in view.rising.to_dict("records")}


def test_attendance_and_family_rise_in_the_story_buildings(demo_store_url):
    may = rising_at(demo_store_url, DEMO_AS_OF)
    for theme in ("attendance", "family"):
        for place in (("level", "high"), ("building", "B11"), ("all", None)):
            assert (*place, theme) in may, (place, theme)
    family = may[("building", "B11", "family")]
    assert family["share"] > 2 * family["share_before"] and family["sessions"] >= 10
    # Nothing else of the story's kind: no other building has attendance or family rising.
    others = {k for k in may if k[0] == "building" and k[2] in ("attendance", "family")}
    assert others == {("building", "B11", "attendance"), ("building", "B11", "family")}
    march = rising_at(demo_store_url, date(2026, 3, 15))
    assert ("building", "B12", "family") in march
    assert march[("building", "B11", "attendance")]["share"] > 0.8


def test_the_lapsed_buildings_counselors_are_drained_and_may_leave(demo_store_url):
    with session_scope(demo_store_url) as session:
        rows = get_staff_wellbeing_view(session, scope=DISTRICT).rows
    rows = rows.set_index(["school_year", "building_id", "role"])
    story = rows.loc[("2025-26", "B10", "counselor")]
    assert int(story["responses"]) >= 5
    assert story["pct_drained_often"] >= 80 and story["drained"] >= 4.5
    assert story["pct_intend_to_stay"] <= 50 and story["supported"] <= 2.5
    # a year earlier they were like everyone else
    before = rows.loc[("2024-25", "B10", "counselor")]
    assert before["pct_drained_often"] <= 40 and before["pct_intend_to_stay"] >= 70
    district = rows.loc[("2025-26", "DISTRICT", "ALL")]
    assert district["pct_drained_often"] < 25 and district["pct_intend_to_stay"] > 75
    # no other published building role row this year is as drained
    year = rows.loc["2025-26"].drop(index=("B10", "counselor"))
    year = year[year["responses"].notna() & (year.index.get_level_values(0) != "DISTRICT")]
    assert (pd.to_numeric(year["pct_drained_often"]) < story["pct_drained_often"] - 30).all()
