"""Recording a team's paper staff pulse responses: one building, one role, one day, one row per
person's answers. Written through `data_access.staff_support.pulse_entry.record_pulse_responses`
with the acting user (who may do it is checked there); nobody is named anywhere."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components.display import show_editor
from components.staff_support_charts import role_name
from components.text import plain
from data_access.db import session_scope
from data_access.models import PULSE_ITEMS, STAFF_ROLES
from data_access.permissions import may_write
from data_access.staff_support.pulse_entry import (
    PulseAnswer,
    PulseForbidden,
    PulseInputError,
    record_pulse_responses,
)
from data_access.users.access import UserAccess

QUESTIONS = {
    "workload": "Workload manageable",
    "supported": "Feel supported",
    "supervision_helpful": "Supervision helpful",
    "drained": "Emotionally drained",
}
STAY = {"Yes": True, "No": False, "Not answered": None}
ROWS = 5  # empty rows offered; more can be added


def answers_from(table: pd.DataFrame) -> tuple[list[PulseAnswer], list[int]]:
    """The rows with any answer, as PulseAnswers (a missing item becomes 0, which data_access
    refuses with the row's number), and the numbers of rows left half empty."""
    answers, partial = [], []
    for number, row in enumerate(table.to_dict("records"), start=1):
        values = [row.get(QUESTIONS[item]) for item in PULSE_ITEMS]
        if all(pd.isna(v) for v in values):
            continue
        if any(pd.isna(v) for v in values):
            partial.append(number)
        answers.append(
            PulseAnswer(
                *(0 if pd.isna(v) else int(v) for v in values),
                intend_to_stay=STAY.get(row.get("Intend to stay") or "Not answered"),
            )
        )
    return answers, partial


def show_pulse_entry(
    buildings: dict[str, str], *, editor: UserAccess | None, today: date | None = None
) -> None:
    """The form, for the buildings in scope (building_id -> name)."""
    allowed = editor is not None and may_write(editor, "record_pulse_responses")
    with st.expander("Record a team's paper staff pulse responses", icon=":material/edit_note:"):
        st.caption(
            "Each row is one person's answers, 1 (strongly disagree) to 5 (strongly agree). "
            "Anonymous: no names are asked or kept, and no figure is shown for fewer than 5 "
            "responses."
        )
        with st.form("pulse_form", border=False):
            place, role_column, day_column = st.columns(3)
            building = place.selectbox(
                "Building",
                list(buildings),
                format_func=lambda b: f"{buildings[b]} ({b})",
                key="pulse_building",
            )
            role = role_column.selectbox(
                "Role", list(STAFF_ROLES), format_func=role_name, key="pulse_role"
            )
            day = day_column.date_input(
                "Day they answered", value=today or date.today(), format="YYYY-MM-DD"
            )
            blank = pd.DataFrame(
                {
                    **{
                        label: pd.Series([None] * ROWS, dtype="Int64")
                        for label in QUESTIONS.values()
                    },
                    "Intend to stay": pd.Series([None] * ROWS, dtype="object"),
                }
            )
            number = st.column_config.NumberColumn(min_value=1, max_value=5, step=1)
            table = show_editor(
                blank,
                num_rows="dynamic",
                hide_index=True,
                key="pulse_answers",
                column_config={
                    **{label: number for label in QUESTIONS.values()},
                    "Intend to stay": st.column_config.SelectboxColumn(options=list(STAY)),
                },
            )
            saved = st.form_submit_button(
                "Save responses", type="primary", key="pulse_submit", disabled=not allowed
            )
        if not allowed:
            st.caption("Recording pulse responses is for district leaders and district admins.")
        if not saved:
            return
        answers, partial = answers_from(table)
        if partial:
            st.error(
                f"Row {', '.join(map(str, partial))}: answer all four questions (or clear the "
                "row). Nothing was saved.",
                icon=":material/error:",
            )
            return
        try:
            with session_scope() as session:
                stored = record_pulse_responses(
                    session,
                    building_id=building,
                    role=role,
                    responded_on=day,
                    answers=answers,
                    editor=editor,
                    today=date.today(),
                )
        except (PulseInputError, PulseForbidden) as error:
            problems = getattr(error, "problems", {"": str(error)})
            for message in problems.values():
                st.error(plain(message), icon=":material/error:")
            st.error("Nothing was saved.")
        else:
            st.success(
                f"Saved {stored} response{'s' if stored != 1 else ''} for "
                f"{plain(buildings[building])}, {plain(role_name(role).lower())}."
            )
