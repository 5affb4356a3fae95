"""What every page shares: a ready store (first run included), the demo-data banner, the page heading."""

from __future__ import annotations

import gc
import logging
import runpy
import threading
import uuid
from typing import Any

import streamlit as st
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)

from components.cache import load
from components.this_run import run_user, start_run
from data_access.db import StoreUnavailable, describe_error, describe_url
from data_access.scope import Scope
from data_access.settings import PROJECT_ROOT, get_settings
from data_access.store import StoreStatus, get_store_status, init_store, store_never_held_data
from data_access.users.access import UserAccess

# The server log (the console Streamlit was started from): where a page's unexpected error is
# written, traceback and all, under the reference the person on the page is shown.
logger = logging.getLogger("mtss.pages")

_first_run_lock = threading.Lock()
_startup_frozen = False


@st.cache_resource(show_spinner="Preparing the store…")
def _store_initialised(database_url: str) -> bool:
    """Upgrade the schema once per server process and store."""
    init_store(database_url)
    return True


def prepare_store() -> None:
    """Make the store ready: schema at head and, on the very first run of the default store, the demo
    district loaded with a progress bar. Stops the page with a clear message if the store is down."""
    settings = get_settings()
    url = settings.database_url
    try:
        _store_initialised(url)
        start_run()  # every run: a server that went away after startup is said plainly too
        if settings.loads_demo_on_first_run and _never_held_data(url):
            with _first_run_lock:
                if store_never_held_data(url):
                    _load_first_run_demo(url)
    except (StoreUnavailable, SQLAlchemyError) as error:
        # Every page's address is registered with the navigation hidden, and none of them runs: the
        # message stands in for whichever was asked for. Without a navigation call, Streamlit would
        # list the files in pages/ in the sidebar (every page, whoever is asking).
        st.navigation(
            [
                st.Page(str(path), default=path.stem == "overview")
                for path in sorted((PROJECT_ROOT / "pages").glob("*.py"))
            ],
            position="hidden",
        )
        show_store_unreachable(error)
        st.stop()


_held_data: set[str] = set()  # stores seen holding data: they never go back to "never held data"


def _never_held_data(url: str) -> bool:
    """`store_never_held_data`, asked of the store only until it has held data once (so not on
    every run: after the first load the answer cannot change)."""
    if url in _held_data:
        return False
    if store_never_held_data(url):
        return True
    _held_data.add(url)
    return False


def show_store_unreachable(error: Exception) -> None:
    """The one message for a database that cannot be reached: what to do, and a reference under which
    the server log holds where the store is and what the driver said (host names and ports are for
    whoever runs the server, not for every reader of the page)."""
    url = describe_url(get_settings().database_url)
    reference = _logged(
        logging.WARNING, f"The store {url} cannot be reached: {describe_error(error)}"
    )
    st.error(
        "**The dashboard cannot reach its database.** Nothing was changed. Reload this page in a "
        "minute; if it stays like this, tell whoever runs the dashboard the reference "
        f"**{reference}**: the server's log says which database and why.",
        icon=":material/database_off:",
    )


def _logged(level: int, message: str, *, error: BaseException | None = None) -> str:
    """Write `message` (and the error's traceback) to the server log under a new short reference,
    and return the reference, for the page to show."""
    reference = uuid.uuid4().hex[:8]
    logger.log(level, "%s, reference %s", message, reference, exc_info=error)
    return reference


def _store_unreachable(error: BaseException) -> bool:
    if isinstance(error, StoreUnavailable | OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def run_page(page: Any) -> None:
    """Run the page `st.navigation` chose, so that no traceback ever reaches the screen: a database
    that cannot be reached gets its plain message; any other unexpected error a plain message with a
    reference, which the server log holds with the traceback. (st.stop and st.rerun are not errors:
    they pass through.)"""
    try:
        page.run()
    except Exception as error:  # noqa: BLE001 - this is the last line: nothing may get past it
        if _store_unreachable(error):
            show_store_unreachable(error)
            return
        reference = _logged(logging.ERROR, "Unexpected error on a page", error=error)
        st.error(
            "**Something went wrong on this page**, and it could not be shown. Try again, or "
            "open another page. If it happens again, tell whoever runs the dashboard the "
            f"reference **{reference}**: the server's log has the details under it.",
            icon=":material/error:",
        )


def _load_first_run_demo(url: str) -> None:
    from data_access.demo import StoreNotEmpty, load_demo

    with st.status(
        "First run: setting up a demo district so you can try everything…", expanded=True
    ):
        bar = st.progress(0.0, text="Starting…")
        try:
            summary = load_demo(
                database_url=url,
                size="small",
                progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message),
            )
        except (StoreNotEmpty, IntegrityError):
            return  # another server process loaded it first: same result
        bar.progress(1.0, text=f"Demo district ready ({summary.seconds:.0f} s).")


