"""Downloads: CSV and Excel hold the same numbers, and no cell can run as a spreadsheet formula."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from components.downloads import to_csv_bytes, to_xlsx_bytes

TABLE = pd.DataFrame(
    {
        "building": ['=HYPERLINK("http://x")', "+1 Lincoln", "-Adams", "@Hill", "Oak"],
        "students": [410, 385, 512, 0, 97],
        "risk_ratio": [2.4567, None, 0.5, -0.25, 1.0],
        "flag": [True, False, False, True, False],
    }
)


def test_text_cells_that_start_like_a_formula_are_neutralised_in_both_files():
    csv_text = to_csv_bytes(TABLE).decode("utf-8-sig")
    assert csv_text.splitlines() == [
        "building,students,risk_ratio,flag",
        '"\'=HYPERLINK(""http://x"")",410,2.4567,True',
        "'+1 Lincoln,385,,False",
        "'-Adams,512,0.5,False",
        "'@Hill,0,-0.25,True",
        "Oak,97,1.0,False",
    ]
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(TABLE, sheet_name="equity"))).active
    assert sheet.title == "equity"
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1 Lincoln",
        "'-Adams",
        "'@Hill",
        "Oak",
    ]


def test_csv_and_excel_hold_the_same_numbers():
    csv_back = pd.read_csv(io.BytesIO(to_csv_bytes(TABLE)), encoding="utf-8-sig")
    excel_back = pd.read_excel(io.BytesIO(to_xlsx_bytes(TABLE)), engine="openpyxl")
    assert csv_back["students"].tolist() == excel_back["students"].tolist()
    assert (
        csv_back["risk_ratio"].fillna(-9).tolist() == excel_back["risk_ratio"].fillna(-9).tolist()
    )
    assert csv_back["flag"].tolist() == excel_back["flag"].tolist()
    assert excel_back["students"].tolist() == [410, 385, 512, 0, 97]
    assert excel_back["risk_ratio"].iloc[0] == 2.4567
    assert pd.isna(excel_back["risk_ratio"].iloc[1])
    assert excel_back["flag"].tolist() == [True, False, False, True, False]
