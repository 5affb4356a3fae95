"""The form for entering a fidelity administration: building, instrument, date and every item's score,
grouped by scale. Validation and saving live in `data_access.fidelity.writes`; this draws the form,
puts each problem next to its field, and reports what was saved."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.exc import IntegrityError

from components.cache import load
from components.fidelity_paste import show_score_filler
from components.fidelity_tables import long_date
from components.text import plain
from data_access.db import session_scope
from data_access.fidelity.queries import get_instrument_items, list_instruments
from data_access.fidelity.writes import (
    AdministrationEntry,
    AdministrationRejected,
    save_administration,
)
from data_access.permissions import may_write
from data_access.users.access import UserAccess

SAVED_KEY = "fidelity_saved"  # the confirmation shown after the rerun that follows a save


def item_key(instrument: str, item_id: str) -> str:
    return f"fidelity_entry_item_{instrument}_{item_id}"


def show_entry_form(
    *,
    buildings: pd.DataFrame,
    building_names: Mapping[str, str],
    default_instrument: str | None,
    editor: UserAccess | None,
    today: date,
) -> None:
    if editor is None or not may_write(editor, "save_administration"):
        st.info(
            "Entering an administration is for district leaders and district admins; ask one of "
            "them to enter your building's scores.",
            icon=":material/lock:",
        )
        return
    if saved := st.session_state.pop(SAVED_KEY, None):
        st.success(saved, icon=":material/check_circle:")
    instruments = load(list_instruments)
    if not instruments or buildings.empty:
        st.info("Scores need a building and an instrument in the store first.")
        return
    if st.session_state.get("fidelity_entry_instrument") not in (None, *instruments):
        del st.session_state["fidelity_entry_instrument"]
    instrument = st.selectbox(
        "Instrument to enter",
        instruments,
        index=instruments.index(default_instrument) if default_instrument in instruments else 0,
        key="fidelity_entry_instrument",
    )
    definition = load(get_instrument_items, instrument=instrument)
    show_score_filler(instrument=instrument, items=definition, field_key=item_key)

    notes = {}  # field → the place for its message
    with st.form("fidelity_entry_form"):
        top_message = st.empty()
        building_column, date_column, replace_column = st.columns([2, 1, 2])
        with building_column:
            building_id = st.selectbox(
                "Building",
                list(buildings["building_id"]),
                index=None,
                placeholder="Choose a building",
                format_func=lambda b: building_names.get(b, b),
                key="fidelity_entry_building",
            )
            notes["building_id"] = st.empty()
        with date_column:
            administered_on = st.date_input(
                "Date taken", value=today, max_value=today, key="fidelity_entry_date"
            )
            notes["administered_on"] = st.empty()
        with replace_column:
            replace = st.checkbox(
                "Replace the existing administration",
                key="fidelity_entry_replace",
                help="Tick only to overwrite scores already saved for this building, instrument "
                "and date: every item of that administration is replaced by what you enter here.",
            )
            notes["existing"] = st.empty()
        st.caption(
            "Score every item the team scored; leave an item blank if it was not scored. A scale "
            "with a blank item is saved as incomplete (no percent), never as a low score."
        )
        notes["scores"] = st.empty()
        scores: dict[str, int | None] = {}
        for scale, items in definition.groupby("scale", sort=False):
            tops = sorted(set(items["max_score"].astype(int)))
            scoring = (
                f"each scored 0 to {tops[0]}" if len(tops) == 1 else "scored 0 to each maximum"
            )
            st.markdown(f"**{plain(scale)}**: {len(items)} items, {scoring}")
            columns = st.columns(3)
            for index, item in enumerate(items.itertuples()):
                with columns[index % 3]:
                    # No min or max on the box: a browser refuses a value outside them without
                    # a word and sends the old one; the save checks the range and says so.
                    scores[item.item_id] = st.number_input(
                        f"{plain(item.item_id)} {plain(item.item_title)}",
                        value=None,
                        step=1,
                        placeholder=f"0 to {item.max_score}, blank: not scored",
                        key=item_key(instrument, item.item_id),
                    )
                    notes[f"item:{item.item_id}"] = st.empty()
        submitted = st.form_submit_button(
            "Save the administration", type="primary", key="fidelity_entry_save"
        )
    if not submitted:
        return

    entry = AdministrationEntry(
        building_id=building_id,
        instrument=instrument,
        administered_on=administered_on,
        scores=scores,
    )
    try:
        with session_scope() as session:
            saved = save_administration(
                session, entry=entry, replace=replace, editor=editor, today=today
            )
    except AdministrationRejected as rejected:
        count = len(rejected.problems)
        top_message.error(
            f"Nothing was saved: {count} problem{'s' if count > 1 else ''} to fix, marked below.",
            icon=":material/error:",
        )
        for field, message in rejected.problems.items():
            notes.get(field, notes["scores"]).error(plain(message))
        # Again by the Save button, where the eye is after pressing it (45 items below the top).
        st.error(
            f"Nothing was saved: {count} problem{'s' if count > 1 else ''} to fix, marked above: "
            + plain(" ".join(rejected.problems.values())),
            icon=":material/error:",
        )
        return
    except IntegrityError:  # another person saved the same administration a moment ago
        top_message.error(
            "Nothing was saved: someone saved scores for this building, instrument and date a "
            "moment ago. Tick “Replace the existing administration” to overwrite them.",
            icon=":material/error:",
        )
        return
    st.session_state[SAVED_KEY] = (
        f"Saved {plain(building_names.get(saved.building_id, saved.building_id))}'s "
        f"{plain(saved.instrument)} of {long_date(saved.administered_on)}: {saved.items_scored} of "
        f"{saved.items_total} items scored"
        + (" (the earlier administration on that date was replaced)." if saved.replaced else ".")
    )
    st.rerun()  # every chart above now reads the new data version
