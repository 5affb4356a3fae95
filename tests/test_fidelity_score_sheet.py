"""Filling the fidelity entry form from pasted scores or an item-score file: every value goes through
`FidelityScoreInput`, and a bad value is named by its line and item, with nothing filled."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from data_access.fidelity.score_sheet import read_pasted_scores, read_score_file

TFI = pd.read_csv("data_access/instruments/TFI-2.1.csv", dtype={"item_id": str})
ITEMS = TFI[["item_id", "item_title", "max_score"]]
IDS = list(TFI["item_id"])


def test_a_pasted_column_fills_every_item_in_order_and_a_blank_line_is_not_scored():
    scores = [2, 1, 0] * 15
    lines = [str(score) for score in scores]
    lines[44] = ""  # 3.17 not scored
    # As a spreadsheet copies a column: a line break after each cell, the last cell empty.
    sheet = read_pasted_scores("\n".join(lines) + "\n", instrument="TFI-2.1", items=ITEMS)
    assert sheet.problems == []
    assert len(sheet.scores) == 45
    assert sheet.scores["1.1"] == 2 and sheet.scores["1.10"] == 2 and sheet.scores["2.2"] == 1
    assert sheet.scores["3.17"] is None
    assert sheet.described == "a column of 45 lines: 44 items scored, 1 left blank"


def test_a_column_of_the_wrong_length_is_refused_with_the_counts():
    sheet = read_pasted_scores("2\n2\n1", instrument="TFI-2.1", items=ITEMS)
    assert sheet.scores == {}
    assert sheet.problems == [
        "You pasted 3 scores, one per line, but TFI-2.1 has 45 items: paste one line per item, "
        "in order (an empty line for an item not scored), or item and score pairs."
    ]


def test_item_and_score_pairs_by_tab_or_comma_with_a_header_and_titles():
    text = "Item\tScore\n1.1 Team Composition\t2\n1.10,1\nItem 2.3: Screening Procedures,0\n3.17,\n"
    sheet = read_pasted_scores(text, instrument="TFI-2.1", items=ITEMS)
    assert sheet.problems == []
    assert {k: v for k, v in sheet.scores.items() if v is not None} == {
        "1.1": 2,
        "1.10": 1,
        "2.3": 0,
    }
    assert set(sheet.scores) == set(IDS)  # every other item blank: the form becomes the paste
    assert sheet.described == "4 item and score pairs: 3 items scored"


def test_bad_values_are_named_by_line_and_item_and_nothing_is_filled():
    text = "1.1,2\n1.2,3\n1.3,two\n9.9,1\n1.1,1\n1.4,1.5\n1.5,-1"
    sheet = read_pasted_scores(text, instrument="TFI-2.1", items=ITEMS)
    assert sheet.scores == {}
    assert sheet.problems == [
        "Line 2: Item 1.2 is scored from 0 to 2; 3 is out of range.",
        "Line 3: Item 1.3: 'two' is not a whole number from 0 to 2 (write it with the digits 0-9).",
        "Line 4: 9.9 is not an item of TFI-2.1.",
        "Line 5: item 1.1 is given twice (lines 1 and 5).",
        "Line 6: Item 1.4: '1.5' is not a whole number from 0 to 2.",
        "Line 7: Item 1.5 is scored from 0 to 2; -1 is out of range.",
    ]


def test_an_item_export_file_csv_or_excel_fills_the_form():
    rows = [
        ["School", "Survey Date", "Item", "Item Description", "Score"],
        *[
            ["Lincoln", "2026-02-27", item, title, "1"]
            for item, title in zip(IDS, TFI["item_title"], strict=True)
        ],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    text = out.getvalue()
    sheet = read_score_file("tfi-items.csv", text.encode(), instrument="TFI-2.1", items=ITEMS)
    assert sheet.problems == []
    assert set(sheet.scores.values()) == {1} and len(sheet.scores) == 45

    workbook = openpyxl.Workbook()
    sheet_xl = workbook.active
    sheet_xl.append(["TFI item report"])  # a title line above the header
    sheet_xl.append(["Item #", "Points"])
    sheet_xl.append(["1.1", 2])
    sheet_xl.append(["1.10", 0])
    sheet_xl.append(["1.2", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    refused = read_score_file("tfi.xlsx", buffer.getvalue(), instrument="TFI-2.1", items=ITEMS)
    assert refused.scores == {}
    assert refused.problems == ["Row 5: Item 1.2 is scored from 0 to 2; 3 is out of range."]


def test_a_file_without_an_item_and_a_score_column_says_what_it_needs():
    sheet = read_score_file("scores.csv", b"a,b\n1,2\n", instrument="TFI-2.1", items=ITEMS)
    assert sheet.scores == {}
    assert sheet.problems == [
        "scores.csv has no header row with an item column (Item, Item number, Question) and a "
        "score column (Score, Points, Response) in its first 10 rows."
    ]
