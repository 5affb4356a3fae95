"""The cache layer: results keyed by the store's data version, and older versions' results dropped
once a newer version is seen, so a day of edits does not pile up copies of every page's data."""

from __future__ import annotations

import pytest

import components.cache as cache

calls: list[int] = []


def count_rows(session, *, building: str) -> int:
    calls.append(1)
    return len(building)


@pytest.fixture
def versions(monkeypatch, sqlite_url):
    """The data version the cache sees, set by the test."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    seen = {"version": 1}
    monkeypatch.setattr(cache, "data_version", lambda: seen["version"])
    monkeypatch.setattr(cache, "_newest_version", {}, raising=False)
    calls.clear()
    return seen


def test_a_result_is_computed_once_per_data_version(versions):
    assert cache.load(count_rows, building="B01") == 3
    assert cache.load(count_rows, building="B01") == 3
    assert len(calls) == 1
    versions["version"] = 2
    assert cache.load(count_rows, building="B01") == 3
    assert len(calls) == 2


def test_results_of_an_older_version_are_dropped_when_a_newer_one_is_seen(versions):
    cache.load(count_rows, building="B01")
    versions["version"] = 2
    cache.load(count_rows, building="B01")
    versions["version"] = 1  # a run that began before the write asks again: computed afresh
    cache.load(count_rows, building="B01")
    assert len(calls) == 3
