"""The IDEA discipline measures (issue 22 part 3) on a worked example.

Source of the method: IDEA Data Center, "Methods for Assessing Racial/Ethnic Disproportionality in
Special Education: A Technical Assistance Guide (Revised)", Bollmer, Bethel, Munk and Bitterman,
May 2014 (risk, risk ratio against all other children with disabilities, alternate risk ratio
against the state's comparison group), with the discipline categories of 34 CFR 300.647(b) and
the removals of the EDFacts files FS006 (children by removal length) and FS143 (total disciplinary
removals). The guide's own discipline tables could not be retrieved here, so the district below is
built by hand in the guide's layout (children with disabilities by race and ethnicity, children
removed, risk, comparison risk, ratio) and every number is worked out in the comments.
"""

from __future__ import annotations

import pandas as pd
import pytest

from data_access.equity.idea import idea_ratios, read_state_comparison, removal_measures
from data_access.equity.metrics import DISTRICT_ID, Minimums


def worked_example() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two buildings' students with IEPs (and some without, who never count) and their removals.

    B1: 40 Black students with IEPs: 8 with two 6-day out-of-school suspensions (12 days: more than
        10), 12 with one 3-day suspension, 10 with a 1-day in-school suspension. 60 White students
        with IEPs: 4 expelled for 20 days, 18 with one 2-day suspension. 100 students without IEPs,
        30 of them suspended out of school (never counted).
    B2: 20 Black students with IEPs: 4 with 11 days out (more than 10), 6 with 1 suspension whose
        length is not recorded (counted as 10 days or fewer). 40 White students with IEPs: 2 with
        11 days out, 16 with a 5-day suspension.
    """
    students, discipline = [], []

    def add(building, race, count, iep=True, removals=()):
        for _ in range(count):
            student_id = f"S{len(students):04d}"
            students.append((student_id, building, race, iep))
            for action, days in removals:
                discipline.append((student_id, action, days))

    add("B1", "BL", 8, removals=[("OSS", 6), ("OSS", 6)])
    add("B1", "BL", 12, removals=[("OSS", 3)])
    add("B1", "BL", 10, removals=[("ISS", 1)])
    add("B1", "BL", 10)
    add("B1", "WH", 4, removals=[("EXP", 20)])
    add("B1", "WH", 18, removals=[("OSS", 2)])
    add("B1", "WH", 38)
    add("B1", "WH", 70, iep=False)
    add("B1", "BL", 30, iep=False, removals=[("OSS", 15)])
    add("B2", "BL", 4, removals=[("OSS", 5), ("OSS", 6)])
    add("B2", "BL", 6, removals=[("OSS", None), ("ODR", None)])
    add("B2", "BL", 10)
    add("B2", "WH", 2, removals=[("OSS", 11)])
    add("B2", "WH", 16, removals=[("OSS", 5)])
    add("B2", "WH", 22)
    return (
        pd.DataFrame(students, columns=["student_id", "building_id", "race_ethnicity", "iep"]),
        pd.DataFrame(discipline, columns=["student_id", "action", "days_removed"]),
    )


def pick(rows: pd.DataFrame, building: str, measure: str, group: str) -> dict:
    found = rows[
        (rows["building_id"] == building) & (rows["measure"] == measure) & (rows["group"] == group)
    ]
    assert len(found) == 1
    return found.iloc[0].to_dict()


def test_removals_are_split_by_the_days_they_total_in_the_year_among_students_with_ieps():
    measures = removal_measures(*worked_example())
    assert len(measures) == 160  # students with IEPs only: 100 in B1, 60 in B2
    totals = measures.groupby(["building_id", "race_ethnicity"])[
        ["oss_10_or_fewer", "oss_over_10", "iss_10_or_fewer", "iss_over_10", "total_removals"]
    ].sum()
    # B1 Black: 8 over 10 days (6 + 6), 12 at 3 days; 10 in-school; 8 x 2 + 12 + 10 = 38 removals.
    assert totals.loc[("B1", "BL")].tolist() == [12, 8, 10, 0, 38]
    assert totals.loc[("B1", "WH")].tolist() == [18, 4, 0, 0, 22]
    # B2 Black: 5 + 6 = 11 days is more than 10; an unrecorded length counts as 10 or fewer; a
    # referral alone is no removal.
    assert totals.loc[("B2", "BL")].tolist() == [6, 4, 0, 0, 14]
    assert totals.loc[("B2", "WH")].tolist() == [16, 2, 0, 0, 18]


def test_the_worked_example_ratios_and_alternate_ratios(tmp_path):
    minimums = Minimums(min_cell_size=10, min_n_size=30, threshold=2.0)
    measures = removal_measures(*worked_example())
    rows = idea_ratios(measures, minimums)

    # District, out of school 10 days or fewer: Black 18 of 60 = 0.30 against everyone else with an
    # IEP, 34 of 100 = 0.34: 0.30 / 0.34 = 0.8824.
    black = pick(rows, DISTRICT_ID, "oss_10_or_fewer", "BL")
    assert (black["n_group"], black["events_group"]) == (60, 18)
    assert (black["n_comparison"], black["events_comparison"]) == (100, 34)
    assert black["ratio"] == pytest.approx(0.30 / 0.34)
    assert (black["ratio_type"], black["flag"]) == ("risk_ratio", None)

    # B2, White 10 days or fewer: 16 of 40 = 0.40; everyone else in B2 (20 Black, 6 removed) is
    # below the cell size, so the comparison is the district's other students with IEPs: Black,
    # 18 of 60 = 0.30. Alternate ratio 0.40 / 0.30 = 1.3333.
    white = pick(rows, "B2", "oss_10_or_fewer", "WH")
    assert white["ratio_type"] == "alternate_risk_ratio"
    assert (white["n_comparison"], white["events_comparison"]) == (60, 18)
    assert white["ratio"] == pytest.approx(0.40 / 0.30)

    # B1, total removals: Black 38 removals over 40 = 0.95 a student, White 22 over 60 = 0.3667:
    # 0.95 / (22 / 60) = 2.5909, over the threshold of 2.
    total = pick(rows, "B1", "total_removals", "BL")
    assert total["ratio"] == pytest.approx(0.95 / (22 / 60))
    assert (total["ratio_type"], total["flag"]) == ("risk_ratio", "over")

    # District, more than 10 days out: Black 12 of 60 = 0.20; everyone else, 6 of 100, is below the
    # cell size and the district has no wider comparison of its own: not calculated ...
    longer = pick(rows, DISTRICT_ID, "oss_over_10", "BL")
    assert longer["ratio_type"] == "not_calculated" and pd.isna(longer["ratio"])
    # ... until the state's comparison risk is loaded: 0.20 / 0.05 = 4.0, an alternate ratio.
    state_file = tmp_path / "state_comparison.csv"
    state_file.write_text("measure,group,comparison_risk\noss_over_10,BL,0.05\n")
    with_state = idea_ratios(measures, minimums, read_state_comparison(state_file))
    longer = pick(with_state, DISTRICT_ID, "oss_over_10", "BL")
    assert longer["ratio"] == pytest.approx(4.0)
    assert (longer["ratio_type"], longer["flag"]) == ("alternate_risk_ratio", "over")
    assert longer["risk_comparison"] == pytest.approx(0.05)

    # B1, Black more than 10 days: 8 removed is below the cell size: not calculated.
    assert pick(rows, "B1", "oss_over_10", "BL")["ratio_type"] == "not_calculated"


def test_a_state_comparison_file_with_an_unknown_measure_is_refused(tmp_path):
    bad = tmp_path / "state.csv"
    bad.write_text("measure,group,comparison_risk\noss,BL,0.05\n")
    with pytest.raises(ValueError, match="unknown measure or group oss"):
        read_state_comparison(bad)
