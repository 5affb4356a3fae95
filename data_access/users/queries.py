"""Reading the users table (the Users page)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from data_access.models import User, UserBuilding


def list_users(session: Session) -> pd.DataFrame:
    """Every user with their buildings (`;`-separated, as in users.csv)."""
    users = session.execute(
        select(User.email, User.name, User.role).order_by(User.role, User.email)
    ).all()
    links = session.execute(select(UserBuilding.email, UserBuilding.building_id)).all()
    buildings: dict[str, list[str]] = {}
    for email, building_id in links:
        buildings.setdefault(email, []).append(building_id)
    return pd.DataFrame(
        [
            {
                "email": u.email,
                "name": u.name,
                "role": u.role,
                "building_ids": ";".join(sorted(buildings.get(u.email, []))),
            }
            for u in users
        ],
        columns=["email", "name", "role", "building_ids"],
    )
