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


def entries(cached) -> int:
    """How many results Streamlit holds for one of the cache's functions."""
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    name = cached._info.func.__qualname__
    count = 0
    for api in (cache_data_api._data_caches, cache_resource_api._resource_caches):
        for caches in api._function_caches.values():
            for function_cache in caches.values():
                if not function_cache.display_name.endswith(name):
                    continue
                if hasattr(function_cache, "_mem_cache"):  # st.cache_resource
                    count += len(function_cache._mem_cache)
                else:  # st.cache_data: one statistic per entry
                    count += sum(len(s) for s in function_cache.get_stats().values())
    return count


def make_figure(view, *, building: str) -> dict:
    calls.append(1)
    return {"building": building, "rows": len(view)}


def test_a_run_that_began_before_a_write_leaves_nothing_cached_under_its_older_version(versions):
    """A session still reading version 1 after version 2 was seen gets its results, but they are not
    kept: nothing can ask for version 1 again once its runs end, so held they would only pile up."""
    cache._cached.clear()
    cache._derived.clear()
    cache._figure.clear()
    cache.load(count_rows, building="B01")
    cache.derive(make_figure, [1, 2], building="B01")
    cache.derive_figure(make_figure, [1, 2], building="B01")
    versions["version"] = 2
    cache.load(count_rows, building="B01")
    cache.derive(make_figure, [1, 2], building="B01")
    figure = cache.derive_figure(make_figure, [1, 2, 3], building="B01")
    assert figure == {"building": "B01", "rows": 3}
    assert [entries(cache._cached), entries(cache._derived), entries(cache._figure)] == [1, 1, 1]

    versions["version"] = 1  # the older run asks again, for another building
    assert cache.load(count_rows, building="B02") == 3
    assert cache.derive(make_figure, [1], building="B02") == {"building": "B02", "rows": 1}
    assert cache.derive_figure(make_figure, [1], building="B02") == {"building": "B02", "rows": 1}
    assert [entries(cache._cached), entries(cache._derived), entries(cache._figure)] == [1, 1, 1]
    # and version 2's results are still there: asking again computes nothing
    versions["version"] = 2
    before = len(calls)
    cache.load(count_rows, building="B01")
    cache.derive_figure(make_figure, [1, 2, 3], building="B01")
    assert len(calls) == before
