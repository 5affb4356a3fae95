"""Writing checked rows into the store: upsert by key, in chunks, with the same SQL on SQLite and
PostgreSQL (INSERT ... ON CONFLICT DO UPDATE ... WHERE something changed ... RETURNING key).

The caller holds the one transaction of the whole import; nothing here commits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, or_, select, text, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from data_access.db import note_change
from data_access.imports.checking import (
    CheckedTable,
    definition_rows,
    python_values,
    read_definition,
)
from data_access.models import (
    Action,
    ActionUpdate,
    InstrumentItem,
    SupervisionSession,
    SupervisionTheme,
    User,
    UserBuilding,
)

CHUNK_ROWS = 5_000

ChunkDone = Callable[[int], None]  # rows written so far in this file


@dataclass(frozen=True)
class TableCounts:
    """What one table's files did to the store."""

    table: str
    rows: int
    added: int
    updated: int
    unchanged: int

    def __add__(self, other: TableCounts) -> TableCounts:
        return TableCounts(
            self.table,
            self.rows + other.rows,
            self.added + other.added,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def load_table(
    session: Session,
    checked: CheckedTable,
    *,
    actor: str,
    now: datetime,
    chunk_done: ChunkDone | None = None,
) -> TableCounts:
    name = checked.spec.name
    if name == "instruments":
        return load_instruments(session, checked)
    if name == "users":
        return load_users(session, checked)
    if name == "actions":
        return load_actions(session, checked, actor=actor, now=now)
    if name == "supervision" and "themes" in checked.frame:
        return load_supervision(session, checked, chunk_done=chunk_done)
    return upsert_rows(session, checked, chunk_done=chunk_done)


def load_supervision(
    session: Session, checked: CheckedTable, *, chunk_done: ChunkDone | None = None
) -> TableCounts:
    """Sessions by session_id, then each session's themes become exactly its row's (one
    supervision_themes row per session and theme; an empty cell: none). A session whose only change
    is its themes counts as updated."""
    frame = checked.frame
    ids = python_values(frame["session_id"])
    stored_before = set()
    for start in range(0, len(ids), 500):
        stored_before.update(
            session.execute(
                select(SupervisionSession.session_id).where(
                    SupervisionSession.session_id.in_(ids[start : start + 500])
                )
            ).scalars()
        )
    sessions = replace(checked, frame=frame.drop(columns=["themes"]))
    counts = upsert_rows(session, sessions, chunk_done=chunk_done)
    wanted = {
        session_id: set(themes or ())
        for session_id, themes in zip(ids, frame["themes"].tolist(), strict=True)
    }
    stored: dict[str, set[str]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        for session_id, theme in session.execute(
            select(SupervisionTheme.session_id, SupervisionTheme.theme).where(
                SupervisionTheme.session_id.in_(part)
            )
        ):
            stored.setdefault(session_id, set()).add(theme)
    changed = [key for key, themes in wanted.items() if themes != stored.get(key, set())]
    for start in range(0, len(changed), 500):
        part = changed[start : start + 500]
        session.execute(delete(SupervisionTheme).where(SupervisionTheme.session_id.in_(part)))
    rows = [{"session_id": key, "theme": theme} for key in changed for theme in sorted(wanted[key])]
    for start in range(0, len(rows), CHUNK_ROWS):
        session.execute(
            _insert(session)(SupervisionTheme.__table__), rows[start : start + CHUNK_ROWS]
        )
    # Stored sessions whose themes changed: counted as updated when their own columns were not
    # (an estimate when both changed in one import: never more than the unchanged ones).
    moved = min(len(set(changed) & stored_before), counts.unchanged)
    return TableCounts(
        counts.table, counts.rows, counts.added, counts.updated + moved, counts.unchanged - moved
    )


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _count(session: Session, table) -> int:
    return session.execute(select(func.count()).select_from(table)).scalar_one()


def upsert_rows(
    session: Session, checked: CheckedTable, *, chunk_done: ChunkDone | None = None
) -> TableCounts:
    """Insert new keys, update rows whose values changed, leave identical rows alone.

    Columns the file does not have are left as stored (new rows get the table's defaults);
    columns in `keep_when_empty` keep the stored value where the file's is empty."""
    spec, frame = checked.spec, checked.frame
    table = spec.model.__table__
    columns = list(frame.columns)
    keep = [name for name in columns if name in checked.keep_when_empty]
    if keep:
        frame = _fill_from_store(session, spec, frame, keep)
    defaults = {name: value for name, value in spec.insert_defaults.items() if name not in columns}
    statement = _insert(session)(table)
    updates = [name for name in columns if name not in spec.key]
    if updates:
        values = {name: statement.excluded[name] for name in updates}
        statement = statement.on_conflict_do_update(
            index_elements=list(spec.key),
            set_=values,
            where=or_(*(table.c[name].is_distinct_from(values[name]) for name in updates)),
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(spec.key))
    statement = statement.returning(table.c[spec.key[0]])

    before = _count(session, table)
    written = 0
    for start in range(0, len(frame), CHUNK_ROWS):
        part = frame.iloc[start : start + CHUNK_ROWS]
        cells = [python_values(part[name]) for name in columns]
        rows = [dict(zip(columns, row, strict=True)) | defaults for row in zip(*cells, strict=True)]
        written += len(session.execute(statement, rows).all())
        if chunk_done:
            chunk_done(start + len(part))
    added = _count(session, table) - before
    return TableCounts(spec.name, len(frame), added, written - added, len(frame) - written)


def _fill_from_store(session: Session, spec, frame, keep: list[str]):
    """Empty values of `keep` columns become the stored ones (the check made sure those rows are
    in the store). Done before the upsert: a NULL, even one ON CONFLICT would replace, breaks the
    column's NOT NULL and CHECK constraints first."""
    missing = frame[keep].isna().any(axis=1).to_numpy()
    if not missing.any():
        return frame
    table = spec.model.__table__
    key_columns = [table.c[name] for name in spec.key]
    rows = frame.loc[missing, list(spec.key)]
    keys = [tuple(python_values(rows[name])[i] for name in spec.key) for i in range(len(rows))]
    stored = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        for row in session.execute(
            select(*key_columns, *(table.c[name] for name in keep)).where(
                tuple_(*key_columns).in_(part)
            )
        ):
            stored[tuple(row[: len(key_columns)])] = dict(
                zip(keep, row[len(key_columns) :], strict=True)
            )
    frame = frame.copy()
    for name in keep:
        values = frame[name].astype(object)
        filled = [
            stored.get(key, {}).get(name) if value is None or value != value else value
            for key, value in zip(keys, values[missing].tolist(), strict=True)
        ]
        values.loc[missing] = filled
        frame[name] = values
    return frame


def load_instruments(session: Session, checked: CheckedTable) -> TableCounts:
    """Each instrument in the file is defined by its rows, in order; an identical definition is
    left alone (the check refused changing one that has scores)."""
    frame = checked.frame
    added = updated = unchanged = 0
    for instrument, rows in frame.groupby("instrument", sort=False):
        new, stored = definition_rows(rows), read_definition(session, instrument=instrument)
        if new == stored:
            unchanged += len(rows)
            continue
        before = {row[0]: row for row in stored}
        session.execute(delete(InstrumentItem).where(InstrumentItem.instrument == instrument))
        session.execute(
            InstrumentItem.__table__.insert(),
            [
                {
                    "instrument": instrument,
                    "item_id": item_id,
                    "scale": scale,
                    "item_title": title,
                    "max_score": max_score,
                    "criterion_pct": criterion,
                    "subscale": subscale,
                    "position": position,
                }
                for position, (item_id, scale, title, max_score, criterion, subscale) in enumerate(
                    new
                )
            ],
        )
        for row in new:
            if row[0] not in before:
                added += 1
            elif before[row[0]] != row:
                updated += 1
            else:
                unchanged += 1
    return TableCounts("instruments", len(frame), added, updated, unchanged)


def load_users(session: Session, checked: CheckedTable) -> TableCounts:
    """Users by email; when the file has building_ids, each user's buildings become exactly those."""
    frame = checked.frame
    records = checked.records()
    emails = [record["email"] for record in records]
    stored = {
        user.email: user
        for user in session.execute(select(User).where(User.email.in_(emails))).scalars()
    }
    buildings: dict[str, set[str]] = {}
    for email, building in session.execute(
        select(UserBuilding.email, UserBuilding.building_id).where(UserBuilding.email.in_(emails))
    ):
        buildings.setdefault(email, set()).add(building)
    added = updated = 0
    for record in records:
        email = record["email"]
        user = stored.get(email)
        changed = False
        before = _user_as_logged(user, buildings.get(email, set()))
        if user is None:
            session.add(User(email=email, role=record["role"], name=record.get("name")))
            added += 1
        else:
            for name in ("role", "name"):
                if name in record and getattr(user, name) != record[name]:
                    setattr(user, name, record[name])
                    changed = True
        if "building_ids" in record:
            wanted = set(record["building_ids"] or ())
            if wanted != buildings.get(email, set()):
                session.flush()
                session.execute(delete(UserBuilding).where(UserBuilding.email == email))
                session.add_all(UserBuilding(email=email, building_id=b) for b in sorted(wanted))
                changed = changed or user is not None
                buildings[email] = wanted
        updated += int(changed and user is not None)
        if user is None or changed:
            after = _user_as_logged(user, buildings.get(email, set()), record)
            note_change(
                session,
                operation="import_user",
                table_name="users",
                row_key=email,
                detail={"before": before, "after": after},
            )
    session.flush()
    return TableCounts("users", len(frame), added, updated, len(frame) - added - updated)


def _user_as_logged(user: User | None, buildings: set[str], new: dict | None = None) -> dict | None:
    """A user's role, name and buildings for the audit log (`new`: a row just added)."""
    if user is None and new is None:
        return None
    source = new if user is None else {"role": user.role, "name": user.name}
    return {"role": source["role"], "name": source.get("name"), "building_ids": sorted(buildings)}


ACTION_FIELDS = (
    "building_id",
    "title",
    "owner_email",
    "due_date",
    "status",
    "fidelity_check",
    "outcome_check",
)


def _summary(values: dict) -> str:
    return "; ".join(
        f"{name}: {value.isoformat() if hasattr(value, 'isoformat') else value}"
        for name, value in values.items()
    )


def load_actions(
    session: Session, checked: CheckedTable, *, actor: str, now: datetime
) -> TableCounts:
    """New action ids are created, known ones updated (version and history as in the app); every
    change gets a history row with field 'imported'."""
    frame = checked.frame
    present = [name for name in ACTION_FIELDS if name in frame.columns]
    added = updated = 0
    for record in checked.records():
        values = {name: record[name] for name in present}
        values["status"] = values.get("status") or "open"
        values["fidelity_check"] = values.get("fidelity_check") or "not_started"
        action_id = int(record["action_id"])
        action = session.get(Action, action_id)
        if action is None:
            created = record.get("created_at") or now
            session.add(
                Action(
                    action_id=action_id,
                    **values,
                    created_at=created,
                    updated_at=record.get("updated_at") or created,
                    version=1,
                )
            )
            session.flush()
            session.add(
                ActionUpdate(
                    action_id=action_id,
                    changed_at=now,
                    changed_by=actor,
                    field="imported",
                    new_value=_summary(values),
                    version=1,
                )
            )
            added += 1
            continue
        changed = {name: value for name, value in values.items() if getattr(action, name) != value}
        if not changed:
            continue
        old = {name: getattr(action, name) for name in changed}
        for name, value in changed.items():
            setattr(action, name, value)
        action.version += 1
        action.updated_at = record.get("updated_at") or now
        session.add(
            ActionUpdate(
                action_id=action_id,
                changed_at=now,
                changed_by=actor,
                field="imported",
                old_value=_summary(old),
                new_value=_summary(changed),
                version=action.version,
            )
        )
        updated += 1
    session.flush()
    _move_action_ids_sequence(session)
    return TableCounts("actions", len(frame), added, updated, len(frame) - added - updated)


def _move_action_ids_sequence(session: Session) -> None:
    """Explicit action ids leave PostgreSQL's sequence behind; the next action saved in the app
    would collide. (SQLite continues from the largest id by itself.)"""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text(
            "SELECT setval(pg_get_serial_sequence('actions', 'action_id'), "
            "(SELECT COALESCE(MAX(action_id), 1) FROM actions))"
        )
    )