def _insist_on_the_router() -> None:
    """Run every page through dashboard.py, never on its own.

    Streamlit serves a `pages/` folder beside the entry script as separate scripts until some session
    has called st.navigation in this server process. So the first request after a restart, if it is
    for a page's URL, would run that page without dashboard.py: no navigation and, once sign-in
    exists, no check of who is asking. Here the router runs in place (it runs this page again,
    properly) and this bare run stops. Running it in the same script run, rather than rerunning,
    keeps a button click that started the run."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(PROJECT_ROOT / "dashboard.py"), run_name="__main__")
        st.stop()


def page_setup(title: str, *, caption: str | None = None, presenting: bool = False) -> StoreStatus:
    """Every page starts here (dashboard.py has already made the store ready): the demo banner shows
    when the store holds demo data. `presenting` (the Overview on a projector): the banner is one
    line, and the title and caption are left out, to leave the screen to the meeting."""
    _insist_on_the_router()
    from components.layout import app_style

    app_style()
    status = load(get_store_status)
    if status.demo and presenting:
        runs_to = f" Its data runs to {status.as_of:%-d %B %Y}." if status.as_of else ""
        with st.container(key="demo_banner"):  # presentation mode's style keeps it slim
            st.info(f"**Demo data**: a made-up district.{runs_to}", icon=":material/science:")
    elif status.demo:
        as_of = f" The demo's data runs to {status.as_of:%-d %B %Y}." if status.as_of else ""
        st.info(
            f"**Demo data**: a made-up district, for trying the dashboard.{as_of} "
            "To use your district's own data, point `DATABASE_URL` at an empty store and load your "
            "files as the README's *Loading your own data* section explains.",
            icon=":material/science:",
        )
    if not presenting:
        st.title(title)
        if caption:
            st.caption(caption)
    return status


def current_user() -> UserAccess | None:
    """The person using the app (in local mode: the local user, or the role they preview), as
    dashboard.py resolved them at the start of this run."""
    known, user = run_user()
    if known:
        return user
    from components.access import identify_user

    return identify_user()


def current_scope() -> Scope:
    """The buildings whose rows the person may see. Every page passes it to its queries; someone
    the dashboard does not know sees no building's rows."""
    user = current_user()
    return user.scope if user is not None else Scope(building_ids=frozenset(), label="nothing")


def current_user_email() -> str | None:
    """The signed-in person's email, or None in local mode (nobody signs in on a laptop install)."""
    from components.access import signed_in_email

    return signed_in_email()


def building_from_link(key: str, allowed: list[str]) -> None:
    """Start a building picker (widget `key`) at the building a link names (`?building=ID`), once per
    link (and whenever the page opens anew), and only if that building is one the person may see."""
    wanted = st.query_params.get("building")
    marker = f"{key}_linked"
    fresh = key not in st.session_state  # a page opened anew: its pickers start from the link
    if wanted and wanted in allowed and (fresh or st.session_state.get(marker) != wanted):
        st.session_state[key] = wanted
        st.session_state[marker] = wanted


def freeze_startup_objects() -> None:
    """Once per server process, after its first page has run: move everything alive (modules,
    plotly's and pandas' machinery, some 260,000 objects) out of the garbage collector's sight.

    A full collection walks every tracked object; with those it took 0.12-0.15 s and landed in
    about one rerun in five, making it twice as slow. They live as long as the process, so the
    collector has nothing to find among them; afterwards a full collection takes under 0.01 s.
    Reference counting still frees them if they go (only a reference cycle among them would stay)."""
    global _startup_frozen
    if _startup_frozen:
        return
    _startup_frozen = True
    # The chart modules every page uses, so that they are in the frozen set whichever page ran.
    import components.equity_charts  # noqa: F401
    import components.fidelity_charts  # noqa: F401
    import components.meeting_charts  # noqa: F401
    import components.staff_support_charts  # noqa: F401

    gc.collect()
    gc.freeze()
