"""Who may change what: the one table every write function in `data_access` checks before it
changes anything, and that the README's "Sign-in, roles and who sees what" repeats word for word
(`permission_table_markdown`; a test compares them).

The pages hide what a role cannot use, but hiding is not the check: the check is here, so a form
reached some other way, the command line or a new page cannot write more than the role allows.
Anything not in the table is refused (fail closed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from data_access.users.access import UserAccess

Reach = Literal["any", "own"]  # every building (and the district as a whole), or their buildings
ROLES = ("district_admin", "district_leader", "principal", "coach", "viewer")
REACH_WORDS = {"any": "yes", "own": "their buildings", None: "no"}

EVERYWHERE: dict[str, Reach] = {"district_admin": "any", "district_leader": "any"}
ADMINS_ONLY: dict[str, Reach] = {"district_admin": "any"}


@dataclass(frozen=True)
class Permission:
    what: str  # the change, in words, for the README and refusals
    roles: dict[str, Reach]  # role → reach; a role not named may not make the change at all


# One row per write function of data_access (the permission test finds them by name and fails when
# one is missing here). Principals and viewers change nothing; coaches only their buildings' actions.
PERMISSIONS: dict[str, Permission] = {
    "create_action": Permission("create actions", EVERYWHERE | {"coach": "own"}),
    "update_action": Permission("change actions", EVERYWHERE | {"coach": "own"}),
    "record_meeting": Permission("record the leadership team's meetings", EVERYWHERE),
    "save_self_check": Permission("record the leadership team's self-check", EVERYWHERE),
    "save_team_member": Permission("change the leadership team's members", EVERYWHERE),
    "save_administration": Permission("enter fidelity administrations", EVERYWHERE),
    "schedule_supervision": Permission("schedule supervision", EVERYWHERE),
    "mark_supervision": Permission("mark supervision sessions held or cancelled", EVERYWHERE),
    "record_pulse_responses": Permission("record a team's paper staff pulse responses", EVERYWHERE),
    "save_user": Permission("add or change users", ADMINS_ONLY),
    "remove_user": Permission("remove users", ADMINS_ONLY),
    "reset_sign_in": Permission("reset a user's remembered sign-in", ADMINS_ONLY),
    "import_files": Permission("import data files", ADMINS_ONLY),
    "save_mapping": Permission("save a mapping of a file's columns and local codes", ADMINS_ONLY),
    "remove_demo": Permission("remove the demo district", ADMINS_ONLY),
    "import_demo": Permission("load the demo district into an empty store", ADMINS_ONLY),
}

# Functions whose names look like writes but are not a person's change: the bookkeeping every write
# goes through (it is called by the writes above, after their check).
NOT_A_PERSONS_WRITE = {"record_write", "record_writes"}


class WriteForbidden(PermissionError):
    """The person's role (or buildings) does not allow the change; nothing was stored."""


def reach_of(user: UserAccess, write: str) -> Reach | None:
    """How far `user` may make the change `write`: "any", "own" (their buildings) or None."""
    permission = PERMISSIONS.get(write)
    return None if permission is None else permission.roles.get(user.role)


def may_write(user: UserAccess, write: str, building_id: str | None = None) -> bool:
    """May `user` make the change `write` to `building_id` (None: the district as a whole)?"""
    reach = reach_of(user, write)
    if reach == "any":
        return True
    return reach == "own" and building_id is not None and building_id in user.building_ids


def check_write(
    user: UserAccess,
    write: str,
    *,
    building_ids: Iterable[str | None] = (None,),
    refusal: type[WriteForbidden] = WriteForbidden,
) -> None:
    """Raise `refusal` unless `user` may make the change `write` to every one of `building_ids`
    (None: the district as a whole, which "their buildings" never covers). Call it before
    changing anything."""
    permission = PERMISSIONS.get(write)
    who = f"{user.email} ({user.role.replace('_', ' ')})"
    if permission is None:
        raise refusal(f"{who} may not do that: '{write}' is not a change anyone may make.")
    if reach_of(user, write) is None:
        raise refusal(f"{who} may not {permission.what}.")
    for building_id in building_ids:
        if not may_write(user, write, building_id):
            where = f"building {building_id}" if building_id else "the whole district"
            raise refusal(f"{who} may not {permission.what} of {where}.")


def permission_table_markdown() -> str:
    """The table as the README shows it: one row per change, one column per role."""
    lines = [
        "| change | data_access function | " + " | ".join(f"`{r}`" for r in ROLES) + " |",
        "| --- | --- | " + " | ".join("---" for _ in ROLES) + " |",
    ]
    for write, permission in PERMISSIONS.items():
        cells = [REACH_WORDS[permission.roles.get(role)] for role in ROLES]
        lines.append(f"| {permission.what} | `{write}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
