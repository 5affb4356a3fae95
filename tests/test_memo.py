"""Area versions and the results kept by them: a write to one area leaves the others' results warm,
and a write to an area (or to anything not known to be one area) makes its results cold."""

from __future__ import annotations

import pickle
import shutil
from datetime import date

import pytest

import data_access.fidelity.queries as fidelity_queries
from data_access import memo
from data_access.db import (
    AREAS,
    KNOWN_AREA_VERSIONS,
    get_versions,
    record_write,
    session_scope,
)
from data_access.fidelity.queries import get_level_scores
from data_access.meeting.view import get_overview_view
from data_access.scope import DISTRICT


@pytest.fixture(autouse=True)
def _nothing_kept():
    memo.forget_all()
    yield
    memo.forget_all()


@pytest.fixture
def own_demo_store(demo_store_url, tmp_path) -> str:
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def write(url: str, table_name: str) -> int:
    with session_scope(url) as session:
        return record_write(session, actor="test", operation="touch", table_name=table_name)


def test_a_write_moves_only_the_version_of_its_own_area(sqlite_url):
    with session_scope(sqlite_url) as session:
        start, areas_before = get_versions(session)
    assert areas_before == dict.fromkeys(AREAS, start)

    version = write(sqlite_url, "actions")
    with session_scope(sqlite_url) as session:
        now, areas = get_versions(session)
    assert now == version == start + 1
    assert areas == dict.fromkeys(AREAS, start) | {"actions": version}

    supervision = write(sqlite_url, "supervision")
    with session_scope(sqlite_url) as session:
        areas = get_versions(session)[1]
    assert areas["staff"] == supervision and areas["actions"] == version
    assert areas["fidelity"] == areas["students"] == start


@pytest.mark.parametrize("table_name", ["*", "buildings", "instruments", "something_new"])
def test_a_write_to_no_single_area_moves_every_area(sqlite_url, table_name):
    version = write(sqlite_url, table_name)
    with session_scope(sqlite_url) as session:
        assert get_versions(session) == (version, dict.fromkeys(AREAS, version))


def counting(monkeypatch) -> list[int]:
    """Calls of the fidelity scoring under get_level_scores."""
    calls: list[int] = []
    real = fidelity_queries.score_levels

    def score_levels(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(fidelity_queries, "score_levels", score_levels)
    return calls


def page_read(url: str, query, **arguments):
    """A read as the page cache makes it: the session carries the area versions of its run."""
    with session_scope(url) as session:
        session.info[KNOWN_AREA_VERSIONS] = get_versions(session)[1]
        return query(session, **arguments)


def test_fidelity_scores_stay_warm_across_an_action_and_go_cold_on_a_fidelity_write(
    own_demo_store, monkeypatch
):
    calls = counting(monkeypatch)
    first = page_read(own_demo_store, get_level_scores, scope=DISTRICT)
    again = page_read(own_demo_store, get_level_scores, scope=DISTRICT)
    assert len(calls) == 1
    assert again.scales.equals(first.scales)

    write(own_demo_store, "actions")  # a coach saves a follow-up action
    page_read(own_demo_store, get_level_scores, scope=DISTRICT)
    assert len(calls) == 1

    write(own_demo_store, "fidelity")  # a fidelity score is entered
    page_read(own_demo_store, get_level_scores, scope=DISTRICT)
    assert len(calls) == 2
    # Only the newest version's result is kept: older ones are dropped, so memory stays flat.
    kept = [key for key in memo._results if key[0].endswith("get_level_scores('fidelity',)")]
    assert len(kept) == 1


def test_each_caller_gets_its_own_copy(own_demo_store):
    first = page_read(own_demo_store, get_level_scores, scope=DISTRICT)
    first.scales.loc[:, "percent"] = -1.0  # a careless caller
    again = page_read(own_demo_store, get_level_scores, scope=DISTRICT)
    assert (again.scales["percent"] >= 0).all()


def test_a_read_outside_the_page_cache_always_computes(own_demo_store, monkeypatch):
    """A write's own session or an export carries no area versions: nothing is kept or reused."""
    calls = counting(monkeypatch)
    for _ in range(2):
        with session_scope(own_demo_store) as session:
            get_level_scores(session, scope=DISTRICT)
    assert len(calls) == 2
    assert not memo._results


def test_the_overview_after_an_action_is_the_overview_computed_afresh(own_demo_store):
    """What the kept results give is what computing everything again gives."""
    as_of = date(2026, 3, 2)
    page_read(own_demo_store, get_overview_view, scope=DISTRICT, as_of=as_of)
    write(own_demo_store, "actions")
    warm = page_read(own_demo_store, get_overview_view, scope=DISTRICT, as_of=as_of)
    memo.forget_all()
    with session_scope(own_demo_store) as session:
        fresh = get_overview_view(session, scope=DISTRICT, as_of=as_of)
    assert warm.picture.matrix.equals(fresh.picture.matrix)
    assert warm.picture.all_flags.equals(fresh.picture.all_flags)
    assert warm.freshness.equals(fresh.freshness)
    assert warm.headlines == fresh.headlines


def test_kept_results_stay_within_their_byte_budget(monkeypatch):
    """However many results come, what is kept stays under MAX_BYTES, the least recently read
    going first; a result larger than the whole budget is never kept."""
    monkeypatch.setattr(memo, "MAX_BYTES", 1000)
    query = ("q", "store")
    result = pickle.dumps("x" * 282)
    assert len(result) == 300  # each of the five below fills a third of the budget
    for i in range(5):
        memo._keep(("q", "store", 1, i), query, 1, result)
    assert sorted(key[3] for key in memo._results) == [2, 3, 4]
    assert memo.kept_bytes() == 900
    memo._read(("q", "store", 1, 2))  # read: now the most recent
    memo._keep(("q", "store", 1, 5), query, 1, result)
    assert sorted(key[3] for key in memo._results) == [2, 4, 5]
    memo._keep(("q", "store", 1, 6), query, 1, result * 4)
    assert ("q", "store", 1, 6) not in memo._results
    assert memo.kept_bytes() == 900
    memo._keep(("q", "store", 2, 0), query, 2, result)  # a newer version drops the older
    assert list(memo._results) == [("q", "store", 2, 0)]
    assert memo.kept_bytes() == 300
