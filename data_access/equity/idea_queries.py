"""The IDEA discipline rows of one school year as they may be published, for a viewer's scope: the
district-level analogue of the state's calculation (34 CFR 300.647(b)(3)-(4)), in the contract's
`equity` columns with indicator `idea_<measure>` and group_type `race_ethnicity` (the groups are
students with IEPs of each race and ethnicity).

Every building is counted whatever the viewer's scope (as for equity: what is withheld depends on the
whole district), then protected jointly with the year's published equity rows (`idea_disclosure`),
then filtered to the scope. The students' rows read here (pseudonymous ID, building, race and
ethnicity of students with IEPs, and their removals) are aggregated at once and never returned.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from data_access.equity.idea import (
    IDEA_MEASURES,
    idea_ratios,
    read_state_comparison,
    removal_measures,
)
from data_access.equity.idea_disclosure import iep_published, protect_idea
from data_access.equity.metrics import DISTRICT_ID, EXPORT_COLUMNS
from data_access.equity.queries import current_minimums, get_equity
from data_access.models import Building, Discipline, Student
from data_access.scope import DISTRICT, Scope
from data_access.settings import get_settings

IDEA_INDICATORS: dict[str, str] = {f"idea_{name}": words for name, words in IDEA_MEASURES.items()}


def state_comparison() -> pd.DataFrame | None:
    """The state's comparison rates the district loaded (MTSS_IDEA_STATE_RATES), or None."""
    path = get_settings().idea_state_rates
    return read_state_comparison(path) if path else None


def get_idea(session: Session, *, school_year: str, scope: Scope) -> pd.DataFrame:
    """The IDEA rows of `school_year`: the district's and every building in `scope`, with
    `building_name`, `withheld_group` and `withheld_comparison`. Withheld values are NaN."""
    students = pd.DataFrame(
        session.execute(
            select(Student.student_id, Student.building_id, Student.race_ethnicity, Student.iep)
            .where(Student.school_year == school_year)
            .where(Student.iep)
        ).all(),
        columns=["student_id", "building_id", "race_ethnicity", "iep"],
    )
    if students.empty:
        return pd.DataFrame(columns=[*EXPORT_COLUMNS, "building_name"])
    discipline = pd.DataFrame(
        session.execute(
            select(Discipline.student_id, Discipline.action, Discipline.days_removed)
            .join(
                Student,
                (Student.student_id == Discipline.student_id)
                & (Student.school_year == Discipline.school_year),
            )
            .where(Discipline.school_year == school_year)
            .where(Student.iep)
        ).all(),
        columns=["student_id", "action", "days_removed"],
    )
    minimums = current_minimums()
    measures = removal_measures(students, discipline)
    raw = idea_ratios(measures, minimums, state_comparison())
    equity = get_equity(session, school_year=school_year, scope=DISTRICT)
    rows = protect_idea(raw, measures, iep_published(equity), minimums)
    rows = rows[(rows["building_id"] == DISTRICT_ID) | rows["building_id"].map(scope.allows)]
    names = dict(session.execute(select(Building.building_id, Building.name)).all())
    rows = rows.assign(
        school_year=school_year,
        indicator="idea_" + rows["measure"],
        group_type="race_ethnicity",
        building_name=rows["building_id"].map(names).fillna("District (all buildings)"),
    )
    columns = [*EXPORT_COLUMNS, "building_name", "withheld_group", "withheld_comparison"]
    return rows[[c for c in columns if c in rows]].reset_index(drop=True)
