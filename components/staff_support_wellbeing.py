"""The Staff support page's "Staff wellbeing" tab: the anonymous pulse by role and building over the
school years, from the published rows `export staff_pulse` writes (never fewer than 5 responses,
and nothing shown that would let a withheld group be worked out)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.display import show_chart, show_table
from components.staff_support_charts import role_name
from components.staff_wellbeing_charts import pulse_trend_chart
from components.text import plain
from data_access.staff_support.pulse import ALL_ROLES, PULSE_MINIMUM
from data_access.staff_support.wellbeing import StaffWellbeingView

ITEM_WORDS = {  # the pulse's items as the survey asks them (1 strongly disagree to 5 strongly agree)
    "workload": "Workload manageable",
    "supported": "Feel supported",
    "supervision_helpful": "Supervision helpful",
    "drained": "Emotionally drained",
}
SHARES = {"pct_drained_often": "Drained often", "pct_intend_to_stay": "Intend to stay"}
WITHHELD = "Withheld"
WITHHELD_HELP = (
    f"Fewer than {PULSE_MINIMUM} responses, or withheld so that a smaller group's answers cannot "
    "be worked out from the others."
)


def pulse_table(rows: pd.DataFrame, *, first: str, first_label: str) -> pd.DataFrame:
    """The rows in plain words: `first` (school year, building or role), responses ("Withheld"
    when the cell is), the four means (1-5) and the two shares (%)."""
    table = pd.DataFrame({first_label: rows[first].to_numpy()})
    table["Responses"] = [WITHHELD if pd.isna(n) else f"{int(n):,}" for n in rows["responses"]]
    for column, label in ITEM_WORDS.items():
        table[f"{label} (1-5)"] = pd.to_numeric(rows[column], errors="coerce").to_numpy()
    for column, label in SHARES.items():
        table[f"{label} (%)"] = pd.to_numeric(rows[column], errors="coerce").to_numpy()
    return table


def _config() -> dict:
    config = {
        f"{label} (1-5)": st.column_config.NumberColumn(format="%.1f")
        for label in ITEM_WORDS.values()
    }
    config |= {
        f"{label} (%)": st.column_config.NumberColumn(format="%.0f%%") for label in SHARES.values()
    }
    config["Responses"] = st.column_config.TextColumn(help=WITHHELD_HELP)
    return config


def show_wellbeing_tab(
    view: StaffWellbeingView,
    names: dict[str, str],
    *,
    school_year: str,
    building_id: str | None,
    place_name: str,
) -> None:
    """The whole tab for the district (`building_id` None) or one building."""
    st.caption(
        "An anonymous pulse support staff answer once a term (1 strongly disagree to 5 strongly "
        "agree): *my workload is manageable*, *I feel supported*, *supervision helps me*, *I feel "
        "emotionally drained by my work* (4 or 5: **drained often**), and whether they **intend to "
        f"stay**. A group is never shown below {PULSE_MINIMUM} responses; these are the same "
        "figures as the staff pulse download."
    )
    if view.rows.empty:
        st.info(
            "No pulse responses yet: import a survey export (Data page) or record a team's paper "
            "responses in the *Schedule and record supervision* tab.",
            icon=":material/inbox:",
        )
        return
    years = [y for y in view.school_years if y <= school_year] or list(view.school_years)
    year = years[-1]
    place = view.place(building_id)
    if place.empty:
        st.info(f"No pulse responses from {plain(place_name)} yet.", icon=":material/inbox:")
        return
    _over_time(place, place_name=place_name)
    _by_role(place, year, place_name=place_name)
    if building_id is None:
        _by_building(view, names, year)


def _over_time(place: pd.DataFrame, *, place_name: str) -> None:
    st.subheader(f"Over the school years: {plain(place_name)}, every support role")
    everyone = place[place["role"] == ALL_ROLES].sort_values("school_year")
    chart_column, table_column = st.columns([1, 1], gap="large")
    with chart_column:
        show_chart(
            pulse_trend_chart(
                everyone,
                x="school_year",
                series=SHARES,
                title="Drained often and intending to stay",
            ),
            key="pulse_trend_chart",
        )
    with table_column:
        show_table(
            pulse_table(everyone, first="school_year", first_label="School year"),
            column_config=_config(),
            download="staff-pulse-over-time",
        )


def _by_role(place: pd.DataFrame, year: str, *, place_name: str) -> None:
    st.subheader(f"By role: {plain(place_name)}, {year}")
    rows = place[place["school_year"] == year]
    rows = rows.assign(
        role_label=rows["role"].map(lambda r: "Every role" if r == "ALL" else role_name(r))
    )
    show_table(
        pulse_table(rows, first="role_label", first_label="Role"),
        column_config=_config(),
        download="staff-pulse-by-role",
    )
    drained = rows[(rows["role"] != ALL_ROLES) & rows["pct_drained_often"].notna()]
    worst = drained.sort_values("pct_drained_often", ascending=False).head(1)
    for row in worst.to_dict("records"):
        if row["pct_drained_often"] >= 50:
            st.warning(
                f"{role_name(row['role'])}s here: {row['pct_drained_often']:.0f}% of "
                f"{int(row['responses'])} responses feel drained often, and "
                f"{row['pct_intend_to_stay']:.0f}% intend to stay.",
                icon=":material/battery_alert:",
            )


def _by_building(view: StaffWellbeingView, names: dict[str, str], year: str) -> None:
    st.subheader(f"By building, {year}")
    rows = view.rows[(view.rows["school_year"] == year) & (view.rows["building_id"] != "DISTRICT")]
    shown = rows[rows["responses"].notna()].assign(
        building=lambda f: f["building_id"].map(lambda b: names.get(b, b)),
        role_label=lambda f: f["role"].map(lambda r: "Every role" if r == "ALL" else role_name(r)),
    )
    shown = shown.sort_values("pct_drained_often", ascending=False)
    table = pulse_table(shown, first="building", first_label="Building")
    table.insert(1, "Role", shown["role_label"].to_numpy())
    show_table(table, column_config=_config(), download="staff-pulse-by-building")
    withheld = int(rows["responses"].isna().sum())
    if withheld:
        st.caption(
            f"Most drained first. {withheld:,} building and role groups are not listed: "
            + WITHHELD_HELP[0].lower()
            + WITHHELD_HELP[1:]
        )


def show_building_pulse(pulse: pd.DataFrame, *, school_year: str) -> None:
    """One line for the Building page: the building's staff pulse this school year (its ALL row),
    and a role whose responses are mostly drained often."""
    if pulse.empty:
        st.caption(f"No staff pulse responses from this building in {school_year}.")
        return
    everyone = pulse.iloc[0]
    if everyone["role"] != ALL_ROLES or pd.isna(everyone["responses"]):
        st.caption(
            f"Staff pulse, {school_year}: withheld here ({WITHHELD_HELP[0].lower()}"
            f"{WITHHELD_HELP[1:]})"
        )
    else:
        st.markdown(
            f"**Staff pulse, {school_year}:** {everyone['pct_drained_often']:.0f}% of "
            f"{int(everyone['responses'])} responses feel drained often; "
            f"{everyone['pct_intend_to_stay']:.0f}% intend to stay."
        )
    roles = pulse[(pulse["role"] != ALL_ROLES) & pulse["responses"].notna()]
    for row in roles.to_dict("records"):
        if row["pct_drained_often"] >= 50:
            st.warning(
                f"{role_name(row['role'])}s: {row['pct_drained_often']:.0f}% of "
                f"{int(row['responses'])} responses drained often, "
                f"{row['pct_intend_to_stay']:.0f}% intend to stay.",
                icon=":material/battery_alert:",
            )
