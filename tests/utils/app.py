"""Opening the app at a page as a role, the way a person does: through dashboard.py, its router and
local mode's role preview (which builds the same UserAccess and scope sign-in does). Never a patched
scope."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(path.stem for path in (ROOT / "pages").glob("*.py"))


def open_page(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    page: str | None = None,
    *,
    role: str = "district_admin",
    buildings: list[str] | None = None,
    query: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> AppTest:
    """Run the app on the store at `url` as `role` (with `buildings` for a principal or coach) and
    open `page` (a name in pages/, e.g. "equity"; None: stay on the default page), following a link
    with `query` as its query parameters; `env` sets more environment variables."""
    monkeypatch.setenv("DATABASE_URL", url)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    app.session_state["preview_role"] = role
    if buildings is not None:
        app.session_state["preview_buildings"] = buildings
    # The link's parameters are there from the first run (an address opened directly) and again for
    # the page switched to (a page switch starts without them).
    for name, value in (query or {}).items():
        app.query_params[name] = value
    app.run()
    for name, value in (query or {}).items():
        app.query_params[name] = value
    if page is not None or query:
        app.switch_page(f"pages/{page or 'overview'}.py")
        app.run()
    return app


def open_tab(app: AppTest, label: str) -> AppTest:
    """Open the tab labelled `label` on a page whose tabs are bound to the address (`?tab=`), as a
    click on it does: only the open tab's content runs."""
    app.query_params["tab"] = label
    app.session_state["tab"] = label  # the tabs' own state, once they have been drawn
    return app.run()
