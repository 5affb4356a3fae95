"""The one caching layer. A cached result is keyed by the query, its arguments, the store and the
store's data version, so a write made through any server process is seen by every other on its next
rerun, without timers or invalidation messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from data_access.db import get_data_version, session_scope
from data_access.settings import get_settings

T = TypeVar("T")


def data_version() -> int:
    with session_scope() as session:
        return get_data_version(session)


def load(query: Callable[..., T], /, **arguments: Any) -> T:
    """Run a `data_access` query (a function taking a session and keyword arguments) through the cache."""
    url = get_settings().database_url
    name = f"{query.__module__}.{query.__qualname__}"
    return _cached(query, name, url, data_version(), arguments)


@st.cache_data(show_spinner=False, max_entries=1000)
def _cached(
    _query: Callable[..., Any], name: str, url: str, version: int, arguments: dict[str, Any]
) -> Any:
    # `name`, `url`, `version` and `arguments` form the key; the query itself (leading underscore)
    # is not hashed, its name stands for it.
    with session_scope(url) as session:
        return _query(session, **arguments)
