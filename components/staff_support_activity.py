"""The Supervision tab's activity: supervisee sessions by month and status, individual and group
supervision, and the support staff with nothing in the calendar."""

from __future__ import annotations

import streamlit as st

from components.display import WRAPPED_ROW_HEIGHT, show_chart, show_table
from components.staff_support_charts import format_mix_chart, role_name, sessions_by_month_chart
from components.text import plain
from components.words import with_dashes
from data_access.staff_support.queries import SupervisionActivity
from data_access.staff_support.view import StaffSupportPlace, StaffSupportView


def show_sessions_by_month(
    view: StaffSupportView,
    place: StaffSupportPlace,
    activity: SupervisionActivity,
    *,
    place_name: str,
) -> None:
    """Supervisee sessions by month and status, the individual/group mix of held ones, and who has
    nothing scheduled ahead: for the district or one building's team."""
    as_of, school_year = view.as_of, view.school_year
    st.subheader(f"Held, cancelled and scheduled, by month: {plain(place_name)}")
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        show_chart(
            sessions_by_month_chart(
                activity.months, title=f"Supervisee sessions by month, {school_year}"
            ),
            key="sessions_by_month_chart",
        )
    with table_column:
        st.caption(
            "A group session counts once per supervisee. *Scheduled* sessions dated on or before "
            f"{as_of:%-d %B} have not been marked held or cancelled yet."
        )
        months = activity.months.assign(cancelled_share=activity.months["cancelled_share"] * 100)
        show_table(
            with_dashes(months, {"cancelled_share": "{:.0f}%"})[
                ["label", "held", "cancelled", "scheduled", "cancelled_share"]
            ].rename(
                columns={
                    "label": "Month",
                    "held": "Held",
                    "cancelled": "Cancelled",
                    "scheduled": "Scheduled",
                    "cancelled_share": "Cancelled %",
                }
            ),
            column_config={
                "Cancelled %": st.column_config.TextColumn(
                    help="Cancelled, as a share of sessions held or cancelled (— with none)"
                )
            },
            download="supervision-by-month",
        )

    mix_column, ahead_column = st.columns([1, 1], gap="large")
    with mix_column:
        st.subheader("Individual and group supervision")
        show_chart(
            format_mix_chart(activity.formats, title=f"Held sessions by format, {school_year}"),
            key="format_mix_chart",
        )
        formats = activity.formats.assign(
            format=activity.formats["format"].str.capitalize(),
            share=activity.formats["share"] * 100,
        )
        show_table(
            formats.rename(
                columns={"format": "Format", "sessions": "Held sessions", "share": "Share (%)"}
            ),
            column_config={"Share (%)": st.column_config.NumberColumn(format="%.0f%%")},
            download="supervision-formats",
        )
    with ahead_column:
        st.subheader("Nothing in the calendar")
        st.caption(
            f"Support staff with no supervision session scheduled after {as_of:%-d %B %Y}: "
            "supervision only happens when it is in the calendar."
        )
        ahead = place.nothing_scheduled
        if place.staff.empty:
            st.caption(
                f"{place.nothing_ahead:,} support staff; names are shown for your buildings only."
            )
        elif ahead.empty:
            st.success("Everyone has a session in the calendar.", icon=":material/event_available:")
        else:
            show_table(
                ahead.assign(
                    role=ahead["role"].map(role_name),
                    building_ids=ahead["building_ids"].str.replace(";", ", "),
                )[["name", "role", "building_ids", "last_held_on"]].rename(
                    columns={
                        "name": "Name",
                        "role": "Role",
                        "building_ids": "Buildings",
                        "last_held_on": "Last held",
                    }
                ),
                max_rows=10,
                column_config={"Last held": st.column_config.DateColumn(format="D MMM YYYY")},
                row_height=WRAPPED_ROW_HEIGHT,  # half a 1280 px screen: names and roles wrap
                download="supervision-nothing-scheduled",
            )
