"""Multi-year identification (issue 22 part 2): a building, indicator and group is *identified* when
its ratio has been flagged the way of concern for the set number of school years in a row (3 by
default), unless the optional reasonable-progress rule exempts it. Hand-built three-year districts,
first as history rows (the pure rule), then through the store and `export equity`."""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pytest

from data_access.__main__ import main
from data_access.db import session_scope
from data_access.equity.identification import IdentificationRules, identify_flags
from data_access.settings import get_settings
from tests.utils.factories import add_building, add_incidents, add_students

YEARS = ("2023-24", "2024-25", "2025-26")
NAN = math.nan


def row(year: str, ratio: float, flag: str | None, *, indicator="oss", group="BL") -> dict:
    return {
        "school_year": year,
        "building_id": "B1",
        "indicator": indicator,
        "group_type": "race_ethnicity",
        "group": group,
        "ratio": ratio,
        "flag": flag,
    }


def three_years(ratios, flags, **kwargs) -> list[dict]:
    return [row(y, r, f, **kwargs) for y, r, f in zip(YEARS, ratios, flags, strict=True)]


DEFAULT = IdentificationRules()  # three years, no reasonable-progress rule


def status(history: list[dict], rules: IdentificationRules = DEFAULT) -> dict:
    found = identify_flags(pd.DataFrame(history), school_year="2025-26", rules=rules)
    assert len(found) == 1
    return found.iloc[0].to_dict()


def test_flagged_three_years_in_a_row_is_identified_with_the_years_behind_it():
    found = status(three_years([3.0, 3.2, 3.1], ["over"] * 3))
    assert found["years_flagged"] == 3
    assert found["identified"]
    assert found["identified_years"] == YEARS
    assert not found["reasonable_progress"]
    assert not found["one_year_away"]


def test_reasonable_progress_in_each_of_the_last_two_years_exempts_a_flag():
    # 3.6 → 3.1 → 2.6: the ratio fell by 0.5 twice (the rule's set amount is a fall in the ratio).
    history = three_years([3.6, 3.1, 2.6], ["over"] * 3)
    # Without the rule: identified.
    assert status(history)["identified"]
    # A fall of at least 0.5 each year asked: it made that progress, so it is not identified
    # (0.5 exactly: 3.6 - 3.1 in floating point is 0.5000000000000004, 3.1 - 2.6 is 0.5).
    exempt = status(history, IdentificationRules(years=3, progress=0.5))
    assert exempt["years_flagged"] == 3
    assert exempt["reasonable_progress"]
    assert not exempt["identified"]
    # A fall of 0.6 asked: 0.5 is not enough.
    assert status(history, IdentificationRules(years=3, progress=0.6))["identified"]
    # A fall in only one of the two years is not progress: 3.1 → 3.1 → 2.6.
    once = three_years([3.1, 3.1, 2.6], ["over"] * 3)
    assert status(once, IdentificationRules(years=3, progress=0.5))["identified"]


def test_flagged_then_not_then_flagged_is_a_run_of_one():
    found = status(three_years([3.0, 1.5, 3.0], ["over", None, "over"]))
    assert found["years_flagged"] == 1
    assert not found["identified"]
    assert found["identified_years"] == ("2025-26",)


def test_a_withheld_or_uncalculated_year_ends_a_run_so_it_gives_nothing_away():
    # The middle year's ratio was withheld (or not calculated): no published flag. Counting it as
    # flagged would publish the flag the privacy layer withheld.
    found = status(three_years([3.0, NAN, 3.0], ["over", None, "over"]))
    assert found["years_flagged"] == 1
    assert not found["identified"]


def test_only_flags_the_way_of_concern_count_toward_identification():
    # Fewer suspensions than everyone else three years running: a run, but no concern.
    fewer = status(three_years([0.3, 0.3, 0.3], ["under"] * 3))
    assert fewer["years_flagged"] == 3
    assert not fewer["identified"]
    # Fewer Tier 3 supports three years running: a concern (missing out on supports).
    missing = status(three_years([0.3, 0.3, 0.3], ["under"] * 3, indicator="tier3"))
    assert missing["identified"]


def test_one_year_away_and_the_number_of_years_is_a_setting():
    two = three_years([1.0, 3.0, 3.0], [None, "over", "over"])
    found = status(two)
    assert (found["years_flagged"], found["identified"], found["one_year_away"]) == (2, False, True)
    assert status(two, IdentificationRules(years=2))["identified"]
    assert not status(two, IdentificationRules(years=2))["one_year_away"]


