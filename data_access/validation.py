"""What every door into the store accepts: the domain bounds of numbers, how a number or an id may be
written, and the window of plausible dates. The importer, the forms and the command line all check
values here, so a file and a form accept exactly the same things."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

# --- Domain bounds ------------------------------------------------------------------------------------

MAX_DAYS_IN_SCHOOL_YEAR = 366  # days enrolled or absent in one school year
MAX_FTE = 1.0  # one post in one building (a person's posts across buildings are separate rows)
MAX_SESSION_MINUTES = 480  # a supervision session longer than a working day is a typing mistake
MAX_ITEM_SCORE = 100  # an instrument item's highest score (the built-in ones go to 2 or 3)
MAX_ACTIVE_CASES = 1000
MAX_SUPPORT_SESSIONS = (
    1000  # sessions of one support in a year: more than daily for a year is a typo
)
MAX_ACTION_ID = 2_147_483_647  # the largest id the store's integer column holds
DUE_WITHIN_YEARS = 5  # a due date further ahead than this is a typing mistake (9999-12-31)
EARLIEST_SCHOOL_YEAR_START = 2000

# --- How a number may be written ---------------------------------------------------------------------

# ASCII digits only: Python's int() and float() also take 1_7_0, 1e1, ١٧٠ (Arabic-Indic) and
# "infinity", none of which a district's export means as a number.
_WHOLE = re.compile(r"[+-]?[0-9]+(\.0*)?")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def parse_number(text: str, *, whole: bool) -> int | float | None:
    """A number written with the digits 0-9 (and one decimal point), or None. `whole` numbers may be
    written 3 or 3.0 (spreadsheets write whole numbers that way)."""
    if not (_WHOLE if whole else _DECIMAL).fullmatch(text):
        return None
    if whole:
        return int(text.split(".")[0])
    return float(text)


# --- How an id or a name may be written --------------------------------------------------------------

# Control characters (NUL, tabs, line breaks) and invisible ones (zero-width spaces and joiners, the
# byte-order mark, bidirectional marks): two ids that look the same on screen must be the same id.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


_LINE_BREAKS = {"\t", "\n", "\r"}  # free text (a title, a name) may hold these; an id never


def hidden_character(text: str, *, line_breaks: bool = False) -> str | None:
    """The first control or invisible character in the text, named (e.g. 'U+0000'), or None.
    With `line_breaks`, tabs and line breaks are allowed (free text, as the importer's text columns)."""
    for character in text:
        if line_breaks and character in _LINE_BREAKS:
            continue
        if character in _INVISIBLE or unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp"):
            return f"U+{ord(character):04X}"
    return None


def hidden_character_message(name: str, text: str, *, line_breaks: bool = False) -> str | None:
    """A message for a value holding a control or invisible character, or None when it holds none."""
    found = hidden_character(text, line_breaks=line_breaks)
    if found is None:
        return None
    return (
        f"{name} holds an invisible or control character ({found}); retype it with visible "
        "characters only"
    )


# The one rule for an email address, wherever one is typed or imported: something@something.tld, with
# no space, and no ; or , (a users.csv cell lists building ids with ;, and a list is never an address).
EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")


def email_message(name: str, text: str) -> str | None:
    """A message for a value that is not an email address (or holds a hidden character), or None."""
    if hidden := hidden_character_message(name, text):
        return hidden
    if not EMAIL.match(text.lower()):
        return f"{name} '{text}' is not an email address"
    return None


def twin_key(value: str) -> str:
    """The form two ids are compared in for twins: B01 and b01 are the same building."""
    return unicodedata.normalize("NFKC", value).casefold()


def pseudonymous_student_id_message(text: str) -> str | None:
    """Student ids must be pseudonymous: no email address, no name with spaces."""
    if "@" in text or any(character.isspace() for character in text):
        return (
            f"student_id '{text}' looks like an email address or a name; student IDs must be "
            "pseudonymous (your information system's student number, without spaces or @)"
        )
    return None


# --- Plausible dates ---------------------------------------------------------------------------------


def latest_school_year_start(today: date) -> int:
    """The first year of the latest school year a file may name: next school year."""
    return (today.year if today.month >= 7 else today.year - 1) + 1


def latest_due_date(today: date) -> date:
    try:
        return today.replace(year=today.year + DUE_WITHIN_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + DUE_WITHIN_YEARS, day=28)


# --- Typed inputs -----------------------------------------------------------------------------------


def refusal(kind: str, message: str) -> PydanticCustomError:
    """A typed input's refusal of one field: `message` is shown as it is, by the field or on the
    file's line (never formatted: it may quote what was typed, braces and all)."""
    return PydanticCustomError(kind, "{message}", {"message": message})


def input_problems(error: ValidationError) -> list[tuple[str, str, str]]:
    """A typed input's refusals as (field, kind, message), in the order of the input's fields."""
    return [
        (str(problem["loc"][0]) if problem["loc"] else "", problem["type"], problem["msg"])
        for problem in error.errors(include_url=False)
    ]


# --- Who sees what --------------------------------------------------------------------------------

_DISTRICT_ROLES = (
    "district_admin",
    "district_leader",
)  # as data_access.users.access: every building
_BUILDING_ROLES = ("principal", "coach")  # their own buildings


def role_buildings_message(role: str, building_ids: tuple[str, ...] | list[str]) -> str | None:
    """A principal or coach needs buildings; a district leader or admin sees every building, so
    buildings given for them would mislead (the Users page offers none)."""
    label = role.replace("_", " ")
    if role in _BUILDING_ROLES and not building_ids:
        return f"a {label} needs at least one building in building_ids"
    if role in _DISTRICT_ROLES and building_ids:
        return (
            f"a {label} sees every building; leave building_ids empty "
            f"(it has {';'.join(building_ids)})"
        )
    return None
