"""The contract's `actions` table, as the export writes it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from data_access.actions.queries import OPEN_STATUSES, _visible
from data_access.export_format import format_export
from data_access.models import Action

if TYPE_CHECKING:
    from data_access.export_format import ExportOptions

EXPORT_COLUMNS = [
    "action_id",
    "building_id",
    "title",
    "owner_email",
    "due_date",
    "status",
    "fidelity_check",
    "outcome_check",
    "created_at",
    "updated_at",
    "overdue",
]


def export_actions(session: Session, options: ExportOptions) -> pd.DataFrame:
    """The contract's `actions` table: every action in scope; `overdue` as of --as-of (default today)."""
    as_of = options.as_of or date.today()
    rows = session.execute(
        select(*(getattr(Action, name) for name in EXPORT_COLUMNS[:-1]))
        .where(_visible(options.scope))
        .order_by(Action.action_id)
    ).all()
    frame = pd.DataFrame(rows, columns=EXPORT_COLUMNS[:-1])
    due = pd.to_datetime(frame["due_date"]).dt.date if len(frame) else frame["due_date"]
    frame["overdue"] = frame["status"].isin(OPEN_STATUSES) & (due < as_of)
    for column in ("created_at", "updated_at"):
        frame[column] = [f"{t:%Y-%m-%dT%H:%M:%SZ}" for t in frame[column]]
    frame["due_date"] = [d.isoformat() for d in frame["due_date"]]
    return format_export(frame[EXPORT_COLUMNS], booleans=["overdue"])
