"""Who may use the dashboard and what each person may see: the users table, roles and scopes.

Roles: district_admin (everything, users included), district_leader (every building; edits actions),
principal (their buildings and the district roll-ups), coach (their buildings; edits actions there),
viewer (district roll-ups only). A principal never sees another building's rows: their scope holds
only their own buildings, and every query filters on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, select
from sqlmodel import Session

from data_access.db import record_write
from data_access.models import USER_ROLES, Action, Building, User, UserBuilding
from data_access.scope import DISTRICT, Scope, building_scope

ROLE_LABELS = {
    "district_admin": "District admin",
    "district_leader": "District leader",
    "principal": "Principal",
    "coach": "Coach",
    "viewer": "Viewer",
}
DISTRICT_ROLES = ("district_admin", "district_leader")  # see every building
BUILDING_ROLES = ("principal", "coach")  # see their own buildings
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
        """Leaders and admins edit any action; coaches those of their buildings (and district-wide
        ones they own are edited through the same rule by leaders). Principals and viewers read."""
        if self.role in DISTRICT_ROLES:
            return True
        return self.role == "coach" and building_id is not None and building_id in self.building_ids


LOCAL_USER = UserAccess(email="local user", role="district_admin", name="You (local mode)")


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


class UserInvalid(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def save_user(
    session: Session,
    *,
    email: str,
    role: str,
    name: str | None,
    building_ids: list[str],
    actor: str,
) -> bool:
    """Add a user or change one; returns True when the user is new. Validated; audited."""
    email = email.strip().lower()
    problems: dict[str, str] = {}
    if not EMAIL.match(email):
        problems["email"] = f"'{email}' is not an email address."
    if role not in USER_ROLES:
        problems["role"] = f"'{role}' is not one of {', '.join(USER_ROLES)}."
    known = set(session.execute(select(Building.building_id)).scalars())
    unknown = sorted(set(building_ids) - known)
    if unknown:
        problems["building_ids"] = f"Unknown building: {', '.join(unknown)}."
    if role in BUILDING_ROLES and not building_ids:
        problems["building_ids"] = f"A {ROLE_LABELS[role].lower()} needs at least one building."
    if problems:
        raise UserInvalid(problems)
    user = session.get(User, email)
    is_new = user is None
    before = None if is_new else {"role": user.role, "name": user.name}
    if is_new:
        session.add(User(email=email, role=role, name=(name or "").strip() or None))
    else:
        user.role, user.name = role, (name or "").strip() or None
    session.flush()
    session.execute(delete(UserBuilding).where(UserBuilding.email == email))
    # District-wide roles see every building; stored buildings would only mislead.
    for building_id in sorted(set(building_ids)) if role in BUILDING_ROLES else []:
        session.add(UserBuilding(email=email, building_id=building_id))
    record_write(
        session,
        actor=actor,
        operation="create" if is_new else "update",
        table_name="users",
        row_key=email,
        detail={"before": before, "role": role, "building_ids": sorted(building_ids)},
    )
    return is_new


def remove_user(session: Session, *, email: str, actor: str) -> None:
    """Remove a user. Someone who still owns actions keeps them until they are reassigned: refused."""
    user = session.get(User, email)
    if user is None:
        raise UserInvalid({"email": f"There is no user {email}."})
    owned = (
        session.execute(select(Action.action_id).where(Action.owner_email == email)).scalars().all()
    )
    if owned:
        raise UserInvalid(
            {
                "email": f"{email} owns {len(owned)} follow-up action(s); give them another owner first."
            }
        )
    session.execute(delete(UserBuilding).where(UserBuilding.email == email))
    session.delete(user)
    record_write(
        session,
        actor=actor,
        operation="delete",
        table_name="users",
        row_key=email,
        detail={"role": user.role},
    )


SIGN_IN_UNKNOWN = "unknown"  # no user with this email: nothing to remember yet
SIGN_IN_FIRST = "first"  # the user's first sign-in: issuer and subject remembered now
SIGN_IN_SAME = "same"  # the issuer and subject remembered at the first sign-in
SIGN_IN_OTHER = "other"  # the user's email, but another issuer or subject: refused


def check_sign_in(session: Session, *, email: str, issuer: str, subject: str) -> str:
    """Whether this sign-in (the ID token's email, `iss` and `sub`) may act as the user with that
    email. The first sign-in remembers the issuer and subject (audited); a later one from another
    issuer or subject (another account at the provider that carries the same email) is refused, and
    the refusal is written to the audit log for the admin."""
    user = session.get(User, email.strip().lower())
    if user is None:
        return SIGN_IN_UNKNOWN
    if user.sign_in_subject is None:
        user.sign_in_issuer, user.sign_in_subject = issuer, subject
        record_write(
            session,
            actor=user.email,
            operation="first_sign_in",
            table_name="users",
            row_key=user.email,
            detail={"issuer": issuer, "subject": subject},
        )
        return SIGN_IN_FIRST
    if (user.sign_in_issuer, user.sign_in_subject) == (issuer, subject):
        return SIGN_IN_SAME
    record_write(
        session,
        actor=user.email,
        operation="refuse_sign_in",
        table_name="users",
        row_key=user.email,
        detail={
            "issuer": issuer,
            "subject": subject,
            "remembered_issuer": user.sign_in_issuer,
            "remembered_subject": user.sign_in_subject,
        },
    )
    return SIGN_IN_OTHER


def forget_sign_in(session: Session, *, email: str, actor: str) -> None:
    """Forget the issuer and subject remembered for a user (their provider account was replaced):
    their next sign-in is remembered afresh. Audited."""
    user = session.get(User, email)
    if user is None:
        raise UserInvalid({"email": f"There is no user {email}."})
    before = {"issuer": user.sign_in_issuer, "subject": user.sign_in_subject}
    user.sign_in_issuer = user.sign_in_subject = None
    record_write(
        session,
        actor=actor,
        operation="forget_sign_in",
        table_name="users",
        row_key=email,
        detail={"before": before},
    )
