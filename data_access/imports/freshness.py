"""How current each imported table is: its rows in the store and the last import that brought it."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from data_access.imports.tables import TABLES
from data_access.models import AuditLog

RECENT_IMPORTS = 500  # enough to find every table's last import in years of nightly loads


def get_import_freshness(session: Session) -> pd.DataFrame:
    """One row per importable table: rows in the store, when it was last imported, by whom, and
    what that import did to it. Tables only the demo ever filled say so."""
    imports = session.execute(
        select(AuditLog.at, AuditLog.actor, AuditLog.operation, AuditLog.detail)
        .where(AuditLog.operation.in_(("import", "load_demo", "clear_demo")))
        .order_by(AuditLog.at.desc(), AuditLog.audit_id.desc())
        .limit(RECENT_IMPORTS)
    ).all()
    last: dict[str, dict] = {}
    demo_removed = False  # newest first: a demo loaded before its removal no longer counts
    for at, actor, operation, detail in imports:
        try:
            facts = json.loads(detail or "{}")
        except ValueError:
            facts = {}
        if operation == "load_demo" and demo_removed:
            continue
        if operation == "clear_demo" or facts.get("replaced_demo"):
            demo_removed = True
        tables = facts.get("tables") if operation == "import" else facts.get("rows")
        for table, counts in (tables or {}).items():
            if table not in last:
                last[table] = {"at": at, "actor": actor, "operation": operation, "counts": counts}
    records = []
    for name, spec in TABLES.items():
        rows = session.execute(select(func.count()).select_from(spec.model)).scalar_one()
        seen = last.get(name)
        if seen is None:
            change = "built in or entered in the app" if rows else "never imported"
            when, who = None, ""
        elif seen["operation"] == "load_demo":
            when, who, change = seen["at"], "demo", "demo data"
        else:
            counts = seen["counts"]
            when, who = seen["at"], seen["actor"]
            change = (
                f"{counts.get('added', 0):,} added, {counts.get('updated', 0):,} updated, "
                f"{counts.get('unchanged', 0):,} unchanged"
            )
        records.append(
            {"table": name, "rows": rows, "last_import": when, "by": who, "change": change}
        )
    frame = pd.DataFrame(records, columns=["table", "rows", "last_import", "by", "change"])
    frame["last_import"] = pd.to_datetime(frame["last_import"], utc=True)
    return frame
