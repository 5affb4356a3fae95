"""What one run of the app reads once and hands down: the store's data version (every cached result
is keyed by it) and the person using the app. dashboard.py starts each run; pages and components ask
here instead of reading the store or resolving the user again."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data_access.db import get_versions, local_writes, session_scope
from data_access.users.access import UserAccess

_THIS_RUN = "_this_run"  # session_state key, replaced at the start of every run


@dataclass
class ThisRun:
    version: int
    writes_seen: int  # this process's write count when `version` was read
    areas: dict[str, int]  # each area's version, read with `version` (data_access/memo.py)
    user: UserAccess | None = None
    user_known: bool = False


def start_run() -> None:
    """First thing in every run (dashboard.py): read the data version. It is also the check that the
    store answers, so a database that went away is said plainly from here."""
    writes = local_writes()
    version, areas = _read_versions()
    st.session_state[_THIS_RUN] = ThisRun(version=version, writes_seen=writes, areas=areas)


def set_user(user: UserAccess | None) -> None:
    """dashboard.py, once it knows who is using the app in this run."""
    run = _this_run()
    if run is not None:
        run.user, run.user_known = user, True


def run_user() -> tuple[bool, UserAccess | None]:
    """(known, user): whether dashboard.py has said who the user is in this run, and who."""
    run = _this_run()
    if run is None or not run.user_known:
        return False, None
    return True, run.user


def data_version() -> int:
    """The data version this run reads with. Read again only when a write committed in this
    process since (this run's own save, so the page shows what it saved), or outside a run."""
    return _versions()[0]


def area_versions() -> dict[str, int]:
    """Each area's version, read with `data_version()`."""
    return _versions()[1]


def _versions() -> tuple[int, dict[str, int]]:
    run = _this_run()
    if run is None:
        return _read_versions()
    writes = local_writes()
    if writes != run.writes_seen:
        (run.version, run.areas), run.writes_seen = _read_versions(), writes
    return run.version, run.areas


def _this_run() -> ThisRun | None:
    if get_script_run_ctx(suppress_warning=True) is None:
        return None  # a bare script or a test calling a function directly: no run to remember
    run = st.session_state.get(_THIS_RUN)
    return run if isinstance(run, ThisRun) else None


def _read_versions() -> tuple[int, dict[str, int]]:
    with session_scope() as session:
        return get_versions(session)
