"""Words for people: no table, pre-filled field or brief shows a code ("social_worker",
"oss iep 2025-26"), "None" or "nan"; action owners are named; figures say the date of their data."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_follow_up_page import open_follow_up, store_with_action  # noqa: F401
from tests.utils.app import open_page

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
# An equity flag's stored identifier, e.g. "oss iep 2025-26" or "odr BL 2024-25".
FLAG_REFERENCE = re.compile(
    r"\b(odr|iss|oss|exclusion|chronic_absence|tier2plus|tier3|sped_identification) \S+ \d{4}-\d{2}\b"
)
MISSING = {"None", "none", "nan", "NaN", "NaT", "<NA>"}
ROLES = {"district_admin": None, "principal": ["B09"], "coach": ["B01", "B02"]}
PAGES = ["overview", "building", "equity", "fidelity", "staff_support", "team", "follow_up"]


def shown_headers(frame) -> list[str]:
    """A table's column headings as shown: the column config's label, else the column's name;
    hidden columns left out."""
    config = json.loads(frame.proto.columns or "{}")
    headers = []
    for column in frame.value.columns:
        options = config.get(f"name:{column}") or config.get(str(column)) or {}
        if options.get("hidden"):
            continue
        headers.append(str(options.get("label") or column))
    return headers


def shown_cells(frame) -> list[str]:
    config = json.loads(frame.proto.columns or "{}")
    cells = []
    for column in frame.value.columns:
        options = config.get(f"name:{column}") or config.get(str(column)) or {}
        if options.get("hidden"):
            continue
        # A missing value is drawn as a grey "None" in the table.
        cells += ["None" if _blank(value) else str(value) for value in frame.value[column].tolist()]
    return cells


def _blank(value) -> bool:
    return (
        value is None
        or value is pd.NaT
        or value is pd.NA
        or (isinstance(value, float) and pd.isna(value))
    )


def table_problems(app: AppTest) -> list[str]:
    """Every code, raw flag reference or 'None'/'nan' text shown in a table's headings or cells."""
    problems = []
    for frame in app.main.dataframe:
        for text in shown_headers(frame) + shown_cells(frame):
            if "@" in text:
                continue  # an email address may hold underscores
            if SNAKE.search(text) or FLAG_REFERENCE.search(text) or text.strip() in MISSING:
                problems.append(text)
    return sorted(set(problems))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", list(ROLES))
def test_tables_show_words_not_codes_or_none(monkeypatch, demo_store_url, role, page):
    app = open_page(monkeypatch, demo_store_url, page, role=role, buildings=ROLES[role])
    assert not app.exception
    problems = table_problems(app)
    assert problems == [], f"{role} {page}: {problems}"


# --- The one mapping -------------------------------------------------------------------------------


def test_every_code_of_the_store_has_words_and_unknown_codes_stay_readable():
    from data_access import labels, models

    for codes, mapping in (
        (models.USER_ROLES, labels.USER_ROLES),
        (models.STAFF_ROLES, labels.STAFF_ROLES),
        (models.ACTION_STATUSES, labels.ACTION_STATUSES),
        (models.FIDELITY_CHECKS, labels.FIDELITY_CHECKS),
        (models.OUTCOME_CHECKS, labels.OUTCOME_CHECKS),
        (models.ACTION_SOURCES, labels.ACTION_SOURCES),
        (models.TEAM_CATEGORIES, labels.TEAM_CATEGORIES),
        (models.SUPERVISION_STATUSES, labels.SESSION_STATUSES),
        (models.LEVELS, labels.BUILDING_LEVELS),
    ):
        assert tuple(mapping) == tuple(codes)
        assert not any(SNAKE.search(word) for word in mapping.values())
    assert labels.words(labels.STAFF_ROLES, "social_worker") == "Social worker"
    assert labels.words(labels.INDICATORS, "odr") == "Office discipline referrals"
    assert labels.words(labels.STAFF_ROLES, "reading_tutor") == "Reading tutor"
    assert labels.words(labels.STAFF_ROLES, None) == ""
    assert labels.words(labels.STAFF_ROLES, float("nan")) == ""
    assert labels.words_list(labels.STAFF_ROLES, ["counselor", "social_worker"]) == (
        "counselor, social worker"
    )


