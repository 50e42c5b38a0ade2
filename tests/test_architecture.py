"""The layout tells the architecture: small modules, thin pages, no import cycle, one Streamlit glue."""

from __future__ import annotations

import ast
import importlib.util

import pytest

from lib.paths import ROOT

MAX_MODULE_LINES = 450
MAX_PAGE_LINES = 100


def _cycles_script():
    spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "scripts" / "import_cycles.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _imports(path) -> set[str]:
    """Every module a file imports, at any depth (inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


LIB = sorted((ROOT / "lib").rglob("*.py"))
PAGES = sorted((ROOT / "pages").glob("*.py"))


def test_no_import_cycle_inside_lib():
    script = _cycles_script()
    assert script.cycles(script.edges(script.modules())) == []


def test_the_cycle_finder_sees_function_level_imports(tmp_path):
    # the check would be worthless if an import hidden in a function escaped it
    script = _cycles_script()
    graph = {"lib.a": {"lib.b"}, "lib.b": {"lib.a"}, "lib.c": set()}
    assert script.cycles(graph) == [["lib.a", "lib.b"]]
    hidden = tmp_path / "m.py"
    hidden.write_text("def f():\n    from lib import derived\n")
    assert "lib" in _imports(hidden)


@pytest.mark.parametrize("path", LIB, ids=[str(p.relative_to(ROOT)) for p in LIB])
def test_no_module_of_lib_is_over_450_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_pages_are_thin(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_PAGE_LINES
    # no chart layers or frame work of their own: charts come from lib/domains/*/charts.py
    assert not {"altair", "pandas", "numpy"} & _imports(path)


def test_streamlit_is_imported_by_the_glue_package_only():
    """lib/webapp/ (engine and loaders, session and guard, widgets, links) is the one place of
    ``lib`` that imports Streamlit; every other module is plain Python."""
    users = [
        p.relative_to(ROOT).as_posix()
        for p in LIB
        if any(m.split(".")[0] == "streamlit" for m in _imports(p))
    ]
    assert users and all(u.startswith("lib/webapp/") for u in users), users
