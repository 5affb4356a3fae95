"""Data: bring the district's files in (checked whole, stored only on confirmation, all or nothing),
download a template for each table, and see how current each table is."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from components.cache import load
from components.data_mapping import show_mapping_step, show_saved_mappings
from components.data_uploads import newest_per_table
from components.display import WRAPPED_ROW_HEIGHT, show_static_table, show_table
from components.downloads import XLSX_MIME, download_menu
from components.page import current_user, page_setup
from components.text import plain
from data_access.imports.freshness import get_import_freshness
from data_access.imports.mapping_store import get_mapping_versions
from data_access.imports.pipeline import ImportResult, import_files, remove_demo
from data_access.imports.reading import ImportFile, Problem
from data_access.imports.tables import TABLE_ORDER, TABLES
from data_access.imports.templates import describe_columns, template_csv, template_xlsx

status = page_setup(
    "Data",
    caption="Import your district's files, download a template for each table, and see how "
    "current each table is.",
)
user = current_user()
if user is None or not user.is_admin:
    st.warning("Only district admins import data.", icon=":material/lock:")
    st.stop()

state = st.session_state
state.setdefault("data_upload_round", 0)


def counts_table(result: ImportResult, *, would: bool) -> pd.DataFrame:
    verb = "Would be " if would else ""
    return pd.DataFrame(
        [
            {
                "Table": counts.table,
                "Rows in the files": counts.rows,
                f"{verb}added".capitalize(): counts.added,
                f"{verb}updated".capitalize(): counts.updated,
                "Unchanged": counts.unchanged,
            }
            for counts in result.counts.values()
        ]
    )


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [(p.file, p.line, p.column, p.message) for p in problems],
        columns=["file", "line", "column", "message"],
    )


WRAPPED_ROWS = 30  # up to this many problems show as a table whose long messages wrap


def show_problems(frame: pd.DataFrame, *, message_title: str) -> None:
    """Problems or notes: file, line, column and the whole message, readable at a glance."""
    table = frame.rename(
        columns={"file": "File", "line": "Line", "column": "Column", "message": message_title}
    )
    if len(table) <= WRAPPED_ROWS:
        show_static_table(table, hide_index=True)
    else:  # thousands of problems: a scrolling table; the download holds every message whole
        show_table(
            table,
            max_rows=20,
            column_config={
                "Line": st.column_config.NumberColumn(format="%d", width="small"),
                message_title: st.column_config.TextColumn(width="large"),
            },
        )


NUMBER = st.column_config.NumberColumn(format="localized")

# --- Import ---------------------------------------------------------------------------------------
st.subheader("Import files")
st.markdown(
    "Name each file after its table: **" + "**, **".join(TABLE_ORDER) + "** (`.csv` or `.xlsx`), "
    "or add the files of a **OneRoster** export (orgs.csv, users.csv, demographics.csv, "
    "enrollments.csv, academicSessions.csv). A behaviour system's referral export (SWIS) is "
    "recognised by its columns; a file in any other layout gets a step to map its columns and "
    "codes to a table's, saved for next time. Every row is checked first; nothing is stored until "
    "you confirm, and files with any problem store nothing."
)
last = state.get("data_last_import")
if last:
    st.progress(1.0, text=f"Imported in {last['seconds']:.1f} s")
    st.success(last["message"], icon=":material/check_circle:")
    show_table(last["table"], column_config={name: NUMBER for name in last["table"].columns[1:]})

uploads = st.file_uploader(
    "Files to import",
    type=["csv", "xlsx"],
    accept_multiple_files=True,
    key=f"data_upload_{state['data_upload_round']}",
)
replace_demo = False
if status.demo:
    st.warning(
        "The store holds the **demo district**. Your files can only be imported with the demo "
        "removed, in the same step, so made-up and real data never mix.",
        icon=":material/science:",
    )
    replace_demo = st.checkbox(
        "Remove the demo district when these files are imported", key="data_replace_demo"
    )

if uploads:
    state.pop("data_last_import", None)
    uploads, replaced = newest_per_table(uploads)  # a corrected file replaces the first
    for note in replaced:
        st.info(plain(note), icon=":material/swap_horiz:")
    files = [ImportFile(upload.name, upload.getvalue()) for upload in uploads]
    mapping = state.get("data_mapping")  # saved on this page: files of any name read through it
    signature = hashlib.sha256(
        b"".join(f.name.encode() + hashlib.sha256(f.source).digest() for f in files)
        + str((replace_demo, mapping)).encode()
    ).hexdigest()
    check = state.get("data_check")
    if check is None or check[0] != signature:
        with st.spinner("Checking every row of the files…"):
            checked = import_files(
                files, editor=user, replace_demo=replace_demo, dry_run=True, mapping=mapping
            )
        state["data_check"] = check = (signature, checked)
    checked: ImportResult = check[1]

    st.markdown("**What the files were recognised as**")
    if saved_note := state.pop("data_mapping_saved", None):
        st.success(plain(saved_note), icon=":material/check_circle:")
    recognised = pd.DataFrame(
        [(f.file, f.table, f.rows, f.mapping) for f in checked.files],
        columns=["File", "Table", "Rows", "Read through"],
    )
    show_table(recognised, column_config={"Rows": NUMBER})
    if checked.warnings:
        with st.expander(f"{len(checked.warnings)} notes and warnings (nothing wrong)"):
            show_problems(problems_frame(checked.warnings), message_title="Note")

    problems = checked.file_problems
    if problems:
        st.error(
            f"**{len(problems):,} problem{'s' if len(problems) != 1 else ''} found: nothing was "
            "imported.** Fix them in the files and upload them again.",
            icon=":material/error:",
        )
        frame = problems_frame(problems)
        show_problems(frame, message_title="Problem")
        download_menu(frame, "import-problems", key="data_problems", label="Download the problems")
        by_name = {file.name: file for file in files}
        for name, revise in checked.needs_mapping.items():
            show_mapping_step(by_name[name], revise, user=user)
    elif status.demo and not replace_demo:
        st.info(
            "The files passed every check. Tick **Remove the demo district** above to import them.",
            icon=":material/info:",
        )
    else:
        st.markdown("**The files passed every check. Importing them would change:**")
        preview = counts_table(checked, would=True)
        show_table(preview, column_config={name: NUMBER for name in preview.columns[1:]})
        if st.button("Import these files", type="primary", key="data_import_confirm"):
            bar = st.progress(0.0, text="Starting…")
            result = import_files(
                files,
                editor=user,
                replace_demo=replace_demo,
                mapping=mapping,
                progress=lambda fraction, message: bar.progress(
                    min(max(fraction, 0.0), 1.0), text=plain(message)
                ),
            )
            if result.imported:
                state["data_last_import"] = {
                    "message": f"Imported {len(result.files)} file"
                    f"{'s' if len(result.files) != 1 else ''}"
                    + (" and removed the demo district" if result.replaced_demo else "")
                    + ". Every page now shows the new data."
                    + "".join(  # the file's name and the mapping's are the person's words
                        f" {plain(name)} was read through {plain(used.label)}."
                        for name, used in result.mappings.items()
                    ),
                    "table": counts_table(result, would=False),
                    "seconds": result.seconds,
                }
                state["data_upload_round"] += 1  # an empty uploader after the rerun
                state.pop("data_mapping", None)  # the next upload is claimed by its own name
                state.pop("data_check", None)
                st.rerun()  # the whole page (banner, freshness) as the store now is
            else:  # the store changed between the check and the import
                st.error(
                    "Nothing was imported: "
                    + plain("; ".join(str(p) for p in result.problems[:5])),
                    icon=":material/error:",
                )

if status.demo:  # once emptied on purpose, a store is never refilled with the demo
    with st.expander("Remove the demo district without importing"):
        st.write("Deletes every row of the demo district. Instruments and the audit log stay.")
        sure = st.checkbox("Yes, remove the demo data", key="data_clear_demo_sure")
        if st.button("Remove the demo data", disabled=not sure, key="data_clear_demo"):
            remove_demo(editor=user)
            st.rerun()

# --- Mappings -------------------------------------------------------------------------------------
with st.expander("Saved mappings of files' columns and codes"):
    st.caption(
        "Each save is a new version; imports use the newest and name it in their summary. The "
        "command line uses them too: `python -m data_access import FILE --mapping NAME`."
    )
    show_saved_mappings(load(get_mapping_versions))

# --- Templates ------------------------------------------------------------------------------------
st.subheader("Templates")
pick, csv_button, xlsx_button = st.columns([2, 1, 1], vertical_alignment="bottom")
table = pick.selectbox("Table", TABLE_ORDER, key="data_template_table")
csv_button.download_button(
    "Template (CSV)",
    data=template_csv(table),
    file_name=f"{table}.csv",
    mime="text/csv",
    key="data_template_csv",
    on_click="ignore",
    icon=":material/download:",
    width="stretch",
)
xlsx_button.download_button(
    "Template (Excel, with notes)",
    data=template_xlsx(table),
    file_name=f"{table}.xlsx",
    mime=XLSX_MIME,
    key="data_template_xlsx",
    on_click="ignore",
    icon=":material/download:",
    width="stretch",
)
st.caption(f"**{table}.csv** or **{table}.xlsx**: {TABLES[table].description}")
show_table(
    describe_columns(table).rename(columns=str.capitalize),
    column_config={"Required": st.column_config.TextColumn(width="small")},
    row_height=WRAPPED_ROW_HEIGHT,  # what a column is, on two lines: the table fits 1280 px
)

# --- Freshness ------------------------------------------------------------------------------------
st.subheader("How current is each table?")
st.caption("Rows in the store, and the last import that brought each table.")
freshness = load(get_import_freshness)
shown = freshness.assign(
    last_import=[
        "" if pd.isna(moment) else f"{moment:%-d %b %Y, %H:%M}"
        for moment in freshness["last_import"]
    ]
)
show_table(
    shown.rename(
        columns={
            "table": "Table",
            "rows": "Rows",
            "last_import": "Last imported (UTC)",
            "by": "By",
            "change": "What it changed",
        }
    ),
    column_config={"Rows": NUMBER},
)
download_menu(freshness, "data-freshness", key="data_freshness")
