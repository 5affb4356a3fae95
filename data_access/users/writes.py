"""Adding, changing and removing users: each write takes the acting user, checked against the
permission table, and is audited."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlmodel import Session

from data_access.db import record_write
from data_access.models import Action, Building, User, UserBuilding
from data_access.permissions import check_write
from data_access.users.access import BUILDING_ROLES, UserAccess
from data_access.users.inputs import UserInput, check_user


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
