"""Import contracts: the layers of the project, read from the code's own imports with grimp.

grimp sees every import, including those inside functions, so a lazy import cannot hide an
arrow that runs back up. The contracts are the architecture the folders show:

    macros                      operations and thin entry points (CLI, xlwings)
    generators                  named pipelines over templates/
    workbook.rules              checks, merge, submission status
    workbook.files              master, department file, intake, archive, plan import
    workbook.sheets             one module per sheet: layout, reader, writer
    workbook.domain             plan, returns, grades, aggregation, settings, problems (no files)
    workbook.ooxml              the package layer: parts, relationships, sheet XML, buttons, VBA
    workbook.errors             the exceptions every layer raises
"""
from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("workbook", "macros", "generators")
LAYERS = ("macros", "generators", "workbook.rules", "workbook.files", "workbook.sheets",
          "workbook.domain", "workbook.ooxml", "workbook.errors")
# Modules that may import these outside packages, by prefix of the importing module.
RESTRICTED = {
    "zipfile": ("workbook.ooxml", "workbook.files"),
    "lxml": ("workbook.ooxml", "workbook.files"),
    "python_calamine": ("workbook.ooxml", "workbook.files"),
    "unicodedata": ("workbook.domain.normalize",),
}
MAX_CALAMINE_MODULES = 2
ATOMIC_SAVE = "workbook/ooxml/save.py"
MAX_LINES = 400


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*PACKAGES, include_external_packages=True, cache_dir=None)


def _modules(graph, package: str) -> set[str]:
    return {m for m in graph.modules if m == package or m.startswith(package + ".")}


def test_layers_import_only_downward(graph):
    problems = []
    for i, upper in enumerate(LAYERS):
        for lower in LAYERS[i + 1:]:
            for importer in _modules(graph, lower):
                for imported in graph.find_modules_directly_imported_by(importer):
                    if imported == upper or imported.startswith(upper + "."):
                        problems.append(f"{importer} -> {imported}")
    assert problems == []


def test_every_project_module_belongs_to_a_layer(graph):
    internal = set().union(*(_modules(graph, p) for p in PACKAGES))
    loose = sorted(m for m in internal
                   if not any(m == layer or m.startswith(layer + ".") for layer in LAYERS)
                   and m not in ("workbook",))
    assert loose == []


def test_no_import_cycle_anywhere(graph):
    internal = set().union(*(_modules(graph, p) for p in PACKAGES))
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m) if i in internal} for m in internal}
    assert _cycles(edges) == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module, or a module importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges[v]:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize("external", sorted(RESTRICTED))
def test_restricted_imports_stay_in_their_layer(graph, external):
    importers = sorted(graph.find_modules_that_directly_import(external))
    allowed = RESTRICTED[external]
    assert [m for m in importers if not any(m == a or m.startswith(a + ".") for a in allowed)] == []
    if external == "python_calamine":
        assert len(importers) <= MAX_CALAMINE_MODULES, importers


def _sources(folders=PACKAGES):
    for package in folders:
        yield from sorted((ROOT / package).rglob("*.py"))


def test_os_replace_only_in_the_atomic_save():
    users = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("replace", "rename") \
                    and isinstance(node.value, ast.Name) and node.value.id == "os":
                users.append(path.relative_to(ROOT).as_posix())
            if isinstance(node, ast.ImportFrom) and node.module == "os" \
                    and any(a.name in ("replace", "rename") for a in node.names):
                users.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(users)) == [ATOMIC_SAVE]


def test_workbook_shows_its_layers():
    direct = sorted(p.name for p in (ROOT / "workbook").glob("*.py"))
    assert len(direct) <= 6, direct
    assert {p.name for p in (ROOT / "workbook").iterdir() if (p / "__init__.py").exists()} >= \
        {"ooxml", "domain", "sheets", "files", "rules"}


def test_tests_mirror_the_package():
    """A test module sits in the folder of the package it tests (tests/workbook/files/ for
    workbook/files/); only the cross-cutting suites have folders of their own."""
    cross_cutting = {"architecture", "conformance"}
    astray = [path.relative_to(ROOT).as_posix() for path in (ROOT / "tests").rglob("test_*.py")
              if (folder := path.parent.relative_to(ROOT / "tests")).parts
              and folder.parts[0] not in cross_cutting and not (ROOT / folder / "__init__.py").exists()]
    assert astray == []


def test_no_module_over_400_lines():
    folders = PACKAGES + ("templates", "benchmarks", "tests")        # the tests are modules too
    long = {path.relative_to(ROOT).as_posix(): n for path in _sources(folders)
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
