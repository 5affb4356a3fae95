"""Implementation fidelity: are our buildings doing MTSS as designed, and which items should each act
on? One instrument at a time (percentages of different instruments or versions are never combined)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.access import may_record
from components.cache import load
from components.drill_address import from_address, new_in_address, to_address
from components.drill_filters import at_level, level_filter
from components.fidelity_building import (
    show_administration_items,
    show_building_history,
)
from components.fidelity_district import show_all_buildings
from components.fidelity_entry import show_entry_form
from components.page import current_scope, current_user, page_setup
from components.text import plain
from components.words import as_of_words
from data_access.fidelity.queries import get_administration_items
from data_access.fidelity.view import get_default_instrument, get_fidelity_view
from data_access.school_year import school_year_of

status = page_setup(
    "Implementation fidelity",
    caption="Are our buildings doing MTSS as designed, and which items should each act on?",
)
filter_column, _ = st.columns([1, 3])
scope = at_level(current_scope(), level_filter(filter_column, key="fidelity_level"))
today = date.today()
view = load(
    get_fidelity_view,
    scope=scope,
    # A new address's, the choice made on the last run, or (first run) the one the page opens on.
    instrument=new_in_address("fidelity_instrument", "instrument")
    or st.session_state.get("fidelity_instrument")
    or load(get_default_instrument, scope=scope),
    school_year=school_year_of(status.as_of or today),
)

if view.buildings.empty:
    if scope.is_district:
        st.warning(
            "The store holds no buildings yet, so there is nothing to show. Load your district's "
            "files (see the README's *Loading your own data*).",
            icon=":material/inbox:",
        )
    else:
        st.info(
            f"This page shows each building's fidelity scores, and you see {plain(scope.label)}, so "
            "there "
            "is nothing to show here. Ask a district admin if you should see a building.",
            icon=":material/lock:",
        )
    st.stop()
if view.instruments:
    from_address("fidelity_instrument", "instrument", view.instruments, default=view.instrument)
    st.selectbox(
        "Instrument",
        view.instruments,
        key="fidelity_instrument",
        help="Scores of different instruments, or versions of one (TFI 2.1 and 3.0), are never "
        "combined or drawn on one axis.",
    )
    st.caption(f"Each building's latest administration {as_of_words(status.as_of or today)}.")
    to_address("fidelity_instrument", "instrument", view.instrument)
else:
    st.info(
        "No fidelity scores yet. Enter an administration in the *Enter an administration* tab, or "
        "load a `fidelity` file (see the README's *Loading your own data*).",
        icon=":material/inbox:",
    )

may_enter = may_record(current_user(), "save_administration")  # data_access checks it too
district_tab, building_tab, *entry_tabs = st.tabs(
    ["All buildings", "One building", *(["Enter an administration"] if may_enter else [])],
    key="tab",
    bind="query-params",  # the tab open is in the address (?tab=One+building)
)

# Only the open tab's content runs (the tabs are bound to the address, so switching reruns): the
# other tab's charts and tables were half of a warm rerun, for nothing on screen.
if view.instrument is not None and district_tab.open is not False:
    with district_tab:
        show_all_buildings(view)
if view.instrument is not None and building_tab.open is not False:
    with building_tab:
        building_id, administered_on, scale = show_building_history(view)
        to_address("fidelity_building", "building", building_id)
        items = load(
            get_administration_items,
            scope=scope,
            building_id=building_id,
            instrument=view.instrument,
            administered_on=administered_on,
        )
        show_administration_items(
            view, building_id=building_id, administered_on=administered_on, scale=scale, items=items
        )

for entry_tab in (tab for tab in entry_tabs if tab.open is not False):
    with entry_tab:
        show_entry_form(
            buildings=view.buildings,
            building_names=view.building_names,
            default_instrument=view.instrument,
            editor=current_user(),
            today=today,
        )
