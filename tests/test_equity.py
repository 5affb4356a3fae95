"""`python -m data_access export equity` on districts built by hand, on SQLite and PostgreSQL: each
rule of the contract's `equity` table, with the expected CSV cells worked out by hand."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from data_access.__main__ import main
from data_access.db import session_scope
from data_access.equity.export import build_equity_export
from data_access.equity.metrics import EXPORT_COLUMNS, compute_equity
from data_access.equity.queries import current_minimums, get_cell_counts, get_equity
from data_access.export_format import ExportOptions, format_export
from data_access.models import Student
from data_access.scope import DISTRICT, building_scope
from data_access.settings import get_settings
from tests.utils.factories import (
    add_attendance,
    add_building,
    add_incidents,
    add_students,
    add_supports,
)

HEADER = (
    "school_year,building_id,indicator,group_type,group,n_group,events_group,risk_group,"
    "n_comparison,events_comparison,risk_comparison,ratio,ratio_type,flag"
)
# Appended after the contract's columns: each row's identification status
# (test_equity_identification).
IDENTIFICATION = ",years_flagged,identified"
YEAR = "2025-26"


def published(url: str, monkeypatch, capsys, *args: str) -> list[dict[str, str]]:
    """Run the command line as a district would and read its CSV back."""
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    assert main(["export", "equity", "--out", "-", *args]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == HEADER + IDENTIFICATION
    return list(csv.DictReader(io.StringIO(text)))


def arithmetic(url: str, school_year: str) -> list[dict[str, str]]:
    """The contract's arithmetic with primary suppression only (`compute_equity`), as CSV cells: what
    the disclosure-avoidance layer starts from, before it withholds more."""
    with session_scope(url) as session:
        cells_ = get_cell_counts(session, school_year=school_year, scope=DISTRICT)
    if cells_.empty:
        return []
    rows = compute_equity(cells_, None, current_minimums())
    rows.insert(0, "school_year", school_year)
    frame = format_export(rows[EXPORT_COLUMNS], rates=("risk_group", "risk_comparison", "ratio"))
    return [{key: str(value) for key, value in row.items()} for row in frame.to_dict("records")]


def export(url: str, monkeypatch, capsys, *args: str) -> list[dict[str, str]]:
    """The export's rows with the arithmetic's numbers: every cell the export publishes is the
    arithmetic's own, and every other is empty (withheld by the layer; test_equity_privacy proves
    what it withholds is enough). The tests below check the arithmetic on what it returns."""
    export_rows = published(url, monkeypatch, capsys, *args)
    # The IDEA rows (issue 22 part 3) have their own arithmetic: tests/test_equity_idea*.py.
    export_rows = [row for row in export_rows if not row["indicator"].startswith("idea_")]
    year = export_rows[0]["school_year"] if export_rows else None
    computed = arithmetic(url, year) if year else []
    assert len(computed) == len(export_rows)
    for shown, full in zip(export_rows, computed, strict=True):
        for column in HEADER.split(","):
            if column == "ratio_type" and shown["ratio"] == "":
                assert shown[column] == "not_calculated"
            elif column == "flag" and shown["ratio"] == "":
                assert shown[column] == ""
            else:
                assert shown[column] in ("", full[column]), (column, shown, full)
        assert shown["n_group"] == "" or int(shown["n_group"]) >= 30
    return computed


def pick(rows, building: str, indicator: str, group_type: str, group: str) -> dict[str, str]:
    found = [
        row
        for row in rows
        if (row["building_id"], row["indicator"], row["group_type"], row["group"])
        == (building, indicator, group_type, group)
    ]
    assert len(found) == 1, (building, indicator, group_type, group)
    return found[0]


def cells(row: dict[str, str], *columns: str) -> list[str]:
    return [row[column] for column in columns]


NUMBERS = (
    "n_group",
    "events_group",
    "risk_group",
    "n_comparison",
    "events_comparison",
    "risk_comparison",
    "ratio",
    "ratio_type",
    "flag",
)


def build_suspensions(url: str) -> None:
    """B1, 2025-26: 40 Black girls (20 suspended out of school), 30 White English-learner boys
    (9 suspended), 30 White boys (1 suspended)."""
    with session_scope(url) as session:
        add_building(session, "B1", level="middle")
        black = add_students(session, "B1", YEAR, 40, race_ethnicity="BL", sex="F")
        learners = add_students(
            session, "B1", YEAR, 30, start=40, race_ethnicity="WH", sex="M", el=True
        )
        white = add_students(session, "B1", YEAR, 30, start=70, race_ethnicity="WH", sex="M")
        add_incidents(session, black[:20], YEAR, "OSS")
        add_incidents(session, learners[:9], YEAR, "OSS")
        add_incidents(session, white[:1], YEAR, "OSS")
        # Several referrals for one student are still one student with a referral.
        add_incidents(session, black[:12], YEAR, "ODR", per_student=3)


def test_plain_ratio_over_and_under_the_threshold_and_a_group_below_the_cell_size(
    store_url, monkeypatch, capsys
):
    build_suspensions(store_url)
    rows = export(store_url, monkeypatch, capsys)
    # Black: 20 of 40 (0.5) against 10 of 60 (1/6): 3.0, over.
    assert cells(pick(rows, "B1", "oss", "race_ethnicity", "BL"), *NUMBERS) == [
        "40", "20", "0.5000", "60", "10", "0.1667", "3.0000", "risk_ratio", "over",
    ]  # fmt: skip
    # White: the mirror image, 1/3, under 1/2.
    assert cells(pick(rows, "B1", "oss", "race_ethnicity", "WH"), *NUMBERS) == [
        "60", "10", "0.1667", "40", "20", "0.5000", "0.3333", "risk_ratio", "under",
    ]  # fmt: skip
    # English learners: 9 events is below the cell size of 10: withheld, not calculated; the
    # group's size and its comparison group (70 students, 21 events) are shown.
    assert cells(pick(rows, "B1", "oss", "el", "Y"), *NUMBERS) == [
        "30", "", "", "70", "21", "0.3000", "", "not_calculated", "",
    ]  # fmt: skip
    # Every incident is a referral, whatever followed it: the 20 suspended girls, 12 of them also
    # with three ODRs each, are 20 students with a referral, 20 of 40 (not the 12 with an ODR).
    assert cells(pick(rows, "B1", "odr", "sex", "F"), *NUMBERS[:3]) == ["40", "20", "0.5000"]
    # A group with no students in the building is still a row: n 0, nothing calculated.
    assert cells(pick(rows, "B1", "oss", "race_ethnicity", "AS"), *NUMBERS) == [
        "0", "", "", "100", "30", "0.3000", "", "not_calculated", "",
    ]  # fmt: skip
    # Not reported: special-education identification for the IEP group itself.
    assert not [
        r for r in rows if r["indicator"] == "sped_identification" and r["group_type"] == "iep"
    ]
    # Every row is for the newest school year, for B1 or the district: 2 x (10 x 13 - 1).
    assert {row["school_year"] for row in rows} == {YEAR}
    assert len(rows) == 2 * 129
    assert rows[0]["building_id"] == "DISTRICT"


def build_alternate(url: str) -> None:
    """B2: 40 Hispanic students (12 with ISS) and 20 White (2). B3: 100 White (14 with ISS, 3 with
    Tier 3 support). B4: 40 students of two or more races (10 with Tier 3 support)."""
    with session_scope(url) as session:
        for building in ("B2", "B3", "B4"):
            add_building(session, building)
        hispanic = add_students(session, "B2", YEAR, 40, race_ethnicity="HI")
        white_b2 = add_students(session, "B2", YEAR, 20, start=40, race_ethnicity="WH")
        white_b3 = add_students(session, "B3", YEAR, 100, race_ethnicity="WH")
        multiracial = add_students(session, "B4", YEAR, 40, race_ethnicity="TR")
        add_incidents(session, hispanic[:12], YEAR, "ISS")
        add_incidents(session, white_b2[:2], YEAR, "ISS")
        add_incidents(session, white_b3[:14], YEAR, "ISS")
        add_supports(session, white_b3[:3], YEAR, tier=3)
        add_supports(session, multiracial[:10], YEAR, tier=3)


def test_alternate_ratio_when_the_building_comparison_is_too_small(store_url, monkeypatch, capsys):
    build_alternate(store_url)
    rows = export(store_url, monkeypatch, capsys, "--year", YEAR)
    # B2's Hispanic students are compared with the district's 160 others (2 + 14 + 0 = 16 events):
    # (12/40) / (16/160) = 3.0.
    assert cells(pick(rows, "B2", "iss", "race_ethnicity", "HI"), *NUMBERS) == [
        "40", "12", "0.3000", "160", "16", "0.1000", "3.0000", "alternate_risk_ratio", "over",
    ]  # fmt: skip
    # B3's White students have nobody else in B3; the district's 80 others had 12 events:
    # (14/100) / (12/80) = 0.9333, not flagged.
    assert cells(pick(rows, "B3", "iss", "race_ethnicity", "WH"), *NUMBERS) == [
        "100", "14", "0.1400", "80", "12", "0.1500", "0.9333", "alternate_risk_ratio", "",
    ]  # fmt: skip
    # The district row for Hispanic students is the same comparison, as a plain risk ratio.
    assert cells(pick(rows, "DISTRICT", "iss", "race_ethnicity", "HI"), *NUMBERS) == [
        "40", "12", "0.3000", "160", "16", "0.1000", "3.0000", "risk_ratio", "over",
    ]  # fmt: skip


def test_not_calculated_when_the_district_comparison_is_too_small_too(
    store_url, monkeypatch, capsys
):
    build_alternate(store_url)
    rows = export(store_url, monkeypatch, capsys)
    # B4: 10 of 40 with Tier 3 support, nobody else in B4, and only 3 of the district's other 160:
    # no alternate either. The group's own numbers meet the minimums and are shown.
    assert cells(pick(rows, "B4", "tier3", "race_ethnicity", "TR"), *NUMBERS) == [
        "40", "10", "0.2500", "0", "", "", "", "not_calculated", "",
    ]  # fmt: skip
    # The district row never uses an alternate: same group, comparison of 160 with 3 events.
    assert cells(pick(rows, "DISTRICT", "tier3", "race_ethnicity", "TR"), *NUMBERS) == [
        "40", "10", "0.2500", "160", "", "", "", "not_calculated", "",
    ]  # fmt: skip
    # B2's 20 White students are too few for a risk: withheld although 2 had ISS.
    assert cells(pick(rows, "B2", "iss", "race_ethnicity", "WH"), *NUMBERS[:3]) == ["20", "", ""]


def test_chronic_absence_counts_exactly_ten_percent_and_only_students_enrolled_ten_days(
    store_url, monkeypatch, capsys
):
    with session_scope(store_url) as session:
        add_building(session, "B5")
        black = add_students(session, "B5", YEAR, 30, race_ethnicity="BL")
        white = add_students(session, "B5", YEAR, 50, start=30, race_ethnicity="WH")
        add_attendance(session, black, YEAR, days_enrolled=100, days_absent=10)  # exactly 10%
        add_attendance(session, white[:10], YEAR, days_enrolled=100, days_absent=10)
        add_attendance(session, white[10:30], YEAR, days_enrolled=100, days_absent=9)  # 9%
        add_attendance(session, white[30:35], YEAR, days_enrolled=10, days_absent=1)  # 10 days, 10%
        add_attendance(session, white[35:40], YEAR, days_enrolled=9, days_absent=9)  # under 10 days
        # white[40:50] have no attendance row: not in the chronic-absence population.
    rows = export(store_url, monkeypatch, capsys)
    # Black: 30 of 30 chronically absent; everyone else in the population: 35 White students
    # (30 + 5), of whom 10 + 5 = 15 were: (30/30) / (15/35) = 2.3333, over.
    assert cells(pick(rows, "B5", "chronic_absence", "race_ethnicity", "BL"), *NUMBERS) == [
        "30", "30", "1.0000", "35", "15", "0.4286", "2.3333", "risk_ratio", "over",
    ]  # fmt: skip
    # For every other indicator the population is all 80 students.
    assert cells(pick(rows, "B5", "odr", "race_ethnicity", "BL"), "n_group", "n_comparison") == [
        "30",
        "50",
    ]


def add_screening(
    session, student_ids: list[str], window: str, *, at_benchmark: bool, measure: str = "reading"
) -> None:
    """One screening result of `measure` in `window` of 2025-26 for each student."""
    from data_access.models import Screening

    for student_id in student_ids:
        session.add(
            Screening(
                student_id=student_id,
                school_year=YEAR,
                window=window,
                measure=measure,
                at_benchmark=at_benchmark,
            )
        )
    session.flush()


def build_screening(url: str) -> None:
    """B7, 2025-26: 60 Hispanic English-learner girls, all screened in spring, 36 below benchmark in
    reading, 6 of those with a Tier 2 support; 100 White boys, 90 screened, 40 below benchmark in
    their latest window, 28 of those with a support."""
    with session_scope(url) as session:
        add_building(session, "B7")
        el = add_students(session, "B7", YEAR, 60, race_ethnicity="HI", sex="F", el=True)
        wh = add_students(session, "B7", YEAR, 100, start=60, race_ethnicity="WH", sex="M")
        add_screening(session, el[:36], "spring", at_benchmark=False)
        add_screening(session, el[36:], "spring", at_benchmark=True)
        add_supports(session, el[30:36], YEAR, tier=2)
        # White boys: 35 below in reading; 5 at benchmark in reading but below in math (screened on
        # two measures, below on one: below); 10 below in fall and at benchmark in spring (their
        # latest window: not below); 30 at benchmark; 10 screened in fall only, at benchmark;
        # wh[90:] never screened (not in the population).
        add_screening(session, wh[:35], "spring", at_benchmark=False)
        add_screening(session, wh[:5], "spring", at_benchmark=True, measure="math")
        add_screening(session, wh[35:40], "spring", at_benchmark=True)
        add_screening(session, wh[35:40], "spring", at_benchmark=False, measure="math")
        add_screening(session, wh[40:50], "fall", at_benchmark=False)
        add_screening(session, wh[40:80], "spring", at_benchmark=True)
        add_screening(session, wh[80:90], "fall", at_benchmark=True)
        # Supported: wh[12:40] (three of them with a Tier 2 and a Tier 3 support: one student),
        # and wh[40:45], who are not below benchmark.
        add_supports(session, wh[12:40], YEAR, tier=2)
        add_supports(session, wh[12:15], YEAR, tier=3)
        add_supports(session, wh[40:45], YEAR, tier=2, domain="math")


def test_below_benchmark_and_unmet_need_count_their_own_populations(store_url, monkeypatch, capsys):
    build_screening(store_url)
    rows = export(store_url, monkeypatch, capsys)
    # Below benchmark, over students screened: English learners 36 of 60 (0.6) against 40 of 90
    # (0.4444): 0.6 / (40/90) = 1.35.
    assert cells(pick(rows, "B7", "below_benchmark", "el", "Y"), *NUMBERS) == [
        "60", "36", "0.6000", "90", "40", "0.4444", "1.3500", "risk_ratio", "",
    ]  # fmt: skip
    # Unmet need, over students below benchmark: English learners 30 of 36 with no support
    # (0.8333) against 12 of 40 (0.3): (30/36) / (12/40) = 2.7778, over.
    assert cells(pick(rows, "B7", "unsupported_need", "el", "Y"), *NUMBERS) == [
        "36", "30", "0.8333", "40", "12", "0.3000", "2.7778", "risk_ratio", "over",
    ]  # fmt: skip
    # The same by race: the groups are the same students here.
    assert cells(pick(rows, "B7", "unsupported_need", "race_ethnicity", "HI"), *NUMBERS) == [
        "36", "30", "0.8333", "40", "12", "0.3000", "2.7778", "risk_ratio", "over",
    ]  # fmt: skip
    # The district (one building) says the same.
    assert cells(pick(rows, "DISTRICT", "below_benchmark", "sex", "F"), *NUMBERS[:3]) == [
        "60", "36", "0.6000",
    ]  # fmt: skip
    # The published rows show the flag the team acts on.
    shown = published(store_url, monkeypatch, capsys)
    need = pick(shown, "B7", "unsupported_need", "el", "Y")
    assert cells(need, "ratio", "flag") == ["2.7778", "over"]
    bb = pick(shown, "B7", "below_benchmark", "el", "Y")
    assert cells(bb, "n_group", "events_group", "n_comparison", "events_comparison") == [
        "60", "36", "90", "40",
    ]  # fmt: skip


def test_a_student_with_both_oss_and_expulsion_counts_once_for_exclusion(
    store_url, monkeypatch, capsys
):
    with session_scope(store_url) as session:
        add_building(session, "B6", level="high")
        black = add_students(session, "B6", YEAR, 40, race_ethnicity="BL")
        white = add_students(session, "B6", YEAR, 40, start=40, race_ethnicity="WH")
        add_incidents(session, black[:10], YEAR, "OSS", per_student=2)
        add_incidents(session, black[:10], YEAR, "EXP")
        add_incidents(session, black[10:12], YEAR, "EXP")  # expelled without an OSS first
        add_incidents(session, white[:10], YEAR, "OSS")
    rows = export(store_url, monkeypatch, capsys)
    # Exclusion: 10 students with both + 2 with EXP only = 12 Black students (not 22 or 32),
    # against 10 of 40: (12/40) / (10/40) = 1.2.
    assert cells(pick(rows, "B6", "exclusion", "race_ethnicity", "BL"), *NUMBERS) == [
        "40", "12", "0.3000", "40", "10", "0.2500", "1.2000", "risk_ratio", "",
    ]  # fmt: skip
    assert cells(pick(rows, "B6", "oss", "race_ethnicity", "BL"), *NUMBERS[:3]) == [
        "40",
        "10",
        "0.2500",
    ]


def test_a_school_year_never_leaks_into_another(store_url, monkeypatch, capsys):
    with session_scope(store_url) as session:
        add_building(session, "B7")
        add_building(session, "B8")
        black = add_students(session, "B7", "2024-25", 40, race_ethnicity="BL", iep=True)
        white = add_students(session, "B7", "2024-25", 40, start=40, race_ethnicity="WH")
        # The same students the next year; the first ten moved to B8.
        for student_id in black[:10]:
            session.add(
                Student(
                    student_id=student_id,
                    school_year=YEAR,
                    building_id="B8",
                    grade="4",
                    race_ethnicity="BL",
                    sex="F",
                    iep=True,
                    el=False,
                    econ_disadv=False,
                )
            )
        session.flush()
        add_incidents(session, black[:10], YEAR, "ISS")
        add_students(session, "B7", YEAR, 30, start=10, race_ethnicity="BL")
        add_students(session, "B7", YEAR, 40, start=40, race_ethnicity="WH")
        add_incidents(session, black, "2024-25", "ODR")
        add_incidents(session, white[:10], "2024-25", "ODR")
        add_supports(session, black[:20], "2024-25", tier=2)
        add_incidents(session, white[:10], YEAR, "ODR")
        add_attendance(session, black, "2024-25", days_enrolled=100, days_absent=50)
    earlier = export(store_url, monkeypatch, capsys, "--year", "2024-25")
    assert {row["school_year"] for row in earlier} == {"2024-25"}
    assert cells(pick(earlier, "B7", "odr", "race_ethnicity", "BL"), *NUMBERS) == [
        "40", "40", "1.0000", "40", "10", "0.2500", "4.0000", "risk_ratio", "over",
    ]  # fmt: skip
    assert (
        pick(earlier, "B7", "sped_identification", "race_ethnicity", "BL")["events_group"] == "40"
    )
    newest = export(store_url, monkeypatch, capsys)  # default: the newest school year
    assert {row["school_year"] for row in newest} == {YEAR}
    # Last year's referrals, supports, absences and IEPs are not this year's: 30 Black students in
    # B7 with no referral, no support, no attendance and no IEP on this year's rows.
    assert cells(pick(newest, "B7", "odr", "race_ethnicity", "BL"), *NUMBERS[:3]) == ["30", "", ""]
    assert pick(newest, "B7", "tier2plus", "race_ethnicity", "BL")["events_group"] == ""
    assert pick(newest, "B7", "chronic_absence", "race_ethnicity", "BL")["n_group"] == "0"
    assert pick(newest, "B7", "sped_identification", "sex", "F")["events_group"] == ""
    # The ten who moved count in B8 this year, with this year's suspensions, and only there.
    assert cells(pick(newest, "B8", "iss", "race_ethnicity", "BL"), *NUMBERS[:2]) == ["10", ""]
    assert pick(newest, "DISTRICT", "iss", "race_ethnicity", "BL")["n_group"] == "40"
    assert pick(earlier, "B7", "iss", "race_ethnicity", "BL")["events_group"] == ""
    assert pick(newest, "DISTRICT", "odr", "race_ethnicity", "BL")["n_group"] == "40"


def test_minimums_and_threshold_come_from_settings(store_url, monkeypatch, capsys):
    build_suspensions(store_url)
    monkeypatch.setenv("MTSS_MIN_CELL_SIZE", "5")
    monkeypatch.setenv("MTSS_RISK_RATIO_THRESHOLD", "3.5")
    rows = export(store_url, monkeypatch, capsys)
    # With a cell size of 5, the English learners' 9 events are enough: (9/30) / (21/70) = 1.0.
    assert cells(pick(rows, "B1", "oss", "el", "Y"), *NUMBERS) == [
        "30", "9", "0.3000", "70", "21", "0.3000", "1.0000", "risk_ratio", "",
    ]  # fmt: skip
    # 3.0 is no longer over a threshold of 3.5; 1/3 is not under 1/3.5.
    assert pick(rows, "B1", "oss", "race_ethnicity", "BL")["flag"] == ""
    assert pick(rows, "B1", "oss", "race_ethnicity", "WH")["flag"] == ""


def test_a_building_scope_keeps_the_district_rows_and_the_district_comparison(store_url):
    build_alternate(store_url)
    with session_scope(store_url) as session:
        rows = get_equity(session, school_year=YEAR, scope=building_scope({"B2"}))
        frame = build_equity_export(
            session, ExportOptions(school_year=YEAR, scope=building_scope({"B2"}))
        )
    assert set(rows["building_id"]) == {"DISTRICT", "B2"}
    hispanic = rows[
        (rows["building_id"] == "B2") & (rows["indicator"] == "iss") & (rows["group"] == "HI")
    ].iloc[0]
    # The arithmetic compares B2's Hispanic students with the district's 160 others (an alternate
    # ratio, test_alternate_ratio_...); published, it would give B2's 20 others' count as B2's total
    # minus the group's, so the layer withholds the group and the ratio, for every viewer.
    assert (hispanic["ratio_type"], hispanic["withheld_group"]) == (
        "not_calculated",
        "protects_another",
    )
    assert pd.isna(hispanic["events_group"]) and pd.isna(hispanic["n_comparison"])
    assert set(frame["building_id"]) == {"DISTRICT", "B2"}
    # Someone who may see no building still sees the district roll-up everyone sees.
    with session_scope(store_url) as session:
        nothing = get_equity(session, school_year=YEAR, scope=building_scope(set()))
    assert set(nothing["building_id"]) == {"DISTRICT"} and len(nothing) == 129
    assert nothing["ratio"].dtype == "float64"


def test_cell_counts_are_one_grouped_row_per_building_and_cell(store_url):
    build_suspensions(store_url)
    with session_scope(store_url) as session:
        counts = get_cell_counts(session, school_year=YEAR, scope=DISTRICT)
    assert len(counts) == 3  # Black girls, White EL boys, White boys
    by_race = counts.groupby("race_ethnicity")[["n_students", "oss", "odr"]].sum()
    # odr counts every incident's student (the 20 suspended, 12 of whom also had ODRs): 20, 10.
    assert by_race.loc["BL"].tolist() == [40, 20, 20]
    assert by_race.loc["WH"].tolist() == [60, 10, 10]


def test_the_export_writes_no_group_size_under_the_n_size_and_no_zero_group(
    store_url, monkeypatch, capsys
):
    """A one-building district with no Asian students: the arithmetic's n of 0 (and the Black
    students' 40, which with the building's published enrolment would pin it) are empty cells."""
    build_suspensions(store_url)
    rows = published(store_url, monkeypatch, capsys)
    asian = pick(rows, "B1", "oss", "race_ethnicity", "AS")
    assert cells(asian, "n_group", "events_group", "n_comparison") == ["", "", ""]
    sizes = [int(row[c]) for row in rows for c in ("n_group", "n_comparison") if row[c]]
    assert sizes and min(sizes) >= 30


def test_an_empty_store_exports_only_the_header(store_url, monkeypatch, capsys):
    assert published(store_url, monkeypatch, capsys) == []


@pytest.mark.parametrize("year", ["2019-20"])
def test_a_school_year_without_students_exports_only_the_header(
    store_url, monkeypatch, capsys, year
):
    build_suspensions(store_url)
    assert published(store_url, monkeypatch, capsys, "--year", year) == []
