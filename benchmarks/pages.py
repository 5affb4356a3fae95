"""Every page for every role, cold (all caches cleared, a fresh AppTest) and warm (the same page run
again), with Streamlit's AppTest in this process against DATABASE_URL.

A role's preview (session_state "preview_role" / "preview_buildings", as tests/test_roles_pages.py
uses) builds the same access and scope sign-in does. A page the role may not open is not in its
navigation: it is listed as skipped, not timed.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
ROLES = ("district_admin", "district_leader", "principal", "coach", "viewer")


@dataclass
class PageTiming:
    page: str
    role: str
    cold: list[float] = field(default_factory=list)
    cold_cpu: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    warm_cpu: list[float] = field(default_factory=list)
    skipped: str = ""

    def summary(self) -> dict:
        row = {"page": self.page, "role": self.role, "skipped": self.skipped}
        for name in ("cold", "cold_cpu", "warm", "warm_cpu"):
            runs = getattr(self, name)
            row[name] = round(statistics.median(runs), 3) if runs else None
            row[f"{name}_runs"] = [round(s, 3) for s in runs]
        return row


def role_buildings(url: str) -> dict[str, list[str] | None]:
    """A principal of the first building, a coach of the first two, a viewer of none."""
    from sqlalchemy import select

    from data_access.db import session_scope
    from data_access.models import Building

    with session_scope(url) as session:
        first = list(
            session.execute(select(Building.building_id).order_by(Building.building_id).limit(2))
            .scalars()
            .all()
        )
    return {
        "district_admin": None,
        "district_leader": None,
        "principal": first[:1],
        "coach": first[:2],
        "viewer": [],
    }


def open_entry(role: str, buildings: list[str] | None):
    """A fresh AppTest as this role, on the entry page (Overview)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    app.session_state["preview_role"] = role
    if buildings is not None:
        app.session_state["preview_buildings"] = buildings
    app.run()
    return app


def timed(app, page: str | None) -> tuple[float, float]:
    """Wall-clock seconds and this process's CPU seconds of one script run (switching to `page`
    first when given). CPU time leaves out waiting for a core on a busy machine; on PostgreSQL the
    server's own work is not in it."""
    started, cpu = time.perf_counter(), time.process_time()
    if page:
        app.switch_page(f"pages/{page}.py")
    app.run()
    elapsed, cpu_elapsed = time.perf_counter() - started, time.process_time() - cpu
    if app.exception:
        raise RuntimeError(f"{page} failed: {[error.value for error in app.exception]}")
    return elapsed, cpu_elapsed


def time_page(page: str, role: str, buildings: list[str] | None, runs: int) -> PageTiming:
    import streamlit as st

    timing = PageTiming(page=page, role=role)
    for _ in range(runs):
        app = open_entry(role, buildings)
        st.cache_data.clear()
        st.cache_resource.clear()
        try:
            seconds, cpu = timed(app, page)
        except ValueError as error:
            if "Could not find a navigation page" not in str(error):
                raise
            timing.skipped = "not in this role's navigation"
            return timing
        except RuntimeError as error:  # the page raised: reported in the table, the run goes on
            timing.skipped = f"FAILED: {error}"[:200]
            return timing
        timing.cold.append(seconds)
        timing.cold_cpu.append(cpu)
        seconds, cpu = timed(app, None)
        timing.warm.append(seconds)
        timing.warm_cpu.append(cpu)
    return timing


def time_every_page(
    url: str, runs: int, roles: tuple[str, ...] = ROLES, pages: list[str] | None = None
) -> list[dict]:
    buildings = role_buildings(url)
    rows = []
    for role in roles:
        for page in pages or PAGES:
            timing = time_page(page, role, buildings[role], runs)
            row = timing.summary()
            rows.append(row)
            if row["skipped"]:
                print(f"  {role:<16} {page:<14} skipped: {row['skipped']}", flush=True)
            else:
                print(
                    f"  {role:<16} {page:<14} cold {row['cold']:6.2f} s (CPU {row['cold_cpu']:5.2f})"
                    f"  warm {row['warm']:5.2f} s (CPU {row['warm_cpu']:5.2f})",
                    flush=True,
                )
    return rows
