"""A person's access: their role, their buildings and the scope every read of theirs takes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from data_access.labels import USER_ROLES
from data_access.models import User, UserBuilding
from data_access.permissions import may_write
from data_access.scope import DISTRICT, Scope, building_scope

ROLE_LABELS = USER_ROLES  # the roles in words (data_access/labels.py)
DISTRICT_ROLES = ("district_admin", "district_leader")  # see every building
BUILDING_ROLES = ("principal", "coach")  # see their own buildings


@dataclass(frozen=True)
class UserAccess:
    email: str
    role: str
    name: str | None = None
    building_ids: frozenset[str] = frozenset()

    @property
    def scope(self) -> Scope:
        """Whose rows this person may see: every building, their own, or none (roll-ups only)."""
        if self.role in DISTRICT_ROLES:
            return DISTRICT
        if self.role in BUILDING_ROLES:
            return building_scope(self.building_ids, label=", ".join(sorted(self.building_ids)))
        return Scope(building_ids=frozenset(), label="district roll-ups only")

    @property
    def is_admin(self) -> bool:
        return self.role == "district_admin"

    def may_edit_actions_of(self, building_id: str | None) -> bool:
        """Leaders and admins edit any action; coaches those of their buildings. Principals and
        viewers read. (The permission table decides; this is what the pages ask to hide forms.)"""
        return may_write(self, "update_action", building_id)


LOCAL_USER = UserAccess(email="local user", role="district_admin", name="You (local mode)")
# Whoever runs `python -m data_access` on the server is the district's administrator.
COMMAND_LINE = UserAccess(email="command line", role="district_admin", name="Command line")


def get_user_access(session: Session, *, email: str) -> UserAccess | None:
    """The person's role and buildings, or None for an email the dashboard does not know."""
    user = session.get(User, email.strip().lower()) or session.get(User, email.strip())
    if user is None:
        return None
    buildings = session.execute(
        select(UserBuilding.building_id).where(UserBuilding.email == user.email)
    ).scalars()
    return UserAccess(
        email=user.email, role=user.role, name=user.name, building_ids=frozenset(buildings)
    )