# --- Through the store and the export ------------------------------------------------------------


def build_three_years(url: str, suspended: tuple[int, int, int]) -> None:
    """B1, each school year: 40 Black girls (`suspended` of them with an out-of-school suspension
    that year), 40 Hispanic boys (8 suspended) and 60 White boys (12 suspended). Black students'
    risk ratio is (k / 40) / (20 / 100) = k / 8: 24 → 3.0, 28 → 3.5, 20 → 2.5, 12 → 1.5."""
    with session_scope(url) as session:
        add_building(session, "B1", level="middle")
        for year, k in zip(YEARS, suspended, strict=True):
            black = add_students(session, "B1", year, 40, race_ethnicity="BL", sex="F")
            hispanic = add_students(session, "B1", year, 40, start=40, race_ethnicity="HI", sex="M")
            white = add_students(session, "B1", year, 60, start=80, race_ethnicity="WH", sex="M")
            add_incidents(session, black[:k], year, "OSS")
            add_incidents(session, hispanic[:8], year, "OSS")
            add_incidents(session, white[:12], year, "OSS")


def exported(url: str, monkeypatch, capsys, **env: str) -> list[dict[str, str]]:
    monkeypatch.setenv("DATABASE_URL", url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    assert main(["export", "equity", "--out", "-"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def black_oss(rows: list[dict[str, str]], building: str = "B1") -> list[str]:
    (found,) = [
        r for r in rows if (r["building_id"], r["indicator"], r["group"]) == (building, "oss", "BL")
    ]
    return [found[c] for c in ("ratio", "flag", "years_flagged", "identified")]


@pytest.mark.parametrize(
    ("suspended", "env", "expected"),
    [
        # Flagged three years (3.0 each): identified.
        ((24, 24, 24), {}, ["3.0000", "over", "3", "true"]),
        # Flagged three years, falling 3.5 → 3.0 → 2.5 (0.5 a year) with a rule of 0.5: exempt.
        ((28, 24, 20), {"MTSS_REASONABLE_PROGRESS": "0.5"}, ["2.5000", "over", "3", "false"]),
        # The same without the rule, or with a rule asking a fall of 0.6: identified.
        ((28, 24, 20), {}, ["2.5000", "over", "3", "true"]),
        ((28, 24, 20), {"MTSS_REASONABLE_PROGRESS": "0.6"}, ["2.5000", "over", "3", "true"]),
        # Flagged, not (1.5), flagged: one year in a row.
        ((24, 12, 24), {}, ["3.0000", "over", "1", "false"]),
    ],
)
def test_the_export_says_years_flagged_and_identified(
    sqlite_url, monkeypatch, capsys, suspended, env, expected
):
    build_three_years(sqlite_url, suspended)
    rows = exported(sqlite_url, monkeypatch, capsys, **env)
    assert list(rows[0])[-2:] == ["years_flagged", "identified"]
    assert black_oss(rows) == expected
    assert black_oss(rows, "DISTRICT") == expected
    # Every incident is a referral: a suspension counts for odr too, so odr says what oss says.
    (odr,) = [
        r for r in rows if (r["building_id"], r["indicator"], r["group"]) == ("B1", "odr", "BL")
    ]
    assert [odr["ratio"], odr["flag"], odr["years_flagged"], odr["identified"]] == expected
    # Not calculated (no in-school suspensions): years flagged and identified both empty.
    (iss,) = [
        r for r in rows if (r["building_id"], r["indicator"], r["group"]) == ("B1", "iss", "BL")
    ]
    assert [iss["ratio"], iss["years_flagged"], iss["identified"]] == ["", "", ""]
    # Boys: fewer suspensions than everyone else (8 / k, under 1/2): never identified.
    (boys,) = [
        r for r in rows if (r["building_id"], r["indicator"], r["group"]) == ("B1", "oss", "M")
    ]
    assert [boys["flag"], boys["identified"]] == ["under", "false"]


def test_a_withheld_ratio_has_no_years_flagged_in_the_export(demo_store_url, monkeypatch, capsys):
    rows = exported(demo_store_url, monkeypatch, capsys)
    withheld = [r for r in rows if r["ratio"] == ""]
    assert withheld
    assert {(r["flag"], r["years_flagged"], r["identified"]) for r in withheld} == {("", "", "")}
    shown = [r for r in rows if r["ratio"] != ""]
    assert all(r["years_flagged"].isdigit() for r in shown)
    assert {r["years_flagged"] == "0" for r in shown if r["flag"] == ""} == {True}
