"""The Data page's mapping step: for a file in the district's own layout (a behaviour system's
referral export), say once which of its columns holds each of the contract table's, and what each
of its own codes means; saved as a new version of the mapping, it is used for every file named
like this one, on this page and by `python -m data_access import`.

The file's headers and values are shown as option text of select boxes (never Markdown) and,
everywhere Streamlit reads Markdown (labels, captions, messages), through `plain`."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from components.display import show_static_table, show_table
from components.text import plain
from data_access.db import session_scope
from data_access.imports.mapping import DERIVED, Mapping
from data_access.imports.mapping_step import propose_mapping
from data_access.imports.mapping_store import MappingInput, MappingRefused, save_mapping
from data_access.imports.reading import FileUnreadable, ImportFile, RawTable, read_table
from data_access.imports.tables import TABLES
from data_access.labels import readable
from data_access.models import MAPPING_TABLES
from data_access.permissions import WriteForbidden
from data_access.users.access import UserAccess

ROW_MEANS = {
    "discipline": "an incident (discipline)",
    "students": "a student in a school year (students)",
}
NOT_IN_FILE = "— not in the file —"
MADE = {"incident_id": "— made from the row —", "school_year": "— from the incident's date —"}
CHOOSE = "— choose —"
COLUMN_WORDS = {
    "action": "Action taken",
    "referral_type": "Major or minor",
    "behavior": "Problem behavior",
    "grade": "Grade",
    "race_ethnicity": "Race and ethnicity",
    "sex": "Sex",
}
CODE_WORDS = {
    "ODR": "ODR: the referral alone",
    "ISS": "ISS: in-school suspension",
    "OSS": "OSS: out-of-school suspension",
    "EXP": "EXP: expulsion",
}


def _read(file: ImportFile) -> RawTable | None:
    """The file's rows, read once per upload (kept in the session by the file's content)."""
    digest = hashlib.sha256(file.source if isinstance(file.source, bytes) else b"").hexdigest()
    kept = st.session_state.setdefault("data_mapping_reads", {})
    if (file.name, digest) not in kept:
        if len(kept) >= 8:
            kept.clear()  # uploads of earlier rounds: no need to keep them
        try:
            kept[(file.name, digest)] = read_table(file)
        except FileUnreadable:
            kept[(file.name, digest)] = None
    return kept[(file.name, digest)]


def show_mapping_step(file: ImportFile, mapping: Mapping | None, *, user: UserAccess) -> None:
    """The mapping step for one file: `mapping` is the one to revise (None: a file nothing maps)."""
    raw = _read(file)
    if raw is None:
        return
    key = "data_map_" + hashlib.sha256(file.name.encode()).hexdigest()[:10]
    with st.container(border=True):
        if mapping is None:
            st.markdown(f"**Map the columns of {plain(file.base_name)}**")
            st.caption(
                "Its name is not a table's and its columns are not a known export's. Say once "
                "which of its columns holds each of the table's; saved under the file's name, the "
                "mapping is used for every file named like it, here and by "
                "`python -m data_access import`."
            )
        else:
            then = "save a mapping for it" if mapping.version is None else "save a new version"
            st.markdown(
                f"**{plain(file.base_name)} does not fit {plain(mapping.label)}**: choose its "
                f"columns or say what its own codes mean, and {then}"
            )
        table = st.radio(
            "Each row of the file is",
            MAPPING_TABLES,
            index=MAPPING_TABLES.index(mapping.table) if mapping else 0,
            format_func=ROW_MEANS.get,
            horizontal=True,
            key=f"{key}_table",
        )
        first = propose_mapping(raw, table=table, mapping=mapping)
        columns = _choose_columns(first, table, key)
        behaviour_codes = ()
        offer = table == "discipline" and "behavior" in columns and "behavior" not in first.codes
        if offer and st.checkbox(
            "The file writes behaviours as codes", key=f"{key}_behavior_codes"
        ):
            behaviour_codes = ("behavior",)
        proposal = propose_mapping(
            raw, table=table, mapping=mapping, columns=columns, code_columns=behaviour_codes
        )
        meanings = _choose_codes(proposal, key)
        if proposal.codes:
            with st.expander("Codes the mapping already has"):
                show_static_table(
                    pd.DataFrame(
                        [
                            (COLUMN_WORDS.get(target, readable(target)), code, value)
                            for target, listed in proposal.codes.items()
                            for code, value in listed.items()
                        ],
                        columns=["Column", "The file's code", "Means"],
                    ),
                    hide_index=True,
                )
        name = st.text_input(
            "Save as (files with this name, without .csv or .xlsx, import through it)",
            value=proposal.name,
            key=f"{key}_name",
        )
        if st.button("Save the mapping", type="primary", key=f"{key}_save"):
            codes = {target: dict(listed) for target, listed in proposal.codes.items()}
            for target, chosen in meanings.items():
                codes.setdefault(target, {}).update(chosen)
            entry = MappingInput(
                name=name,
                table=table,
                columns={target: proposal.headers[source] for target, source in columns.items()},
                codes=codes,
            )
            _save(entry, user, file)


def _choose_columns(proposal, table: str, key: str) -> dict[str, str]:
    """A select box per contract column, offering the file's headers."""
    headers = proposal.headers
    chosen = {}
    boxes = st.columns(3)
    for position, column in enumerate(TABLES[table].columns):
        empty = MADE.get(column.name, NOT_IN_FILE) if column.name in DERIVED[table] else NOT_IN_FILE
        options = ["", *headers]
        guess = proposal.columns.get(column.name, "")
        picked = boxes[position % 3].selectbox(
            column.name + (" (required)" if column.required and empty == NOT_IN_FILE else ""),
            options,
            index=options.index(guess) if guess in options else 0,
            format_func=lambda header, empty=empty: headers[header] if header else empty,
            key=f"{key}_column_{table}_{column.name}",
        )
        if picked:
            chosen[column.name] = picked
    return chosen


