"""What the Equity page shows for one scope, school year and indicator, read in one session: the
indicator's published rows of the year, the buildings among them, every flag of the year with how
many school years in a row it has stood, and the indicator's rows of every school year (for one
group's trend). Plain data: the words and figures are the page's components' work."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from data_access.equity.identification import IdentificationRules, identify_flags
from data_access.equity.metrics import (
    DISTRICT_ID,
    GROUPS,
    INDICATORS,
    Minimums,
)
from data_access.equity.queries import (
    current_identification_rules,
    current_minimums,
    empty_equity,
    get_equity_of_years,
)
from data_access.scope import Scope


@dataclass(frozen=True)
class EquityView:
    school_year: str
    indicator: str
    years: tuple[str, ...]  # school years with students, newest first
    minimums: Minimums
    identification: IdentificationRules
    rows: pd.DataFrame  # the indicator's rows of the year: the district's, then each building's
    buildings: pd.Series  # building_id → name, as `rows` lists them (the district first)
    building_count: int  # buildings in scope with students that year (the district not counted)
    flagged_buildings: frozenset[str]  # buildings with a flag in the indicator (not the district)
    default_building: str  # where one building up close starts: the most flags, else the district
    # Every flag of the year, all indicators, with `years_flagged`, `concern`, `identified` and the
    # rest of identification.identify_flags: concerns first, each part longest run first.
    flags: pd.DataFrame
    history: pd.DataFrame  # the indicator's rows of every school year

    def in_building(self, building_id: str) -> pd.DataFrame:
        return self.rows[self.rows["building_id"] == building_id]

    def groups_in(self, building_id: str) -> list[tuple[str, str]]:
        """The (group_type, group) reported for the building, in the contract's order."""
        in_building = self.in_building(building_id)
        reported = set(zip(in_building["group_type"], in_building["group"], strict=True))
        return [key for key in GROUPS if key in reported]

    def default_group(self, building_id: str) -> tuple[str, str]:
        """The building's group flagged with the highest ratio, else its first group."""
        in_building = self.in_building(building_id)
        flagged_here = in_building[in_building["flag"].notna()]
        if not flagged_here.empty:
            top = flagged_here.loc[flagged_here["ratio"].astype(float).idxmax()]
            return (top["group_type"], top["group"])
        return self.groups_in(building_id)[0]

    def trend(self, building_id: str, group_type: str, group: str) -> pd.DataFrame:
        """One building's and group's rows of the indicator, school year by school year."""
        history = self.history
        return history[
            (history["building_id"] == building_id)
            & (history["group_type"] == group_type)
            & (history["group"] == group)
        ].sort_values("school_year")


def get_equity_view(
    session: Session, *, scope: Scope, school_year: str, indicator: str, years: tuple[str, ...]
) -> EquityView:
    """The Equity page's data for `scope`, `school_year` and `indicator` (see EquityView); `years`
    are the store's school years with students, newest first (`list_equity_school_years`), which
    the page has already read for its picker."""
    of_years = get_equity_of_years(session, school_years=years, scope=scope)
    every_year = pd.concat([of_years[year] for year in years]) if years else empty_equity()
    year_rows = of_years.get(school_year, empty_equity())
    rows = year_rows[year_rows["indicator"] == indicator]

    building_flags = rows[rows["flag"].notna() & (rows["building_id"] != DISTRICT_ID)]
    buildings = rows[["building_id", "building_name"]].drop_duplicates().set_index("building_id")
    identification = current_identification_rules()
    flags = identify_flags(every_year, school_year=school_year, rules=identification)
    order = {name: i for i, name in enumerate(INDICATORS)}
    # Concerns first; a flag pointing the other way (fewer suspensions than everyone else) after
    # them, as context.
    flags = (
        flags.assign(indicator_order=flags["indicator"].map(order))
        .sort_values(
            ["concern", "years_flagged", "indicator_order", "building_id", "ratio"],
            ascending=[False, False, True, True, False],
        )
        .drop(columns="indicator_order")
    )
    return EquityView(
        school_year=school_year,
        indicator=indicator,
        years=years,
        minimums=current_minimums(),
        identification=identification,
        rows=rows,
        buildings=buildings["building_name"],
        building_count=rows["building_id"].nunique() - 1,
        flagged_buildings=frozenset(building_flags["building_id"]),
        default_building=(
            building_flags["building_id"].value_counts().index[0]
            if not building_flags.empty
            else DISTRICT_ID
        ),
        flags=flags,
        history=every_year[every_year["indicator"] == indicator],
    )
