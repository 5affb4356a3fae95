"""The Staff support page's "What supervision is carrying" tab: the themes held supervision sessions
touched on (never case content), the ones rising this term in plain words, then by month, building
and role, each chart with its table beside it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.display import show_chart, show_table
from components.staff_support_charts import role_name, theme_name
from components.staff_wellbeing_charts import theme_heatmap
from components.text import plain
from data_access.labels import SUPERVISION_THEMES
from data_access.staff_support.themes import (
    RISE_MINIMUM_CHANGE,
    RISE_MINIMUM_SESSIONS,
    SupervisionThemesView,
    Term,
)

LEVEL_PLACES = {
    "elementary": "the elementary schools",
    "middle": "the middle schools",
    "high": "the high schools",
    "k8": "the K-8 schools",
    "other": "the other buildings",
}
RISING_SHOWN = 8
BUILDINGS_CHARTED = 20  # the grid by building charts at most this many (a large district has 300)


def term_words(term: Term) -> str:
    """'the spring term 2026' / 'the fall term 2025' (fall runs July to December)."""
    return f"the {term.half} term {term.start.year}"


def term_since(term: Term) -> str:
    return "since January" if term.half == "spring" else "since July"


def place_words(
    place_type: str, place: str | None, names: dict[str, str], *, district: bool
) -> str:
    if place_type == "all":
        return "across the district" if district else "across your buildings"
    if place_type == "level":
        return f"in {LEVEL_PLACES.get(str(place), 'the other buildings')}"
    return f"at {names.get(str(place), str(place))}"


def rising_sentence(
    row: dict, names: dict[str, str], view: SupervisionThemesView, *, district: bool
) -> str:
    """One rising theme in plain words, e.g. 'Attendance up 65% at Eastside High School since
    January: 20 of 40 held sessions (50%), against 9 of 30 (30%) in the fall term 2025.'"""
    where = place_words(row["place_type"], row["place"], names, district=district)
    theme = theme_name(row["theme"])
    now = f"{row['sessions']:,} of {row['held']:,} held sessions ({row['share']:.0%})"
    before_term = term_words(view.previous)
    if row["sessions_before"] == 0:
        return (
            f"**{theme}** new {where} {term_since(view.term)}: {now}; not once in "
            f"{row['held_before']:,} held sessions in {before_term}."
        )
    return (
        f"**{theme} up {row['change']:.0%}** {where} {term_since(view.term)}: {now}, against "
        f"{row['sessions_before']:,} of {row['held_before']:,} ({row['share_before']:.0%}) in "
        f"{before_term}."
    )


def show_themes_tab(
    view: SupervisionThemesView, names: dict[str, str], *, district: bool, place_name: str
) -> None:
    """The whole tab for the buildings in scope (`district`: the whole district) or one building."""
    st.caption(
        "Supervision sessions may carry themes from a fixed list (never case content), so the "
        "team sees what support staff are carrying. Counts are **held sessions carrying each "
        "theme**; a session counts at its supervisee's main building (most FTE) and once per "
        f"theme. Terms are the halves of the school year: fall (July to December) and spring "
        f"(January to June). Up to {view.as_of:%-d %B %Y}."
    )
    if view.held == 0:
        st.info(
            f"No held supervision sessions for {plain(place_name)} in {view.school_year} up to "
            f"{view.as_of:%-d %B %Y}.",
            icon=":material/inbox:",
        )
        return
    if view.by_month.empty:
        st.info(
            f"{view.held:,} held supervision session{'s' if view.held != 1 else ''} for "
            f"{plain(place_name)} in "
            f"{view.school_year}, none with a theme ticked. Themes are ticked when a session is "
            "scheduled or marked held, or come in the supervision file's themes column.",
            icon=":material/inbox:",
        )
        return
    _rising(view, names, district=district, place_name=place_name)
    _by_month(view, place_name=place_name)
    _by_building_and_role(view, names, place_name=place_name)


def _rising(
    view: SupervisionThemesView, names: dict[str, str], *, district: bool, place_name: str
) -> None:
    st.subheader(f"Rising {term_since(view.term)}: {plain(place_name)}")
    st.caption(
        f"A theme is rising when this term it came up in at least {RISE_MINIMUM_SESSIONS} held "
        f"sessions and its share of held sessions is at least {RISE_MINIMUM_CHANGE:.0%} above "
        f"{term_words(view.previous)} (shares, not counts: a term under way has fewer sessions), "
        "by more than chance would explain (a one-sided two-proportion test at the 1% level: in "
        "a small team shares swing by chance)."
    )
    if view.rising.empty:
        st.success(
            f"No theme is rising against {term_words(view.previous)}.",
            icon=":material/trending_flat:",
        )
        return
    rows = view.rising.to_dict("records")
    st.markdown(
        "\n".join(
            f"- {rising_sentence(row, _escaped(names), view, district=district)}"
            for row in rows[:RISING_SHOWN]
        )
    )
    if len(rows) > RISING_SHOWN:
        st.caption(f"And {len(rows) - RISING_SHOWN:,} more: see the tables below.")


