"""The pages hide the writes a role may not make, following the permission table; the
refusal itself is data_access's (tests/test_permissions.py)."""

from __future__ import annotations

import pytest

from data_access.permissions import may_write
from data_access.users.access import UserAccess
from tests.test_roles_pages import ROLES, open_as
from tests.utils.app import open_tab


def buttons(app) -> dict[str, bool]:
    """key → disabled, for every button and form button on the page."""
    return {button.key: button.disabled for button in app.main.button if button.key}


@pytest.mark.parametrize("role", list(ROLES))
def test_the_fidelity_entry_form_is_only_there_for_roles_that_may_save_it(
    monkeypatch, demo_store_url, role
):
    app = open_as(monkeypatch, demo_store_url, role, ROLES[role], "fidelity")
    assert not app.exception, [e.value for e in app.exception]
    person = UserAccess(email="x", role=role, building_ids=frozenset(ROLES[role] or ()))
    if "Enter an administration" in [tab.label for tab in app.tabs]:
        open_tab(app, "Enter an administration")  # a tab's content runs only when it is open
    shown = buttons(app)
    if may_write(person, "save_administration"):
        assert shown.get("fidelity_entry_save") is False
    else:  # the tab is not offered at all
        assert "fidelity_entry_save" not in shown
        assert "Enter an administration" not in [tab.label for tab in app.tabs]


@pytest.mark.parametrize("role", list(ROLES))
def test_scheduling_and_marking_supervision_are_disabled_for_roles_that_may_not(
    monkeypatch, demo_store_url, role
):
    app = open_as(monkeypatch, demo_store_url, role, ROLES[role], "staff_support")
    open_tab(app, "Schedule and record supervision")  # where the forms would be
    assert not app.exception, [e.value for e in app.exception]
    assert "Schedule and record supervision" in [tab.label for tab in app.tabs]
    person = UserAccess(email="x", role=role, building_ids=frozenset(ROLES[role] or ()))
    shown = buttons(app)
    if ROLES[role] == []:  # a viewer has no building's staff to schedule: no forms at all
        assert "schedule_submit" not in shown and "mark_submit" not in shown
        return
    if not may_write(person, "schedule_supervision"):  # not offered at all
        assert "schedule_submit" not in shown and "mark_submit" not in shown
        return
    assert shown["schedule_submit"] is False
    if "mark_submit" in shown:
        assert shown["mark_submit"] is (not may_write(person, "mark_supervision"))
