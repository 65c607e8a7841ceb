"""The house's import rules, read from the source (``tests/import_graph.py``): no circles,
and no arrow pointing up the flow (load → claims → retrieve → score → verdict → pipeline →
report → cli / service). ``docs/architecture.md`` draws the same layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.import_graph import Graph, cycles, module_graph, unit_graph, unit_of

#: The units under everything: unit → all it may import (a unit is a top-level module or a
#: sub-package).
ONLY: dict[str, set[str]] = {"errors": set(), "model": set(), "config": {"errors"}}

#: unit → the units it must never import.
FORBIDDEN: dict[str, set[str]] = {
    # Loaders read files into Documents: no model, no index, no storage.
    "load": {"score", "embed", "e5", "retrieve", "claims", "judge", "verdict", "pipeline",
             "store", "scorecache", "corpus", "batch", "report", "service", "cli"},
    # Storage knows rows, nothing above: the caches call it, never the reverse.
    "store": {"score", "scorecache", "embed", "retrieve", "verdict", "pipeline", "batch",
              "report", "service", "cli"},
    "scorecache": {"pipeline", "verdict", "batch", "report", "service", "cli"},
    # Scorers read pairs: they know neither the flow nor the decision nor storage.
    "score": {"retrieve", "claims", "judge", "verdict", "pipeline", "store", "scorecache",
              "corpus", "thread", "stance", "batch", "report", "service", "cli", "evaluate"},
    "retrieve": {"score", "judge", "verdict", "pipeline", "batch", "report", "service", "cli"},
    "verdict": {"pipeline", "store", "scorecache", "batch", "report", "service", "cli"},
    "pipeline": {"report", "batch", "service", "cli", "store"},
    # Renderers read a finished Report.
    "report": {"score", "embed", "retrieve", "verdict", "judge", "pipeline", "store",
               "scorecache", "batch", "service", "cli"},
    "batch": {"service", "cli"},
    "evaluate": {"pipeline", "service", "cli", "batch"},
}  # fmt: skip

#: The thin layers on top: only they (and the entry point) may import them.
TOP = {"cli": {"__main__"}, "service": {"cli"}}


def _short(unit: str) -> str:
    return unit.removeprefix("sourcecheck.")


def violations(graph: Graph) -> list[str]:
    units = unit_graph(graph)
    known = {_short(u) for u in units}
    found = []
    for unit, targets in sorted(units.items()):
        name = _short(unit)
        banned = known - ONLY[name] if name in ONLY else FORBIDDEN.get(name, set())
        banned = banned | {top for top, allowed in TOP.items() if name not in allowed}
        for target in sorted(targets):
            if _short(target) in banned and _short(target) != name:
                modules = sorted(
                    f"{a} -> {b}"
                    for a, bs in graph.items()
                    if unit_of(a) == unit
                    for b in bs
                    if unit_of(b) == target
                )
                found.append(f"{name} must not import {_short(target)}: {'; '.join(modules)}")
    return found


def test_no_module_imports_its_way_back_to_itself() -> None:
    assert cycles(module_graph()) == []


def test_no_package_imports_its_way_back_to_itself() -> None:
    assert cycles(unit_graph(module_graph())) == []


def test_no_import_points_up_the_flow() -> None:
    assert violations(module_graph()) == []


def test_every_rule_names_a_unit_that_exists() -> None:
    units = {_short(u) for u in unit_graph(module_graph())}
    named = set(FORBIDDEN) | {t for ts in FORBIDDEN.values() for t in ts} | set(TOP) | set(ONLY)
    assert named <= units


@pytest.fixture
def bad_package(tmp_path: Path) -> Path:
    """A package that breaks the rules: a loader importing a scorer, a circle, and the
    storage importing the pipeline lazily, inside a function."""
    pkg = tmp_path / "sourcecheck"
    (pkg / "load").mkdir(parents=True)
    (pkg / "score").mkdir()
    files = {
        "__init__.py": "",
        "model.py": "",
        "load/__init__.py": "from sourcecheck.score import thing\n",
        "score/__init__.py": "from sourcecheck.model import X\nthing = 1\n",
        "store.py": "def f():\n    from sourcecheck import pipeline\n",
        "pipeline.py": "import sourcecheck.retrieve\n",
        "retrieve.py": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from sourcecheck.report import R\nfrom . import pipeline\n"
        ),
        "report.py": "",
    }
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_rules_catch_what_they_forbid(bad_package: Path) -> None:
    graph = module_graph(bad_package)
    assert graph["sourcecheck.retrieve"] == {"sourcecheck.pipeline"}  # TYPE_CHECKING left out
    assert cycles(graph) == [["sourcecheck.pipeline", "sourcecheck.retrieve"]]
    found = violations(graph)
    assert any(v.startswith("load must not import score") for v in found)
    assert any(
        v.startswith("store must not import pipeline: sourcecheck.store -> sourcecheck.pipeline")
        for v in found
    )
    assert not any(v.startswith("model must not import") for v in found)
    (bad_package / "sourcecheck" / "model.py").write_text("import sourcecheck.report\n")
    assert any(
        v.startswith("model must not import report") for v in violations(module_graph(bad_package))
    )
