"""The console's modules import each other without circles (issue 16, point 10), so a screen
can be read and changed on its own. Imports only for type annotations (under TYPE_CHECKING)
don't run and don't count: `actions` names `MainScreen` in its signatures, for instance."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest


def _circles(package: str) -> list[list[str]]:
    """Strongly connected groups (more than one module) of `package`'s run-time import graph."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=True)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm; the graph is a few dozen modules
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_the_console_has_no_import_circles() -> None:
    assert _circles("helpline_tui") == []


def test_the_check_finds_a_circle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from circled import b\n")
    (package / "b.py").write_text("from circled import a\n")
    (package / "c.py").write_text("from circled import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _circles("circled") == [["circled.a", "circled.b"]]
