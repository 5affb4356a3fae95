"""The one caching layer. A cached result is keyed by the query, its arguments, the store and the
store's data version, so a write made through any server process is seen by every other on its next
rerun, without timers or invalidation messages. `load` runs a data_access query; `derive` runs what a
page computes from loaded data."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from components.this_run import area_versions, data_version
from data_access.db import KNOWN_AREA_VERSIONS, KNOWN_VERSION, session_scope
from data_access.settings import get_settings

T = TypeVar("T")


_newest_version: dict[str, int] = {}  # per store: the newest data version this process has seen
_forget_lock = threading.Lock()


def _key(function: Callable[..., Any]) -> tuple[str, str, int]:
    """What every cached result is keyed by besides its arguments: the function's name (standing
    for the function, which is not hashed), the store and the store's data version."""
    url, version = get_settings().database_url, data_version()
    if version > _newest_version.get(url, -1):
        _forget_older_versions(url, version)
    return f"{function.__module__}.{function.__qualname__}", url, version


def _forget_older_versions(url: str, version: int) -> None:
    """A write made every cached result of older versions unreachable (they are keyed by version):
    drop them now rather than let each write add a full set of results to the process's memory."""
    with _forget_lock:
        if version <= _newest_version.get(url, -1):
            return
        first_sight = url not in _newest_version
        _newest_version[url] = version
        if not first_sight:
            _cached.clear()
            _derived.clear()
            _figure.clear()


def _stale(key: tuple[str, str, int]) -> bool:
    """Whether a newer version than this run's was already seen: a run that began before a write
    (another session's, or another process's) still reads with the version it started with. Its
    results are computed but not kept, since nothing can ask for that version again once its runs
    end; kept, they would stay until `max_entries` pushed them out (and the caches that were cleared
    for the newer version would fill up again with the older one)."""
    _name, url, version = key
    return version < _newest_version.get(url, version)


def load(query: Callable[..., T], /, **arguments: Any) -> T:
    """Run a `data_access` query (a function taking a session and keyword arguments) through the cache."""
    key = _key(query)
    if _stale(key):
        return _run_query(query, *key, arguments)
    return _cached(query, *key, arguments)


def _run_query(
    _query: Callable[..., Any], name: str, url: str, version: int, arguments: dict[str, Any]
) -> Any:
    with session_scope(url) as session:
        session.info[KNOWN_VERSION] = version  # what this result will be cached under
        session.info[KNOWN_AREA_VERSIONS] = area_versions()  # read with it (data_access/memo.py)
        return _query(session, **arguments)


_cached = st.cache_data(show_spinner=False, max_entries=1000)(_run_query)


def derive(compute: Callable[..., T], /, view: Any, **arguments: Any) -> T:
    """`compute(view, **arguments)` through the same cache: for work a page does on its loaded view
    (labelling rows) that would otherwise be redone on every rerun. `arguments` are the filters the
    view was loaded with, and with the data version they are the key; `view` itself is handed over
    but not hashed (those filters already decide it), and nothing here loads: no cache call runs
    inside a cached one."""
    key = _key(compute)
    if _stale(key):
        return _compute_derived(compute, *key, arguments, view)
    return _derived(compute, *key, arguments, view)


def _compute_derived(
    _compute: Callable[..., Any],
    name: str,
    url: str,
    version: int,
    arguments: dict[str, Any],
    _view: Any,
) -> Any:
    return _compute(_view, **arguments)


_derived = st.cache_data(show_spinner=False, max_entries=1000)(_compute_derived)


def derive_figure(build: Callable[..., T], /, view: Any, **arguments: Any) -> T:
    """`derive` for a plotly figure: the figure object itself is kept (an unpickled figure is
    validated again, which is the slow part of building one) and shared by every session, so whoever
    draws it must not change it (`show_chart` does not)."""
    key = _key(build)
    if _stale(key):
        return _build_figure(build, *key, arguments, view)
    return _figure(build, *key, arguments, view)


def _build_figure(
    _build: Callable[..., Any],
    name: str,
    url: str,
    version: int,
    arguments: dict[str, Any],
    _view: Any,
) -> Any:
    return _build(_view, **arguments)


_figure = st.cache_resource(show_spinner=False, max_entries=100)(_build_figure)