def test_an_equity_flag_reference_is_shown_in_words_and_free_text_as_written():
    from data_access.equity.metrics import flag_reference
    from data_access.labels import flag_reference_words, source_words

    assert flag_reference_words(flag_reference("oss", "iep", "Y", "2025-26")) == (
        "Out-of-school suspension · Students with IEPs · 2025-26"
    )
    assert flag_reference_words(flag_reference("odr", "race_ethnicity", "BL", "2024-25")) == (
        "Office discipline referrals · Black · 2024-25"
    )
    assert flag_reference_words("chronic_absence econ_disadv 2025-26") == (
        "Chronic absence · Economically disadvantaged · 2025-26"
    )
    assert flag_reference_words("Hallway data from March") == "Hallway data from March"
    assert flag_reference_words(None) == ""
    assert source_words("staff_support_gap", "social_worker B05") == "Social worker · B05"


def test_owners_are_named_with_the_email_only_to_tell_two_people_apart():
    from data_access.labels import owner_names, owner_word

    owners = pd.DataFrame(
        {
            "email": ["a.lee@d.org", "b.lee@d.org", "c.kim@d.org", "nameless@d.org"],
            "name": ["Ann Lee", "Ann Lee", "Chris Kim", None],
        }
    )
    names = owner_names(owners)
    assert names == {
        "a.lee@d.org": "Ann Lee (a.lee@d.org)",
        "b.lee@d.org": "Ann Lee (b.lee@d.org)",
        "c.kim@d.org": "Chris Kim",
        "nameless@d.org": "nameless@d.org",
    }
    assert owner_word("gone@d.org", names) == "gone@d.org"
    assert owner_word(None, names) == ""


def test_a_missing_value_is_a_dash_and_numbers_keep_their_format():
    from components.words import with_dashes

    frame = pd.DataFrame(
        {
            "Role": ["Counselor", None],
            "Students per FTE": [298.857, float("nan")],
            "FTE": [1.0, 2.0],
        }
    )
    shown = with_dashes(frame, {"Students per FTE": "{:,.0f}"})
    assert shown["Role"].tolist() == ["Counselor", "—"]
    assert shown["Students per FTE"].tolist() == ["299", "—"]
    assert shown["FTE"].tolist() == [1.0, 2.0]
    assert with_dashes(pd.DataFrame({"Cancelled %": [8.1, None]}), {"Cancelled %": "{:.0f}%"})[
        "Cancelled %"
    ].tolist() == ["8%", "—"]


# --- Pre-filled fields, guidance, the brief ---------------------------------------------------------


def test_an_action_from_an_equity_flag_shows_the_flag_in_words_and_keeps_its_reference(
    store_with_action,  # noqa: F811
):
    from data_access.actions.queries import get_action
    from data_access.db import session_scope
    from data_access.scope import DISTRICT

    url, existing = store_with_action
    app = open_follow_up(
        new="1",
        title="Out-of-school suspension for students with IEPs",
        source_type="equity_cell",
        source_ref="oss iep 2025-26",
        building="B1",
    )
    assert not app.exception
    assert all(box.value != "oss iep 2025-26" for box in app.text_input)
    said = " ".join(c.value for c in app.main.caption)
    assert "Out-of-school suspension · Students with IEPs · 2025-26" in said
    assert not any(FLAG_REFERENCE.search(text) for text in said.split("\n"))
    app.selectbox(key="new_owner_email").select("coach@example.org")
    next(b for b in app.button if b.label == "Create action").click().run()
    with session_scope(url) as session:
        record = get_action(session, action_id=existing + 1, scope=DISTRICT)
    assert record.values["source_ref"] == "oss iep 2025-26"  # actions link to flags by it
    assert "None" not in [box.value for box in app.text_input]