def _choose_codes(proposal, key: str) -> dict[str, dict[str, str]]:
    """For each coded column, what each of the file's codes the mapping does not list means."""
    meanings: dict[str, dict[str, str]] = {}
    for target, found in proposal.needed.items():
        column = TABLES[proposal.table].column(target)
        words = COLUMN_WORDS.get(target, readable(target))
        st.markdown(f"**{words}**: what each of the file's own codes means")
        boxes = st.columns(4)
        for position, (code, guess) in enumerate(found):
            box = boxes[position % 4]
            widget = f"{key}_code_{proposal.table}_{target}_{hashlib.sha256(code.encode()).hexdigest()[:10]}"
            if column.kind == "text":
                meant = box.text_input(plain(code), value=guess, key=widget)
            else:
                options = ["", *column.choices]
                meant = box.selectbox(
                    plain(code),
                    options,
                    index=options.index(guess) if guess in options else 0,
                    format_func=lambda value: CODE_WORDS.get(value, value) or CHOOSE,
                    key=widget,
                )
            if meant and meant.strip():
                meanings.setdefault(target, {})[code] = meant.strip()
        if len(proposal.values.get(target, ())) >= 40:
            st.caption("The first 40 codes of the file are shown; save, and check again for more.")
    return meanings


def _save(entry: MappingInput, user: UserAccess, file: ImportFile) -> None:
    try:
        with session_scope() as session:
            saved = save_mapping(session, entry=entry, editor=user)
    except MappingRefused as refused:
        st.error(
            "The mapping was not saved:\n\n" + "\n\n".join(plain(p) for p in refused.problems),
            icon=":material/error:",
        )
        return
    except WriteForbidden as forbidden:
        st.error(plain(str(forbidden)), icon=":material/lock:")
        return
    state = st.session_state
    if saved.name != file.stem.lower():  # saved under another name: read this upload through it
        state["data_mapping"] = saved.name
    else:  # the file's own name claims it
        state.pop("data_mapping", None)
    state["data_mapping_saved"] = f"Saved {saved.label}. The files were checked again through it."
    state.pop("data_check", None)
    st.rerun()


def show_saved_mappings(versions: pd.DataFrame) -> None:
    """Every saved version of every mapping: who saved it and when."""
    if versions.empty:
        st.caption("No mapping is saved yet.")
        return
    shown = versions.assign(
        table=versions["table"].map(ROW_MEANS.get),
        saved_at=[f"{moment:%-d %b %Y, %H:%M}" for moment in versions["saved_at"]],
    )
    show_table(
        shown.rename(
            columns={
                "name": "Files named",
                "version": "Version",
                "table": "Each row is",
                "saved_by": "Saved by",
                "saved_at": "Saved (UTC)",
                "columns": "Columns mapped",
                "codes": "Local codes",
            }
        )
    )
