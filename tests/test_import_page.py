"""The Data page (AppTest) and the freshness table it shows, on stores built by the importer."""

from __future__ import annotations

import shutil

from data_access.db import session_scope
from data_access.imports.freshness import get_import_freshness
from tests.test_import_rules import district_files, run_import
from tests.test_pages import open_app


def test_freshness_says_when_each_table_was_last_imported_and_what_changed(sqlite_url, tmp_path):
    assert run_import(sqlite_url, district_files(tmp_path / "first")).ok
    students = tmp_path / "first" / "students.csv"
    assert run_import(sqlite_url, students).ok  # the same rows again: all unchanged
    with session_scope(sqlite_url) as session:
        freshness = get_import_freshness(session).set_index("table")
    assert freshness.loc["students", ["rows", "by", "change"]].tolist() == [
        4,
        "test",
        "0 added, 0 updated, 4 unchanged",
    ]
    assert freshness.loc["buildings", "change"] == "2 added, 0 updated, 0 unchanged"
    assert freshness.loc["students", "last_import"] > freshness.loc["buildings", "last_import"]
    assert len(freshness) == 16  # with school_calendar and staff_pulse


def test_after_the_demo_is_replaced_no_table_claims_demo_data(demo_store_url, tmp_path):
    store = tmp_path / "demo.db"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), store)
    url = f"sqlite:///{store}"
    with session_scope(url) as session:
        before = get_import_freshness(session).set_index("table")
    assert before.loc["staff", "change"] == "demo data"

    folder = tmp_path / "files"
    district_files(folder)
    assert run_import(url, folder / "buildings.csv", replace_demo=True).ok
    with session_scope(url) as session:
        after = get_import_freshness(session).set_index("table")
    assert after.loc["buildings", ["rows", "change"]].tolist() == [
        2,
        "2 added, 0 updated, 0 unchanged",
    ]
    assert after.loc["staff", ["rows", "change"]].tolist() == [0, "never imported"]
    assert after.loc["instruments", "change"] == "built in or entered in the app"


def test_the_data_page_offers_templates_and_the_demo_switch(monkeypatch, demo_store_url):
    app = open_app(monkeypatch, demo_store_url, "pages/data.py")
    assert not app.exception, [error.value for error in app.exception]
    assert app.title[0].value == "Data"
    assert app.checkbox(key="data_replace_demo").value is False
    assert any("demo district" in warning.value for warning in app.warning)

    app.selectbox(key="data_template_table").select("students").run()
    description = app.dataframe[0].value
    assert description["Column"].tolist()[:4] == [
        "student_id",
        "school_year",
        "building_id",
        "grade",
    ]
    assert description.set_index("Column").loc["grade", "Allowed values"] == "PK, K, 1-12"
    freshness = app.dataframe[1].value.set_index("Table")
    assert freshness.loc["buildings", "Rows"] == 12
    assert freshness.loc["buildings", "What it changed"] == "demo data"


BAD_BUILDINGS = b"building_id,name,level\nB1,Lincoln Elementary,castle\nB2,Adams Middle,middle\n"
GOOD_BUILDINGS = (
    b"building_id,name,level\nB1,Lincoln Elementary,elementary\nB2,Adams Middle,middle\n"
)


def test_a_corrected_file_uploaded_again_replaces_the_first_and_only_its_problems_show(
    monkeypatch, sqlite_url
):
    monkeypatch.setenv("MTSS_DEMO_ON_FIRST_RUN", "false")
    app = open_app(monkeypatch, sqlite_url, "pages/data.py")
    uploader = app.file_uploader(key="data_upload_0")
    uploader.set_value([("buildings.csv", BAD_BUILDINGS, "text/csv")]).run()
    assert not app.exception, [error.value for error in app.exception]
    assert any("1 problem found" in error.value for error in app.error)

    # The corrected file added beside the first: the newer one is the one checked, alone.
    app.file_uploader(key="data_upload_0").set_value(
        [
            ("buildings.csv", BAD_BUILDINGS, "text/csv"),
            ("buildings.csv", GOOD_BUILDINGS, "text/csv"),
        ]
    ).run()
    assert not app.exception, [error.value for error in app.exception]
    assert not app.error, [error.value for error in app.error]
    recognised = app.dataframe[0].value
    assert recognised[["File", "Table", "Rows"]].values.tolist() == [
        ["buildings.csv", "buildings", 2]
    ]
    assert any(
        "buildings.csv uploaded again: the file added last replaces the earlier one" in info.value
        for info in app.info
    ), [info.value for info in app.info]
    assert any("passed every check" in text.value for text in app.markdown)