@pytest.mark.parametrize("page", ["overview", "team"])
def test_the_leadership_guidance_is_named_not_numbered(monkeypatch, demo_store_url, page):
    from tests.test_roles_pages import shown_text

    app = open_page(monkeypatch, demo_store_url, page, role="district_admin")
    text = shown_text(app)
    assert "seed 002" not in text.lower()
    assert "MTSS guidance on strong shared leadership" in text


def test_the_brief_names_action_owners_and_words_their_flags(demo_store_url):
    from components.brief_document import meeting_brief
    from data_access.db import session_scope
    from data_access.demo import DEMO_AS_OF
    from data_access.meeting.brief import BriefTable
    from data_access.meeting.headlines import get_headlines
    from data_access.meeting.view import get_meeting_picture
    from data_access.scope import DISTRICT

    with session_scope(demo_store_url) as session:
        headlines = get_headlines(session, as_of=DEMO_AS_OF)
        picture = get_meeting_picture(session, as_of=DEMO_AS_OF, scope=DISTRICT)
    brief = meeting_brief(headlines, picture, building_id=None, charts=[])
    actions = next(s for s in brief.sections if isinstance(s, BriefTable) and "actions" in s.title)
    owners = [row[actions.columns.index("Owner")] for row in actions.rows]
    assert "Gabriel Gomez" in owners
    assert not any("@" in owner for owner in owners)
    everything = json.dumps(
        [brief.title, brief.subtitle, [vars(s) for s in brief.sections if not hasattr(s, "png")]]
    )
    assert not FLAG_REFERENCE.search(everything)
    assert not re.search(r"\bNone\b(?! open)|\bnan\b", everything)  # "None open": no open actions


@pytest.mark.parametrize("page", ["equity", "fidelity"])
def test_each_page_says_the_date_of_its_data(monkeypatch, demo_store_url, page):
    from tests.test_roles_pages import shown_text

    app = open_page(monkeypatch, demo_store_url, page, role="principal", buildings=["B09"])
    text = shown_text(app).replace("The demo's data runs to 29 May 2026", "")
    assert "as of 29 May 2026" in text


def test_the_as_of_words_name_the_day_or_the_whole_past_school_year():
    from datetime import date

    from components.words import as_of_words

    assert as_of_words(date(2026, 5, 29)) == "as of 29 May 2026"
    assert as_of_words(date(2026, 5, 29), school_year="2025-26") == "as of 29 May 2026"
    assert as_of_words(date(2026, 5, 29), school_year="2024-25") == "the whole of 2024-25"


def test_the_overviews_agenda_names_who_owns_each_overdue_action(monkeypatch, demo_store_url):
    app = open_page(monkeypatch, demo_store_url, "overview", role="district_admin")
    agenda = [m.value for m in app.main.markdown if "overdue by" in m.value]
    assert agenda, "the demo has overdue actions"
    assert all("owner " in line and "@" not in line for line in agenda), agenda
    assert any("owner Jerome Stewart" in line for line in agenda), agenda


# The Data page's tables name files and columns as a district's files must spell them
# ("staff_assignments", "building_id"): there the code is the thing to type, so it stays.
@pytest.mark.parametrize("page", ["users"])
def test_the_admin_pages_tables_show_words_not_codes_or_none(monkeypatch, demo_store_url, page):
    app = open_page(monkeypatch, demo_store_url, page, role="district_admin")
    assert not app.exception
    problems = table_problems(app)
    assert problems == [], f"{page}: {problems}"


def test_an_action_from_a_staffing_gap_names_the_role_in_words(store_with_action):  # noqa: F811
    app = open_follow_up(
        new="1",
        title="Fill the social worker role",
        source_type="staff_support_gap",
        source_ref="social_worker B1",
        building="B1",
    )
    assert not app.exception
    assert all(box.value != "social_worker B1" for box in app.text_input)
    assert "Social worker · B1" in " ".join(c.value for c in app.main.caption)
