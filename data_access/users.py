"""Who may use the dashboard and what each person may see: the users table, roles and scopes.

Roles: district_admin and district_leader (every building), principal and coach (their buildings and
the district roll-ups), viewer (district roll-ups only). A principal never sees another building's
rows: their scope holds only their own buildings, and every query filters on it. What each role may
change is `data_access.permissions`' table, checked by every write.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, select
from sqlmodel import Session

from data_access.db import record_write
from data_access.models import Action, Building, User, UserBuilding
from data_access.permissions import check_write, may_write
from data_access.scope import DISTRICT, Scope, building_scope
from data_access.user_inputs import UserInput, check_user

ROLE_LABELS = {
    "district_admin": "District admin",
    "district_leader": "District leader",
    "principal": "Principal",
    "coach": "Coach",
    "viewer": "Viewer",
}
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


def _stored_user(session: Session, email: str) -> dict | None:
    """A user as the audit log records it (before or after a change), or None when there is none."""
    user = session.get(User, email)
    if user is None:
        return None
    buildings = session.execute(
        select(UserBuilding.building_id).where(UserBuilding.email == email)
    ).scalars()
    return {"role": user.role, "name": user.name, "building_ids": sorted(buildings)}


def save_user(
    session: Session,
    *,
    email: str,
    role: str,
    name: str | None,
    building_ids: list[str],
    editor: UserAccess,
) -> bool:
    """Add a user or change one; returns True when the user is new. District admins only;
    validated; audited with the user's role, name and buildings before and after."""
    check_write(editor, "save_user")
    given = {"email": email, "role": role, "name": name, "building_ids": building_ids}
    problems: dict[str, str] = {}
    for field, _kind, message in check_user(given):  # the rules users.csv follows too
        problems.setdefault(field, message)
    if "building_ids" not in problems:
        known = set(session.execute(select(Building.building_id)).scalars())
        unknown = sorted({b.strip() for b in building_ids if b and b.strip()} - known)
        if unknown:
            problems["building_ids"] = f"Unknown building: {', '.join(unknown)}."
    if problems:
        raise UserInvalid(problems)
    valid = UserInput.model_validate(given)
    email, role, name = valid.email, valid.role, valid.name
    user = session.get(User, email)
    is_new = user is None
    before = _stored_user(session, email)
    if is_new:
        session.add(User(email=email, role=role, name=name))
    else:
        user.role, user.name = role, name
    session.flush()
    session.execute(delete(UserBuilding).where(UserBuilding.email == email))
    # District-wide roles see every building; stored buildings would only mislead.
    for building_id in sorted(set(valid.building_ids)) if role in BUILDING_ROLES else []:
        session.add(UserBuilding(email=email, building_id=building_id))
    session.flush()
    record_write(
        session,
        actor=editor.email,
        operation="create" if is_new else "update",
        table_name="users",
        row_key=email,
        detail={"before": before, "after": _stored_user(session, email)},
    )
    return is_new


def remove_user(session: Session, *, email: str, editor: UserAccess) -> None:
    """Remove a user (district admins only). Someone who still owns actions keeps them until they
    are reassigned: refused."""
    check_write(editor, "remove_user")
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
    before = _stored_user(session, email)
    session.execute(delete(UserBuilding).where(UserBuilding.email == email))
    session.delete(user)
    record_write(
        session,
        actor=editor.email,
        operation="delete",
        table_name="users",
        row_key=email,
        detail={"before": before, "after": None},
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


def reset_sign_in(session: Session, *, email: str, editor: UserAccess) -> None:
    """Forget the issuer and subject remembered for a user (their provider account was replaced):
    their next sign-in is remembered afresh. District admins only; audited."""
    check_write(editor, "reset_sign_in")
    user = session.get(User, email)
    if user is None:
        raise UserInvalid({"email": f"There is no user {email}."})
    before = {"issuer": user.sign_in_issuer, "subject": user.sign_in_subject}
    user.sign_in_issuer = user.sign_in_subject = None
    record_write(
        session,
        actor=editor.email,
        operation="reset_sign_in",
        table_name="users",
        row_key=email,
        detail={"before": before},
    )