def _escaped(names: dict[str, str]) -> dict[str, str]:
    """Building names come from a file: escaped before they join a Markdown sentence."""
    return {key: plain(value) for key, value in names.items()}


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    order = {theme: i for i, theme in enumerate(SUPERVISION_THEMES)}
    return frame.assign(
        label=frame["theme"].map(theme_name), _order=frame["theme"].map(order)
    ).sort_values("_order", kind="stable")


def _by_month(view: SupervisionThemesView, *, place_name: str) -> None:
    st.subheader(f"By month: {plain(place_name)}")
    by_month = view.by_month.assign(month_label=[f"{m:%b %Y}" for m in view.by_month["month"]])
    by_month = _labelled(by_month).sort_values(["_order", "month"], kind="stable")
    chart_column, table_column = st.columns([3, 2], gap="large")
    with chart_column:
        show_chart(
            theme_heatmap(
                by_month,
                x="month_label",
                y="label",
                z="sessions",
                title=f"Held sessions carrying each theme, {view.school_year}",
                x_title="Month",
                x_order=list(dict.fromkeys(by_month.sort_values("month")["month_label"])),
            ),
            key="themes_by_month_chart",
        )
    with table_column:
        wide = by_month.pivot_table(
            index="label", columns="month", values="sessions", aggfunc="sum", sort=False
        ).fillna(0)
        wide = wide[sorted(wide.columns)].astype(int)
        wide.columns = [f"{m:%b %Y}" for m in wide.columns]
        held = view.by_month.drop_duplicates("month").set_index("month")["held"].sort_index()
        wide.loc["Held sessions"] = [int(v) for v in held]
        show_table(
            wide.reset_index().rename(columns={"label": "Theme"}),
            download="supervision-themes-by-month",
        )


def _charted_buildings(view: SupervisionThemesView) -> list[str]:
    """At most `BUILDINGS_CHARTED` buildings for the grid: those where the rising themes take the
    largest share of held sessions first, then the most held sessions; by id when all are shown."""
    frame = view.by_building
    held = frame.drop_duplicates("building_id").set_index("building_id")["held"]
    rising = frame[frame["theme"].isin(set(view.rising["theme"]))]
    weight = rising.groupby("building_id")["share"].sum().reindex(held.index).fillna(0)
    if len(held) <= BUILDINGS_CHARTED:
        return sorted(held.index)
    order = pd.DataFrame({"weight": weight, "held": held}).sort_values(
        ["weight", "held"], ascending=False
    )
    return list(order.index[:BUILDINGS_CHARTED])


def _share_table(frame: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
    """One row per `key` value: held sessions, then each theme's sessions as a share (%)."""
    wide = (
        _labelled(frame)
        .pivot_table(index=key, columns="label", values="share", aggfunc="sum", sort=False)
        .mul(100)
        .round(0)
    )
    held = frame.drop_duplicates(key).set_index(key)["held"]
    wide.insert(0, "Held sessions", held.reindex(wide.index).astype(int))
    return wide.reset_index().rename(columns={key: label})


def _by_building_and_role(
    view: SupervisionThemesView, names: dict[str, str], *, place_name: str
) -> None:
    percent = st.column_config.NumberColumn(format="%.0f%%")
    if view.by_building["building_id"].nunique() > 1:
        st.subheader(f"By building, {view.school_year}")
        by_building = view.by_building.assign(
            building=view.by_building["building_id"].map(lambda b: names.get(b, b))
        )
        charted = _charted_buildings(view)
        chart_column, table_column = st.columns([3, 2], gap="large")
        with chart_column:
            labelled = _labelled(by_building.assign(share=by_building["share"] * 100))
            labelled = labelled[labelled["building_id"].isin(charted)]
            show_chart(
                theme_heatmap(
                    labelled,
                    x="label",
                    y="building",
                    z="share",
                    title="Share of held sessions carrying each theme (%)",
                    x_title="Theme",
                    unit="%",
                    x_order=list(dict.fromkeys(labelled.sort_values("_order")["label"])),
                    y_order=[names.get(b, b) for b in charted],
                ),
                key="themes_by_building_chart",
            )
            if len(charted) < view.by_building["building_id"].nunique():
                st.caption(
                    f"The {len(charted)} buildings where this term's rising themes come up most "
                    "(or with the most held sessions); every building is in the table."
                )
        with table_column:
            table = _share_table(by_building, "building", "Building")
            show_table(
                table,
                column_config={c: percent for c in table.columns[2:]},
                download="supervision-themes-by-building",
            )
    st.subheader(f"By role: {plain(place_name)}, {view.school_year}")
    by_role = view.by_role.assign(role_label=view.by_role["role"].map(role_name))
    table = _share_table(by_role, "role_label", "Role")
    show_table(
        table,
        column_config={c: percent for c in table.columns[2:]},
        download="supervision-themes-by-role",
    )
