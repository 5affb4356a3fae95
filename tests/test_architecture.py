"""The house rules that keep the code easy to find one's way in (ARCHITECTURE.md): the layering
contract in `.importlinter` holds (no import cycles, data_access never imports Streamlit or
components), nothing imports a page, and every page stays a short script of layout."""

from __future__ import annotations

import ast
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PAGE_LINES = 300


def test_the_layering_contract_holds(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True) == 0


def test_no_page_is_longer_than_a_layout_script():
    lengths = {
        path.name: len(path.read_text().splitlines()) for path in (ROOT / "pages").glob("*.py")
    }
    assert len(lengths) >= 9
    assert {name: n for name, n in lengths.items() if n > PAGE_LINES} == {}


def test_nothing_imports_a_page():
    importers = []
    for folder in ("components", "data_access"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = (
                    [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                ) + ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(name == "pages" or name.startswith("pages.") for name in names):
                    importers.append(str(path.relative_to(ROOT)))
    assert importers == []
