"""Results kept per area version and shared by every session of a server process.

The page cache (components/cache.py) keys each page's view by the store's data version, so any
write makes every view cold: saving a follow-up action made the next Overview score every building's
fidelity again (a third of a cold Overview, issue 23). A query marked `@remembered("fidelity")` is
kept by the version of the areas it reads (data_access.db.TABLE_AREAS): the action leaves it warm.

Only reads made for the page cache use it (their session carries the area versions the run read;
see `KNOWN_AREA_VERSIONS`): a write's own session, or an export, always computes, so nothing
uncommitted or rolled back is ever kept. Results are kept pickled and each caller gets its own
copy, as Streamlit's cache does, so no caller can change what another sees. One session computes a
missing result while the others asking for it wait; seeing a newer version of a query's areas
drops its older results, so memory stays flat however many writes come."""

from __future__ import annotations

import functools
import pickle
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session

from data_access.db import KNOWN_AREA_VERSIONS

T = TypeVar("T")

MAX_RESULTS = 256  # a few kinds of query x scopes x dates
# What the kept results may hold in all, pickled. Counting results alone would let a few large
# ones (every principal's scope of a 400-building district) grow a server without bound.
MAX_BYTES = 256 * 2**20

_results: OrderedDict[tuple, bytes] = OrderedDict()
_kept_bytes = 0  # the sum of the kept results' sizes
_newest: dict[tuple[str, str], int] = {}  # (query, store): the newest version seen
_lock = threading.Lock()
_computing: defaultdict[tuple, threading.Lock] = defaultdict(threading.Lock)


def remembered(*areas: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Keep a query's results (a function of a session and keyword arguments that reads only the
    tables of `areas`) per version of those areas."""

    def decorate(query: Callable[..., T]) -> Callable[..., T]:
        name = f"{query.__module__}.{query.__qualname__}{areas}"

        @functools.wraps(query)
        def remembering(session: Session, **arguments: Any) -> T:
            versions = session.info.get(KNOWN_AREA_VERSIONS)
            if versions is None:  # not a page's cached read: compute
                return query(session, **arguments)
            store = str(session.get_bind().url)
            version = max(versions[area] for area in areas)
            try:
                key = (name, store, version, _frozen(arguments))
                hash(key)
            except TypeError:  # an argument that cannot be a key
                return query(session, **arguments)
            if version < _newest.get((name, store), version):
                return query(session, **arguments)  # a run from before a write: not kept
            found = _read(key)
            if found is not None:
                return found
            with _computing[key]:  # one session computes; the others wait for its result
                found = _read(key)
                if found is not None:
                    return found
                result = query(session, **arguments)
                _keep(key, (name, store), version, pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
                return result

        remembering.areas = areas  # type: ignore[attr-defined]
        return remembering

    return decorate


def _frozen(value: Any) -> Any:
    """`value` as a key: lists as tuples, dicts as sorted pairs (school_years=[...])."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def _read(key: tuple) -> Any | None:
    with _lock:
        kept = _results.get(key)
        if kept is not None:
            _results.move_to_end(key)
    return None if kept is None else pickle.loads(kept)  # noqa: S301 (our own bytes)


def _keep(key: tuple, query: tuple[str, str], version: int, result: bytes) -> None:
    global _kept_bytes
    with _lock:
        if version > _newest.get(query, -1):
            _newest[query] = version
            for old in [k for k in _results if k[:2] == query and k[2] < version]:
                _kept_bytes -= len(_results.pop(old))
                _computing.pop(old, None)
        if version < _newest[query] or len(result) > MAX_BYTES:
            return  # older than what is kept, or too large to keep at all: computed each time
        if key in _results:
            _kept_bytes -= len(_results.pop(key))
        _results[key] = result
        _kept_bytes += len(result)
        while len(_results) > MAX_RESULTS or _kept_bytes > MAX_BYTES:
            oldest, dropped = _results.popitem(last=False)  # the least recently read first
            _kept_bytes -= len(dropped)
            _computing.pop(oldest, None)


def kept_bytes() -> int:
    """What the kept results hold, pickled (the memory benchmark reports it)."""
    return _kept_bytes


def forget_all() -> None:
    """Drop every kept result (tests; a store replaced under a running process)."""
    global _kept_bytes
    with _lock:
        _kept_bytes = 0
        _results.clear()
        _newest.clear()
        _computing.clear()
