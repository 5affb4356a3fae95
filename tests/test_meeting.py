"""The meeting screen's numbers: what changed since the last meeting, the buildings x areas matrix and
the agenda, on hand-built districts and hand-computed frames."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from components.meeting_wording import (
    cell_words,
    headline_change,
    headline_place,
    headline_since,
    headline_value,
    matrix_words,
)
from data_access.db import session_scope
from data_access.equity.identification import IdentificationRules
from data_access.equity.metrics import DISTRICT_ID, EXPORT_COLUMNS
from data_access.meeting.headlines import get_headlines, headlines_from, read_areas
from data_access.meeting.queries import count_overdue_on, get_comparison
from data_access.meeting.rules import (
    ACT,
    GOOD,
    NO_DATA,
    WATCH,
    Headline,
    building_matrix,
    equity_cell,
    fidelity_standing,
    flag_changes,
    month_before,
    staffing_cell,
    statuses_on,
    supervision_cell,
)
from data_access.meeting.view import get_meeting_picture, get_overview_view
from data_access.scope import DISTRICT, building_scope
from tests.utils.factories import (
    add_action,
    add_administration,
    add_building,
    add_meeting,
    add_staff,
    add_students,
    add_supervision,
    add_team_member,
    add_user,
)

AS_OF = date(2026, 2, 1)
LAST_MEETING = date(2026, 1, 13)
TIER1 = [f"1.{n}" for n in range(1, 16)]  # TFI-2.1 Tier 1: 15 items, 0-2 each, 30 points


def tier1(points: int) -> dict[str, int]:
    """Tier 1 scores adding up to `points` (of 30): 2s first, then the rest."""
    scores, left = {}, points
    for item in TIER1:
        scores[item] = min(2, left)
        left -= scores[item]
    return scores


# --- Pure rules ----------------------------------------------------------------------------------


def test_a_month_earlier_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert month_before(date(2026, 3, 31)) == date(2026, 2, 28)
    assert month_before(date(2026, 1, 15)) == date(2025, 12, 15)
    assert month_before(date(2024, 3, 30)) == date(2024, 2, 29)


def test_a_headline_says_its_change_in_words_and_whether_it_is_better():
    supervised = Headline(
        key="supervision",
        value=73,
        value_kind="percent",
        before=80,
        higher_is_better=True,
        unit="points",
    )
    overdue = Headline(
        key="actions",
        value=4,
        before=3,
        higher_is_better=False,
        unit="actions",
    )
    fewer = Headline(
        key="actions",
        value=1,
        before=3,
        higher_is_better=False,
        unit="actions",
    )
    same = Headline(
        key="staffing",
        value=1,
        before=1,
        higher_is_better=False,
        unit="buildings",
    )
    first = Headline(
        key="equity",
        value=5,
        before=None,
        higher_is_better=False,
        unit="flags",
    )
    assert (headline_change(supervised), supervised.verdict) == ("-7 points", "worse")
    assert (headline_change(overdue), overdue.verdict) == ("+1 action", "worse")  # singular
    assert (headline_change(fewer), fewer.verdict) == ("-2 actions", "better")
    assert (headline_change(same), same.verdict) == ("no change", "same")
    assert (headline_change(first), first.verdict) == (None, None)


def test_fidelity_standing_takes_the_latest_score_and_calls_a_drop_below_criterion_a_slip():
    def row(building, day, percent, complete=True):
        meets = None if not complete else percent >= 70
        return {
            "building_id": building,
            "instrument": "TFI-2.1",
            "administered_on": day,
            "scale": "Tier 1",
            "items_scored": 15 if complete else 9,
            "items_total": 15,
            "points": 0,
            "possible": 30,
            "percent": percent if complete else pd.NA,
            "criterion_pct": 70.0,
            "meets_criterion": meets,
            "complete": complete,
        }

    scores = pd.DataFrame(
        [
            row("B1", date(2025, 10, 1), 76.7),
            row("B1", date(2026, 1, 20), 56.7),  # slipped
            row("B2", date(2025, 10, 1), 50.0),
            row("B2", date(2026, 1, 20), 60.0),  # below, rising
            row("B3", date(2025, 10, 1), 80.0),
            row("B3", date(2026, 1, 20), 0, complete=False),
            row("B4", date(2026, 4, 20), 30.0),  # after the date: no score yet
        ]
    )
    scores["percent"] = scores["percent"].astype("Float64")
    scores["meets_criterion"] = scores["meets_criterion"].astype("boolean")
    standing = fidelity_standing(scores, on=AS_OF).set_index("building_id")
    assert list(standing.index) == ["B1", "B2", "B3"]
    assert standing["status"].tolist() == ["below criterion", "below criterion", "incomplete"]
    assert standing["slipped"].tolist() == [True, False, False]
    assert standing.loc["B1", "previous_percent"] == pytest.approx(76.7)
    assert standing.loc["B1", "previous_on"] == date(2025, 10, 1)
    # Seen from before B1's January administration, it was at criterion.
    assert (
        fidelity_standing(scores, on=LAST_MEETING).set_index("building_id").loc["B1", "status"]
        == "at criterion"
    )


def test_status_on_a_day_is_rebuilt_from_the_status_history():
    at = lambda y, m, d: datetime(y, m, d, 15, tzinfo=UTC)  # noqa: E731
    actions = pd.DataFrame(
        {
            "action_id": [1, 2, 3, 4],
            "status": ["done", "in_progress", "open", "done"],
            "created_at": [at(2025, 12, 1), at(2025, 12, 1), at(2026, 1, 20), at(2025, 12, 1)],
        }
    )
    changes = pd.DataFrame(
        {
            "action_id": [1, 2, 4, 4],
            "changed_at": [at(2026, 1, 25), at(2026, 1, 5), at(2026, 1, 2), at(2026, 1, 10)],
            "old_value": ["open", "open", "open", "in_progress"],
            "new_value": ["done", "in_progress", "in_progress", "done"],
        }
    )
    on = statuses_on(actions, changes, day=date(2026, 1, 13)).tolist()
    # 1 was still open (done later); 2 had started; 3 did not exist; 4 was done by then.
    assert on == ["open", "in_progress", None, "done"]


def test_a_flag_is_new_when_last_year_had_none_and_worse_when_it_moved_further_from_one():
    def row(year, indicator, group, ratio, flag):
        return {
            "school_year": year,
            "building_id": "B1",
            "indicator": indicator,
            "group_type": "race_ethnicity",
            "group": group,
            "ratio": ratio,
            "flag": flag,
        }

    history = pd.DataFrame(
        [
            row("2024-25", "oss", "BL", 3.1, "over"),
            row("2025-26", "oss", "BL", 2.9, "over"),
            row("2024-25", "oss", "HI", 2.2, "over"),
            row("2025-26", "oss", "HI", 2.6, "over"),
            # Access to Tier 2 or 3 support: too little is a concern too.
            row("2024-25", "tier2plus", "AS", 0.6, None),
            row("2025-26", "tier2plus", "AS", 0.4, "under"),
            row("2024-25", "tier2plus", "WH", 0.45, "under"),
            row("2025-26", "tier2plus", "WH", 0.3, "under"),
            # Fewer suspensions than everyone else, and falling: good news, never on the agenda.
            row("2024-25", "oss", "WH", 0.45, "under"),
            row("2025-26", "oss", "WH", 0.3, "under"),
            row("2025-26", "chronic_absence", "AS", 0.2, "under"),
        ]
    )
    rows = flag_changes(history, school_year="2025-26")
    assert sorted(zip(rows["indicator"], rows["group"], strict=True)) == [
        ("oss", "BL"),
        ("oss", "HI"),
        ("tier2plus", "AS"),
        ("tier2plus", "WH"),
    ]
    rows = rows.set_index("group")
    oss, access = rows[rows["indicator"] == "oss"], rows[rows["indicator"] == "tier2plus"]
    assert oss.loc[["BL", "HI"], "new"].tolist() == [False, False]
    assert access.loc[["AS", "WH"], "new"].tolist() == [True, False]
    # BL fell (2.9 < 3.1), HI rose (over), WH's access fell further below 1: worse is away from 1.
    assert oss.loc[["BL", "HI"], "worse"].tolist() == [False, True]
    assert access.loc[["AS", "WH"], "worse"].tolist() == [False, True]
    assert [oss.loc["BL", "years_flagged"], access.loc["AS", "years_flagged"]] == [2, 1]
    # Two years in a row of three: one year away from identification (a new flag is not).
    assert oss.loc[["BL", "HI"], "one_year_away"].tolist() == [True, True]
    assert access.loc[["AS", "WH"], "one_year_away"].tolist() == [False, True]
    # With two years to identification, they are identified; the agenda's rules are the settings'.
    two = flag_changes(history, school_year="2025-26", rules=IdentificationRules(years=2))
    assert two.set_index(["indicator", "group"])["identified"].to_dict() == {
        ("oss", "BL"): True,
        ("oss", "HI"): True,
        ("tier2plus", "AS"): False,
        ("tier2plus", "WH"): True,
    }


def test_matrix_cells_say_act_watch_fine_or_nothing_to_show():
    assert supervision_cell(10, 0)["level"] == ACT
    assert cell_words("supervision", supervision_cell(10, 0)) == ("Lapsed", "0 of 10")
    assert supervision_cell(7, 4)["level"] == WATCH
    assert cell_words("supervision", supervision_cell(6, 6))[0] == "All covered"
    assert supervision_cell(0, 0)["level"] == NO_DATA
    assert equity_cell(14, 12)["level"] == ACT
    assert equity_cell(3, 2)["level"] == WATCH
    assert cell_words("equity", equity_cell(3, 2)) == ("Concerns", "3 concerns, 2 new or worse")
    assert equity_cell(0, 0)["level"] == GOOD
    roles = [("counselor", "above"), ("social_worker", "nobody")]
    assert staffing_cell(roles)["level"] == ACT
    assert cell_words("staffing", staffing_cell(roles)) == ("Role missing", "no social worker")
    over = staffing_cell([("counselor", "above"), ("social_worker", "meets")])
    assert cell_words("staffing", over)[1] == "1 of 2 roles"
    assert staffing_cell([])["level"] == NO_DATA


def test_the_matrix_puts_the_building_with_most_to_act_on_first_and_says_why():
    buildings = pd.DataFrame({"building_id": ["B1", "B2"], "building": ["Adams", "Brook"]})
    fidelity = pd.DataFrame(
        {
            "building_id": ["B1", "B2"],
            "status": ["at criterion", "below criterion"],
            "percent": [80.0, 50.0],
            "previous_percent": [70.0, 60.0],
            "slipped": [False, True],
        }
    )
    coverage = pd.DataFrame({"building_id": ["B1", "B2"], "staff": [4, 5], "covered": [4, 0]})
    staffing = pd.DataFrame(
        {
            "building_id": ["B1", "B2"],
            "role": ["counselor", "counselor"],
            "band": ["meets", "meets"],
        }
    )
    flags = pd.DataFrame(
        {"building_id": ["B1", "B1"], "new": [True, False], "worse": [False, False]}
    )
    actions = pd.DataFrame({"building_id": ["B2", "B2"], "overdue": [True, False]})
    matrix = building_matrix(
        buildings=buildings,
        fidelity=fidelity,
        coverage=coverage,
        staffing=staffing,
        flags=flags,
        actions=actions,
    )
    assert matrix["building"].tolist() == ["Brook", "Adams"]
    said = matrix_words(matrix)
    assert said.loc[0, "attention"] == "Fidelity, Supervision, Actions"
    assert said.loc[0, "fidelity_number"] == "50% (was 60%)"
    assert said.loc[0, "actions_number"] == "1 of 2 open"
    assert said.loc[1, "attention"] == "Nothing urgent"
    assert said.loc[1, "equity_number"] == "2 concerns, 1 new or worse"
    assert said.loc[0, "equity_word"] == "No concerns"
    assert said.loc[1, "supervision_number"] == "4 of 4"
    assert said.loc[1, "staffing_word"] == "Meets"


# --- The district, by hand ------------------------------------------------------------------------


def build_district(url: str) -> None:
    """Two buildings seen on 1 February 2026, the team's last meeting on 13 January 2026.

    Fidelity: B1 100% in October, 20/30 in January (after the meeting); B2 exactly 70% in October.
    Supervision: C1 (B1) held 10 January; P1 (B2) held 5 December: covered on 13 January (window
    from 3 December), not on 1 February (window from 22 December).
    Actions: A1 due 5 January, open: overdue both days. A2 due 20 January: overdue now only. A3 due
    2 January, done on 25 January: overdue then only. A4 created 20 January, due 25 January: now only.
    """
    with session_scope(url) as session:
        add_building(session, "B1", name="Adams Elementary")
        add_building(session, "B2", level="middle", name="Brook Middle")
        add_students(session, "B1", "2025-26", 20)
        add_students(session, "B2", "2025-26", 30)
        add_staff(session, "C1", "counselor", {("B1", "2025-26"): 1.0})
        add_staff(session, "P1", "psychologist", {("B2", "2025-26"): 0.5})
        add_supervision(session, "S1", "C1", date(2026, 1, 10), "held")
        add_supervision(session, "S2", "P1", date(2025, 12, 5), "held")
        add_administration(session, "B1", "TFI-2.1", date(2025, 10, 1), tier1(30))
        add_administration(session, "B1", "TFI-2.1", date(2026, 1, 20), tier1(20))
        add_administration(session, "B2", "TFI-2.1", date(2025, 10, 2), tier1(21))
        add_team_member(session, 1, "administrator")
        add_meeting(session, 101, LAST_MEETING, {1: True})
        add_user(session, "coach@district.org", "coach")
        owner = "coach@district.org"
        add_action(
            session,
            1,
            owner_email=owner,
            due_date=date(2026, 1, 5),
            created_on=date(2025, 12, 1),
            building_id="B1",
        )
        add_action(
            session,
            2,
            owner_email=owner,
            due_date=date(2026, 1, 20),
            created_on=date(2025, 12, 1),
            building_id="B2",
            meeting_id=101,
        )
        add_action(
            session,
            3,
            owner_email=owner,
            due_date=date(2026, 1, 2),
            created_on=date(2025, 12, 1),
            building_id="B1",
            status="done",
            status_changes=[(date(2026, 1, 25), "open", "done")],
        )
        add_action(
            session,
            4,
            owner_email=owner,
            due_date=date(2026, 1, 25),
            created_on=date(2026, 1, 20),
            building_id="B2",
        )


def test_headlines_compare_each_figure_with_the_last_meeting(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        headlines = get_headlines(session, as_of=AS_OF)
    assert headlines.comparison.compare_on == LAST_MEETING
    values = {
        h.key: (headline_value(h), h.value, h.before, headline_change(h)) for h in headlines.items
    }
    assert values["fidelity"] == ("1 of 2", 1.0, 2.0, "-1 building")
    assert values["supervision"] == ("50%", 50, 100, "-50 points")
    # Both buildings lack three of the four recommended roles, the same school year on both dates.
    assert values["staffing"] == ("2", 2.0, 2.0, "no change")
    # No outcomes at all: no flags, and no earlier school year to compare with.
    assert values["equity"] == ("0", 0.0, None, None)
    assert values["actions"] == ("3", 3.0, 2.0, "+1 action")
    assert headlines.get("actions").verdict == "worse"
    assert (
        headline_since(headlines.get("supervision"), headlines.comparison)
        == "since the meeting of 13 Jan 2026"
    )


def test_one_buildings_headlines_count_only_that_building(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        headlines = get_headlines(session, as_of=AS_OF, building_id="B1")
        overdue_then = count_overdue_on(session, day=LAST_MEETING, building_id="B1")
    values = {h.key: (headline_value(h), h.before) for h in headlines.items}
    assert headline_place(headlines) == "Adams Elementary"
    assert values["fidelity"] == ("67%", 100.0)  # 20 of 30, against October's 30 of 30
    assert values["supervision"] == ("100%", 100)
    assert values["staffing"] == ("3", 3.0)  # psychologist, social worker and nurse
    assert values["actions"] == ("1", 2.0)
    assert overdue_then == 2  # A1 and A3


def test_without_an_earlier_meeting_figures_compare_with_a_month_before(sqlite_url):
    with session_scope(sqlite_url) as session:
        add_building(session, "B1")
        add_students(session, "B1", "2025-26", 5)
        headlines = get_headlines(session, as_of=AS_OF)
    assert headlines.comparison.previous_meeting is None
    assert headlines.comparison.compare_on == date(2026, 1, 1)
    assert (
        headline_since(headlines.get("fidelity"), headlines.comparison)
        == "since 1 Jan 2026 (a month earlier)"
    )


def flagged_rows(*flags: tuple[str, str, str, float, str]) -> dict[str, pd.DataFrame]:
    """get_equity rows of 2025-26: one per (building_id, indicator, group, ratio, flag)."""
    names = {
        "B1": "Adams Elementary",
        "B2": "Brook Middle",
        DISTRICT_ID: "District (all buildings)",
    }
    rows = pd.DataFrame(
        [
            {
                "school_year": "2025-26",
                "building_id": building_id,
                "indicator": indicator,
                "group_type": "sex",
                "group": group,
                "n_group": 40,
                "ratio": ratio,
                "ratio_type": "risk_ratio",
                "flag": flag,
                "building_name": names[building_id],
            }
            for building_id, indicator, group, ratio, flag in flags
        ]
    )
    return {"2025-26": rows.reindex(columns=[*EXPORT_COLUMNS, "building_name"])}


def test_fewer_suspensions_than_everyone_else_is_no_flag_to_count_or_act_on(store_url):
    build_district(store_url)
    only_under = flagged_rows(("B1", "oss", "F", 0.3, "under"))
    with session_scope(store_url) as session:
        headlines = get_headlines(session, as_of=AS_OF, equity=only_under)
        building = get_headlines(session, as_of=AS_OF, building_id="B1", equity=only_under)
        picture = get_meeting_picture(session, as_of=AS_OF, scope=DISTRICT, equity=only_under)
    assert headline_value(headlines.get("equity")) == "0"
    assert headline_value(building.get("equity")) == "0"
    assert picture.flags.empty and picture.all_flags.empty  # no agenda item, no chart bar
    adams = picture.matrix.set_index("building_id").loc["B1"]
    assert (adams["equity_status"], adams["equity_flags"]) == ("no_flags", 0)


def test_less_access_to_tiered_support_is_a_flag_to_count_and_act_on(store_url):
    build_district(store_url)
    rows = flagged_rows(
        ("B1", "tier2plus", "F", 0.4, "under"),
        ("B1", "oss", "M", 2.5, "over"),
        ("B1", "chronic_absence", "M", 0.3, "under"),
        (DISTRICT_ID, "sped_identification", "F", 0.45, "under"),
    )
    with session_scope(store_url) as session:
        headlines = get_headlines(session, as_of=AS_OF, equity=rows)
        building = get_headlines(session, as_of=AS_OF, building_id="B1", equity=rows)
        picture = get_meeting_picture(session, as_of=AS_OF, scope=DISTRICT, equity=rows)
    assert headline_value(headlines.get("equity")) == "3"  # district rows included
    assert headline_value(building.get("equity")) == "2"
    assert sorted(picture.flags["indicator"]) == ["oss", "sped_identification", "tier2plus"]
    adams = picture.matrix.set_index("building_id").loc["B1"]
    assert adams["equity_flags"] == 2


def test_a_buildings_page_counts_its_concerns_and_keeps_the_rest_as_context(
    sqlite_url, monkeypatch
):
    import data_access.building_view as building_view

    rows = flagged_rows(
        ("B1", "oss", "F", 0.3, "under"),
        ("B1", "tier3", "F", 0.4, "under"),
        ("B1", "iss", "M", 2.4, "over"),
    )["2025-26"]
    monkeypatch.setattr(building_view, "get_equity", lambda session, **_: rows)
    with session_scope(sqlite_url) as session:
        add_building(session, "B1", name="Adams Elementary")
    with session_scope(sqlite_url) as session:
        view = building_view.get_building_view(
            session, scope=building_scope({"B1"}), building_id="B1", as_of=AS_OF
        )
    assert sorted(view.equity_flags["indicator"]) == ["iss", "tier3"]
    assert view.equity_context["indicator"].tolist() == ["oss"]


def test_a_principals_overview_headlines_are_their_buildings_own(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        one = get_overview_view(session, scope=building_scope({"B2"}), as_of=AS_OF).headlines
        both = get_overview_view(session, scope=building_scope({"B1", "B2"}), as_of=AS_OF)
        district = get_overview_view(session, scope=DISTRICT, as_of=AS_OF).headlines
    values = {h.key: (headline_value(h), h.before) for h in one.items}
    assert (headline_place(one), one.building_id) == ("Brook Middle", "B2")
    assert values["fidelity"] == ("70%", 70.0)  # 21 of 30, not "1 of 2" buildings
    assert values["supervision"] == ("0%", 100)  # P1's December session: covered then, not now
    assert values["staffing"] == ("3", 3.0)  # counselor, social worker, nurse
    assert values["actions"] == ("2", 0.0)  # A2 and A4; neither overdue on 13 January
    # Two buildings (not the district): buildings' counts, named.
    several = both.headlines
    assert headline_place(several) == "Adams Elementary and Brook Middle"
    assert headline_value(several.get("fidelity")) == "1 of 2"
    assert headline_value(several.get("actions")) == "3"
    assert headline_place(district) == "the district"


def test_a_principals_equity_concerns_count_only_their_buildings(store_url):
    build_district(store_url)
    rows = flagged_rows(
        ("B1", "oss", "F", 2.5, "over"),
        ("B2", "oss", "M", 2.5, "over"),
        ("B2", "tier3", "M", 0.3, "under"),
        (DISTRICT_ID, "oss", "M", 2.2, "over"),
    )
    with session_scope(store_url) as session:
        several = headlines_from(
            session,
            comparison=get_comparison(session, as_of=AS_OF),
            building_id=None,
            now=read_areas(session, as_of=AS_OF, scope=building_scope({"B2", "B9"})),
            years=["2025-26"],
            equity=rows,
        )
    assert headline_value(several.get("equity")) == "2"  # not B1's, not the district's


def test_the_picture_shows_a_principal_only_their_building_and_the_district_counts(store_url):
    build_district(store_url)
    with session_scope(store_url) as session:
        picture = get_meeting_picture(session, as_of=AS_OF, scope=building_scope({"B2"}))
        district = get_meeting_picture(session, as_of=AS_OF, scope=building_scope({"B1", "B2"}))
    assert picture.matrix["building_id"].tolist() == ["B2"]
    assert picture.supervision_gaps["building_id"].tolist() == ["B2"]
    assert sorted(picture.overdue["action_id"]) == [2, 4]
    assert picture.district_coverage == (1, 2)  # a roll-up: everyone's count
    assert picture.missing_role_buildings == 2
    # A2 was decided at the last meeting and is still open: the agenda starts from it.
    assert picture.left_open["action_id"].tolist() == [2]
    assert district.slipped["building_id"].tolist() == ["B1"]
    row = matrix_words(district.matrix).set_index("building_id").loc["B1"]
    assert (row["fidelity_word"], row["fidelity_number"]) == ("Slipped", "67% (was 100%)")
