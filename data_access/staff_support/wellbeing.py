"""What the Staff support page's wellbeing tab shows: the published staff pulse rows
(`pulse.published_pulse`, the very rows `export staff_pulse` writes), so no figure on screen is one
the file withholds, and nothing on screen is worked out from the answers any other way. One row per
school year, building (and DISTRICT) and role (and ALL); a withheld cell's figures are empty."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from data_access.memo import remembered
from data_access.scope import Scope
from data_access.staff_support.pulse import ALL_ROLES, DISTRICT_ID, published_pulse


@dataclass(frozen=True)
class StaffWellbeingView:
    rows: pd.DataFrame  # STAFF_PULSE_COLUMNS: the buildings in scope and the DISTRICT, every year
    school_years: tuple[str, ...]  # the years anyone answered, oldest first

    def place(self, building_id: str | None) -> pd.DataFrame:
        """The rows of one building (or the DISTRICT's, for None), every year and role."""
        return self.rows[self.rows["building_id"] == (building_id or DISTRICT_ID)]

    def buildings_in(self, school_year: str) -> pd.DataFrame:
        """Each building's ALL row of one school year (not the DISTRICT's)."""
        rows = self.rows
        return rows[
            (rows["school_year"] == school_year)
            & (rows["role"] == ALL_ROLES)
            & (rows["building_id"] != DISTRICT_ID)
        ]


@remembered("staff")
def get_staff_wellbeing_view(session: Session, *, scope: Scope) -> StaffWellbeingView:
    rows = published_pulse(session, scope=scope)
    return StaffWellbeingView(rows=rows, school_years=tuple(sorted(set(rows["school_year"]))))
