"""Buildings shared by every area: the buildings a scope holds, by name."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from data_access.models import Building
from data_access.scope import Scope


def list_buildings(session: Session, *, scope: Scope) -> pd.DataFrame:
    """The buildings in scope: building_id, name, level; by name (as pickers list them)."""
    rows = session.execute(
        select(Building.building_id, Building.name, Building.level)
        .where(scope.where(Building.building_id))
        .order_by(Building.name, Building.building_id)
    ).all()
    return pd.DataFrame(rows, columns=["building_id", "name", "level"])
