"""The import graph of course_lib: no circle, and no import from a lower layer back up.

Every module is parsed with ``ast`` (nothing is imported), and every ``import`` counts,
whether at module level or inside a function: a late import that dodges a circle is still
an edge of the graph. The layers, bottom first:

- the course's content and teaching code: everything not listed below (optimizers,
  schedules, callbacks, nn, datasets, sparsity, lr_finder, problems, validation, ...);
- ``experiments``: the measured runs and their caches;
- ``plots``: the lessons' pictures;
- ``widgets``: the explorers.

Apart from these, the learner's side ``exercises`` and the instructor's ``grading``: the
grader imports the exercise side, never the reverse; neither imports the experiments, the
pictures or the explorers, and nothing in the bottom layer imports either. ``hub``, the
instructor's workshop tools, stands apart too: nothing else in course_lib imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import course_lib

ROOT = Path(course_lib.__file__).parent
STACKED = ("experiments", "plots", "widgets")
"""The layers above the bottom one, lowest first."""
APART = ("exercises", "grading", "hub")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def imported_modules(name: str, path: Path) -> set[str]:
    """The course_lib modules that ``name`` imports anywhere in its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # ``from package import submodule`` imports the submodule; anything else, the module.
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source
                       for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target.split(".")[0] == "course_lib")
    return found


def build_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    return {name: imported_modules(name, path) - {name} for name, path in modules.items()}


def layer(name: str) -> str:
    """``bottom``, or the top-level package of course_lib that ``name`` belongs to."""
    parts = name.split(".")
    if len(parts) > 1 and parts[1] in STACKED + APART:
        return parts[1]
    return "bottom"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected part of the graph that has one (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.append(member)
                if member == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Every edge that goes against the layers, as 'importer -> imported (rule)'."""
    rank = {"bottom": 0, **{name: k + 1 for k, name in enumerate(STACKED)}}
    found = []
    for source, targets in graph.items():
        for target in sorted(targets):
            here, there = layer(source), layer(target)
            if here == "bottom" and there != "bottom":
                found.append(f"{source} -> {target} (the bottom layer imports {there})")
            elif here in rank and there in rank and rank[there] > rank[here]:
                found.append(f"{source} -> {target} ({here} imports the higher layer {there})")
            elif there == "hub" and here != "hub":
                found.append(f"{source} -> {target} ({here} imports the hub tools)")
            elif here == "exercises" and there == "grading":
                found.append(f"{source} -> {target} (the exercise side imports the grader)")
            elif here in APART and there in STACKED:
                found.append(f"{source} -> {target} ({here} imports the explorers' layer {there})")
    return found


GRAPH = build_graph(MODULES)


def test_every_module_is_parsed_and_imports_resolve_to_modules():
    assert {"course_lib.optimizers", "course_lib.experiments.cache", "course_lib.plots.race",
            "course_lib.widgets.explorer"} <= set(GRAPH)
    unknown = {target for targets in GRAPH.values() for target in targets} - set(MODULES)
    assert not unknown, f"imports of modules that do not exist: {sorted(unknown)}"


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("def late():\n    from course_lib.widgets.panels import COLORS\n"
                       "    from . import race\n    from .. import sparsity\n")
    assert imported_modules("course_lib.plots.planted", planted) == {
        "course_lib.widgets.panels", "course_lib.plots.race", "course_lib.sparsity"}


def test_there_is_no_circle():
    found = cycles(GRAPH)
    assert not found, "import circles: " + "; ".join(" <-> ".join(part) for part in found)


def test_no_layer_imports_a_layer_above_it():
    found = violations(GRAPH)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("package", STACKED + APART)
def test_each_package_is_seen(package):
    assert any(layer(name) == package for name in GRAPH)


def test_the_rules_catch_what_they_forbid():
    planted = {
        "course_lib.sparsity": {"course_lib.plots.sparsity"},
        "course_lib.experiments.x": {"course_lib.widgets.explorer"},
        "course_lib.plots.x": {"course_lib.widgets.panels"},
        "course_lib.exercises.x": {"course_lib.grading.x"},
        "course_lib.grading.x": {"course_lib.exercises.x"},
        "course_lib.widgets.x": {"course_lib.plots.x", "course_lib.experiments.x"},
        "course_lib.grading.y": {"course_lib.plots.x"},
        "course_lib.exercises.y": {"course_lib.hub.links"},
    }
    assert violations(planted) == [
        "course_lib.sparsity -> course_lib.plots.sparsity (the bottom layer imports plots)",
        "course_lib.experiments.x -> course_lib.widgets.explorer (experiments imports the "
        "higher layer widgets)",
        "course_lib.plots.x -> course_lib.widgets.panels (plots imports the higher layer "
        "widgets)",
        "course_lib.exercises.x -> course_lib.grading.x (the exercise side imports the grader)",
        "course_lib.grading.y -> course_lib.plots.x (grading imports the explorers' layer plots)",
        "course_lib.exercises.y -> course_lib.hub.links (exercises imports the hub tools)",
    ]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
