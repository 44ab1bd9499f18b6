"""Tests of the layout: imports point down the pipeline; each subpackage says what it holds."""

from __future__ import annotations

import ast
import importlib
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

#: What each part of ``roster`` may import from the rest of ``roster`` (and from
#: ``neighbourhoods``): the pipeline from the bottom up. ``cli`` sits on top and may use all.
ALLOWED = {
    "errors": set(),
    "model": {"errors"},
    "io": {"errors", "model"},
    "data": set(),
    "rounds": {"errors"},
    "geo": {"errors", "model", "io"},
    "scenario": {"errors", "data", "geo", "rounds", "neighbourhoods"},
    "demand": {"errors", "model", "io", "data", "geo", "scenario"},
    "commissioning": {"errors", "model", "io", "geo", "rounds", "neighbourhoods"},
    "comparison": {"errors", "model", "io", "geo", "scenario", "demand", "rounds", "commissioning"},
    "report": {"errors", "model", "io", "geo", "rounds", "commissioning", "comparison"},
    "studio": {
        "errors",
        "model",
        "io",
        "geo",
        "scenario",
        "demand",
        "commissioning",
        "comparison",
        "report",
        "neighbourhoods",
    },
}
SUBPACKAGES = ("geo", "demand", "rounds", "commissioning", "comparison", "report", "studio")


def _modules(package: str) -> dict[str, Path]:
    """Every module of a package by dotted name."""
    modules = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _imports(path: Path) -> set[str]:
    """Dotted names a module imports from roster or neighbourhoods (anywhere in it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {n for n in found if n.split(".")[0] in ("roster", "neighbourhoods")}


def _part(module: str) -> str:
    """Return the part of the pipeline a module belongs to: ``roster.geo.matrix`` -> ``geo``."""
    parts = module.split(".")
    return "neighbourhoods" if parts[0] == "neighbourhoods" else parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("module", sorted(_modules("roster")))
def test_imports_point_down_the_pipeline(module):
    """A module imports only its own part and the parts below it (cli excepted)."""
    part = _part(module)
    if part in ("", "cli"):
        return
    used = {_part(name) for name in _imports(_modules("roster")[module])} - {part, ""}
    assert used <= ALLOWED[part], f"{module} imports {sorted(used - ALLOWED[part])}"


def test_neighbourhoods_never_imports_roster():
    """The neighbourhoods package stands alone: it works on arrays and polygons."""
    for module, path in _modules("neighbourhoods").items():
        assert not {n for n in _imports(path) if n.startswith("roster")}, module


def test_no_import_circles():
    """No module imports one that (through others) imports it back, lazily or not.

    A package's ``__init__`` re-exports its modules; its modules import each other directly.
    """
    modules = {**_modules("roster"), **_modules("neighbourhoods")}
    graph = {}
    for module, path in modules.items():
        targets = set()
        for name in _imports(path):
            # "from roster.geo.network import x" names a module; "from roster import x" a package.
            while name not in modules and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in modules and name != module:
                targets.add(name)
        graph[module] = targets
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"import circle: {' -> '.join(error.args[1])}")


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_subpackage_says_what_it_holds(name):
    """One-line docstring and an explicit __all__ whose every name exists."""
    package = importlib.import_module(f"roster.{name}")
    doc = package.__doc__ or ""
    assert doc and "\n" not in doc.strip(), name
    assert package.__all__ and all(hasattr(package, item) for item in package.__all__)
    assert list(package.__all__) == sorted(package.__all__)
